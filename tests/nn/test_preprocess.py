"""MNIST preprocessing: ink bounding box, antialiased scaling to 20 px, centre of mass at 14."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn.preprocess import (
    MNIST_CENTER,
    canvas_to_mnist,
    center_of_mass,
    ink_bounding_box,
    prepare_image,
    resize_area,
    to_ink_high,
)

Segment = tuple[float, float, float, float]  # (r0, c0, r1, c1), pixel-centre coordinates


def _strokes(shape: tuple[int, int], segments: list[Segment], width: float) -> np.ndarray:
    """Antialiased pen strokes: coverage falls from 1 to 0 over one pixel at the stroke's edge."""
    rr, cc = np.indices(shape, dtype=np.float64)
    dist = np.full(shape, np.inf)
    for r0, c0, r1, c1 in segments:
        dr, dc = r1 - r0, c1 - c0
        t = ((rr - r0) * dr + (cc - c0) * dc) / max(dr * dr + dc * dc, 1e-12)
        t = np.clip(t, 0.0, 1.0)
        dist = np.minimum(dist, np.hypot(rr - (r0 + t * dr), cc - (c0 + t * dc)))
    return np.clip(width / 2.0 - dist + 0.5, 0.0, 1.0)


def _ring(
    shape: tuple[int, int], centre: tuple[float, float], radii: tuple[float, float], width: float
) -> np.ndarray:
    """An antialiased ellipse outline (a "0"), radii (vertical, horizontal)."""
    rr, cc = np.indices(shape, dtype=np.float64)
    ry, rx = radii
    # distance to an ellipse, approximated by scaling the radial distance
    rho = np.hypot((rr - centre[0]) / ry, (cc - centre[1]) / rx)
    dist = np.abs(rho - 1.0) * min(ry, rx)
    return np.clip(width / 2.0 - dist + 0.5, 0.0, 1.0)


def _one(
    shape: tuple[int, int], top: float, left: float, height: float, width: float
) -> np.ndarray:
    return _strokes(
        shape,
        [
            (top + 0.25 * height, left, top, left + 0.25 * height),
            (top, left + 0.25 * height, top + height, left + 0.25 * height),
        ],
        width,
    )


def _ell(
    shape: tuple[int, int], top: float, left: float, height: float, wide: float, width: float
) -> np.ndarray:
    return _strokes(
        shape,
        [(top, left, top + height, left), (top + height, left, top + height, left + wide)],
        width,
    )


def _box_sides(img: np.ndarray, threshold: float = 0.05) -> tuple[int, int]:
    box = ink_bounding_box(img, threshold)
    assert box is not None
    top, left, bottom, right = box
    return bottom - top, right - left


def _check_mnist_like(out: np.ndarray, com_tol: float = 0.1) -> None:
    assert out.shape == (28, 28)
    assert out.dtype == np.float32
    assert np.isfinite(out).all()
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert 19 <= max(_box_sides(out)) <= 21
    row, col = center_of_mass(out)
    assert abs(row - MNIST_CENTER) < com_tol and abs(col - MNIST_CENTER) < com_tol


CANVAS = (280, 280)

CASES = {
    "one-centred": _one(CANVAS, 40, 110, 200, 24),
    "one-corner": _one(CANVAS, 2, 2, 120, 12),
    "ring-centred": _ring(CANVAS, (140, 140), (100, 70), 22),
    "ring-corner": _ring(CANVAS, (230, 235), (40, 30), 9),
    "ell-thin": _ell(CANVAS, 30, 60, 210, 150, 3),
    "ell-thick": _ell(CANVAS, 30, 60, 210, 150, 40),
    "tiny": _ring(CANVAS, (150, 120), (2.5, 2.0), 1.5),
    "huge": _ring(CANVAS, (139.5, 139.5), (139, 139), 30),
    "tall-canvas": _one((400, 150), 100, 40, 250, 18),
    "wide-canvas": _ring((120, 500), (60, 300), (45, 30), 10),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_output_is_mnist_like(name: str) -> None:
    _check_mnist_like(canvas_to_mnist(CASES[name]))


@pytest.mark.parametrize("name", ["ring-centred", "ring-corner", "ell-thick", "wide-canvas"])
def test_aspect_ratio_is_kept(name: str) -> None:
    img = CASES[name]
    out = canvas_to_mnist(img)
    h, w = _box_sides(img)
    expected = 20.0 * min(h, w) / max(h, w)
    oh, ow = _box_sides(out)
    short = min(oh, ow) if (oh >= ow) == (h >= w) else max(oh, ow)
    # the same one-pixel allowance as the long side's 19..21 for 20
    assert math.floor(expected) - 1 <= short <= math.ceil(expected) + 1

    def spread(a: np.ndarray, axis: int) -> float:
        p = a.sum(axis=axis)
        x = np.arange(p.size)
        m = p @ x / p.sum()
        return float(np.sqrt(p @ (x - m) ** 2 / p.sum()))

    ratio_in = spread(img, 1) / spread(img, 0)
    ratio_out = spread(out.astype(np.float64), 1) / spread(out.astype(np.float64), 0)
    assert ratio_out == pytest.approx(ratio_in, rel=0.04)


def test_longest_side_is_exactly_20_in_mass() -> None:
    # a filled 150x60 rectangle: the output covers exactly 20 x 8 pixels' worth of ink
    img = np.zeros(CANVAS)
    img[50:200, 100:160] = 1.0
    out = canvas_to_mnist(img)
    assert out.sum() == pytest.approx(20 * 8, rel=1e-4)
    assert _box_sides(out, threshold=0.999) in {(19, 7), (19, 8), (20, 7), (20, 8)}


def test_clipping_when_the_mass_sits_at_one_end() -> None:
    # a heavy blob on a long thin tail: centring the mass pushes the tail out of the frame
    img = np.zeros(CANVAS)
    img[10:60, 100:160] = 1.0
    img[60:270, 128:131] = 1.0
    out = canvas_to_mnist(img)
    assert out.shape == (28, 28) and np.isfinite(out).all()
    assert out.min() >= 0.0 and out.max() <= 1.0
    row, col = center_of_mass(out)
    assert abs(col - MNIST_CENTER) < 0.1
    assert abs(row - MNIST_CENTER) < 1.0  # clipping keeps the best reachable placement
    assert out[-1].max() > 0.0  # the tail reaches the frame's edge


def test_empty_and_below_threshold_give_zeros() -> None:
    for img in (np.zeros(CANVAS), np.full((50, 70), 0.04), np.zeros((0, 0)), np.zeros((1, 1))):
        out = canvas_to_mnist(img)
        assert out.shape == (28, 28) and out.dtype == np.float32
        assert not out.any()


@pytest.mark.parametrize("shape", [(280, 280), (1, 1), (1, 300), (300, 1), (3, 5)])
def test_single_dot_and_lines_are_finite(shape: tuple[int, int]) -> None:
    img = np.zeros(shape)
    img[shape[0] // 2, shape[1] // 2] = 1.0
    dot = canvas_to_mnist(img)
    assert np.isfinite(dot).all() and dot.max() > 0.5
    row, col = center_of_mass(dot)
    assert abs(row - MNIST_CENTER) < 0.1 and abs(col - MNIST_CENTER) < 0.1
    line = canvas_to_mnist(np.ones(shape))
    assert np.isfinite(line).all() and line.max() > 0.0


def test_translation_invariance() -> None:
    a = canvas_to_mnist(_ring(CANVAS, (100, 90), (60, 40), 14))
    b = canvas_to_mnist(_ring(CANVAS, (180, 200), (60, 40), 14))
    assert np.abs(a - b).max() < 0.02
    c = canvas_to_mnist(np.roll(CASES["one-centred"], (-20, 50), axis=(0, 1)))
    assert np.abs(canvas_to_mnist(CASES["one-centred"]) - c).max() < 0.02


def test_scale_invariance() -> None:
    small = canvas_to_mnist(_ring(CANVAS, (140, 140), (40, 28), 8))
    large = canvas_to_mnist(_ring(CANVAS, (140, 140), (120, 84), 24))
    assert np.abs(small - large).mean() < 0.03
    one_s = canvas_to_mnist(_one(CANVAS, 90, 120, 100, 12))
    one_l = canvas_to_mnist(_one(CANVAS, 20, 100, 240, 29))
    assert np.abs(one_s - one_l).mean() < 0.03


def test_values_outside_unit_range_and_nan_are_tolerated() -> None:
    img = 3.0 * CASES["ring-centred"] - 1.0
    img[0, 0] = np.nan
    out = canvas_to_mnist(img)
    _check_mnist_like(out)


def test_mnist_digits_round_trip() -> None:
    """MNIST digits are already preprocessed: scaled up x10 they come back nearly unchanged.

    The remaining difference is the sub-pixel shift: MNIST shifted by whole pixels, so its centres
    of mass spread over 14 +- 0.5, while canvas_to_mnist puts them at 14.0 exactly.
    """
    from nn.datasets import load

    x = load("digits").x_test[:200, 0]
    diffs = []
    for img in x:
        out = canvas_to_mnist(np.kron(img, np.ones((10, 10), dtype=np.float32)))
        _check_mnist_like(out)
        diffs.append(np.abs(out - img).mean())
    assert float(np.mean(diffs)) < 0.04
    assert float(np.max(diffs)) < 0.08
    # MNIST's own convention: the centre of mass averages 14, not 13.5
    coms = np.array([center_of_mass(img) for img in x])
    assert np.abs(coms.mean(axis=0) - MNIST_CENTER).max() < 0.1


def test_center_of_mass_and_bounding_box() -> None:
    img = np.zeros((5, 7))
    img[1, 2] = 1.0
    img[3, 6] = 3.0
    assert center_of_mass(img) == pytest.approx((2.5, 5.0))
    assert ink_bounding_box(img) == (1, 2, 4, 7)
    assert ink_bounding_box(img, threshold=2.0) == (3, 6, 4, 7)
    assert ink_bounding_box(np.zeros((4, 4))) is None
    assert center_of_mass(np.zeros((4, 6))) == (1.5, 2.5)
    with pytest.raises(ValueError, match="2-D"):
        center_of_mass(np.zeros(5))


def test_resize_area_averages_blocks_and_keeps_constant() -> None:
    rng = np.random.default_rng(0)
    img = rng.random((280, 280))
    small = resize_area(img, 28, 28)
    np.testing.assert_allclose(small, img.reshape(28, 10, 28, 10).mean(axis=(1, 3)), atol=1e-12)
    for size in [(7, 13), (1, 1), (300, 50), (41, 280)]:
        np.testing.assert_allclose(resize_area(np.full((30, 20), 0.7), *size), 0.7, atol=1e-12)
    np.testing.assert_allclose(resize_area(img, 280, 280), img, atol=1e-12)
    with pytest.raises(ValueError, match="at least"):
        resize_area(img, 0, 5)


def test_resize_area_does_not_alias() -> None:
    # a one-pixel checkerboard has no low-frequency content: area averaging leaves flat grey
    stripes = (np.indices((280, 280)).sum(axis=0) % 2).astype(np.float64)
    np.testing.assert_allclose(resize_area(stripes, 28, 28), 0.5, atol=1e-12)
    np.testing.assert_allclose(resize_area(stripes, 20, 20), 0.5, atol=0.02)


def test_resize_area_enlarges_bilinearly() -> None:
    ramp = np.tile(np.arange(4.0), (3, 1))
    big = resize_area(ramp, 3, 8)
    np.testing.assert_allclose(big[0], [0, 0.25, 0.75, 1.25, 1.75, 2.25, 2.75, 3.0])


def test_to_ink_high_either_polarity_and_contrast() -> None:
    ink = CASES["ring-corner"]
    dark_on_light = 0.9 - 0.8 * ink
    light_on_dark = 0.1 + 0.8 * ink
    grey_paper = 0.75 - 0.35 * ink  # low contrast photo of pencil on paper
    a, b, c = (to_ink_high(g) for g in (dark_on_light, light_on_dark, grey_paper))
    for out in (a, b, c):
        assert out.dtype == np.float32 and out.shape == ink.shape
        assert out.min() == 0.0 and out.max() == pytest.approx(1.0)
    assert np.abs(a - b).max() < 1e-5
    assert np.abs(a - c).max() < 1e-5
    np.testing.assert_allclose(a, ink, atol=1e-5)
    assert np.abs(prepare_image(dark_on_light) - prepare_image(light_on_dark)).max() < 1e-5


def test_to_ink_high_suppresses_paper_noise() -> None:
    rng = np.random.default_rng(1)
    ink = CASES["one-centred"]
    photo = np.clip(0.8 - 0.6 * ink + rng.normal(0.0, 0.02, ink.shape), 0.0, 1.0)
    out = to_ink_high(photo)
    assert np.mean(out[ink == 0] > 0.05) < 0.01  # background is black
    assert np.mean(out[ink == 1] > 0.8) > 0.95  # strokes are bright
    clean = canvas_to_mnist(ink)
    assert np.abs(prepare_image(photo) - clean).mean() < 0.02


def test_large_noisy_photo_is_averaged_before_cropping() -> None:
    # a 1700x1300 "photo": stray noisy pixels would widen the ink's bounding box at full size
    rng = np.random.default_rng(2)
    ink = _ring((1700, 1300), (800, 700), (420, 300), 70)
    photo = np.clip(0.8 - 0.55 * ink + rng.normal(0.0, 0.03, ink.shape), 0.0, 1.0)
    out = prepare_image(photo.astype(np.float32))
    _check_mnist_like(out)
    assert np.abs(out - canvas_to_mnist(ink)).mean() < 0.02


def test_to_ink_high_of_flat_image_is_zero() -> None:
    assert not to_ink_high(np.full((40, 40), 0.6)).any()
    assert not prepare_image(np.ones((40, 40))).any()
    assert not prepare_image(np.zeros((0, 0))).any()


def test_engine_stays_numpy_only() -> None:
    import subprocess
    import sys

    code = "import sys, nn.preprocess; assert not {'PySide6','matplotlib','PIL'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], check=True)
