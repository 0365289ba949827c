"""Synthetic non-digits on the 280x280 canvas: letters, scribbles, dashes and shapes.

Letters are rendered from the installed fonts (:mod:`font_digits`), leaving out the ones people
also write as digits (O, o, D, I, l, i, Z, z, S, s, B, b, G, g, q, T, J, j, Y, y, A); the strokes
go through the Draw page's MNIST pen (:func:`nn.raster.mnist_pen`) like a drawing would.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from nn.raster import CANVAS_SIZE, PenStroke, mnist_pen, rasterise

LETTERS = "CEFHKMNPRUVWXacdefhkmnprtuvwx"
KINDS = ("scribble", "dash", "triangle", "square", "star", "cross", "spiral", "wave",
         "dots", "check")


def _shape(kind: str, rng: np.random.Generator) -> list[NDArray[np.float64]]:
    """Strokes of a non-digit in a unit box (y down)."""
    if kind == "scribble":
        steps = rng.normal(0.0, 0.25, (rng.integers(12, 30), 2))
        pts = np.cumsum(steps, axis=0)
        return [pts]
    if kind == "dash":
        angle = np.deg2rad(rng.choice([0.0, 0.0, 30.0, -30.0, 90.0]) + rng.uniform(-8, 8))
        d = np.array([np.cos(angle), np.sin(angle)])
        return [np.stack([-d, d]) * 0.5]
    if kind == "triangle":
        a = np.deg2rad(np.array([-90, 30, 150, 270]) + rng.uniform(-10, 10))
        return [np.stack([np.cos(a), np.sin(a)], 1)]
    if kind == "square":
        return [np.array([(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)], float)]
    if kind == "star":
        a = np.deg2rad(-90 + 144 * np.arange(6))
        return [np.stack([np.cos(a), np.sin(a)], 1)]
    if kind == "cross":
        return [np.array([(0.5, 0), (0.5, 1)], float), np.array([(0, 0.5), (1, 0.5)], float)]
    if kind == "spiral":
        t = np.linspace(0, rng.uniform(3, 5) * np.pi, 80)
        return [np.stack([t * np.cos(t), t * np.sin(t)], 1)]
    if kind == "wave":
        t = np.linspace(0, 1, 60)
        return [np.stack([t, 0.15 * np.sin(t * rng.uniform(3, 6) * np.pi)], 1)]
    if kind == "dots":
        return [p[None] for p in rng.uniform(0, 1, (rng.integers(3, 7), 2))]
    if kind == "check":
        return [np.array([(0, 0.6), (0.35, 1), (1, 0)], float)]
    raise ValueError(f"unknown non-digit kind {kind!r}")


def shape_canvas(kind: str, rng: np.random.Generator) -> NDArray[np.float32]:
    """One drawn non-digit of ``kind`` at a random size and place, with the page's pen."""
    strokes = _shape(kind, rng)
    lo = np.min([s.min(0) for s in strokes], 0)
    hi = np.max([s.max(0) for s in strokes], 0)
    size = rng.uniform(80, 230)
    scale = size / max(float((hi - lo).max()), 1e-6)
    centre = CANVAS_SIZE / 2 + rng.uniform(-40, 40, 2)
    mid = (hi + lo) / 2
    pens = []
    for s in strokes:
        pts = (s - mid) * scale + centre
        dense = [pts[0]]
        for a, b in zip(pts[:-1], pts[1:], strict=True):  # mouse samples every ~8 units
            n = max(1, int(np.hypot(*(b - a)) / 8))
            dense.extend(a + (b - a) * (np.arange(1, n + 1) / n)[:, None])
        pens.append(PenStroke(np.clip(np.array(dense), 5, CANVAS_SIZE - 5), 22.0))
    return rasterise(pens if kind == "dots" else mnist_pen(pens))
