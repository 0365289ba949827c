"""Ch. 4 calculus helpers: exact derivatives, difference errors, gradient fields, regimes."""

from __future__ import annotations

import numpy as np
import pytest

from nn.calculus import (
    FUNCTIONS_1D,
    FUNCTIONS_2D,
    descend,
    descent_regime,
    difference_errors,
    function_1,
    function_2,
    gradient_field,
)
from nn.functions import numerical_diff


def test_function_1_derivatives_match_the_book():
    fn = FUNCTIONS_1D["function_1"]
    assert float(fn.df(5.0)) == pytest.approx(0.2)
    assert float(fn.df(10.0)) == pytest.approx(0.3)
    assert numerical_diff(function_1, 5.0) == pytest.approx(0.2, abs=1e-9)


@pytest.mark.parametrize("name", list(FUNCTIONS_1D))
def test_exact_derivatives_agree_with_central_differences(name):
    fn = FUNCTIONS_1D[name]
    for x in (fn.x0 - 0.7, fn.x0, fn.x0 + 0.3):
        assert numerical_diff(fn.f, x, 1e-5) == pytest.approx(float(fn.df(x)), rel=1e-6)


def test_central_beats_forward_for_moderate_steps_and_rounding_wins_for_tiny_ones():
    hs = np.logspace(-8, -2, 7)
    errs = difference_errors(FUNCTIONS_1D["sin"], 1.0, hs)
    assert np.all(errs.central_error < errs.forward_error)
    # forward error is O(h): ~ h·|f''|/2
    assert errs.forward_error[-1] == pytest.approx(1e-2 * np.sin(1.0) / 2, rel=0.05)
    tiny = difference_errors(FUNCTIONS_1D["sin"], 1.0, [1e-15])
    assert tiny.central_error[0] > errs.central_error[3]  # rounding error takes over


def test_gradient_field_of_function_2_is_twice_the_point():
    xs, ys = np.linspace(-2, 2, 5), np.linspace(-1, 1, 3)
    g0, g1 = gradient_field(function_2, xs, ys)
    assert g0.shape == (3, 5)
    np.testing.assert_allclose(g0, 2 * xs[None, :] + 0 * ys[:, None], atol=1e-6)
    np.testing.assert_allclose(g1, 2 * ys[:, None] + 0 * xs[None, :], atol=1e-6)


def test_book_gradient_descent_converges():
    run = descend(FUNCTIONS_2D["function_2"], lr=0.1, steps=100)
    np.testing.assert_allclose(run.path[-1], [0.0, 0.0], atol=1e-8)
    assert run.regime == "good"


@pytest.mark.parametrize("lr,regime", [(1e-3, "too_small"), (0.1, "good"), (0.97, "oscillating"),
                                       (1.0, "oscillating"), (1.1, "diverging"),
                                       (10.0, "diverging")])
def test_descent_regimes_on_function_2(lr, regime):
    assert descend(FUNCTIONS_2D["function_2"], lr=lr, steps=20).regime == regime


def test_huge_learning_rates_diverge_like_the_books_lr_10():
    # ch. 4.4.1: lr = 10 flies off to ~1e13 and stays there — far out, x + h == x in float64,
    # so the numerical gradient is 0 and the path freezes.
    run = descend(FUNCTIONS_2D["function_2"], lr=10.0, steps=100)
    assert run.regime == "diverging"
    assert np.abs(run.path[-1]).max() > 1e12
    assert descent_regime([[1.0, 1.0], [np.inf, 1.0]], [2.0, np.inf]) == "diverging"


def test_regime_edge_cases_and_bad_rates():
    assert descent_regime([[0.0, 0.0], [0.0, 0.0]], [0.0, 0.0]) == "good"
    with pytest.raises(ValueError, match="learning rate"):
        descend(FUNCTIONS_2D["function_2"], lr=-1.0, steps=5)
