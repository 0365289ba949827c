"""The Draw page's external check set: digits that are not MNIST, through the page's preprocessing.

Two sources, each split into a tuning half and a held-out half:

* ``font``: every installed Latin text font (:mod:`font_digits`), each digit at each placement
  (centred, off-centre, tiny, huge), rotated +-12 degrees, with a random outline thickening;
  held-out = a third of the fonts (by file-name hash), never seen while tuning.
* ``stroke``: every pen style of :mod:`stroke_digits` (open and closed 4s, crossed 7s, curled 6s
  and 9s, serif 1s, ...) at each placement, with random slant, rotation, wobble, pen and
  mouse sampling, drawn with the page's MNIST pen (:func:`nn.raster.mnist_pen`) by
  :func:`nn.raster.rasterise` (which matches the page's QPainter strokes,
  ``tests/workbench/test_draw_raster_match.py``); held-out = other random draws.

Both go through :func:`nn.preprocess.canvas_to_mnist`, the page's own preprocessing. The
pen ratio and ink threshold are parameters so that they can be tuned on the tuning half.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import font_digits
import non_digits
import numpy as np
import stroke_digits
from numpy.typing import NDArray

from nn.preprocess import canvas_to_mnist
from nn.raster import MNIST_PEN_RATIO, mnist_pen, rasterise

PLACEMENTS = tuple(stroke_digits.PLACEMENTS)


@dataclass
class Samples:
    """A labelled image set with where each image came from.

    Attributes
    ----------
    x : numpy.ndarray, shape (N, 1, 28, 28), float32
    y : numpy.ndarray, shape (N,), int64 (-1 for non-digits)
    source, style, placement : list of str
        ``"font"``/``"stroke"``/``"letter"``/``"shape"``; the font file or pen style; where on
        the canvas.
    held_out : numpy.ndarray, shape (N,), bool
    """

    x: NDArray[np.float32]
    y: NDArray[np.int64]
    source: list[str]
    style: list[str]
    placement: list[str]
    held_out: NDArray[np.bool_]

    def select(self, mask: NDArray[np.bool_]) -> Samples:
        idx = np.flatnonzero(mask)
        return Samples(self.x[idx], self.y[idx], [self.source[i] for i in idx],
                       [self.style[i] for i in idx], [self.placement[i] for i in idx],
                       self.held_out[idx])


def _samples(rows: list[tuple[NDArray, int, str, str, str, bool]]) -> Samples:
    x = np.stack([r[0] for r in rows])[:, None] if rows else np.zeros((0, 1, 28, 28),
                                                                       np.float32)
    return Samples(x.astype(np.float32), np.array([r[1] for r in rows], np.int64),
                   [r[2] for r in rows], [r[3] for r in rows], [r[4] for r in rows],
                   np.array([r[5] for r in rows], bool))


def font_set(*, threshold: float = 0.05, seed: int = 0, max_fonts: int | None = None) -> Samples:
    """Every font's digits at every placement (one random pose each)."""
    rows = []
    fonts = font_digits.font_files()[:max_fonts]
    for f_index, font in enumerate(fonts):
        held = font_digits.is_held_out(font)
        rng = np.random.default_rng([seed, 10, f_index])
        for digit in range(10):
            for placement in PLACEMENTS:
                g = font_digits.glyph(font, str(digit), bold=int(rng.integers(0, 9)))
                if g is None:
                    break
                canvas = font_digits.place(g, placement, rng)
                rows.append((canvas_to_mnist(canvas, threshold=threshold), digit, "font",
                             font.name, placement, held))
    return _samples(rows)


def stroke_set(*, pen_ratio: float = MNIST_PEN_RATIO, threshold: float = 0.05, seed: int = 0,
               per_style: int = 3) -> Samples:
    """``per_style`` drawings of every pen style at every placement, in each half."""
    rows = []
    for held in (False, True):
        rng = np.random.default_rng([seed, 20, int(held)])
        for digit, styles in stroke_digits.STYLES.items():
            for style in styles:
                for placement in PLACEMENTS:
                    for _ in range(per_style):
                        strokes = stroke_digits.sample_strokes(digit, style, placement, rng)
                        ink = rasterise(mnist_pen(strokes, pen_ratio) if pen_ratio else strokes)
                        rows.append((canvas_to_mnist(ink, threshold=threshold), digit,
                                     "stroke", style, placement, held))
    return _samples(rows)


def non_digit_set(*, threshold: float = 0.05, seed: int = 0, per_kind: int = 30,
                  letters_per_font: int = 2, max_fonts: int | None = None) -> Samples:
    """Letters from the fonts and drawn shapes; the held-out half as for the digits."""
    rows = []
    for f_index, font in enumerate(font_digits.font_files()[:max_fonts]):
        rng = np.random.default_rng([seed, 30, f_index])
        for char in rng.choice(list(non_digits.LETTERS), letters_per_font, replace=False):
            g = font_digits.glyph(font, str(char), bold=int(rng.integers(0, 9)))
            if g is None:
                continue
            canvas = font_digits.place(g, "centred", rng)
            rows.append((canvas_to_mnist(canvas, threshold=threshold), -1, "letter",
                         f"{font.name}:{char}", "centred", font_digits.is_held_out(font)))
    for held in (False, True):
        rng = np.random.default_rng([seed, 40, int(held)])
        for kind in non_digits.KINDS:
            for _ in range(per_kind):
                ink = non_digits.shape_canvas(kind, rng)
                rows.append((canvas_to_mnist(ink, threshold=threshold), -1, "shape", kind,
                             "centred", held))
    return _samples(rows)


def build(*, pen_ratio: float = MNIST_PEN_RATIO, threshold: float = 0.05, per_style: int = 3,
          max_fonts: int | None = None, seed: int = 0) -> Samples:
    """The font digits followed by the pen-stroke digits."""
    fonts = font_set(threshold=threshold, seed=seed, max_fonts=max_fonts)
    strokes = stroke_set(pen_ratio=pen_ratio, threshold=threshold, seed=seed,
                         per_style=per_style)
    return concatenate(fonts, strokes)


def concatenate(*parts: Samples) -> Samples:
    return Samples(np.concatenate([p.x for p in parts]), np.concatenate([p.y for p in parts]),
                   sum((p.source for p in parts), []), sum((p.style for p in parts), []),
                   sum((p.placement for p in parts), []),
                   np.concatenate([p.held_out for p in parts]))


def save_cached(path: str | Path, settings: dict, samples: Samples) -> None:
    """Store the images with the settings that made them (no pickles)."""
    np.savez_compressed(path, settings=json.dumps(settings, sort_keys=True), x=samples.x,
                        y=samples.y, source=np.array(samples.source),
                        style=np.array(samples.style), placement=np.array(samples.placement),
                        held_out=samples.held_out)


def load_cached(path: str | Path, settings: dict) -> Samples | None:
    """The stored set if it exists and was made with ``settings``."""
    try:
        with np.load(path, allow_pickle=False) as f:
            if str(f["settings"]) != json.dumps(settings, sort_keys=True):
                return None
            return Samples(f["x"], f["y"], f["source"].tolist(), f["style"].tolist(),
                           f["placement"].tolist(), f["held_out"])
    except (OSError, KeyError, ValueError):
        return None
