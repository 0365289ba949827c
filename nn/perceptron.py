"""The perceptron and logic gates of the book's ch. 2.

A perceptron outputs ``1`` when ``w·x + b > 0`` and ``0`` otherwise (ch. 2.3). With hand-picked
weights it computes AND, NAND and OR (ch. 2.3.3); no single one computes XOR, because its two
classes cannot be split by one straight line (ch. 2.4), but two layers can: XOR = AND(NAND, OR)
(ch. 2.5). Besides the book's functions this module can measure how well *any* single line does
(:func:`best_linear_split`) and runs Rosenblatt's learning rule (:func:`perceptron_rule`), which
finds a separating line whenever one exists and never settles on XOR.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.functions import step

#: The four inputs of a two-input gate, in the book's truth-table order (ch. 2.1).
INPUTS: NDArray = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])

#: Target outputs for :data:`INPUTS`.
TRUTH_TABLES: dict[str, NDArray] = {
    "AND": np.array([0, 0, 0, 1]),
    "NAND": np.array([1, 1, 1, 0]),
    "OR": np.array([0, 1, 1, 1]),
    "XOR": np.array([0, 1, 1, 0]),
}

#: The book's weights ``(w1, w2)`` and bias ``b`` for each gate (ch. 2.3.3); XOR has none.
BOOK_WEIGHTS: dict[str, tuple[float, float, float]] = {
    "AND": (0.5, 0.5, -0.7),
    "NAND": (-0.5, -0.5, 0.7),
    "OR": (0.5, 0.5, -0.2),
}

#: The gates one perceptron can compute, usable as layers of :func:`two_layer`.
SINGLE_LAYER_GATES: tuple[str, ...] = tuple(BOOK_WEIGHTS)


def perceptron(x: ArrayLike, w: ArrayLike, b: float) -> NDArray:
    """Perceptron output ``step(x·w + b)`` (ch. 2.3.2).

    Parameters
    ----------
    x : array_like, shape (..., 2)
        Inputs, one per row (any leading shape).
    w : array_like, shape (2,)
        Weights.
    b : float
        Bias (``−θ`` in ch. 2.3.1).

    Returns
    -------
    ndarray, shape (...)
        ``1.0`` where ``w·x + b > 0`` else ``0.0`` (the book's ``tmp <= 0`` gives 0).
    """
    x = np.asarray(x, dtype=float)
    return step(x @ np.asarray(w, dtype=float) + float(b))


def gate(name: str, x: ArrayLike) -> NDArray:
    """The gate ``name`` ("AND", "NAND", "OR") with the book's weights, on ``x`` (..., 2)."""
    key = name.upper()
    if key not in BOOK_WEIGHTS:
        raise ValueError(f"Unknown gate {name!r}; a single perceptron computes "
                         f"{', '.join(SINGLE_LAYER_GATES)}")
    w1, w2, b = BOOK_WEIGHTS[key]
    return perceptron(x, (w1, w2), b)


@dataclass(frozen=True)
class TwoLayerOutput:
    """Signals of a two-layer perceptron (the book's Fig. 2-13): first layer ``s1``, ``s2``,
    output ``y``; each has the inputs' leading shape."""

    s1: NDArray
    s2: NDArray
    y: NDArray


def two_layer(x: ArrayLike, first: str = "NAND", second: str = "OR",
              out: str = "AND") -> TwoLayerOutput:
    """Stack gates: ``y = out(first(x), second(x))``. The defaults give XOR (ch. 2.5.2).

    ``x`` has shape (..., 2); the result's arrays have shape (...).
    """
    x = np.asarray(x, dtype=float)
    s1, s2 = gate(first, x), gate(second, x)
    y = gate(out, np.stack([s1, s2], axis=-1))
    return TwoLayerOutput(s1, s2, y)


def xor(x: ArrayLike) -> NDArray:
    """XOR by the book's two layers: ``AND(NAND(x), OR(x))`` (ch. 2.5.2)."""
    return two_layer(x).y


def correct_count(w: ArrayLike, b: float, x: ArrayLike, t: ArrayLike) -> int:
    """How many rows of ``x`` (N, 2) the perceptron ``(w, b)`` maps to their target ``t`` (N,)."""
    return int(np.sum(perceptron(x, w, b) == np.asarray(t)))


def decision_line(w: ArrayLike, b: float,
                  extent: tuple[float, float, float, float]) -> NDArray | None:
    """The segment of the line ``w1·x1 + w2·x2 + b = 0`` inside ``extent`` = (x0, x1, y0, y1).

    Returns
    -------
    ndarray, shape (2, 2) or None
        The two end points (rows), or None when ``w = 0`` (no line: the output is the same
        everywhere) or the line misses the box.
    """
    w1, w2 = (float(v) for v in np.asarray(w, dtype=float))
    x0, x1, y0, y1 = extent
    if abs(w1) < 1e-12 and abs(w2) < 1e-12:
        return None
    points = []
    if abs(w2) > 1e-12:  # crossings of the left and right edges
        for xe in (x0, x1):
            ye = -(w1 * xe + b) / w2
            if y0 - 1e-9 <= ye <= y1 + 1e-9:
                points.append((xe, ye))
    if abs(w1) > 1e-12:  # crossings of the bottom and top edges
        for ye in (y0, y1):
            xe = -(w2 * ye + b) / w1
            if x0 - 1e-9 <= xe <= x1 + 1e-9:
                points.append((xe, ye))
    unique: list[tuple[float, float]] = []
    for p in points:  # a corner crossing is found twice
        if all(abs(p[0] - q[0]) + abs(p[1] - q[1]) > 1e-9 for q in unique):
            unique.append(p)
    if len(unique) < 2:
        return None
    return np.array(unique[:2], dtype=float)


@dataclass(frozen=True)
class LinearSplit:
    """The best single perceptron found for a data set."""

    w: NDArray  # (2,)
    b: float
    correct: int  # points it classifies correctly
    total: int


def best_linear_split(x: ArrayLike, t: ArrayLike) -> LinearSplit:
    """The single line that classifies the most points of ``x`` (N, 2) with labels ``t`` in {0, 1}.

    Exact for any point set: the split a line makes can only change at the directions where
    it is parallel to the segment between two points, so one direction inside each interval
    between those critical directions, and every threshold between consecutive projections,
    covers every split a line can make. For XOR the answer is 3 of 4 (ch. 2.4).
    """
    x = np.asarray(x, dtype=float)
    t = np.asarray(t).astype(int)
    n = len(x)
    diffs = x[:, None, :] - x[None, :, :]
    i, j = np.triu_indices(n, 1)
    d = diffs[i, j]
    d = d[np.hypot(d[:, 0], d[:, 1]) > 1e-12]
    # Normal directions in which two points project equally: perpendicular to their difference.
    critical = np.sort(np.mod(np.arctan2(d[:, 1], d[:, 0]) + np.pi / 2, np.pi))
    if len(critical) == 0:
        critical = np.zeros(1)
    wrapped = np.concatenate([critical, critical[:1] + np.pi])
    angles = np.unique(np.concatenate([(wrapped[:-1] + wrapped[1:]) / 2, critical]))
    best = LinearSplit(np.array([1.0, 0.0]), 0.0, -1, n)
    for theta in angles:
        for sign in (1.0, -1.0):  # both orientations: output 1 on either side
            w = sign * np.array([np.cos(theta), np.sin(theta)])
            proj = np.sort(x @ w)
            cuts = np.concatenate([[proj[0] - 1.0], (proj[:-1] + proj[1:]) / 2, [proj[-1] + 1.0]])
            for c in cuts:
                correct = correct_count(w, -c, x, t)
                if correct > best.correct:
                    best = LinearSplit(w, float(-c), correct, n)
    return best


@dataclass(frozen=True)
class RuleStep:
    """The perceptron after one pass of :func:`perceptron_rule` over the data."""

    epoch: int  # 1-based
    w: NDArray  # (2,)
    b: float
    errors: int  # misclassified points after this epoch's updates


def perceptron_rule(x: ArrayLike, t: ArrayLike, w: ArrayLike = (0.0, 0.0), b: float = 0.0,
                    lr: float = 0.1, epochs: int = 50) -> Iterator[RuleStep]:
    """Rosenblatt's learning rule: for each point, ``w += lr·(t − y)·x`` and ``b += lr·(t − y)``.

    Not in the book (its perceptrons are set by hand, ch. 2.3; learning weights from data is
    ch. 4), but the classic way to learn a perceptron: it stops with 0 errors whenever one line
    separates the classes (AND, NAND, OR) and cycles for ever on XOR.

    Yields
    ------
    RuleStep
        One per epoch; the last has ``errors == 0`` if a separating line was found.
    """
    if not lr > 0:
        raise ValueError(f"Invalid learning rate: {lr} (must be > 0)")
    x = np.asarray(x, dtype=float)
    t = np.asarray(t, dtype=float)
    w = np.array(w, dtype=float)
    b = float(b)
    for epoch in range(1, int(epochs) + 1):
        for xi, ti in zip(x, t, strict=True):
            delta = lr * (ti - float(perceptron(xi, w, b)))
            w = w + delta * xi
            b += delta
        errors = len(x) - correct_count(w, b, x, t)
        yield RuleStep(epoch, w.copy(), b, errors)
        if errors == 0:
            return
