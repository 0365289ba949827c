"""Trainer.state_dict / load_state_dict (issue 13, issue 15 point 13) and add_epochs (15.1)."""

from __future__ import annotations

import re
from itertools import islice
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.datasets import Augmenter
from nn.training import EpochEnd, Finished, StepEnd, Stopped, Trainer, TrainSettings
from nn.training.checkpoint import load_checkpoint, save_checkpoint


@pytest.fixture(scope="module")
def digits():
    ds = nn.datasets.load("digits")
    return (ds.x_train[:300], ds.y_train[:300]), (ds.x_train[300:400], ds.y_train[300:400])


def _trainer(digits, seed: int = 0, opt: str = "adam") -> Trainer:
    """Everything that carries state: Adam moments, BatchNorm buffers, Dropout masks, an
    augmenter's random draws, a shuffled order and best-validation weights."""
    train, val = digits
    model = nn.presets.build("multi_layer_net_extend", hidden_sizes=[24, 24], use_batchnorm=True,
                             use_dropout=True, dropout_rate=0.2, seed=seed)
    augment = Augmenter(max_shift=2, max_rotation=10, noise=True, noise_std=0.05)
    settings = TrainSettings(batch_size=32, epochs=3, seed=seed, train_eval_size=100)
    return Trainer(model, nn.optimizers.get(opt, lr=0.003), train, val, None, settings, augment)


def _weights(trainer: Trainer) -> dict[str, np.ndarray]:
    return trainer.model.state_dict()


@pytest.mark.parametrize("stop_after", [1, 7, 10, 19])  # 10 steps per epoch: 10 = epoch end
def test_continuing_a_restored_state_is_bit_identical_to_never_stopping(digits, stop_after):
    straight = _trainer(digits)
    reference = [e.loss for e in straight.run() if isinstance(e, StepEnd)]

    first = _trainer(digits)
    losses = []
    for event in first.run():
        if isinstance(event, StepEnd):
            losses.append(event.loss)
            if len(losses) == stop_after:
                first.stop()
    assert isinstance(event, Stopped)
    state = first.state_dict()
    # a fresh trainer, other seed (so other initial weights, order and generators)
    second = _trainer(digits, seed=5)
    second.load_state_dict(state)
    losses += [e.loss for e in second.run() if isinstance(e, StepEnd)]
    assert losses == reference
    for key, value in _weights(straight).items():
        assert np.array_equal(_weights(second)[key], value), key
    assert second.best_epoch == straight.best_epoch
    metrics = [(e.epoch, e.iteration, e.train_loss, e.val_acc, e.is_best)
               for e in straight.history.epochs]
    assert [(e.epoch, e.iteration, e.train_loss, e.val_acc, e.is_best)
            for e in second.history.epochs] == metrics


def test_a_checkpoint_file_continues_bit_identically(digits, tmp_path: Path):
    straight = _trainer(digits, opt="momentum")
    list(straight.run())
    first = _trainer(digits, opt="momentum")
    for event in first.run():
        if isinstance(event, StepEnd) and event.iteration == 14:
            first.stop()
    assert isinstance(event, Stopped) and first.iteration == 14
    save_checkpoint(first, tmp_path / "c.npz")
    train, val = digits
    resumed, _ = load_checkpoint(tmp_path / "c.npz", train, val, None,
                                 Augmenter(max_shift=2, max_rotation=10, noise=True,
                                           noise_std=0.05))
    assert resumed.iteration == 14
    events = list(resumed.run())
    assert isinstance(events[-1], Finished) and resumed.iteration == 30
    for key, value in _weights(straight).items():
        assert np.array_equal(_weights(resumed)[key], value), key


def test_state_dict_is_a_copy_and_loading_is_all_or_nothing(digits):
    trainer = _trainer(digits)
    for _ in islice(trainer.run(), 5):
        pass
    state = trainer.state_dict()
    before = _weights(trainer)
    list(islice(trainer.run(), 3))  # training on does not change the saved state
    assert all(np.array_equal(before[k], v) for k, v in state["model"].items())

    other = _trainer(digits, seed=3)
    untouched = _weights(other)
    bad = {**state, "order": np.arange(10)}  # made on another number of samples
    with pytest.raises(ValueError, match="10 training samples, not 300"):
        other.load_state_dict(bad)
    bad = {**state, "optimizer": {**state["optimizer"], "name": "sgd"}}
    with pytest.raises(ValueError, match="'sgd' optimizer"):
        other.load_state_dict(bad)
    key = next(iter(state["optimizer_state"]))
    bad = {**state, "optimizer_state": {**state["optimizer_state"], key: np.zeros(3)}}
    with pytest.raises(ValueError, match="optimizer state"):
        other.load_state_dict(bad)
    bad = {**state, "progress": {**state["progress"], "rng": {"bit_generator": "nonsense"}}}
    with pytest.raises(ValueError, match="random-generator state 'rng'"):
        other.load_state_dict(bad)
    assert all(np.array_equal(untouched[k], v) for k, v in _weights(other).items())
    assert other.iteration == 0 and other.optimizer.iterations == 0


def _blobs_trainer(epochs: int = 20) -> Trainer:
    ds = nn.datasets.load("blobs", n=200, seed=0)
    model = nn.presets.build("multi_layer_net", hidden_sizes=[8], input_shape=(2,), classes=3)
    return Trainer(model, nn.optimizers.get("sgd", lr=0.05), (ds.x_train, ds.y_train),
                   settings=TrainSettings(batch_size=20, epochs=epochs, train_eval_size=None))


def test_add_epochs_after_a_stop_means_exactly_that_many_more():
    """Issue 15.1: epochs 20, Stop during epoch 4, +1 → epochs 4 (finished) and 5, not 21."""
    trainer = _blobs_trainer()
    steps = trainer.steps_per_epoch
    for event in trainer.run():
        if isinstance(event, StepEnd) and event.epoch == 4 and event.epoch_progress >= 0.5:
            trainer.stop()
    assert isinstance(event, Stopped) and trainer.epoch == 3
    trainer.add_epochs(1)
    assert trainer.target_epochs == 5
    events = list(trainer.run())
    assert [e.epoch for e in events if isinstance(e, EpochEnd)] == [4, 5]
    assert isinstance(events[-1], Finished) and trainer.epoch == 5
    # a second Stop and +1: the same rule, whatever the earlier target was
    for event in trainer.run(8):
        if isinstance(event, StepEnd) and event.epoch == 7 and event.epoch_progress > 0.2:
            trainer.stop()
    trainer.add_epochs(1)
    assert trainer.target_epochs == 8
    list(trainer.run())
    assert trainer.epoch == 8 and trainer.iteration == 8 * steps
    # after a finished run: exactly one more epoch
    trainer.add_epochs(1)
    events = list(trainer.run())
    assert [e.epoch for e in events if isinstance(e, EpochEnd)] == [9]
    trainer.add_epochs(3)
    assert trainer.target_epochs == 12
    for bad in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="count"):
            trainer.add_epochs(bad)


FIXTURES = Path(__file__).parents[1] / "fixtures"


def test_a_checkpoint_written_before_state_dict_still_resumes_bit_identically():
    """tests/fixtures/checkpoint-v1.npz: written by the code of 36825a0 (private _pos/_perm),
    stopped after 7 of 18 steps; resumed, it ends with the weights of an uninterrupted run."""
    ds = nn.datasets.load("blobs", n=120, seed=0)
    trainer, extra = load_checkpoint(FIXTURES / "checkpoint-v1.npz", (ds.x_train, ds.y_train))
    assert extra["note"].startswith("written by the workbench") and trainer.iteration == 7
    events = list(trainer.run())
    assert isinstance(events[-1], Finished) and trainer.iteration == 18
    with np.load(FIXTURES / "checkpoint-v1-expected.npz") as expected:
        for key in expected.files:
            assert np.array_equal(trainer.model.state_dict()[key], expected[key]), key


def test_only_the_trainer_touches_its_epoch_position():
    """Checkpoints and sessions go through Trainer.state_dict()/load_state_dict(); nothing
    else in nn/ or workbench/ reads or writes the trainer's private order and position."""
    root = Path(__file__).parents[2]
    pattern = re.compile(r"\._(pos|perm)\b")
    offenders = [str(p.relative_to(root)) for package in ("nn", "workbench")
                 for p in sorted((root / package).rglob("*.py"))
                 if p.relative_to(root) != Path("nn/training/trainer.py")
                 and pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []
