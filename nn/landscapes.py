"""Two-dimensional test functions and the paths the engine's optimizers take on them (book ch. 6.1).

The book compares SGD, Momentum, AdaGrad and Adam on f(x, y) = x²/20 + y² (ch. 6.1.2–6.1.7,
``optimizer_compare_naive.py``): the function is elongated along x, so its gradient points
mostly along y and plain SGD zig-zags. This module holds that function and four more classics,
each with its analytic gradient and its minima, and :func:`optimizer_path`, which runs an
:mod:`nn.optimizers` optimizer — the same code that trains networks — on one of them.

=================  ===========================================  ==================================
name               f(x, y)                                      minima
=================  ===========================================  ==================================
``book``           x²/20 + y²                                   (0, 0)
``rosenbrock``     (1 − x)² + 100·(y − x²)²                     (1, 1), in a curved narrow valley
``saddle``         x² − y²                                      none: a saddle at (0, 0)
``beale``          (1.5 − x + xy)² + (2.25 − x + xy²)²          (3, 0.5)
                   + (2.625 − x + xy³)²
``two_minima``     (x² − 1)² + 0.3·x + y²                       x ≈ −1.04 (global), x ≈ 0.96 (local)
=================  ===========================================  ==================================
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn import optimizers

#: Beyond this distance from the origin a path counts as diverged (every view is far smaller).
DIVERGENCE_LIMIT = 1e8

Func = Callable[[NDArray, NDArray], NDArray]
Grad = Callable[[NDArray, NDArray], tuple[NDArray, NDArray]]


@dataclass(frozen=True)
class Landscape:
    """A 2-D function with its gradient, minima and a good view of it.

    Parameters
    ----------
    name
        Registry key (``"book"``, ``"rosenbrock"``…).
    formula
        The formula as plain text, for titles.
    f, grad
        Vectorised ``f(x, y)`` and ``grad(x, y) -> (∂f/∂x, ∂f/∂y)`` on arrays of any shape.
    minima
        Local minima ``(x, y)``, the global one first; empty when ``f`` is unbounded below.
    critical
        Other stationary points worth marking (saddles).
    view
        ``(x0, x1, y0, y1)`` shown by default.
    start
        Default start point.
    steps
        Default number of steps.
    rates
        Learning rates that show each optimizer's character on this function.
    log_levels
        Whether contour levels should be spaced logarithmically (f ≥ 0 with a deep valley).
    """

    name: str
    formula: str
    f: Func
    grad: Grad
    minima: tuple[tuple[float, float], ...]
    view: tuple[float, float, float, float]
    start: tuple[float, float]
    steps: int
    rates: Mapping[str, float]
    critical: tuple[tuple[float, float], ...] = ()
    log_levels: bool = False
    f_min: float = field(init=False)

    def __post_init__(self) -> None:
        low = self.f(np.array(self.minima[0][0]), np.array(self.minima[0][1])) if self.minima \
            else -math.inf
        object.__setattr__(self, "f_min", float(low))

    def value(self, xy: ArrayLike) -> NDArray:
        """``f`` at points ``xy`` of shape ``(..., 2)``; overflow quietly gives ``inf``/``nan``."""
        xy = np.asarray(xy, dtype=np.float64)
        with np.errstate(all="ignore"):
            return self.f(xy[..., 0], xy[..., 1])

    def gradient(self, xy: ArrayLike) -> NDArray:
        """``∇f`` at points ``xy`` of shape ``(..., 2)``, as an array of the same shape."""
        xy = np.asarray(xy, dtype=np.float64)
        with np.errstate(all="ignore"):
            gx, gy = self.grad(xy[..., 0], xy[..., 1])
        return np.stack([np.asarray(gx, dtype=np.float64), np.asarray(gy, dtype=np.float64)],
                        axis=-1)

    def nearest_minimum(self, xy: ArrayLike) -> tuple[int, float]:
        """Index of the minimum closest to the point ``xy`` and the distance to it.

        Returns ``(-1, nan)`` when the function has no minimum.
        """
        if not self.minima:
            return -1, math.nan
        d = np.hypot(*(np.asarray(self.minima) - np.asarray(xy, dtype=np.float64)).T)
        i = int(np.argmin(d))
        return i, float(d[i])


# ------------------------------------------------------------------------------- functions
def _book(x, y):
    return x**2 / 20.0 + y**2


def _book_grad(x, y):
    return x / 10.0, 2.0 * y


def _rosenbrock(x, y):
    return (1.0 - x) ** 2 + 100.0 * (y - x**2) ** 2


def _rosenbrock_grad(x, y):
    r = y - x**2
    return -2.0 * (1.0 - x) - 400.0 * x * r, 200.0 * r


def _saddle(x, y):
    return x**2 - y**2


def _saddle_grad(x, y):
    return 2.0 * x, -2.0 * y


_BEALE_C = (1.5, 2.25, 2.625)


def _beale(x, y):
    return sum((c - x + x * y ** (k + 1)) ** 2 for k, c in enumerate(_BEALE_C))


def _beale_grad(x, y):
    gx = gy = 0.0
    for k, c in enumerate(_BEALE_C):
        n = k + 1
        t = c - x + x * y**n
        gx = gx + 2.0 * t * (y**n - 1.0)
        gy = gy + 2.0 * t * n * x * y ** (n - 1)
    return gx, gy


_TILT = 0.3


def _two_minima(x, y):
    return (x**2 - 1.0) ** 2 + _TILT * x + y**2


def _two_minima_grad(x, y):
    return 4.0 * x * (x**2 - 1.0) + _TILT, 2.0 * y


def _two_minima_points() -> tuple[tuple[tuple[float, float], ...], tuple[float, float]]:
    """Roots of ∂f/∂x = 4x³ − 4x + 0.3: two minima (f'' > 0, lower first) and the barrier."""
    roots = np.sort(np.roots([4.0, 0.0, -4.0, _TILT]).real)
    minima = sorted((float(r) for r in roots if 12 * r * r - 4 > 0),
                    key=lambda r: _two_minima(r, 0.0))
    barrier = next(float(r) for r in roots if 12 * r * r - 4 < 0)
    return tuple((m, 0.0) for m in minima), (barrier, 0.0)


_TWO_MINIMA, _BARRIER = _two_minima_points()

LANDSCAPES: dict[str, Landscape] = {
    land.name: land for land in (
        Landscape("book", "x²/20 + y²", _book, _book_grad, ((0.0, 0.0),),
                  view=(-10.0, 10.0, -5.0, 5.0), start=(-7.0, 2.0), steps=30,
                  rates={"sgd": 0.95, "momentum": 0.1, "nesterov": 0.1, "adagrad": 1.5,
                         "rmsprop": 0.3, "adadelta": 1.0, "adam": 0.3}),
        Landscape("rosenbrock", "(1 − x)² + 100·(y − x²)²", _rosenbrock, _rosenbrock_grad,
                  ((1.0, 1.0),), view=(-2.0, 2.0, -1.0, 3.0), start=(-1.2, 1.0), steps=500,
                  rates={"sgd": 1.5e-3, "momentum": 5e-4, "nesterov": 5e-4, "adagrad": 1.0,
                         "rmsprop": 0.02, "adadelta": 1.0, "adam": 0.2},
                  log_levels=True),
        Landscape("saddle", "x² − y²", _saddle, _saddle_grad, (),
                  view=(-2.0, 2.0, -2.0, 2.0), start=(-1.8, 0.02), steps=60,
                  rates={"sgd": 0.05, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3,
                         "rmsprop": 0.05, "adadelta": 1.0, "adam": 0.1},
                  critical=((0.0, 0.0),)),
        Landscape("beale", "(1.5 − x + xy)² + (2.25 − x + xy²)² + (2.625 − x + xy³)²",
                  _beale, _beale_grad, ((3.0, 0.5),), view=(-4.5, 4.5, -4.5, 4.5),
                  start=(1.0, 1.5), steps=300,
                  rates={"sgd": 1e-3, "momentum": 2e-4, "nesterov": 2e-4, "adagrad": 0.5,
                         "rmsprop": 0.02, "adadelta": 1.0, "adam": 0.05},
                  log_levels=True),
        Landscape("two_minima", "(x² − 1)² + 0.3·x + y²", _two_minima, _two_minima_grad,
                  _TWO_MINIMA, view=(-2.0, 2.0, -1.5, 1.5), start=(1.9, 1.2), steps=100,
                  rates={"sgd": 0.02, "momentum": 0.02, "nesterov": 0.02, "adagrad": 0.3,
                         "rmsprop": 0.05, "adadelta": 1.0, "adam": 0.1},
                  critical=(_BARRIER,)),
    )
}
NAMES = tuple(LANDSCAPES)

#: The book's figure 6-8 (ch. 6.1.7, ``optimizer_compare_naive.py``).
BOOK_FIGURE: dict[str, Any] = {
    "function": "book",
    "start": (-7.0, 2.0),
    "steps": 30,
    "optimizers": {"sgd": {"lr": 0.95}, "momentum": {"lr": 0.1}, "adagrad": {"lr": 1.5},
                   "adam": {"lr": 0.3}},
}


def get(name: str | Landscape) -> Landscape:
    """A landscape by name (``"book"``, ``"rosenbrock"``, ``"saddle"``, ``"beale"``,
    ``"two_minima"``)."""
    if isinstance(name, Landscape):
        return name
    key = str(name).strip().lower()
    if key not in LANDSCAPES:
        raise ValueError(f"Unknown function {name!r}; expected one of {', '.join(NAMES)}")
    return LANDSCAPES[key]


def optimizer_path(function: str | Landscape, optimizer_config: str | Mapping[str, Any]
                   | optimizers.Optimizer, start: ArrayLike, steps: int) -> NDArray:
    """Positions visited by an engine optimizer descending ``function`` from ``start``.

    The point is one float64 parameter ``{"xy": array([x, y])}`` updated in place by
    :meth:`nn.optimizers.Optimizer.step` with the analytic gradient — every update rule is
    elementwise, so this is exactly the book's separate ``params['x']``, ``params['y']``.

    Parameters
    ----------
    function
        A :class:`Landscape` or its name.
    optimizer_config
        ``{"name": "adam", "lr": 0.3, ...}`` (as :func:`nn.optimizers.get`), a name, or a fresh
        optimizer.
    start
        ``(x, y)``.
    steps
        Number of updates (≥ 0).

    Returns
    -------
    ndarray, shape (steps + 1, 2)
        Row ``k`` is the position after ``k`` updates (row 0 is ``start``). When the path
        diverges — a non-finite value or a point farther than :data:`DIVERGENCE_LIMIT` — the
        rows after the last finite position are ``nan``; see :func:`divergence_step`.
    """
    land = get(function)
    steps = int(steps)
    if steps < 0:
        raise ValueError(f"Invalid number of steps: {steps} (must be ≥ 0)")
    opt = optimizer_config if isinstance(optimizer_config, optimizers.Optimizer) \
        else optimizers.get(optimizer_config)
    xy = np.array(start, dtype=np.float64).reshape(2)
    if not np.all(np.isfinite(xy)):
        raise ValueError(f"Invalid start point: {tuple(xy)} (must be finite)")
    path = np.full((steps + 1, 2), np.nan)
    path[0] = xy
    params = {"xy": xy}
    with np.errstate(all="ignore"):
        for k in range(1, steps + 1):
            gx, gy = land.grad(xy[0], xy[1])
            opt.step(params, {"xy": np.array([gx, gy], dtype=np.float64)})
            if not np.all(np.isfinite(xy)):
                break
            path[k] = xy
            if math.hypot(xy[0], xy[1]) > DIVERGENCE_LIMIT:
                break
    return path


def optimizer_paths(function: str | Landscape, configs: Mapping[str, Mapping[str, Any]],
                    start: ArrayLike, steps: int) -> dict[str, NDArray]:
    """:func:`optimizer_path` for several optimizers from the same start.

    ``configs`` maps a label (usually the optimizer's name) to ``{"name": ..., "lr": ...}``;
    a config without ``"name"`` uses its label. Returns ``{label: (steps + 1, 2) array}``.
    """
    return {label: optimizer_path(function, {"name": label, **cfg}, start, steps)
            for label, cfg in configs.items()}


def divergence_step(path: NDArray) -> int | None:
    """The first step whose position is unusable (non-finite or beyond the limit), or None."""
    bad = ~np.all(np.isfinite(path), axis=1)
    with np.errstate(invalid="ignore"):
        bad |= np.hypot(path[:, 0], path[:, 1]) > DIVERGENCE_LIMIT
    hits = np.flatnonzero(bad)
    return int(hits[0]) if hits.size else None


@dataclass(frozen=True)
class PathSummary:
    """Where a path ended and how fast it got there.

    ``final``/``value``/``distance`` are ``nan`` for a diverged path; ``minimum`` is the index in
    ``Landscape.minima`` of the minimum nearest the end (-1 if none); ``steps_to_tolerance`` is
    the first step within ``tolerance`` of a minimum (None if never); ``length`` is the distance
    travelled up to the last finite position (a zig-zagging path is long).
    """

    final: tuple[float, float]
    value: float
    distance: float
    minimum: int
    steps_to_tolerance: int | None
    diverged_at: int | None
    length: float


def summarize(function: str | Landscape, path: NDArray, tolerance: float) -> PathSummary:
    """Final position, ``f`` there, distance to the nearest minimum and steps to ``tolerance``."""
    land = get(function)
    diverged = divergence_step(path)
    within: int | None = None
    if land.minima:
        with np.errstate(invalid="ignore"):
            d = np.min(np.hypot(path[:, None, 0] - np.asarray(land.minima)[None, :, 0],
                                path[:, None, 1] - np.asarray(land.minima)[None, :, 1]), axis=1)
            hits = np.flatnonzero(d <= tolerance)
        within = int(hits[0]) if hits.size else None
    length = path_length(path)
    if diverged is not None:
        return PathSummary((math.nan, math.nan), math.nan, math.nan, -1, within, diverged,
                           length)
    end = path[-1]
    index, distance = land.nearest_minimum(end)
    return PathSummary((float(end[0]), float(end[1])), float(land.value(end)), distance, index,
                       within, None, length)


def path_length(path: NDArray) -> float:
    """Total length of the polyline through the path's finite positions."""
    finite = path[np.all(np.isfinite(path), axis=1)]
    if len(finite) < 2:
        return 0.0
    with np.errstate(over="ignore"):
        return float(np.sum(np.hypot(*np.diff(finite, axis=0).T)))


__all__ = ["BOOK_FIGURE", "DIVERGENCE_LIMIT", "LANDSCAPES", "NAMES", "Landscape", "PathSummary",
           "divergence_step", "get", "optimizer_path", "optimizer_paths", "path_length",
           "summarize"]
