"""The learning-rate range test (issue 22): the model is untouched, the sweep stops when the
loss explodes, and on simple_convnet the proposal is within 10× of the best rate of a small
fixed-seed sweep."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn.diagnose.lr_finder import lr_range_test

DIGITS = nn.datasets.load("digits")
X, Y = DIGITS.x_train[:6000], DIGITS.y_train[:6000]
X_VAL, Y_VAL = DIGITS.x_train[6000:7000], DIGITS.y_train[6000:7000]


def test_the_model_is_untouched_bit_for_bit():
    model = nn.presets.build("multi_layer_net", seed=0)
    before = model.state_dict()
    rng_state = model.rng.bit_generator.state
    result = lr_range_test(model, X, Y, steps=30, batch_size=32)
    assert len(result.lrs) > 0
    after = model.state_dict()
    assert before.keys() == after.keys()
    for key in before:
        assert np.array_equal(before[key], after[key]), key
    assert model.rng.bit_generator.state == rng_state


def test_the_sweep_is_log_uniform_and_stops_when_the_loss_explodes():
    model = nn.presets.build("multi_layer_net", seed=0)
    seen = []
    result = lr_range_test(model, X, Y, lr_min=1e-4, lr_max=1e3, steps=100, batch_size=32,
                           progress=lambda done, total: seen.append((done, total)))
    assert result.stopped == "exploded"
    assert 10 < len(result.lrs) < 100
    ratios = result.lrs[1:] / result.lrs[:-1]
    assert np.allclose(ratios, (1e3 / 1e-4) ** (1 / 99))
    assert np.isfinite(result.losses).all() and np.isfinite(result.smoothed).all()
    assert result.smoothed[-1] > 4 * result.smoothed.min()
    assert seen[-1] == (len(result.lrs), 100)
    assert result.lrs[0] <= result.proposed <= result.lrs[-1]


def test_same_seed_same_curve_and_cancel():
    model = nn.presets.build("multi_layer_net", seed=0)
    a = lr_range_test(model, X, Y, steps=40, batch_size=32, seed=3)
    b = lr_range_test(model, X, Y, steps=40, batch_size=32, seed=3)
    assert np.array_equal(a.losses, b.losses) and a.proposed == b.proposed
    calls = iter(range(100))
    stopped = lr_range_test(model, X, Y, steps=40, should_cancel=lambda: next(calls) >= 12)
    assert stopped.stopped == "cancelled" and len(stopped.lrs) == 12


def test_bad_arguments_are_named():
    model = nn.presets.build("multi_layer_net", seed=0)
    with pytest.raises(ValueError, match="range"):
        lr_range_test(model, X, Y, lr_min=1.0, lr_max=0.1)
    with pytest.raises(ValueError, match="rule"):
        lr_range_test(model, X, Y, rule="magic")
    with pytest.raises(ValueError, match="labels"):
        lr_range_test(model, X, Y[:10])


def _best_rate(optimizer: str, rates: list[float], steps: int = 100) -> float:
    """The rate whose short training run (same seed, same batches) validates best."""
    scores = {}
    for lr in rates:
        model = nn.presets.build("simple_convnet", seed=0)
        opt = nn.optimizers.get(optimizer, lr=lr)
        rng = np.random.default_rng(0)
        with np.errstate(all="ignore"):
            for _ in range(steps):
                idx = rng.choice(len(X), 50, replace=False)
                model.train_step(X[idx], Y[idx], opt)
            scores[lr] = model.accuracy(X_VAL, Y_VAL)
    return max(scores, key=scores.get)


@pytest.mark.slow
@pytest.mark.parametrize(("optimizer", "rates"), [
    ("adam", [1e-3, 1e-2, 1e-1]),
    ("sgd", [1e-2, 1e-1, 1.0]),
])
def test_on_simple_convnet_the_proposal_is_within_10x_of_the_best_rate(optimizer, rates):
    """Measured: Adam proposes 0.0046 (steepest descent), the sweep's best is 0.01; SGD
    (whose loss stays flat for 100 steps from std 0.01 weights) proposes 0.28 (min/10), the
    best is 0.1."""
    model = nn.presets.build("simple_convnet", seed=0)
    result = lr_range_test(model, X, Y, optimizer=optimizer, lr_min=1e-5, lr_max=10.0,
                           steps=100, batch_size=50)
    best = _best_rate(optimizer, rates)
    assert math.isfinite(result.proposed)
    assert best / 10 <= result.proposed <= best * 10, (result.proposed, best, result.rule)
