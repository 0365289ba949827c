"""One computation of a run's length (TrainSettings.planned_steps): the command line and the
Build & Train page give a cosine schedule the same length, and the same learning rates step by
step, when max_iterations cuts the run short (the page used to ignore the cap)."""

from __future__ import annotations

import json

import numpy as np

from nn.experiment import ModelSpec, make_trainer, prepare_data
from workbench.cli import run_cli
from workbench.state import TrainingSetup


def test_gui_and_cli_plan_the_same_cosine_run_when_max_iterations_caps_it(tmp_path, capsys):
    # 160 moons points, 10 % validation: 144 training samples, 9 batches of 16 per epoch;
    # 4 epochs would be 36 steps, max_iterations stops at 20.
    path = tmp_path / "run.json"
    code = run_cli(["train", "--dataset", "moons", "--toy-points", "160", "--preset",
                    "two_layer_net", "--optimizer", "sgd", "--lr", "0.1", "--schedule",
                    "cosine", "--epochs", "4", "--batch-size", "16", "--max-iterations", "20",
                    "--seed", "2", "--experiment", str(path), "-q"])
    capsys.readouterr()
    assert code == 0
    doc = json.loads(path.read_text())
    cli_schedule = doc["config"]["optimizer"]["schedule"]
    cli_lrs = doc["results"]["history"]["lrs"]

    setup = TrainingSetup()
    setup.set_dataset("moons")
    setup.set_data(toy_n=160)
    setup.set_optimizer("sgd")
    setup.set_hyperparameter("lr", 0.1)
    setup.set_schedule("cosine", min_factor=0.0)
    setup.set_training(epochs=4, batch_size=16, max_iterations=20, seed=2)
    data = prepare_data(setup.data)
    steps = -(-len(data.train[0]) // setup.training.batch_size)
    run = setup.run_config(ModelSpec(preset="two_layer_net"), steps)
    gui_schedule = run.optimizer["schedule"]

    assert steps == 9 and setup.training.planned_steps(len(data.train[0])) == 20
    assert cli_schedule["total_steps"] == gui_schedule["total_steps"] == 20
    trainer = make_trainer(run, data)
    list(trainer.run())
    assert trainer.iteration == trainer.planned_steps == 20
    np.testing.assert_allclose(trainer.history.lrs, cli_lrs, rtol=1e-12)
    assert cli_lrs[-1] < 0.002  # the rate really reaches its end when the run does

