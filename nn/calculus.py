"""The book's ch. 4 calculus examples: functions with known derivatives, the error of forward vs
central differences, gradient fields and what the learning rate does to gradient descent.

Everything numerical goes through :mod:`nn.functions` (``numerical_diff``,
``numerical_gradient``, ``gradient_descent``); this module adds the exact answers to compare
with and the small bookkeeping a demo needs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.functions import gradient_descent, numerical_diff, numerical_gradient


def function_1(x: ArrayLike) -> NDArray:
    """``0.01·x² + 0.1·x`` (ch. 4.3.2); its derivative at 5 is 0.2 and at 10 is 0.3."""
    x = np.asarray(x, dtype=float)
    return 0.01 * x**2 + 0.1 * x


def function_2(x: ArrayLike) -> NDArray | float:
    """``x0² + x1²`` (ch. 4.3.3), summed over the last axis: shape (..., 2) → (...)."""
    x = np.asarray(x, dtype=float)
    return np.sum(x**2, axis=-1)


def function_elongated(x: ArrayLike) -> NDArray | float:
    """``x0²/20 + x1²`` (ch. 6.1.3): a valley where plain SGD zigzags."""
    x = np.asarray(x, dtype=float)
    return x[..., 0] ** 2 / 20.0 + x[..., 1] ** 2


@dataclass(frozen=True)
class Function1D:
    """A function of one variable with its exact derivative, for checking numerical ones."""

    f: Callable[[ArrayLike], NDArray]
    df: Callable[[ArrayLike], NDArray]
    x0: float  # a good point to look at
    span: float  # half-width of a good plotting window around x0


FUNCTIONS_1D: dict[str, Function1D] = {
    "function_1": Function1D(function_1, lambda x: 0.02 * np.asarray(x, dtype=float) + 0.1,
                             5.0, 5.0),
    "sin": Function1D(np.sin, np.cos, 1.0, 3.0),
    "exp": Function1D(np.exp, np.exp, 1.0, 1.5),
    "cube": Function1D(lambda x: np.asarray(x, dtype=float) ** 3,
                       lambda x: 3.0 * np.asarray(x, dtype=float) ** 2, 1.0, 1.5),
}


@dataclass(frozen=True)
class Function2D:
    """A function of two variables, a start point and a window that shows it well."""

    f: Callable[[ArrayLike], NDArray | float]
    start: tuple[float, float]
    extent: tuple[float, float, float, float]  # x0 min, x0 max, x1 min, x1 max


FUNCTIONS_2D: dict[str, Function2D] = {
    "function_2": Function2D(function_2, (-3.0, 4.0), (-4.5, 4.5, -4.5, 4.5)),
    "elongated": Function2D(function_elongated, (-7.0, 2.0), (-10.0, 10.0, -5.0, 5.0)),
}


@dataclass(frozen=True)
class DifferenceErrors:
    """Numerical derivatives of ``f`` at ``x`` for each step size ``h`` and their errors."""

    h: NDArray  # (K,)
    forward: NDArray  # (K,) forward differences
    central: NDArray  # (K,) central differences
    exact: float

    @property
    def forward_error(self) -> NDArray:
        return np.abs(self.forward - self.exact)

    @property
    def central_error(self) -> NDArray:
        return np.abs(self.central - self.exact)


def difference_errors(fn: Function1D, x: float, h: ArrayLike) -> DifferenceErrors:
    """Forward and central differences of ``fn.f`` at ``x`` for every step in ``h`` (ch. 4.3.1).

    With exact arithmetic the forward error shrinks like ``h`` and the central like ``h²``;
    in float64 both grow again for tiny ``h`` as rounding error (≈ 1e-16/h) takes over.
    """
    hs = np.atleast_1d(np.asarray(h, dtype=float))

    def f(v: float) -> float:
        return float(fn.f(v))

    with np.errstate(over="ignore", invalid="ignore"):
        fwd = np.array([numerical_diff(f, x, hi, method="forward") for hi in hs])
        cen = np.array([numerical_diff(f, x, hi, method="central") for hi in hs])
    return DifferenceErrors(hs, fwd, cen, float(fn.df(x)))


def gradient_field(f: Callable[[NDArray], float], xs: ArrayLike,
                   ys: ArrayLike) -> tuple[NDArray, NDArray]:
    """``∂f/∂x0`` and ``∂f/∂x1`` by :func:`nn.functions.numerical_gradient` on a grid (Fig. 4-9).

    Returns two arrays of shape ``(len(ys), len(xs))`` (rows follow ``ys``).
    """
    xs, ys = np.asarray(xs, dtype=float), np.asarray(ys, dtype=float)
    g0 = np.empty((len(ys), len(xs)))
    g1 = np.empty_like(g0)
    for r, y in enumerate(ys):
        for c, x in enumerate(xs):
            g0[r, c], g1[r, c] = numerical_gradient(f, np.array([x, y]))
    return g0, g1


#: Learning-rate regimes of :func:`descent_regime`.
REGIMES = ("too_small", "good", "oscillating", "diverging")


@dataclass(frozen=True)
class Descent:
    """A gradient-descent run: the path, ``f`` along it and its regime."""

    lr: float
    path: NDArray  # (steps + 1, 2)
    values: NDArray  # (steps + 1,)
    regime: str


def descent_regime(path: ArrayLike, values: ArrayLike, f_min: float = 0.0,
                   tol: float = 1e-3) -> str:
    """Classify a descent run by what it did, not by its learning rate.

    ``"diverging"``: ``f`` ended higher than it started (or overflowed); ``"good"``: the gap to
    the minimum ``f_min`` shrank below ``tol`` of its start; otherwise ``"oscillating"`` if
    most consecutive steps reverse direction (overshooting the valley) else ``"too_small"``.
    """
    path, values = np.asarray(path, dtype=float), np.asarray(values, dtype=float)
    gap0 = float(values[0] - f_min)
    if not np.all(np.isfinite(values)) or not np.all(np.isfinite(path)):
        return "diverging"
    if gap0 <= 0:
        return "good"
    ratio = float(values[-1] - f_min) / gap0
    if ratio > 1.0 + 1e-9:
        return "diverging"
    if ratio <= tol:
        return "good"
    steps = np.diff(path, axis=0)
    if len(steps) >= 2:
        turns = np.sum(steps[1:] * steps[:-1], axis=1) < 0
        if np.mean(turns) > 0.5:
            return "oscillating"
    return "too_small"


def descend(fn: Function2D, lr: float, steps: int,
            start: tuple[float, float] | None = None) -> Descent:
    """Run :func:`nn.functions.gradient_descent` on ``fn`` and classify the run (ch. 4.4.1)."""
    if not (np.isfinite(lr) and lr > 0):
        raise ValueError(f"Invalid learning rate: {lr} (must be > 0)")
    path = gradient_descent(fn.f, start if start is not None else fn.start, lr=lr,
                            steps=int(steps))
    with np.errstate(over="ignore", invalid="ignore"):
        values = np.asarray(fn.f(path), dtype=float)
    return Descent(float(lr), path, values, descent_regime(path, values))
