"""The book's weight-initialization experiment (ch. 6.2): the forward pass, the histograms, and
the book's qualitative outcomes with fixed seeds (figs. 6-10, 6-11, 6-13, 6-14)."""

from __future__ import annotations

import numpy as np
import pytest

from nn import init_experiment as E
from nn import initializers


def test_forward_pass_is_the_books_loop():
    acts = E.layer_activations("xavier", "tanh", n_inputs=50, width=20, layers=3, seed=7)
    x = np.random.default_rng(7).standard_normal((50, 20))
    wrng = np.random.default_rng([7, 1])
    for a in acts:
        w = wrng.standard_normal((20, 20)) * np.sqrt(1 / 20)
        x = np.tanh(x @ w)
        np.testing.assert_allclose(a, x, rtol=1e-12)
    assert len(acts) == 3 and all(a.shape == (50, 20) and a.dtype == np.float64 for a in acts)


def test_rows_share_inputs_and_random_draws():
    """Normal initializers differ only in the scale of the same weight draws."""
    a = E.layer_activations("std1", "relu", n_inputs=10, layers=1, seed=3)[0]
    b = E.layer_activations("std0.01", "relu", n_inputs=10, layers=1, seed=3)[0]
    np.testing.assert_allclose(a * 0.01, b, rtol=1e-12)
    c = E.layer_activations("std1", "relu", n_inputs=10, layers=1, seed=4)[0]
    assert not np.allclose(a, c)


def test_same_seed_same_result_and_grid_rows():
    g1 = E.activation_grid(E.BOOK_INITIALIZERS, "sigmoid", n_inputs=100, seed=5)
    g2 = E.activation_grid(E.BOOK_INITIALIZERS, "sigmoid", n_inputs=100, seed=5)
    assert list(g1) == list(E.BOOK_INITIALIZERS)
    for k in g1:
        for a, b in zip(g1[k], g2[k], strict=True):
            np.testing.assert_array_equal(a, b)
    assert E.BOOK_INITIALIZERS == ("std1", "std0.01", "xavier", "he")
    for name in E.BOOK_INITIALIZERS:
        initializers.get(name)  # all are engine names


def test_bad_arguments():
    with pytest.raises(ValueError, match="activation"):
        E.layer_activations("he", "softplus")
    with pytest.raises(ValueError, match="initializer"):
        E.layer_activations("glorot", "relu")
    with pytest.raises(ValueError, match="positive"):
        E.layer_activations("he", "relu", n_inputs=0)


# ----------------------------------------------------------------------------- histograms
def test_histogram_is_numpys_and_relu_zeros_are_counted_apart():
    acts = E.layer_activations("he", "relu", n_inputs=300, seed=1)
    value_range = E.histogram_range("relu", acts)
    for a in acts:
        h = E.layer_histogram(a, "relu", value_range)
        counts, edges = np.histogram(a[a != 0], bins=30, range=value_range)
        np.testing.assert_array_equal(h.counts, counts)
        np.testing.assert_array_equal(h.edges, edges)
        assert h.zero_fraction == pytest.approx(np.mean(a == 0))
        assert h.mean == pytest.approx(a.mean()) and h.std == pytest.approx(a.std())
    sig = E.layer_activations("std1", "sigmoid", n_inputs=300, seed=1)[0]
    h = E.layer_histogram(sig, "sigmoid", (0.0, 1.0))
    np.testing.assert_array_equal(h.counts, np.histogram(sig, 30, range=(0, 1))[0])
    assert h.counts.sum() == sig.size  # nothing dropped for sigmoid


def test_ranges():
    assert E.histogram_range("sigmoid", []) == (0.0, 1.0)
    assert E.histogram_range("tanh", []) == (-1.0, 1.0)
    row = [np.array([[0.0, 1.0, 2.0, 3.0]]), np.array([[0.0, 0.0, 4.0, 0.5]])]
    lo, hi = E.histogram_range("relu", row)
    assert lo == 0.0 and hi == pytest.approx(np.percentile([1, 2, 3, 4, 0.5], 99.5))
    assert E.histogram_range("relu", [np.zeros((2, 2))]) == (0.0, 1.0)


def test_histogram_grid_matches_the_activations():
    grid = E.histogram_grid(["std0.01", "he"], "tanh", n_inputs=200, seed=2)
    acts = E.activation_grid(["std0.01", "he"], "tanh", n_inputs=200, seed=2)
    for name, row in grid.items():
        assert len(row) == 5
        for h, a in zip(row, acts[name], strict=True):
            np.testing.assert_array_equal(h.counts, np.histogram(a, 30, range=(-1, 1))[0])


# ------------------------------------------------------------------ the book's outcomes
@pytest.fixture(scope="module")
def sigmoid_grid():
    return E.activation_grid(E.BOOK_INITIALIZERS, "sigmoid", n_inputs=1000, seed=0)


@pytest.fixture(scope="module")
def relu_grid():
    return E.activation_grid(E.BOOK_INITIALIZERS, "relu", n_inputs=1000, seed=0)


def test_std1_sigmoid_saturates_at_0_and_1(sigmoid_grid):
    """Fig. 6-10: most activations sit at 0 or 1, where the sigmoid's slope vanishes."""
    for a in sigmoid_grid["std1"]:
        near_ends = np.mean((a < 0.1) | (a > 0.9))
        assert near_ends > 0.6
        slope = a * (1 - a)  # σ'(z) = σ(z)(1 − σ(z)), at most 0.25
        assert np.median(slope) < 0.1  # gradients vanish


def test_std001_sigmoid_collapses_to_one_half(sigmoid_grid):
    """Fig. 6-11: every activation ≈ 0.5 — the units all behave alike (no expressiveness)."""
    for a in sigmoid_grid["std0.01"][1:]:
        assert abs(a.mean() - 0.5) < 0.01 and a.std() < 0.03
        assert np.all(np.abs(a - 0.5) < 0.15)


def test_xavier_sigmoid_stays_spread(sigmoid_grid):
    """Fig. 6-13: a broad distribution in every layer, neither saturated nor collapsed."""
    for a in sigmoid_grid["xavier"]:
        assert 0.08 < a.std() < 0.3
        assert np.mean((a < 0.02) | (a > 0.98)) < 0.01
    assert min(a.std() for a in sigmoid_grid["xavier"]) > 3 * max(
        a.std() for a in sigmoid_grid["std0.01"][1:])


def test_tanh_xavier_spread_and_std001_vanishes():
    grid = E.activation_grid(["std0.01", "xavier"], "tanh", n_inputs=1000, seed=0)
    assert all(a.std() > 0.25 for a in grid["xavier"])
    stds = [a.std() for a in grid["std0.01"]]
    assert all(b < 0.2 * a for a, b in zip(stds, stds[1:], strict=False))


def test_he_relu_keeps_scale_while_std001_shrinks(relu_grid):
    """Fig. 6-14: with He the share of active units and their scale stay the same in every
    layer; with std 0.01 they shrink by ~√(100/2)·0.01 ≈ 0.07 per layer."""
    he = relu_grid["he"]
    nonzero = [np.mean(a > 0) for a in he]
    scale = [a[a > 0].std() for a in he]
    assert all(0.4 < f < 0.6 for f in nonzero)
    assert max(scale) / min(scale) < 1.3
    small = [a.std() for a in relu_grid["std0.01"]]
    assert all(b < 0.15 * a for a, b in zip(small, small[1:], strict=False))
    assert small[-1] < 1e-4 * scale[-1]
    xavier = [a.std() for a in relu_grid["xavier"]]
    assert xavier[-1] < 0.5 * xavier[0]  # Xavier is too small for ReLU: a slower decay
