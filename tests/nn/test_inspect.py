"""nn.inspect: histograms, dead units, confusion matrices, the stepwise gradient check."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn import inspect as ni
from nn.gradcheck import GradCheckResult, check_model


def small_convnet(seed: int = 0) -> nn.Sequential:
    return nn.presets.build("simple_convnet", filters=4, kernel_size=3, hidden_size=8,
                            input_shape=(1, 8, 8), classes=3, seed=seed, init="he")


# ------------------------------------------------------------------------------ histograms
def test_histogram_counts_every_value_and_reports_zeros_and_moments():
    rng = np.random.default_rng(0)
    x = np.maximum(rng.standard_normal((50, 7)), 0)
    h = ni.histogram(x, bins=30)
    assert h.counts.shape == (30,) and h.edges.shape == (31,)
    assert h.counts.sum() == h.total == 350
    assert h.zeros == np.count_nonzero(x == 0)
    assert h.edges[0] == 0.0 and h.edges[-1] == pytest.approx(x.max())
    assert h.mean == pytest.approx(x.mean()) and h.std == pytest.approx(x.std())
    assert np.sum(h.density() * np.diff(h.edges)) == pytest.approx(1.0)


def test_histogram_handles_constant_empty_and_non_finite_arrays():
    const = ni.histogram(np.zeros(10), bins=4)
    assert const.counts.sum() == 10 and const.zero_fraction == 1.0
    assert const.edges[0] == -0.5 and const.edges[-1] == 0.5
    empty = ni.histogram(np.zeros(0))
    assert empty.total == 0 and empty.counts.sum() == 0 and math.isnan(empty.mean)
    bad = ni.histogram(np.array([1.0, np.nan, np.inf, 2.0]))
    assert bad.nonfinite == 2 and bad.counts.sum() == 2 and bad.total == 4


def test_dead_fraction_counts_units_silent_on_the_whole_batch():
    dense = np.array([[0.0, 1.0, 0.0], [0.0, 0.0, 2.0]])
    assert ni.dead_fraction(dense) == pytest.approx(1 / 3)
    maps = np.zeros((2, 4, 3, 3))
    maps[1, 0, 2, 2] = 0.5  # one pixel of one image keeps channel 0 alive
    assert ni.dead_fraction(maps) == pytest.approx(3 / 4)


def test_layer_stats_histograms_cover_the_batch_and_read_stored_gradients():
    model = small_convnet()
    rng = np.random.default_rng(1)
    x = rng.random((16, 1, 8, 8), dtype=np.float32)
    t = rng.integers(0, 3, 16)
    model.loss_and_grads(x, t)
    stats = ni.layer_stats(model, x, grads=True)
    outputs = model.capture(x)
    assert list(stats.activations) == ["1.ReLU", "4.ReLU"]
    for name, h in stats.activations.items():
        assert h.counts.sum() == outputs[name].size
    assert set(stats.dead) == {"1.ReLU", "4.ReLU"}
    assert list(stats.weights) == ["0.W", "3.W", "5.W"]
    assert stats.weights["3.W"].counts.sum() == model.named_parameters()["3.W"].size
    assert stats.grads["0.W"].counts.sum() == model.named_grads()["0.W"].size
    assert stats.grad_norms["0.Conv2D"] == pytest.approx(model.gradient_stats()["0.Conv2D"]["norm"])
    assert stats.batch_size == 16
    no_grads = ni.layer_stats(model, x, grads=False)
    assert no_grads.grads == {} and no_grads.grad_norms == {}


def test_layer_dynamics_equal_layer_stats_without_the_histograms():
    model = small_convnet(seed=2)
    rng = np.random.default_rng(1)
    x, t = rng.random((20, 1, 8, 8)), rng.integers(0, 3, 20)
    model.loss_and_grads(x, t)
    full = ni.layer_stats(model, x, iteration=7)
    cheap = ni.layer_dynamics(model, x, iteration=7)
    assert cheap.iteration == 7
    assert cheap.dead == full.dead and set(cheap.dead) == {"1.ReLU", "4.ReLU"}
    assert cheap.grad_norms == full.grad_norms and len(cheap.grad_norms) == 3
    assert ni.layer_dynamics(model, x, grads=False).grad_norms == {}


def test_capture_upto_runs_only_the_first_layers():
    model = small_convnet()
    x = np.random.default_rng(0).random((3, 1, 8, 8))
    everything, prefix = model.capture(x), model.capture(x, upto=1)
    assert list(prefix) == ["0.Conv2D", "1.ReLU"] and len(everything) == len(model.layers)
    np.testing.assert_array_equal(prefix["1.ReLU"], everything["1.ReLU"])


def test_activation_layers_fall_back_to_hidden_layers():
    model = nn.Sequential([nn.Dense(4), nn.Dense(2)], (3,))
    assert ni.activation_layer_names(model) == ["0.Dense"]
    single = nn.Sequential([nn.Dense(2)], (3,))
    assert ni.activation_layer_names(single) == ["0.Dense"]


# -------------------------------------------------------------------------- classification
def test_confusion_matrix_per_class_accuracy_and_ranked_mistakes():
    t = np.array([0, 0, 1, 1, 2, 2, 2])
    proba = np.array([[0.9, 0.1, 0.0], [0.2, 0.7, 0.1], [0.1, 0.8, 0.1], [0.6, 0.3, 0.1],
                      [0.0, 0.1, 0.9], [0.3, 0.6, 0.1], [0.1, 0.5, 0.4]])
    cm = ni.confusion_matrix(t, proba.argmax(1), 3)
    assert cm.tolist() == [[1, 1, 0], [1, 1, 0], [0, 2, 1]]
    assert cm.sum() == len(t)
    np.testing.assert_allclose(ni.per_class_accuracy(cm), [0.5, 0.5, 1 / 3])
    assert ni.ranked_examples(t, proba).tolist() == [1, 3, 5, 6]  # 0.7, 0.6, 0.6, 0.5
    assert ni.ranked_examples(t, proba, true_class=2, predicted=1).tolist() == [5, 6]
    assert ni.ranked_examples(t, proba, true_class=2, predicted=2,
                              mistakes_only=False).tolist() == [4]
    assert np.isnan(ni.per_class_accuracy(np.zeros((2, 2), int))).all()
    with pytest.raises(ValueError, match="0..2"):
        ni.confusion_matrix([0, 3], [0, 1], 3)


def test_predict_steps_reports_progress_and_matches_predict_proba():
    model = small_convnet()
    x = np.random.default_rng(2).random((23, 1, 8, 8), dtype=np.float32)
    events = list(ni.predict_steps(model, x, batch_size=10))
    assert [(e.done, e.total) for e in events[:-1]] == [(10, 23), (20, 23), (23, 23)]
    np.testing.assert_allclose(events[-1], model.predict_proba(x), rtol=1e-6)


# ------------------------------------------------------------------------ gradient check
def test_gradcheck_steps_matches_check_model_and_reports_progress():
    model = small_convnet()
    rng = np.random.default_rng(3)
    x = rng.random((2, 1, 8, 8))
    t = np.array([0, 2])
    events = list(ni.gradcheck_steps(model, x, t, max_entries=10, chunk=4))
    progress, result = events[:-1], events[-1]
    assert isinstance(result, GradCheckResult)
    checked = sum(min(p.size, 10) for p in model.named_parameters().values())
    assert progress[0].done == 0 and progress[-1].done == progress[-1].total == checked
    assert all(a.done <= b.done for a, b in zip(progress, progress[1:], strict=False))
    reference = check_model(model, x, t, max_entries=10).by_name()
    for c in result.checks:
        assert c.relative_error == pytest.approx(reference[c.name].relative_error, rel=1e-6,
                                                 abs=1e-12)
        assert c.checked == min(c.size, 10)
        assert c.relative_error < 1e-5
    # The full time adds up (issue 15.9): time shown ÷ entries checked × all entries.
    total = sum(p.size for p in model.named_parameters().values())
    assert result.numerical_seconds_full == pytest.approx(
        result.numerical_seconds / checked * total, rel=1e-12)
    assert result.numerical_seconds_full > result.numerical_seconds > 0
    assert result.backprop_seconds > 0 and result.speedup > 0
