"""The book's plain functions used by the Fundamentals demos."""

from __future__ import annotations

import numpy as np
import pytest

from nn import functions as F
from nn.layers import LeakyReLU


def test_softmax_overflow_demo():
    a = np.array([1010.0, 1000.0, 990.0])
    with np.errstate(all="ignore"):
        naive = F.softmax_naive(a)
    assert np.isnan(naive).all()
    stable = F.softmax(a)
    assert np.all(np.isfinite(stable)) and stable.sum() == pytest.approx(1.0)
    assert stable[0] == pytest.approx(0.99995460, rel=1e-6)


def test_losses_match_the_book_examples():
    t = [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    y = [0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0]
    assert F.mean_squared_error(y, t) == pytest.approx(0.0975)
    assert F.cross_entropy_error(y, t) == pytest.approx(0.510825457)


def test_central_differences_beat_forward_differences():
    f, x = (lambda v: v**3), 2.0
    exact = 12.0
    for h in (1e-1, 1e-2, 1e-3):
        assert abs(F.numerical_diff(f, x, h, "central") - exact) < abs(
            F.numerical_diff(f, x, h, "forward") - exact)
    with pytest.raises(ValueError):
        F.numerical_diff(f, x, method="backward")


def test_numerical_gradient_and_descent():
    def f(x):
        return float(np.sum(x**2))

    np.testing.assert_allclose(F.numerical_gradient(f, [3.0, 4.0]), [6.0, 8.0], rtol=1e-6)
    path = F.gradient_descent(f, [-3.0, 4.0], lr=0.1, steps=100)
    assert path.shape == (101, 2) and np.linalg.norm(path[-1]) < 1e-8
    diverging = F.gradient_descent(f, [-3.0, 4.0], lr=10.0, steps=20)
    assert np.linalg.norm(diverging[-1]) > 1e10
    stuck = F.gradient_descent(f, [-3.0, 4.0], lr=1e-10, steps=100)
    assert np.linalg.norm(stuck[-1] - [-3.0, 4.0]) < 1e-6


@pytest.mark.parametrize("name", list(F.ACTIVATIONS))
def test_derivatives_match_numerical(name):
    x = np.array([-2.0, -0.5, 0.3, 1.7])
    numeric = np.array([F.numerical_diff(lambda v: float(F.ACTIVATIONS[name](v)), v) for v in x])
    np.testing.assert_allclose(F.DERIVATIVES[name](x), numeric, atol=1e-6)


@pytest.mark.parametrize("alpha", [0.01, 0.1, 0.3])
def test_leaky_relu_derivative_follows_its_slope_and_its_layer(alpha):
    x = np.linspace(-3, 3, 12)  # no point at the kink
    numeric = F.numerical_diff(lambda v: F.leaky_relu(v, alpha), x)
    np.testing.assert_allclose(F.leaky_relu_derivative(x, alpha), numeric, atol=1e-6)
    layer = LeakyReLU(alpha)
    layer.forward(x)
    np.testing.assert_array_equal(F.leaky_relu_derivative(x, alpha),
                                  layer.backward(np.ones_like(x)))


def test_one_softmax_one_one_hot_one_numerical_gradient():
    """The engine has one of each: the losses, the data sets and the gradient checks use the
    functions of nn.functions (the very objects, not copies)."""
    import nn.datasets
    import nn.gradcheck
    import nn.inspect
    import nn.losses

    assert nn.losses.softmax is F.softmax and nn.losses.one_hot is F.one_hot
    assert nn.datasets.one_hot is F.one_hot
    assert nn.inspect.numerical_gradient is F.numerical_gradient
    assert not hasattr(nn.gradcheck, "numerical_gradient") or \
        nn.gradcheck.numerical_gradient is F.numerical_gradient


def test_softmax_keeps_float32_and_works_along_any_axis():
    rng = np.random.default_rng(0)
    a = rng.standard_normal((3, 5)).astype(np.float32)
    p = F.softmax(a)
    assert p.dtype == np.float32 and p is not a
    np.testing.assert_allclose(p.sum(axis=1), 1.0, rtol=1e-6)
    np.testing.assert_allclose(F.softmax(a.T, axis=0), p.T, rtol=1e-6)
    assert F.softmax([1, 2, 3]).dtype == np.float64
    np.testing.assert_array_equal(a, a.copy())  # the input is not touched


def test_one_hot_dtype_and_errors():
    np.testing.assert_array_equal(F.one_hot(np.array([1, 0]), 3, np.float64),
                                  [[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    assert F.one_hot(np.array([1, 0]), 3, np.float64).dtype == np.float64
    with pytest.raises(ValueError, match="0..2"):
        F.one_hot(np.array([3]), 3)
    with pytest.raises(ValueError, match="integer labels"):
        F.one_hot(np.array([0.5]))


def test_numerical_gradient_perturbs_an_array_in_place_and_restores_it():
    w = np.array([[1.0, -2.0], [0.5, 3.0]])
    original = w.copy()
    seen = []

    def loss(_: np.ndarray) -> float:  # reads w through the closure, as a model's loss does
        seen.append(w[0, 0])
        return float(np.sum(w**3))

    grad = F.numerical_gradient(loss, w, 1e-5)
    np.testing.assert_allclose(grad, 3 * original**2, rtol=1e-8)
    np.testing.assert_array_equal(w, original)  # restored exactly
    assert 1.0 + 1e-5 in seen  # the closure saw the perturbation
    part = F.numerical_gradient(loss, w, 1e-5, indices=[3])
    assert part.reshape(-1)[:3].tolist() == [0.0, 0.0, 0.0]
    assert part[1, 1] == pytest.approx(27.0, rel=1e-8)
    with pytest.raises(ValueError, match="in place"):
        F.numerical_gradient(loss, w.T, 1e-5)
