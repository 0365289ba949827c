"""Divergence detection in the trainer (issue 15 point 3): an exploding loss and a collapse to
chance stop the run with a message saying what to try — and the normal settings never do."""

from __future__ import annotations

import math
import re

import pytest

from nn.experiment import DataConfig, ModelSpec, RunConfig, make_trainer, prepare_data
from nn.training import Diverged, Finished, StepEnd, TrainSettings
from nn.training.divergence import DivergenceMonitor, chance_accuracy

TOY_MODEL = ModelSpec("multi_layer_net", {"hidden_sizes": [32, 32]})  # the CLI's toy default
_DATA: dict[tuple, object] = {}


def _run(model: ModelSpec, data: DataConfig, optimizer: dict, **training) -> list:
    key = tuple(sorted(data.__dict__.items(), key=str))
    if key not in _DATA:
        _DATA[key] = prepare_data(data)
    trainer = make_trainer(RunConfig(model, data, optimizer, TrainSettings(**training)),
                           _DATA[key])
    return list(trainer.run())


@pytest.mark.parametrize(("label", "model", "data", "lr", "training"), [
    ("the README's SGD lr 10", ModelSpec("simple_convnet"), DataConfig("digits"), 10,
     {"epochs": 1}),
    ("SGD lr 1000", ModelSpec("simple_convnet"), DataConfig("digits"), 1000, {"epochs": 1}),
    ("spiral SGD lr 10", TOY_MODEL, DataConfig("spiral"), 10,
     {"epochs": 50, "batch_size": 32}),
])
def test_an_exploding_loss_stops_the_run_with_what_to_try(label, model, data, lr, training):
    """Before this, all three ended "Finished" (9.45 %, 10.3 %, 33.5 %: chance)."""
    events = _run(model, data, {"name": "sgd", "lr": lr}, **training)
    last = events[-1]
    assert isinstance(last, Diverged), label
    assert last.iteration <= 60  # soon after the explosion, not at the end of the run
    assert f"learning rate ({lr:g})" in last.reason
    assert "training diverged" in last.reason and "10 to 100 times smaller" in last.reason
    assert re.search(r"jumped to [\d.e+,]+ at iteration \d+( \(epoch 1\))?, [\d,]+ times the "
                     r"(loss of a uniform guess|starting loss) \(\d", last.reason), last.reason
    steps = [e for e in events if isinstance(e, StepEnd)]
    assert all(math.isfinite(e.loss) for e in steps)  # plots never see the exploded value


def test_a_loss_not_finite_from_the_first_step_is_not_blamed_on_the_learning_rate():
    """Weights of std 1e30 overflow before any update: that said "The learning rate (0.001)
    is probably too high" (issue 14 point 11's complaint about --toy-noise nan, for the init)."""
    events = _run(ModelSpec("two_layer_net", {"hidden_size": 8}, init="std1e30"),
                  DataConfig("digits", train_size=200), {"name": "adam", "lr": 0.001},
                  epochs=1)
    last = events[-1]
    assert isinstance(last, Diverged) and last.iteration == 1
    assert last.reason.startswith("The loss was NaN at the first step, iteration 1 (epoch 1), "
                                  "before the learning rate could change anything")
    assert "smaller initial weight scale" in last.reason and "0.001" not in last.reason
    monitor = DivergenceMonitor(chance=2.3)  # after a finite step, the learning rate is named
    assert monitor.step(2.3, 1, 1, 0.5) is None
    assert "The learning rate (0.5) is probably too high" in monitor.step(math.inf, 2, 1, 0.5)


def test_a_loss_that_stays_far_above_its_start_is_divergence():
    monitor = DivergenceMonitor(chance=2.3)
    reasons = [monitor.step(2.3 if i == 0 else 40.0, i + 1, 1, 0.5) for i in range(12)]
    assert reasons[:10] == [None] * 10
    assert "stayed above 10 times the loss of a uniform guess (2.3) for 10 steps" in reasons[10]
    # a trained model being continued starts far below the uniform guess: no false alarm
    monitor = DivergenceMonitor(chance=2.3)
    assert all(monitor.step(loss, i + 1, 1, 0.01) is None
               for i, loss in enumerate([0.01, 0.5, 1.5, 3.0, 0.2]))


def test_a_jump_is_divergence_only_if_the_loss_does_not_come_back():
    """RMSprop at lr 0.01 throws the loss to 330× its start and recovers within 8 steps;
    SGD at lr 10 throws it to 850× and leaves a dead network at 2.30 (chance)."""
    recovering = DivergenceMonitor(chance=2.3)
    losses = [2.38, 760, 21.5, 15.9, 9.8, 4.2, 3.9, 2.3, 1.87] + [1.5] * 100
    assert all(recovering.step(v, i + 1, 1, 0.01) is None for i, v in enumerate(losses))
    dead = DivergenceMonitor(chance=2.3)
    losses = [2.3, 2.28, 2.3, 3.0, 3.8, 4.4, 1950, 4.3, 3.3] + [2.31] * 100
    reasons = [dead.step(v, i + 1, 1, 10) for i, v in enumerate(losses)]
    fired = [i + 1 for i, r in enumerate(reasons) if r]
    assert fired[0] == 57  # 50 steps after the jump at iteration 7
    assert reasons[56].startswith("The loss jumped to 1,950 at iteration 7, 848 times the loss "
                                  "of a uniform guess (2.3), and in the 50 steps since has not "
                                  "come back below a uniform guess: training diverged")


def test_a_collapse_to_chance_after_learning_is_divergence():
    monitor = DivergenceMonitor()
    chance = chance_accuracy([0, 1, 2, 3] * 25)
    assert chance == 0.25
    assert monitor.epoch_end(0.30, chance, 1, 0.1) is None  # not learning yet is not diverging
    assert monitor.epoch_end(0.90, chance, 2, 0.1) is None
    assert monitor.epoch_end(0.70, chance, 3, 0.1) is None  # worse, but far from chance
    reason = monitor.epoch_end(0.26, chance, 4, 0.1)
    assert "fell back to 26.0 % at epoch 4" in reason and "after reaching 90.0 %" in reason
    # a run that never learned stays "not learning" (the book's std 0.01 net at 2.30)
    stuck = DivergenceMonitor()
    assert all(stuck.epoch_end(0.11, 0.11, e, 0.01) is None for e in range(1, 30))


def test_the_monitor_state_round_trips():
    monitor = DivergenceMonitor(chance=2.3)
    monitor.step(2.0, 1, 1, 0.1)
    monitor.epoch_end(0.8, 0.1, 1, 0.1)
    other = DivergenceMonitor()
    other.load_state(monitor.state())
    assert other.state() == monitor.state() == {"chance": 2.3, "first": 2.0, "above": 0,
                                                "exploded_at": 0, "peak": None,
                                                "best_train_acc": 0.8}
    fresh = DivergenceMonitor()
    fresh.load_state(DivergenceMonitor().state())
    assert math.isnan(fresh.chance) and fresh.best_train_acc == -math.inf


_DIGITS = DataConfig("digits")
_BOOK_MLP = ModelSpec("multi_layer_net", {"hidden_sizes": [100] * 4})


@pytest.mark.slow
@pytest.mark.parametrize(("label", "model", "data", "optimizer", "training"), [
    # the presets with the settings the CLI and the Build & Train page start from
    ("simple_convnet, Adam 0.001", ModelSpec("simple_convnet"), _DIGITS,
     {"name": "adam", "lr": 0.001}, {"epochs": 1}),
    ("two_layer_net, the book's SGD 0.1", ModelSpec("two_layer_net"), _DIGITS,
     {"name": "sgd", "lr": 0.1}, {"epochs": 3}),
    ("multi_layer_net, SGD 0.01", _BOOK_MLP, _DIGITS, {"name": "sgd", "lr": 0.01},
     {"epochs": 2}),
    ("multi_layer_net_extend BN + dropout, Adam", ModelSpec(
        "multi_layer_net_extend", {"use_batchnorm": True, "use_dropout": True}), _DIGITS,
     {"name": "adam", "lr": 0.001}, {"epochs": 2}),
    ("deep_convnet, Adam 0.001", ModelSpec("deep_convnet"), _DIGITS,
     {"name": "adam", "lr": 0.001}, {"epochs": 1, "max_iterations": 8}),
    *[(f"{name}, Adam 0.01", TOY_MODEL, DataConfig(name), {"name": "adam", "lr": 0.01},
       {"epochs": 50, "batch_size": 32})
      for name in ("xor", "circles", "moons", "spiral", "blobs")],
    ("spiral, SGD 0.1", TOY_MODEL, DataConfig("spiral"), {"name": "sgd", "lr": 0.1},
     {"epochs": 100, "batch_size": 32}),
    # the book's ch. 6 comparisons (Compare page): optimizers, initializers, overfitting
    *[(f"optimizers: {name} {lr}", _BOOK_MLP, DataConfig("digits", val_fraction=0.0),
       {"name": name, "lr": lr}, {"batch_size": 128, "epochs": 100, "max_iterations": 500})
      for name, lr in (("sgd", 0.01), ("momentum", 0.01), ("adagrad", 0.01),
                       ("adam", 0.001), ("nesterov", 0.01), ("adadelta", 1.0),
                       ("rmsprop", 0.01))],  # RMSprop's first step throws the loss to 760
    *[(f"initializers: {init}", ModelSpec("multi_layer_net", {"hidden_sizes": [100] * 4},
                                          init=init),
       DataConfig("digits", val_fraction=0.0), {"name": "sgd", "lr": 0.01},
       {"batch_size": 128, "epochs": 100, "max_iterations": 500})
      for init in ("std0.01", "xavier", "he")],
    *[(f"overfitting: {label}", ModelSpec("multi_layer_net_extend", {
        "hidden_sizes": [100] * 6, **options}),
       DataConfig("digits", train_size=300, val_fraction=0.0),
       {"name": "sgd", "lr": 0.01, **decay}, {"epochs": 60, "train_eval_size": None})
      for label, options, decay in (
          ("none", {}, {}), ("weight decay 0.1", {}, {"weight_decay": 0.1}),
          ("dropout 0.2", {"use_dropout": True, "dropout_rate": 0.2}, {}))],
])
def test_no_false_alarm_on_the_normal_settings(label, model, data, optimizer, training):
    events = _run(model, data, optimizer, **training)
    assert isinstance(events[-1], Finished), f"{label}: {getattr(events[-1], 'reason', '')}"
