"""Augmentation for drawings: shear, elastic distortion, re-stroking, the ``draw`` recipe."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets import DRAW_AUGMENT, Augmenter, AugmentParams
from nn.datasets.restroke import pen_stamp, restroke, thin
from nn.datasets.warp import elastic_field, gaussian_matrix

ONLY = {"shift": False, "rotation": False, "scale": False}


@pytest.fixture(scope="module")
def batch() -> np.ndarray:
    return ds.load("digits", n=48).x_train  # (48, 1, 28, 28)


def _columns_of_mass(x: np.ndarray) -> np.ndarray:
    """Centre of mass column of the top and bottom halves: (N, 2)."""
    cols = np.arange(x.shape[-1])
    out = []
    for part in (x[..., :14, :], x[..., 14:, :]):
        mass = part.sum(axis=(1, 2, 3))
        out.append((part.sum(axis=(1, 2)) * cols).sum(-1) / np.maximum(mass, 1e-9))
    return np.stack(out, axis=1)


def test_draw_recipe_shapes_range_and_input_untouched(batch: np.ndarray) -> None:
    original = batch.copy()
    aug = Augmenter.from_config(DRAW_AUGMENT)
    out = aug(batch, np.random.default_rng(0))
    assert out.shape == batch.shape and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    np.testing.assert_array_equal(batch, original)
    assert np.abs(out - batch).mean() > 0.05  # visibly changed


def test_draw_recipe_deterministic_per_seed(batch: np.ndarray) -> None:
    aug = Augmenter.from_config(DRAW_AUGMENT)
    a = aug(batch, np.random.default_rng(7))
    b = aug(batch, np.random.default_rng(7))
    c = aug(batch, np.random.default_rng(8))
    assert a.tobytes() == b.tobytes()
    assert not np.array_equal(a, c)


def test_new_switches_off_keep_the_old_random_stream(batch: np.ndarray) -> None:
    old = Augmenter(thickness=True, noise=True)
    p = old.sample(batch.shape, np.random.default_rng(3))
    assert p.shear is None and p.displacement is None and p.pen is None
    new = Augmenter(thickness=True, noise=True, shear=True)
    q = new.sample(batch.shape, np.random.default_rng(3))
    for name in ("shift", "angle", "scale", "thickness", "noise"):
        np.testing.assert_array_equal(getattr(p, name), getattr(q, name))


def test_shear_leans_the_top_right(batch: np.ndarray) -> None:
    n = len(batch)
    params = AugmentParams(np.zeros((n, 2), np.float32), np.zeros(n, np.float32),
                           np.ones(n, np.float32), np.zeros(n, np.int8),
                           shear=np.full(n, 20.0, np.float32))
    out = Augmenter(**ONLY, shear=True).apply(batch, params)
    before, after = _columns_of_mass(batch), _columns_of_mass(out)
    lean = (after[:, 0] - after[:, 1]) - (before[:, 0] - before[:, 1])
    # halves' centres are ~7 px apart in height: tan(20°) * 7 ≈ 2.5 px more lean
    assert np.median(lean) == pytest.approx(np.tan(np.deg2rad(20)) * 7, abs=1.0)
    assert (lean > 0.5).mean() > 0.9


def test_gaussian_matrix_rows_sum_to_one_and_blur() -> None:
    g = gaussian_matrix(28, 4.0)
    np.testing.assert_allclose(g.sum(axis=1), 1.0, rtol=1e-6)
    impulse = np.zeros(28, np.float32)
    impulse[14] = 1.0
    blurred = g @ impulse
    assert blurred.argmax() == 14 and blurred.max() < 0.12


def test_elastic_field_strength_and_smoothness() -> None:
    rng = np.random.default_rng(0)
    field = elastic_field(200, 28, 28, 34.0, 4.0, rng)
    assert field.shape == (200, 2, 28, 28) and field.dtype == np.float32
    std = field[..., 8:20, 8:20].std()
    assert 0.7 < std < 3.0  # Simard's alpha 34, sigma 4: displacements of a pixel or two
    neighbour = np.abs(np.diff(field, axis=-1)).mean()
    assert neighbour < 0.25 * np.abs(field).mean()  # smooth, not per-pixel noise
    assert not elastic_field(3, 28, 28, np.zeros(3), 4.0, rng).any()


def test_elastic_distortion_keeps_ink_near_and_moves_it(batch: np.ndarray) -> None:
    aug = Augmenter(**ONLY, elastic=True, elastic_prob=1.0)
    out = aug(batch, np.random.default_rng(1))
    diff = np.abs(out - batch).mean(axis=(1, 2, 3))
    assert (diff > 0.01).all()
    ink_ratio = out.sum(axis=(1, 2, 3)) / batch.sum(axis=(1, 2, 3))
    assert np.all((ink_ratio > 0.5) & (ink_ratio < 1.6))  # stretched or squeezed locally
    assert np.median(ink_ratio) == pytest.approx(1.0, abs=0.15)
    half = Augmenter(**ONLY, elastic=True, elastic_prob=0.5)(batch, np.random.default_rng(2))
    untouched = np.all(half == batch, axis=(1, 2, 3))
    assert 0.2 < untouched.mean() < 0.8


def test_thinning_gives_one_pixel_lines() -> None:
    bar = np.zeros((1, 20, 20), bool)
    bar[0, 8:13, 3:17] = True  # a 5-px thick horizontal bar
    skel = thin(bar)[0]
    assert skel.any() and skel.sum() < bar.sum() / 3
    assert skel.sum(axis=0).max() == 1  # one pixel thick along its length
    assert skel[8:13].sum() == skel.sum()  # inside the bar
    ring = np.zeros((1, 21, 21), bool)
    yy, xx = np.mgrid[:21, :21]
    r = np.hypot(yy - 10, xx - 10)
    ring[0] = (r > 5) & (r < 9)
    skel_ring = thin(ring)[0]
    assert skel_ring[10, 10] == 0 and skel_ring.sum() > 30  # the loop stays closed round


def test_pen_stamp_widths() -> None:
    offsets, weights = pen_stamp(np.array([1.0, 3.0]))
    centre = offsets.index((0, 0))
    assert weights[centre].tolist() == [1.0, 1.0]
    assert weights[:, 0].sum() < weights[:, 1].sum()
    assert np.allclose(weights[:, 1].sum(), np.pi * 1.5**2, rtol=0.15)  # about the disc area


def test_restroke_sets_the_stroke_width(batch: np.ndarray) -> None:
    x = batch[:, 0]
    thin_pen = restroke(x, np.full(len(x), 1.4))
    thick_pen = restroke(x, np.full(len(x), 3.2))
    assert thin_pen.shape == x.shape and thin_pen.dtype == np.float32
    ratio = thick_pen.sum(axis=(1, 2)) / thin_pen.sum(axis=(1, 2))
    assert np.median(ratio) == pytest.approx(3.2 / 1.4, rel=0.3)
    # the ink stays where it was: most re-stroked ink lies on the original's ink
    overlap = (thin_pen * (x > 0.2)).sum() / thin_pen.sum()
    assert overlap > 0.9
    blank = restroke(np.zeros((2, 28, 28), np.float32), np.array([2.0, 2.0]))
    assert not blank.any()


def test_restroke_probability_and_config_roundtrip(batch: np.ndarray) -> None:
    aug = Augmenter(**ONLY, restroke=True, restroke_prob=0.5, restroke_width=(2.0, 2.5))
    p = aug.sample(batch.shape, np.random.default_rng(0))
    assert 0.2 < (p.pen > 0).mean() < 0.8
    assert np.all((p.pen == 0) | ((p.pen >= 2.0) & (p.pen <= 2.5)))
    out = aug.apply(batch, p)
    same = np.all(out == batch, axis=(1, 2, 3))
    np.testing.assert_array_equal(same, p.pen == 0)
    config = json.loads(json.dumps(Augmenter.from_config(DRAW_AUGMENT).get_config()))
    assert Augmenter.from_config(config).get_config() == DRAW_AUGMENT


@pytest.mark.parametrize("kwargs", [
    {"max_shear": -1}, {"max_shear": 80}, {"elastic_prob": 1.5}, {"elastic_sigma": 0},
    {"elastic_alpha": -2}, {"restroke_prob": -0.1}, {"restroke_width": (3.0, 2.0)},
    {"restroke_width": "wide"}, {"shear": "yes"},
])
def test_invalid_new_settings(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Augmenter(**kwargs)
