"""The external check set's generators (benchmarks/): every digit and style renders, drawings
repeat by seed, fonts split by font, and the shipped model reads the plain styles."""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"
sys.path.insert(0, str(BENCH))

import external_set  # noqa: E402
import font_digits  # noqa: E402
import stroke_digits  # noqa: E402

import nn  # noqa: E402
from nn.preprocess import canvas_to_mnist  # noqa: E402
from nn.raster import mnist_pen, rasterise  # noqa: E402


def _draw(digit: int, style: str, placement: str, seed: int) -> np.ndarray:
    strokes = stroke_digits.sample_strokes(digit, style, placement, np.random.default_rng(seed))
    return canvas_to_mnist(rasterise(mnist_pen(strokes)))


def test_every_style_renders_a_centred_mnist_style_input() -> None:
    styles = [(d, name) for d, names in stroke_digits.STYLES.items() for name in names]
    assert {d for d, _ in styles} == set(range(10)) and len(styles) >= 30
    x = np.stack([_draw(d, name, "tiny", i) for i, (d, name) in enumerate(styles)])
    assert x.shape[1:] == (28, 28) and x.dtype == np.float32
    assert (x.reshape(len(x), -1).max(1) > 0.5).all()
    rows = np.arange(28) @ x.sum(axis=2).T / x.sum(axis=(1, 2))
    assert np.allclose(rows, 14.0, atol=0.05)  # centred by mass like MNIST
    model = nn.load_model(Path(__file__).resolve().parents[1] / "resources" / "models"
                          / "digits_deep_convnet.npz")
    plain = [i for i, (d, name) in enumerate(styles) if name in ("oval", "stick", "curve",
                                                                 "round", "closed", "plain",
                                                                 "two-loops", "straight")]
    truth = np.array([styles[i][0] for i in plain])
    assert np.mean(model.predict(x[plain][:, None]) == truth) >= 0.8


def test_drawings_repeat_by_seed_and_placements_differ() -> None:
    a, b, c = _draw(4, "open", "centred", 1), _draw(4, "open", "centred", 1), \
        _draw(4, "open", "centred", 2)
    assert a.tobytes() == b.tobytes() and not np.array_equal(a, c)
    rng = np.random.default_rng(0)
    tiny = stroke_digits.sample_strokes(7, "crossed", "tiny", rng)
    huge = stroke_digits.sample_strokes(7, "crossed", "huge", rng)
    span = lambda s: np.ptp(np.concatenate([p.points for p in s])[:, 1])  # noqa: E731
    assert span(tiny) < 75 < 240 < span(huge)


@pytest.mark.skipif(not font_digits.font_files(), reason="no fonts found by fc-list")
def test_font_digits_split_by_font_and_place_on_the_canvas() -> None:
    fonts = external_set.font_set(max_fonts=3)
    assert len(fonts.y) == 3 * 10 * len(external_set.PLACEMENTS)
    by_font = {}
    for name, held in zip(fonts.style, fonts.held_out, strict=True):
        by_font.setdefault(name, set()).add(bool(held))
    assert all(len(v) == 1 for v in by_font.values())  # a font is wholly in one half
    canvas = font_digits.place(font_digits.glyph(font_digits.font_files()[0], "7"), "tiny",
                               np.random.default_rng(0))
    rows = np.flatnonzero(canvas.max(1) > 0.1)
    assert canvas.shape == (280, 280) and 30 <= rows[-1] - rows[0] <= 90
