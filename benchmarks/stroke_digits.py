"""Synthetic pen-stroke digits in many writing styles, as a mouse would draw them on the canvas.

Each style is a list of strokes in a unit box (``x`` right, ``y`` down, the digit about 0.6
wide): open and closed 4s, crossed and serif 7s, curled 6s and 9s, serif and flagged 1s, and
the plain forms. :func:`sample_strokes` turns a style into one drawing on the 280-unit canvas:
a random slant, rotation, width and wobble, a size and place from one of four placements
(centred, off-centre, tiny, huge) and pointer samples every few units, like mouse events.
The drawing is then painted by :func:`nn.raster.rasterise` after the page's MNIST pen rescaling
(:func:`nn.raster.mnist_pen`), as the Draw page does.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import NDArray

from nn.raster import CANVAS_SIZE, PenStroke

Strokes = list[NDArray[np.float64]]

#: Where on the canvas a drawing goes: (height range, centre spread) in canvas units.
PLACEMENTS: dict[str, tuple[tuple[float, float], float]] = {
    "centred": ((150.0, 230.0), 15.0),
    "off-centre": ((110.0, 160.0), 70.0),
    "tiny": ((40.0, 70.0), 80.0),
    "huge": ((245.0, 272.0), 2.0),
}


def arc(cx: float, cy: float, rx: float, ry: float, a0: float, a1: float,
        n: int = 40) -> NDArray[np.float64]:
    """Points on an ellipse from angle ``a0`` to ``a1`` degrees (screen angles: 0 right,
    90 down, 270 up; increasing angles run clockwise on the screen)."""
    a = np.deg2rad(np.linspace(a0, a1, n))
    return np.stack([cx + rx * np.cos(a), cy + ry * np.sin(a)], axis=1)


def line(*points: tuple[float, float], n: int = 12) -> NDArray[np.float64]:
    """A polyline through ``points``, each piece with ``n`` points."""
    pts = np.asarray(points, np.float64)
    pieces = [np.linspace(pts[i], pts[i + 1], n, endpoint=False) for i in range(len(pts) - 1)]
    return np.concatenate([*pieces, pts[-1:]])


def curve(*points: tuple[float, float], n: int = 60) -> NDArray[np.float64]:
    """A smooth curve through ``points`` (Catmull-Rom spline), ``n`` points in all."""
    p = np.asarray(points, np.float64)
    p = np.concatenate([2 * p[:1] - p[1:2], p, 2 * p[-1:] - p[-2:-1]])
    segments = len(p) - 3
    t = np.linspace(0, segments, n, endpoint=False)
    i = np.minimum(t.astype(int), segments - 1)
    u = (t - i)[:, None]
    p0, p1, p2, p3 = p[i], p[i + 1], p[i + 2], p[i + 3]
    out = 0.5 * (2 * p1 + (-p0 + p2) * u + (2 * p0 - 5 * p1 + 4 * p2 - p3) * u**2
                 + (-p0 + 3 * p1 - 3 * p2 + p3) * u**3)
    return np.concatenate([out, p[-2:-1]])


def join(*parts: NDArray[np.float64]) -> NDArray[np.float64]:
    """Pieces drawn without lifting the pen."""
    return np.concatenate(parts)


def _six(stem: NDArray, cx: float = 0.5, cy: float = 0.7, rx: float = 0.27,
         ry: float = 0.25) -> Strokes:
    """A 6: ``stem`` comes down the left side into a loop around (cx, cy)."""
    start = np.rad2deg(np.arctan2((stem[-1, 1] - cy) / ry, (stem[-1, 0] - cx) / rx))
    return [join(stem, arc(cx, cy, rx, ry, start, start - 350))]


def _nine(tail: NDArray, cx: float = 0.47, cy: float = 0.3, rx: float = 0.26,
          ry: float = 0.24) -> Strokes:
    """A 9: a loop around (cx, cy) drawn counter-clockwise from its right, then ``tail``."""
    return [join(arc(cx, cy, rx, ry, 10, -350), tail)]


STYLES: dict[int, dict[str, Callable[[], Strokes]]] = {
    0: {
        "oval": lambda: [arc(0.5, 0.5, 0.3, 0.45, -90, 280)],
        "oval-ccw": lambda: [arc(0.5, 0.5, 0.3, 0.45, -60, -430)],
        "narrow": lambda: [arc(0.5, 0.5, 0.2, 0.46, -100, 265)],
    },
    1: {
        "stick": lambda: [line((0.5, 0.04), (0.5, 0.96))],
        "flag": lambda: [line((0.28, 0.28), (0.52, 0.04), (0.52, 0.96))],
        "serif": lambda: [line((0.28, 0.28), (0.52, 0.04), (0.52, 0.96)),
                          line((0.3, 0.96), (0.74, 0.96))],
        "slanted": lambda: [line((0.62, 0.04), (0.4, 0.96))],
    },
    2: {
        "curve": lambda: [join(arc(0.5, 0.3, 0.27, 0.25, 195, 395),
                               line((0.7, 0.5), (0.2, 0.95), (0.82, 0.95)))],
        "loop": lambda: [join(arc(0.5, 0.3, 0.27, 0.25, 195, 395),
                              curve((0.7, 0.5), (0.3, 0.88), (0.22, 0.95), (0.3, 0.82),
                                    (0.45, 0.92), (0.82, 0.94)))],
        "swan": lambda: [join(curve((0.2, 0.25), (0.45, 0.05), (0.75, 0.2), (0.55, 0.6),
                                    (0.2, 0.95)), line((0.2, 0.95), (0.82, 0.9)))],
    },
    3: {
        "round": lambda: [join(arc(0.5, 0.28, 0.27, 0.23, 200, 450),
                               arc(0.5, 0.73, 0.31, 0.23, 270, 520))],
        "flat-top": lambda: [join(line((0.2, 0.05), (0.8, 0.05), (0.45, 0.42)),
                                  arc(0.5, 0.7, 0.31, 0.26, 250, 520))],
    },
    4: {
        "open": lambda: [line((0.22, 0.04), (0.16, 0.62), (0.86, 0.62)),
                         line((0.66, 0.2), (0.66, 0.96))],
        "closed": lambda: [line((0.66, 0.96), (0.66, 0.04), (0.12, 0.66), (0.88, 0.66))],
        "closed-2": lambda: [line((0.66, 0.04), (0.12, 0.66), (0.88, 0.66)),
                             line((0.66, 0.04), (0.66, 0.96))],
    },
    5: {
        "classic": lambda: [join(line((0.3, 0.05), (0.26, 0.45)),
                                 arc(0.48, 0.68, 0.31, 0.27, 225, 500)),
                            line((0.3, 0.05), (0.8, 0.05))],
        "one-stroke": lambda: [join(line((0.8, 0.05), (0.3, 0.05), (0.26, 0.45)),
                                    arc(0.48, 0.68, 0.31, 0.27, 225, 500))],
    },
    6: {
        "loop": lambda: _six(curve((0.72, 0.04), (0.45, 0.16), (0.28, 0.4), (0.23, 0.68))),
        "straight": lambda: _six(line((0.62, 0.04), (0.24, 0.66))),
        "curled": lambda: _six(curve((0.78, 0.2), (0.7, 0.06), (0.55, 0.04), (0.4, 0.12),
                                     (0.28, 0.36), (0.23, 0.66))),
        "curled-tight": lambda: _six(curve((0.66, 0.2), (0.62, 0.07), (0.5, 0.05),
                                           (0.36, 0.16), (0.26, 0.42), (0.23, 0.68)),
                                     cy=0.72, ry=0.23),
        "big-loop": lambda: _six(curve((0.7, 0.04), (0.42, 0.12), (0.24, 0.42)),
                                 cy=0.64, rx=0.28, ry=0.31),
    },
    7: {
        "plain": lambda: [line((0.15, 0.06), (0.85, 0.06), (0.4, 0.96))],
        "crossed": lambda: [line((0.15, 0.06), (0.85, 0.06), (0.4, 0.96)),
                            line((0.38, 0.52), (0.78, 0.5))],
        "serif": lambda: [line((0.16, 0.22), (0.15, 0.06), (0.85, 0.06), (0.45, 0.96))],
        "curved": lambda: [join(line((0.15, 0.06), (0.85, 0.06)),
                                curve((0.85, 0.06), (0.6, 0.4), (0.5, 0.7), (0.48, 0.96)))],
    },
    8: {
        "one-stroke": lambda: [np.stack([0.5 + 0.28 * np.sin(2 * t), 0.5 - 0.46 * np.cos(t)], 1)
                               for t in [np.linspace(0, 2 * np.pi, 90)]],
        "two-loops": lambda: [arc(0.5, 0.27, 0.22, 0.22, -90, 270),
                              arc(0.5, 0.72, 0.28, 0.25, -90, 270)],
        "snake": lambda: [join(curve((0.75, 0.15), (0.5, 0.04), (0.25, 0.2), (0.5, 0.48),
                                     (0.78, 0.75), (0.5, 0.96), (0.22, 0.75), (0.5, 0.48),
                                     (0.75, 0.2), (0.72, 0.12)))],
    },
    9: {
        "straight": lambda: _nine(line((0.73, 0.3), (0.7, 0.96))),
        "curved": lambda: _nine(curve((0.73, 0.3), (0.72, 0.7), (0.58, 0.92), (0.36, 0.9))),
        "curled": lambda: _nine(curve((0.73, 0.3), (0.7, 0.75), (0.55, 0.95), (0.32, 0.9),
                                      (0.28, 0.78))),
        "slanted": lambda: _nine(line((0.73, 0.3), (0.55, 0.96))),
    },
}


def _mouse_samples(points: NDArray, step: float, rng: np.random.Generator) -> NDArray:
    """Resample a dense curve every ``step`` canvas units (mouse events), slightly jittered."""
    seg = np.hypot(*np.diff(points, axis=0).T)
    dist = np.concatenate([[0.0], np.cumsum(seg)])
    if dist[-1] < 1e-6:
        return points[:1]
    n = max(2, int(dist[-1] / step) + 1)
    at = np.linspace(0.0, dist[-1], n)
    xs = np.interp(at, dist, points[:, 0])
    ys = np.interp(at, dist, points[:, 1])
    out = np.stack([xs, ys], axis=1)
    out[1:-1] += rng.normal(0.0, 0.5, out[1:-1].shape)
    return out


def sample_strokes(digit: int, style: str, placement: str,
                   rng: np.random.Generator) -> list[PenStroke]:
    """One drawing of ``digit`` in ``style`` on the 280-unit canvas.

    Random per drawing: slant (shear +-15 degrees), rotation (+-10), width (0.8-1.2 of the
    style's), a smooth wobble of about 2 % of the size, the height and centre from
    ``PLACEMENTS[placement]``, the pen width (10-35 units) and the pointer sampling (every
    4-11 units).
    """
    strokes = STYLES[digit][style]()
    shear = np.tan(np.deg2rad(rng.uniform(-15, 15)))
    angle = np.deg2rad(rng.uniform(-10, 10))
    aspect = rng.uniform(0.8, 1.2)
    phase = rng.uniform(0, 2 * np.pi, 4)
    wobble = rng.uniform(0.0, 0.025)
    (h_lo, h_hi), spread = PLACEMENTS[placement]
    height = rng.uniform(h_lo, h_hi)
    centre = np.full(2, CANVAS_SIZE / 2.0) + rng.uniform(-spread, spread, 2)
    width = rng.uniform(10.0, 35.0)
    step = rng.uniform(4.0, 11.0)
    out = []
    for pts in strokes:
        p = pts - 0.5
        p = p + wobble * np.stack([np.sin(5 * p[:, 1] + phase[0]) + np.sin(9 * p[:, 0] + phase[1]),
                                   np.sin(5 * p[:, 0] + phase[2]) + np.sin(9 * p[:, 1]
                                                                           + phase[3])], 1)
        p[:, 0] = aspect * p[:, 0] - shear * p[:, 1]
        c, s = np.cos(angle), np.sin(angle)
        p = p @ np.array([[c, -s], [s, c]])
        out.append(p)
    lo = np.min([p.min(axis=0) for p in out], axis=0)
    hi = np.max([p.max(axis=0) for p in out], axis=0)
    scale = height / max(hi[1] - lo[1], 1e-6)
    half = (hi - lo) * scale / 2.0 + width / 2.0
    centre = np.clip(centre, half, CANVAS_SIZE - half)  # the whole drawing stays on the canvas
    mid = (hi + lo) / 2.0
    return [PenStroke(_mouse_samples((p - mid) * scale + centre, step, rng), width)
            for p in out]
