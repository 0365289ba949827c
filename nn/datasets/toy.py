"""Two-dimensional toy data sets for decision-boundary demos.

Every generator takes the number of points ``n``, a ``noise`` level (its meaning is given per
function), and a ``seed`` (an int, or a :class:`numpy.random.Generator` to continue a stream),
and returns ``X`` float32 ``(n, 2)`` and ``y`` int64 ``(n,)``. The classes are as equal in size as
``n`` allows, the rows are in a random order, and the same seed always gives the same points.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

__all__ = [
    "TOY_DEFAULT_NOISE",
    "TOY_GENERATORS",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
]

Seed = int | np.random.Generator | None
ToyData = tuple[NDArray[np.float32], NDArray[np.int64]]


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _check(n: int, noise: float, classes: int = 2) -> None:
    if n < classes:
        raise ValueError(f"Invalid n: {n} (need at least one point per class, {classes})")
    if noise < 0:
        raise ValueError(f"Invalid noise: {noise} (must be >= 0)")


def _balanced_labels(n: int, classes: int) -> NDArray[np.int64]:
    """``n`` labels, class ``k`` repeated ``n // classes`` times (+1 for the first remainders)."""
    counts = np.full(classes, n // classes)
    counts[: n % classes] += 1
    return np.repeat(np.arange(classes, dtype=np.int64), counts)


def _finish(x: NDArray, y: NDArray[np.int64], rng: np.random.Generator) -> ToyData:
    order = rng.permutation(len(y))
    return np.ascontiguousarray(x[order], dtype=np.float32), y[order]


def make_xor(n: int = 200, *, noise: float = 0.15, seed: Seed = 0) -> ToyData:
    """The XOR gate as a cloud (the book's ch. 2.5, where one perceptron is not enough).

    Four Gaussian clusters around the corners of the unit square; ``(0, 0)`` and ``(1, 1)`` are
    class 0, ``(1, 0)`` and ``(0, 1)`` class 1. ``noise`` is the standard deviation of each cluster.
    """
    _check(n, noise, 4)
    rng = _rng(seed)
    corner = _balanced_labels(n, 4)
    corners = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])
    x = corners[corner] + noise * rng.standard_normal((n, 2))
    y = (corners[corner, 0] != corners[corner, 1]).astype(np.int64)
    return _finish(x, y, rng)


def make_circles(
    n: int = 200, *, noise: float = 0.08, seed: Seed = 0, factor: float = 0.5
) -> ToyData:
    """Two concentric circles: class 0 of radius 1 outside, class 1 of radius ``factor`` inside.

    ``noise`` is the standard deviation of Gaussian noise added to each coordinate.
    """
    _check(n, noise)
    if not 0 < factor < 1:
        raise ValueError(f"Invalid factor: {factor} (must be in (0, 1))")
    rng = _rng(seed)
    y = _balanced_labels(n, 2)
    angle = rng.uniform(0.0, 2 * np.pi, n)
    radius = np.where(y == 0, 1.0, factor)
    x = radius[:, None] * np.column_stack([np.cos(angle), np.sin(angle)])
    return _finish(x + noise * rng.standard_normal((n, 2)), y, rng)


def make_moons(n: int = 200, *, noise: float = 0.1, seed: Seed = 0) -> ToyData:
    """Two interleaving half circles (as scikit-learn's ``make_moons``).

    Class 0 is the upper arc centred at ``(0, 0)``, class 1 the lower arc centred at
    ``(1, 0.5)``; ``noise`` is the standard deviation of Gaussian noise on each coordinate.
    """
    _check(n, noise)
    rng = _rng(seed)
    y = _balanced_labels(n, 2)
    t = rng.uniform(0.0, np.pi, n)
    upper = np.column_stack([np.cos(t), np.sin(t)])
    lower = np.column_stack([1.0 - np.cos(t), 0.5 - np.sin(t)])
    x = np.where((y == 0)[:, None], upper, lower)
    return _finish(x + noise * rng.standard_normal((n, 2)), y, rng)


def make_spiral(n: int = 300, *, noise: float = 0.2, seed: Seed = 0, classes: int = 3) -> ToyData:
    """``classes`` interleaved spiral arms (the CS231n "spiral" data, radius 0..1).

    Arm ``k`` sweeps the angle ``4 r + 2 pi k / classes`` as the radius ``r`` grows from 0 to 1;
    ``noise`` is the standard deviation of Gaussian noise on the angle (radians).
    """
    _check(n, noise, classes)
    if classes < 2:
        raise ValueError(f"Invalid classes: {classes} (need at least 2)")
    rng = _rng(seed)
    y = _balanced_labels(n, classes)
    r = rng.uniform(0.0, 1.0, n)
    theta = 4.0 * r + 2 * np.pi * y / classes + noise * rng.standard_normal(n)
    x = r[:, None] * np.column_stack([np.sin(theta), np.cos(theta)])
    return _finish(x, y, rng)


def make_blobs(n: int = 200, *, noise: float = 0.5, seed: Seed = 0, classes: int = 3) -> ToyData:
    """Isotropic Gaussian blobs, one per class, centred evenly on a circle of radius 2.

    ``noise`` is the standard deviation of each blob.
    """
    _check(n, noise, classes)
    if classes < 2:
        raise ValueError(f"Invalid classes: {classes} (need at least 2)")
    rng = _rng(seed)
    y = _balanced_labels(n, classes)
    angle = 2 * np.pi * np.arange(classes) / classes + np.pi / 2
    centres = 2.0 * np.column_stack([np.cos(angle), np.sin(angle)])
    return _finish(centres[y] + noise * rng.standard_normal((n, 2)), y, rng)


#: name -> generator, in the order the GUI lists them.
TOY_GENERATORS: dict[str, Callable[..., ToyData]] = {
    "xor": make_xor,
    "circles": make_circles,
    "moons": make_moons,
    "spiral": make_spiral,
    "blobs": make_blobs,
}

#: name -> the generator's default noise.
TOY_DEFAULT_NOISE: dict[str, float] = {
    name: inspect.signature(make).parameters["noise"].default
    for name, make in TOY_GENERATORS.items()
}
