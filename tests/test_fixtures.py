"""Old-format files keep loading: the committed fixtures of ``tests/fixtures/``.

Each file was written once by the code of its time (``tests/fixtures/make_fixtures.py``) and is
never regenerated here; beside it sits what it must load as. A change to a loader, a layer's
config or an optimizer that breaks an existing user's file fails one of these tests. (The
checkpoint fixture is checked in ``tests/nn/test_trainer_state.py``.)
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.compare import Comparison, Variant
from nn.experiment import RunConfig, load_experiment, make_trainer, prepare_data

FIXTURES = Path(__file__).parent / "fixtures"


def _json(name: str):
    return json.loads((FIXTURES / name).read_text())


def test_model_v1_loads_with_its_config_weights_and_outputs():
    model = nn.load_model(FIXTURES / "model-v1.npz")
    expected = _json("model-v1-expected.json")
    assert model.to_config() == expected["config"]
    assert model.metadata == expected["metadata"]
    with np.load(FIXTURES / "model-v1-expected.npz") as arrays:
        state = model.state_dict()
        own = set(arrays.files) - {"x", "y"}
        assert set(state) == own and "1.running_mean" in own  # BatchNorm buffers included
        for key in own:
            assert state[key].dtype == arrays[key].dtype
            assert np.array_equal(state[key], arrays[key]), key
        np.testing.assert_allclose(model.forward(arrays["x"]), arrays["y"], rtol=1e-5,
                                   atol=1e-6)


def test_model_v1_layers_keep_their_non_default_settings():
    model = nn.load_model(FIXTURES / "model-v1.npz")
    conv, bn, leaky, pool, _, dense = model.layers[:6]
    assert (conv.filters, conv.pad, conv.init) == (3, 1, "xavier")
    assert (bn.momentum, bn.eps, leaky.alpha, pool.pool_size) == (0.8, 1e-5, 0.1, (2, 2))
    assert dense.init == "std0.05" and model.layers[7].rate == 0.3


def test_session_v1_loads_with_its_builder_setup_history_model_and_trainer_state():
    from workbench.core.session import load_session

    session = load_session(FIXTURES / "session-v1.nnwb")
    expected = _json("session-v1-expected.json")
    assert session.builder == expected["builder"]
    assert session.setup == expected["setup"]
    assert (session.status, session.message) == (expected["status"], expected["message"])
    assert session.history.to_dict() == expected["history"]
    with np.load(FIXTURES / "session-v1-expected.npz") as arrays:
        state = session.model.state_dict()
        assert set(state) == set(arrays.files)
        for key in arrays.files:
            assert np.array_equal(state[key], arrays[key]), key
    trainer = session.trainer
    assert trainer["optimizer_iterations"] == expected["trainer"]["optimizer_iterations"]
    assert trainer["progress"]["iteration"] == expected["trainer"]["iteration"]
    assert trainer["progress"]["epoch"] == expected["trainer"]["epoch"]
    assert trainer["order"] is not None and trainer["progress"]["position"] > 0  # mid-epoch


def test_session_v1_setup_and_builder_still_apply():
    from workbench.core.session import load_session
    from workbench.state import BuilderState, TrainingSetup

    session = load_session(FIXTURES / "session-v1.nnwb")
    setup = TrainingSetup()
    setup.load_dict(session.setup)
    assert setup.to_dict() == session.setup
    builder = BuilderState()
    b = session.builder
    builder.load_dict(b)
    assert builder.to_dict() == {**b, "input_shape": list(b["input_shape"])}
    assert builder.validation().ok
    assert builder.build(seed=4).to_config()["layers"] == session.model.to_config()["layers"]


def _recorded_losses(history: dict) -> np.ndarray:
    return np.array(history["losses"], dtype=np.float64)


def test_train_experiment_v1_reads_as_its_run_config_and_reruns_the_recorded_losses():
    doc = load_experiment(FIXTURES / "experiment-train-v1.json")
    assert doc["kind"] == "train" and doc["version"] == 1
    run = RunConfig.from_dict(doc["config"])
    assert run.to_dict() == doc["config"]
    assert run.optimizer["schedule"] == {"name": "cosine", "total_steps": 12}
    trainer = make_trainer(run, prepare_data(run.data))
    list(trainer.run())
    recorded = doc["results"]["history"]
    assert trainer.history.iterations == recorded["iterations"]
    # float32 arithmetic: the same numbers on this machine, within rounding on another CPU
    np.testing.assert_allclose(trainer.history.losses, _recorded_losses(recorded), rtol=1e-4)
    np.testing.assert_allclose(trainer.history.lrs, recorded["lrs"], rtol=1e-12)


def test_compare_experiment_v1_reads_as_its_variants_and_reruns_the_recorded_histories():
    doc = load_experiment(FIXTURES / "experiment-compare-v1.json")
    assert doc["kind"] == "compare"
    config, results = doc["config"], doc["results"]
    base = RunConfig.from_dict(config["base"])
    variants = [Variant(v["label"], v["overrides"]) for v in config["variants"]]
    assert [v.label for v in variants] == ["sgd:0.1", "adam:0.01"] and config["seeds"] == [0, 1]
    comparison = Comparison(base, variants, config["seeds"])
    list(comparison.run())
    again = comparison.results()
    assert again["variants"] == results["variants"] and again["seeds"] == results["seeds"]
    for row, recorded_row in zip(again["histories"], results["histories"], strict=True):
        for history, recorded in zip(row, recorded_row, strict=True):
            np.testing.assert_allclose(history["losses"], _recorded_losses(recorded),
                                       rtol=1e-4)
    assert [s["label"] for s in results["summary"]] == ["sgd:0.1", "adam:0.01"]


@pytest.mark.parametrize("name", ["experiment-train-v1.json", "experiment-compare-v1.json"])
def test_the_command_line_accepts_the_experiment_files_as_config(name):
    from workbench.cli.config import load_config_file

    run = load_config_file(str(FIXTURES / name))
    doc = load_experiment(FIXTURES / name)["config"]
    assert run.to_dict() == doc.get("base", doc)
