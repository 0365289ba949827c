"""Every layer's backward against float64 central differences (relative error < 1e-6)."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.gradcheck import check_layer, check_model, relative_error

TOL = 1e-6


def separated(shape, seed=0, spacing=0.01):
    """Distinct values at least ``spacing`` apart and away from 0: no ReLU kinks, no pool ties."""
    rng = np.random.default_rng(seed)
    size = int(np.prod(shape))
    values = (np.arange(size) - size / 2 + 0.5) * spacing
    return rng.permutation(values).reshape(shape)


def assert_passes(result):
    for check in result.checks:
        assert check.relative_error < TOL, f"{check.name}: {check.relative_error:.2e}"
        assert check.checked == check.size


DENSE_SHAPES = [(4, 7), (3, 2, 3, 3), (1, 5)]


@pytest.mark.parametrize("shape", DENSE_SHAPES)
def test_dense(shape):
    layer = nn.Dense(6, init="std0.5")
    assert_passes(check_layer(layer, shape, x=separated(shape)))


def test_dense_without_bias():
    assert_passes(check_layer(nn.Dense(3, use_bias=False, init="he"), (4, 5)))


CONV_CASES = [
    # (input shape, filters, kernel, stride, pad)
    ((2, 1, 6, 6), 3, 3, 1, 0),
    ((2, 3, 7, 7), 4, 3, 1, 1),
    ((2, 2, 8, 8), 3, 3, 2, 1),
    ((1, 2, 9, 7), 2, (3, 2), 2, 2),
    ((3, 2, 5, 5), 5, 5, 1, 2),
    ((2, 1, 6, 6), 2, 1, 1, 0),
    ((2, 2, 7, 7), 3, 4, 3, 0),
]


@pytest.mark.parametrize(("shape", "filters", "kernel", "stride", "pad"), CONV_CASES)
def test_conv2d(shape, filters, kernel, stride, pad):
    layer = nn.Conv2D(filters, kernel, stride=stride, pad=pad, init="he")
    assert_passes(check_layer(layer, shape, x=separated(shape)))


POOL_CASES = [
    ((2, 3, 6, 6), 2, None, 0),
    ((2, 2, 7, 7), 3, 2, 1),  # overlapping windows, padding
    ((1, 2, 5, 6), 2, 1, 0),  # stride 1: every element in up to 4 windows
    ((2, 1, 9, 9), 3, 3, 2),
    ((2, 2, 5, 5), (2, 3), 2, 1),
    ((2, 2, 7, 7), 2, None, 0),  # odd size: the last row and column are in no window
    ((1, 2, 8, 8), 2, 3, 0),  # stride > pool: gaps between windows
]


@pytest.mark.parametrize(("shape", "pool", "stride", "pad"), POOL_CASES)
@pytest.mark.parametrize("cls", [nn.MaxPool2D, nn.AvgPool2D])
def test_pools(cls, shape, pool, stride, pad):
    layer = cls(pool, stride=stride, pad=pad)
    assert_passes(check_layer(layer, shape, x=separated(shape)))


def test_maxpool_ties_route_to_first_maximum():
    layer = nn.MaxPool2D(2)
    layer.build((1, 2, 2), np.random.default_rng(0), np.float64)
    x = np.ones((1, 1, 2, 2))  # all four tie, as saturated MNIST strokes do
    out = layer.forward(x, training=True)
    dx = layer.backward(np.full_like(out, 3.0))
    assert dx.tolist() == [[[[3.0, 0.0], [0.0, 0.0]]]]


def test_maxpool_inference_matches_training_output():
    layer = nn.MaxPool2D(3, stride=2, pad=1)
    x = separated((2, 3, 7, 7))
    layer.build(x.shape[1:], np.random.default_rng(0), np.float64)
    np.testing.assert_array_equal(layer.forward(x, False), layer.forward(x, True))


@pytest.mark.parametrize(
    "layer", [nn.ReLU(), nn.LeakyReLU(0.1), nn.Sigmoid(), nn.Tanh(), nn.Identity(), nn.Flatten()],
    ids=lambda layer: type(layer).__name__,
)
@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 4, 4)])
def test_activations_and_flatten(layer, shape):
    assert_passes(check_layer(layer, shape, x=separated(shape, spacing=0.05)))


@pytest.mark.parametrize("shape", [(8, 5), (4, 3, 3, 3)])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm(shape, training):
    layer = nn.BatchNorm()
    rng = np.random.default_rng(1)
    x = rng.standard_normal(shape) * 3 + 1
    layer.build(shape[1:], rng, np.float64)
    # Non-trivial gamma/beta and running statistics, so every term of the gradient matters.
    layer.params["gamma"][:] = rng.uniform(0.5, 2, layer.params["gamma"].shape)
    layer.params["beta"][:] = rng.standard_normal(layer.params["beta"].shape)
    layer.buffers["running_var"][:] = rng.uniform(0.5, 2, layer.params["gamma"].shape)
    gamma, beta = layer.params["gamma"].copy(), layer.params["beta"].copy()
    result = check_layer(layer, shape, x=x, training=training)
    assert_passes(result)
    assert np.allclose(layer.params["gamma"], gamma) and np.allclose(layer.params["beta"], beta)


def test_dropout_with_fixed_mask():
    result = check_layer(nn.Dropout(0.3), (6, 10), x=separated((6, 10)))
    assert_passes(result)


def test_dropout_is_inverted_and_seeded():
    layer = nn.Dropout(0.25)
    layer.build((1000,), np.random.default_rng(3), np.float32)
    x = np.ones((50, 1000), np.float32)
    out = layer.forward(x, training=True)
    kept = out[out > 0]
    assert np.allclose(kept, 1 / 0.75)
    assert abs((out > 0).mean() - 0.75) < 0.01
    assert abs(out.mean() - 1.0) < 0.02  # expected activation preserved
    np.testing.assert_array_equal(layer.forward(x, training=False), x)
    twin = nn.Dropout(0.25)
    twin.build((1000,), np.random.default_rng(3), np.float32)
    np.testing.assert_array_equal(twin.forward(x, training=True), out)


LOSS_CASES = [
    ("softmax_cross_entropy", "labels"),
    ("softmax_cross_entropy", "onehot"),
    ("mse", "labels"),
    ("mse", "onehot"),
]


@pytest.mark.parametrize(("loss_name", "target_kind"), LOSS_CASES)
def test_losses(loss_name, target_kind):
    rng = np.random.default_rng(2)
    y = rng.standard_normal((5, 4)) * 2
    labels = rng.integers(0, 4, 5)
    t = labels if target_kind == "labels" else np.eye(4)[labels]
    loss = nn.losses.get(loss_name)
    loss.forward(y, t)
    analytic = loss.backward()
    numerical = nn.functions.numerical_gradient(lambda _: loss.forward(y, t), y, 1e-5)
    assert relative_error(analytic, numerical) < TOL


@pytest.mark.parametrize("shape", [(6, 1), (6,)])
def test_sigmoid_bce(shape):
    rng = np.random.default_rng(4)
    y = rng.standard_normal(shape) * 3
    t = rng.integers(0, 2, 6)
    loss = nn.losses.get("sigmoid_bce")
    loss.forward(y, t)
    analytic = loss.backward()
    assert analytic.shape == y.shape
    numerical = nn.functions.numerical_gradient(lambda _: loss.forward(y, t), y, 1e-5)
    assert relative_error(analytic, numerical) < TOL


def test_softmax_cross_entropy_is_stable_for_huge_scores():
    loss = nn.losses.get("softmax_cross_entropy")
    y = np.array([[1010.0, 1000.0, 990.0], [-1e4, 0.0, 1e4]], dtype=np.float32)
    value = loss.forward(y, np.array([0, 0]))
    assert np.isfinite(value) and value > 0
    grad = loss.backward()
    assert np.all(np.isfinite(grad))
    assert abs(loss.forward(y[:1], np.array([0])) - 4.54e-5) < 1e-6


def test_whole_model_check_with_every_kind_of_layer():
    model = nn.Sequential(
        [
            nn.Conv2D(3, 3, pad=1), nn.BatchNorm(), nn.ReLU(), nn.MaxPool2D(2),
            nn.Conv2D(4, 2, stride=2), nn.Tanh(), nn.AvgPool2D(2, stride=1),
            nn.Flatten(), nn.Dense(6), nn.BatchNorm(), nn.Sigmoid(), nn.Dropout(0.2),
            nn.Dense(3), nn.LeakyReLU(0.05),
        ],
        input_shape=(2, 8, 8), seed=5, dtype="float64",
    )
    rng = np.random.default_rng(0)
    x, t = rng.standard_normal((4, 2, 8, 8)), rng.integers(0, 3, 4)
    result = check_model(model, x, t)
    assert result.max_relative_error < TOL, result.checks
    assert {c.name for c in result.checks} == set(model.named_parameters())


def test_model_check_subsamples_entries_and_extrapolates_time():
    model = nn.presets.build("two_layer_net", seed=0)  # float32: checked on a float64 copy
    rng = np.random.default_rng(0)
    x, t = rng.random((3, 1, 28, 28)), rng.integers(0, 10, 3)
    result = check_model(model, x, t, max_entries=20)
    assert result.max_relative_error < TOL
    assert all(c.checked == min(20, c.size) for c in result.checks)
    assert result.numerical_seconds_full > result.numerical_seconds
    assert result.speedup > 100
    assert model.dtype == np.float32
