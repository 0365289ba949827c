"""The trainer generator: events, determinism, stop/pause/resume, divergence, checkpoints."""

from __future__ import annotations

import math
import threading
from itertools import islice

import numpy as np
import pytest

import nn
from nn.training import (
    Diverged,
    EpochEnd,
    Finished,
    Paused,
    Resumed,
    StepEnd,
    Stopped,
    Trainer,
    TrainSettings,
    load_checkpoint,
    save_checkpoint,
)


@pytest.fixture(scope="module")
def blobs():
    ds = nn.datasets.load("blobs", n=300, seed=1)
    return (ds.x_train, ds.y_train), (ds.x_test, ds.y_test)


def make(blobs, opt="adam", lr=0.01, seed=0, **settings):
    (x, y), test = blobs
    model = nn.presets.build("multi_layer_net", hidden_sizes=[16], input_shape=(2,),
                             classes=3, seed=seed)
    st = TrainSettings(**{"batch_size": 32, "epochs": 3, "seed": seed, **settings})
    return Trainer(model, nn.optimizers.get(opt, lr=lr), (x[:240], y[:240]),
                   (x[240:], y[240:]), test, st)


def test_event_stream(blobs):
    trainer = make(blobs)
    events = list(trainer.run())
    steps = [e for e in events if isinstance(e, StepEnd)]
    epochs = [e for e in events if isinstance(e, EpochEnd)]
    assert len(steps) == 3 * trainer.steps_per_epoch == 24
    assert [e.iteration for e in steps] == list(range(1, 25))
    assert steps[7].epoch_progress == 1.0 and steps[8].epoch == 2
    assert all(s.lr == 0.01 and s.images_per_second > 0 for s in steps)
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert all(0 <= e.val_acc <= 1 and 0 <= e.test_acc <= 1 for e in epochs)
    assert isinstance(events[-1], Finished) and events[-1].epochs == 3
    assert events[-1].test_acc == epochs[-1].test_acc
    assert trainer.history.losses == [s.loss for s in steps]
    assert epochs[-1].test_acc > 0.8  # blobs are easy


def test_islice_and_same_seed_same_numbers(blobs):
    def losses(trainer):
        return [e.loss for e in islice(trainer.run(), 20) if isinstance(e, StepEnd)]

    first, second = losses(make(blobs)), losses(make(blobs))
    assert len(first) == 18 and first == second  # 20 events: 8 steps, epoch end, 8, epoch end
    other = losses(make(blobs, seed=5))
    assert other != first


def test_stop_and_continue_where_it_left_off(blobs):
    reference = [e.loss for e in make(blobs).run() if isinstance(e, StepEnd)]
    trainer = make(blobs)
    losses = []
    for event in trainer.run():
        if isinstance(event, StepEnd):
            losses.append(event.loss)
            if event.iteration == 5:
                trainer.stop()
    assert isinstance(event, Stopped) and event.iteration == 5
    for event in trainer.run():
        if isinstance(event, StepEnd):
            losses.append(event.loss)
    assert isinstance(event, Finished)
    assert losses == reference


def test_pause_blocks_until_resumed_from_another_thread(blobs):
    trainer = make(blobs)
    kinds = []
    for event in trainer.run():
        kinds.append(type(event))
        if isinstance(event, StepEnd) and event.iteration == 2:
            trainer.pause()
            threading.Timer(0.05, trainer.resume).start()
    assert Paused in kinds and Resumed in kinds
    assert kinds.index(Resumed) == kinds.index(Paused) + 1
    assert kinds[-1] is Finished


def test_stop_while_paused(blobs):
    trainer = make(blobs)
    gen = trainer.run()
    next(gen)
    trainer.pause()
    assert isinstance(next(gen), Paused)
    threading.Timer(0.05, trainer.stop).start()
    assert isinstance(next(gen), Stopped)


def test_learning_rate_changes_mid_run(blobs):
    trainer = make(blobs, opt="sgd", lr=0.1)
    lrs = []
    for event in trainer.run():
        if isinstance(event, StepEnd):
            lrs.append(event.lr)
            if event.iteration == 3:
                trainer.set_hyperparameters(lr=0.05)
    assert lrs[:3] == [0.1] * 3 and set(lrs[3:]) == {0.05}
    with pytest.raises(ValueError, match="learning rate"):
        trainer.set_hyperparameters(lr=-1)


def test_divergence_ends_with_a_clear_message(blobs):
    (x, y), test = blobs
    model = nn.presets.build("multi_layer_net", hidden_sizes=[50, 50], input_shape=(2,),
                             classes=3, init="std1")
    trainer = Trainer(model, nn.optimizers.get("sgd", lr=10.0), (x * 100, y), None, None,
                      TrainSettings(batch_size=32, epochs=5))
    events = list(trainer.run())
    last = events[-1]
    assert isinstance(last, Diverged)
    assert "diverged" in last.reason and "learning rate (10)" in last.reason
    assert all(math.isfinite(e.loss) for e in events if isinstance(e, StepEnd))
    again = list(trainer.run())  # a diverged trainer does not continue
    assert len(again) == 1 and isinstance(again[0], Diverged)


def test_best_checkpoint_and_add_epochs(blobs):
    trainer = make(blobs, epochs=2)
    events = list(trainer.run())
    best = max((e for e in events if isinstance(e, EpochEnd)), key=lambda e: e.val_acc)
    assert trainer.best_epoch == best.epoch
    trainer.add_epochs(1)
    more = [e for e in trainer.run() if isinstance(e, EpochEnd)]
    assert [e.epoch for e in more] == [3]
    assert trainer.restore_best()
    loss, acc = trainer.evaluate(trainer.val)
    assert acc == pytest.approx(trainer.best_val_acc)


def test_iteration_budget_finishes_mid_epoch_with_metrics(blobs):
    trainer = make(blobs, epochs=100, max_iterations=10)
    events = list(trainer.run())
    assert sum(isinstance(e, StepEnd) for e in events) == 10
    assert isinstance(events[-1], Finished)
    assert 0 <= events[-1].test_acc <= 1 and 0 <= events[-1].train_acc <= 1


def test_checkpoint_resume_matches_uninterrupted_run(blobs, tmp_path):
    reference = [e.loss for e in make(blobs, opt="momentum").run() if isinstance(e, StepEnd)]
    trainer = make(blobs, opt="momentum")
    for event in trainer.run():
        if isinstance(event, StepEnd) and event.iteration == 11:
            trainer.stop()
    path = tmp_path / "run.ckpt.npz"
    save_checkpoint(trainer, path, extra={"note": "x"})
    (x, y), test = blobs
    resumed, extra = load_checkpoint(path, (x[:240], y[:240]), (x[240:], y[240:]), test)
    assert extra == {"note": "x"}
    losses = list(resumed.history.losses)
    losses += [e.loss for e in resumed.run() if isinstance(e, StepEnd)]
    assert losses == reference
    with pytest.raises(nn.ModelFileError, match="not 100"):
        load_checkpoint(path, (x[:100], y[:100]))
    with pytest.raises(nn.ModelFileError, match="not a checkpoint file"):
        nn.save_model(resumed.model, tmp_path / "model.npz")
        load_checkpoint(tmp_path / "model.npz", (x, y))


def test_settings_validation():
    with pytest.raises(ValueError, match="batch_size"):
        TrainSettings(batch_size=0)
    with pytest.raises(ValueError, match="epochs"):
        TrainSettings(epochs=1.5)
    with pytest.raises(ValueError, match="max_iterations"):
        TrainSettings(max_iterations=0)
    with pytest.raises(ValueError, match="labels"):
        Trainer(nn.presets.build("two_layer_net"), nn.optimizers.get("sgd"),
                (np.zeros((3, 784)), np.zeros(2)))


def test_history_csv_and_json(blobs, tmp_path):
    trainer = make(blobs, epochs=2)
    list(trainer.run())
    trainer.history.write_csv(tmp_path / "epochs.csv")
    lines = (tmp_path / "epochs.csv").read_text().splitlines()
    assert lines[0].startswith("epoch,iteration,train_loss,train_acc,val_loss,val_acc")
    assert len(lines) == 3
    trainer.history.write_csv(tmp_path / "iters.csv", kind="iterations")
    assert len((tmp_path / "iters.csv").read_text().splitlines()) == 1 + 16
    restored = nn.training.History.from_dict(trainer.history.to_dict())
    assert restored == trainer.history


@pytest.mark.parametrize(("epochs", "batch", "limit", "expected"),
                         [(3, 16, None, 3 * 7), (3, 16, 10, 10), (2, 100, 500, 2), (1, 1, 3, 3)])
def test_planned_steps_is_epochs_times_batches_capped_by_max_iterations(epochs, batch, limit,
                                                                          expected):
    settings = TrainSettings(batch_size=batch, epochs=epochs, max_iterations=limit)
    assert settings.planned_steps(100) == expected
    x = np.zeros((100, 2), np.float32)
    y = np.arange(100) % 2
    model = nn.Sequential([{"type": "Dense", "config": {"units": 2}}], (2,))
    trainer = Trainer(model, nn.optimizers.get("sgd"), (x, y), settings=settings)
    assert trainer.planned_steps == expected
    list(trainer.run())
    assert trainer.iteration == expected  # what was planned is what ran
