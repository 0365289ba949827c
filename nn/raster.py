"""Pen strokes to an anti-aliased ink image in NumPy, the way the Draw page paints them.

The Draw page (``workbench/pages/draw/render.py``) paints each pen-down…pen-up with QPainter:
a path through the pointer samples made of quadratic Bézier pieces that end at the midpoints
of successive samples (the first starts at the first sample, a straight piece reaches the
last), stroked with a round-capped, round-joined pen. A single sample is a round dot. Here the
same path is flattened into short segments and every pixel's ink coverage is taken from its
distance ``d`` to the path: ``clip(w / 2 - d + 0.5, 0, 1)`` for a pen of width ``w``, a one-pixel
linear ramp that approximates the area coverage of QPainter's anti-aliasing. Strokes are
composited in order, ink "over" the image (``1 - (1 - a)(1 - b)``) and eraser strokes, drawn
:data:`ERASER_MARGIN` wider, multiply it by ``1 - coverage``.

Everything is vectorised: the stroke's bounding box is cut into tiles and each tile computes one
``(pixels, segments)`` distance matrix against the segments that reach it; no loop over pixels.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = ["CANVAS_SIZE", "ERASER_MARGIN", "MNIST_PEN_RATIO", "PenStroke", "flatten_path",
           "mnist_pen", "pressure_width", "rasterise"]

#: Side of the Draw page's square canvas in pixels (one drawing unit = one pixel).
CANVAS_SIZE = 280
#: The Draw page's "MNIST pen width": the pen relative to the drawing's longest side (strokes
#: about 2.8 px wide once the digit is scaled to MNIST's 20-px box).
MNIST_PEN_RATIO = 0.14
#: A pen at zero pressure still draws this fraction of its width (as on the Draw page).
MIN_PRESSURE_WIDTH = 0.35
#: An eraser removes this much more than its nominal width (canvas units, half on each side),
#: as on the Draw page: an ink edge pixel the pen covers by a fraction ``a`` is ``a`` grey, and
#: the same edge erased by the same width keeps ``a (1 - a)`` of it, a faint hairline along both
#: edges of an erased stroke; one unit beyond each side covers that one-pixel ramp.
ERASER_MARGIN = 2.0
#: Straight pieces each quadratic Bézier piece is flattened into.
_PIECES_PER_CURVE = 8
#: Side of the square tiles whose pixels are measured against the segments near them.
_TILE = 24


@dataclass(frozen=True)
class PenStroke:
    """One pen-down…pen-up in canvas units.

    Attributes
    ----------
    points : array_like, shape (K, 2) or (K, 3)
        ``(x, y)`` or ``(x, y, pressure)`` samples, pressure in ``[0, 1]`` (1 when omitted).
    width : float
        Pen width at full pressure, canvas units.
    erase : bool
        The stroke removes ink instead of adding it.
    """

    points: ArrayLike
    width: float
    erase: bool = False


def pressure_width(width: float | NDArray, pressure: float | NDArray) -> NDArray[np.float64]:
    """Pen width at ``pressure`` in ``[0, 1]`` (the Draw page's rule)."""
    p = np.clip(pressure, 0.0, 1.0)
    return np.asarray(width * (MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * p), np.float64)


def mnist_pen(strokes: Sequence[PenStroke], ratio: float = MNIST_PEN_RATIO) -> list[PenStroke]:
    """The strokes with every width scaled so the median ink pen is ``ratio`` times the longest
    side of the ink strokes' bounding box (the Draw page's "MNIST pen width"); eraser strokes
    scale along and no width goes below 1."""
    ink = [s for s in strokes if not s.erase]
    if not ink:
        return list(strokes)
    pts = np.concatenate([np.asarray(s.points, np.float64).reshape(len(s.points), -1)[:, :2]
                          for s in ink])
    size = max(float(np.ptp(pts[:, 0])), float(np.ptp(pts[:, 1])), 1.0)
    factor = ratio * size / float(np.median([s.width for s in ink]))
    return [PenStroke(s.points, max(1.0, s.width * factor), s.erase) for s in strokes]


def _quad(p0: NDArray, c: NDArray, p1: NDArray, n: int) -> NDArray[np.float64]:
    """Points of quadratic Bézier pieces ``(M, 2)`` each -> ``(M, n + 1, 2)``, ends included."""
    t = np.linspace(0.0, 1.0, n + 1)[None, :, None]
    return ((1 - t) ** 2) * p0[:, None] + 2 * (1 - t) * t * c[:, None] + (t**2) * p1[:, None]


def flatten_path(points: ArrayLike) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """The Draw page's smoothed path through ``points`` as a polyline.

    Parameters
    ----------
    points : array_like, shape (K, 2)
        Pointer samples ``(x, y)``, ``K >= 1``.

    Returns
    -------
    vertices : numpy.ndarray, shape (V, 2)
        Polyline vertices; a single sample gives one vertex.
    piece : numpy.ndarray, shape (V - 1,)
        For each segment, the index ``i`` (1..K-1) of the sample whose pressure sets its width
        on a pressure-sensitive stroke (the page paints piece ``i`` at sample ``i``'s pressure).
    """
    pts = np.asarray(points, np.float64).reshape(-1, 2)
    k = len(pts)
    if k == 0:
        raise ValueError("a stroke needs at least one point")
    if k <= 2:
        return pts.copy(), np.ones(k - 1, np.int64)
    mids = (pts[1:-1] + pts[2:]) / 2.0  # ends of the curved pieces 1..K-2
    starts = np.concatenate([pts[:1], mids[:-1]])
    curves = _quad(starts, pts[1:-1], mids, _PIECES_PER_CURVE)  # (K-2, n+1, 2)
    body = curves[:, 1:].reshape(-1, 2)
    vertices = np.concatenate([pts[:1], body, pts[-1:]])
    piece = np.concatenate([np.repeat(np.arange(1, k - 1), _PIECES_PER_CURVE), [k - 1]])
    return vertices, piece.astype(np.int64)


def _distance_cover(px: NDArray, py: NDArray, a: NDArray, b: NDArray,
                    half: NDArray) -> NDArray[np.float64]:
    """Coverage ``(P,)`` of pixel centres ``px, py`` (P, 1) by segments ``a -> b`` (S, 2)."""
    ax, ay = a[:, 0], a[:, 1]
    dx, dy = b[:, 0] - ax, b[:, 1] - ay
    length2 = np.maximum(dx * dx + dy * dy, 1e-12)
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / length2, 0.0, 1.0)  # (P, S)
    ex = px - ax - t * dx
    ey = py - ay - t * dy
    return np.clip(half - np.sqrt(ex * ex + ey * ey) + 0.5, 0.0, 1.0).max(axis=1)


def _coverage(vertices: NDArray, half: NDArray, size: int) -> tuple[NDArray, tuple[int, int]]:
    """Ink coverage of one stroke inside its bounding box.

    ``vertices`` (V, 2) with ``half`` (max(V-1, 1),) half-widths per segment (a single vertex
    is a dot). The box is cut into :data:`_TILE`-pixel tiles and each tile only measures the
    segments whose reach overlaps it. Returns the ``(h, w)`` coverage and the box's top-left
    ``(row, col)``.
    """
    reach = float(half.max()) + 1.0
    lo = np.floor(vertices.min(axis=0) - reach).astype(int)
    hi = np.ceil(vertices.max(axis=0) + reach).astype(int)
    c0, r0 = np.maximum(lo, 0)
    c1, r1 = np.minimum(hi, size)
    if c1 <= c0 or r1 <= r0:
        return np.zeros((0, 0)), (0, 0)
    a, b = (vertices, vertices) if len(vertices) == 1 else (vertices[:-1], vertices[1:])
    seg_lo = np.minimum(a, b) - (half[:, None] + 1.0)  # (S, 2) as (x, y)
    seg_hi = np.maximum(a, b) + (half[:, None] + 1.0)
    out = np.zeros((r1 - r0, c1 - c0))
    rows = np.arange(r0, r1, _TILE)
    cols = np.arange(c0, c1, _TILE)
    # which segments reach which tile row / column band: (bands, S)
    in_rows = (seg_lo[None, :, 1] < rows[:, None] + _TILE) & (seg_hi[None, :, 1] > rows[:, None])
    in_cols = (seg_lo[None, :, 0] < cols[:, None] + _TILE) & (seg_hi[None, :, 0] > cols[:, None])
    for i, top in enumerate(rows):
        bottom = min(top + _TILE, r1)
        ys = np.arange(top, bottom, dtype=np.float64) + 0.5  # pixel centres
        for j, left in enumerate(cols):
            sel = np.flatnonzero(in_rows[i] & in_cols[j])
            if sel.size == 0:
                continue
            right = min(left + _TILE, c1)
            xs = np.arange(left, right, dtype=np.float64) + 0.5
            px = np.broadcast_to(xs[None, :], (len(ys), len(xs))).reshape(-1, 1)
            py = np.broadcast_to(ys[:, None], (len(ys), len(xs))).reshape(-1, 1)
            cover = _distance_cover(px, py, a[sel], b[sel], half[sel])
            out[top - r0 : bottom - r0, left - c0 : right - c0] = cover.reshape(len(ys), len(xs))
    return out, (int(r0), int(c0))


def rasterise(
    strokes: Sequence[PenStroke],
    size: int = CANVAS_SIZE,
    *,
    scale: float = 1.0,
    base: NDArray | None = None,
) -> NDArray[np.float32]:
    """Paint ``strokes`` onto a ``size`` x ``size`` ink-high image.

    Parameters
    ----------
    strokes : sequence of PenStroke
        In canvas units, painted in order.
    size : int
        Output side in pixels.
    scale : float
        Pixels per canvas unit (``size / 280`` renders a 280-unit drawing at ``size`` pixels).
    base : numpy.ndarray, shape (size, size), optional
        Ink-high image to paint on (not modified); black otherwise.

    Returns
    -------
    numpy.ndarray, shape (size, size), float32
        Ink in ``[0, 1]``.
    """
    image = (np.zeros((size, size)) if base is None
             else np.clip(np.asarray(base, np.float64), 0.0, 1.0).copy())
    if image.shape != (size, size):
        raise ValueError(f"base must have shape ({size}, {size}), got {image.shape}")
    for stroke in strokes:
        pts = np.asarray(stroke.points, np.float64)
        pts = pts.reshape(len(pts), -1) if pts.size else pts.reshape(0, 2)
        if pts.shape[0] == 0 or pts.shape[1] not in (2, 3):
            raise ValueError(f"stroke points must have shape (K, 2) or (K, 3), got {pts.shape}")
        pressure = pts[:, 2] if pts.shape[1] == 3 else np.ones(len(pts))
        vertices, piece = flatten_path(pts[:, :2])
        margin = ERASER_MARGIN if stroke.erase else 0.0
        if len(pts) == 1 or np.ptp(pressure) <= 1e-3:
            half = np.full(max(len(vertices) - 1, 1),
                           (pressure_width(stroke.width, pressure[0]) + margin) / 2.0)
        else:
            half = (pressure_width(stroke.width, pressure[piece]) + margin) / 2.0
        cover, (r0, c0) = _coverage(vertices * scale, half * scale, size)
        if cover.size == 0:
            continue
        region = image[r0 : r0 + cover.shape[0], c0 : c0 + cover.shape[1]]
        if stroke.erase:
            region *= 1.0 - cover
        else:
            region += (1.0 - region) * cover
    return image.astype(np.float32)
