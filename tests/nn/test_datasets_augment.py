"""Batch image augmentation: invariants, exact geometry, determinism, config, speed."""

from __future__ import annotations

import json
import time

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets import Augmenter, AugmentParams, dilate, erode

GEOMETRY_ONLY = {"noise": False, "thickness": False}


@pytest.fixture(scope="module")
def batch() -> np.ndarray:
    return ds.load("digits", n=64).x_train  # (64, 1, 28, 28) float32, digits well inside


def _params(n: int, *, shift=(0.0, 0.0), angle=0.0, scale=1.0, thickness=0) -> AugmentParams:
    return AugmentParams(
        shift=np.tile(np.asarray(shift, np.float32), (n, 1)),
        angle=np.full(n, angle, np.float32),
        scale=np.full(n, scale, np.float32),
        thickness=np.full(n, thickness, np.int8),
    )


def _centre_of_mass(x: np.ndarray) -> np.ndarray:
    """(N, 1, H, W) -> (N, 2) as (x, y)."""
    h, w = x.shape[-2:]
    mass = x.sum(axis=(1, 2, 3))
    cx = (x.sum(axis=(1, 2)) * np.arange(w)).sum(-1) / mass
    cy = (x.sum(axis=(1, 3)) * np.arange(h)).sum(-1) / mass
    return np.stack([cx, cy], axis=1)


def test_shape_dtype_and_input_untouched(batch: np.ndarray) -> None:
    original = batch.copy()
    aug = Augmenter(noise=True, thickness=True, max_rotation=20)
    out = aug(batch, np.random.default_rng(0))
    assert out.shape == batch.shape and out.dtype == np.float32
    assert out is not batch
    np.testing.assert_array_equal(batch, original)
    assert out.min() >= 0.0 and out.max() <= 1.0
    assert not np.array_equal(out, batch)
    assert aug(batch.astype(np.float64), np.random.default_rng(0)).dtype == np.float32


@pytest.mark.parametrize(
    "aug",
    [
        Augmenter.identity(),
        Augmenter(
            max_shift=0,
            max_rotation=0,
            scale_range=(1, 1),
            noise_std=0,
            thickness_prob=0,
            noise=True,
            thickness=True,
        ),
    ],
)
def test_identity_returns_input_values(batch: np.ndarray, aug: Augmenter) -> None:
    out = aug(batch, np.random.default_rng(0))
    np.testing.assert_array_equal(out, batch)
    assert not np.shares_memory(out, batch)


def test_identity_params_through_the_warp_are_exact(batch: np.ndarray) -> None:
    from nn.datasets.augment import _warp

    np.testing.assert_array_equal(_warp(batch, _params(len(batch))), batch)


def _inside(batch: np.ndarray, margin: int = 3) -> np.ndarray:
    """The images whose strokes stay ``margin`` pixels away from every edge."""
    frame = batch.copy()
    frame[:, :, margin:-margin, margin:-margin] = 0
    keep = batch[~frame.any(axis=(1, 2, 3))]
    assert len(keep) > 10
    return keep


def test_integer_shift_is_a_roll(batch: np.ndarray) -> None:
    batch = _inside(batch)
    out = Augmenter(**GEOMETRY_ONLY).apply(batch, _params(len(batch), shift=(2.0, -1.0)))
    expected = np.roll(batch, (-1, 2), axis=(2, 3))
    np.testing.assert_allclose(out, expected, atol=1e-6)


def test_random_shift_moves_centre_of_mass(batch: np.ndarray) -> None:
    batch = _inside(batch)
    aug = Augmenter(max_shift=2.5, rotation=False, scale=False, **GEOMETRY_ONLY)
    params = aug.sample(batch.shape, np.random.default_rng(3))
    assert np.abs(params.shift).max() <= 2.5 and np.abs(params.shift).min() > 0
    moved = _centre_of_mass(aug.apply(batch, params)) - _centre_of_mass(batch)
    np.testing.assert_allclose(moved, params.shift, atol=2e-3)


def test_rotation_by_90_degrees(batch: np.ndarray) -> None:
    out = Augmenter(**GEOMETRY_ONLY).apply(batch, _params(len(batch), angle=90.0))
    np.testing.assert_allclose(out, np.rot90(batch, k=1, axes=(2, 3)), atol=1e-4)


def test_rotation_turns_centre_of_mass_and_scale_grows_mass(batch: np.ndarray) -> None:
    aug = Augmenter(**GEOMETRY_ONLY)
    centre = np.array([13.5, 13.5])
    small = np.zeros_like(batch)
    small[:, :, 8:18, 12:20] = 0.5 * batch[:, :, 8:18, 12:20] + 0.5  # mass near the centre
    turned = aug.apply(small, _params(len(small), angle=33.0))
    np.testing.assert_allclose(
        _centre_of_mass(turned) - centre, _rotate(_centre_of_mass(small) - centre, 33.0), atol=0.05
    )
    zoomed = aug.apply(small, _params(len(small), scale=1.5))
    np.testing.assert_allclose(
        zoomed.sum(axis=(1, 2, 3)) / small.sum(axis=(1, 2, 3)), 2.25, rtol=0.03
    )


def _rotate(v: np.ndarray, degrees: float) -> np.ndarray:
    """Counter-clockwise as displayed (image y axis points down)."""
    t = np.deg2rad(degrees)
    return np.stack(
        [np.cos(t) * v[:, 0] + np.sin(t) * v[:, 1], -np.sin(t) * v[:, 0] + np.cos(t) * v[:, 1]],
        axis=1,
    )


def test_far_shift_gives_zeros(batch: np.ndarray) -> None:
    out = Augmenter(**GEOMETRY_ONLY).apply(batch, _params(len(batch), shift=(40.0, 0.0)))
    assert not out.any()


def test_thickness(batch: np.ndarray) -> None:
    thick = dilate(batch, 3)
    thin = erode(batch, 3)
    assert (thick >= batch).all() and (thin <= batch).all()
    assert thick.sum() > batch.sum() > thin.sum()
    assert dilate(batch, 2).dtype == np.float32
    aug = Augmenter.identity()
    out = aug.apply(batch, _params(len(batch), thickness=1))
    np.testing.assert_array_equal(out, dilate(batch, 2))
    params = _params(len(batch))
    params.thickness[::2] = -1
    mixed = aug.apply(batch, params)
    np.testing.assert_array_equal(mixed[::2], erode(batch[::2], 2))
    np.testing.assert_array_equal(mixed[1::2], batch[1::2])


def test_noise_level(batch: np.ndarray) -> None:
    aug = Augmenter(shift=False, rotation=False, scale=False, noise=True, noise_std=0.1, clip=False)
    diff = aug(batch, np.random.default_rng(0)) - batch
    assert abs(diff.std() - 0.1) < 0.005 and abs(diff.mean()) < 0.005


def test_deterministic_per_seed(batch: np.ndarray) -> None:
    aug = Augmenter(noise=True, thickness=True)
    a = aug(batch, np.random.default_rng(11))
    b = aug(batch, np.random.default_rng(11))
    c = aug(batch, np.random.default_rng(12))
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


def test_config_roundtrip_through_json() -> None:
    aug = Augmenter(max_shift=3, scale_range=(0.8, 1.25), thickness=True, thickness_kernel=3)
    config = json.loads(json.dumps(aug.get_config()))
    assert Augmenter.from_config(config) == aug
    with pytest.raises(ValueError, match="unknown keys"):
        Augmenter.from_config({**config, "flip": True})


@pytest.mark.parametrize(
    "kwargs",
    [
        {"max_shift": -1},
        {"max_rotation": 270},
        {"scale_range": (1.2, 0.9)},
        {"noise_std": -0.1},
        {"thickness_prob": 2},
        {"thickness_kernel": 4},
    ],
)
def test_invalid_config(kwargs: dict) -> None:
    with pytest.raises(ValueError, match="Invalid"):
        Augmenter(**kwargs)


def test_rejects_non_batch_shapes() -> None:
    with pytest.raises(ValueError, match=r"\(N, C, H, W\)"):
        Augmenter()(np.zeros((28, 28), np.float32), np.random.default_rng(0))


def test_speed_of_a_batch_of_100() -> None:
    x = ds.load("digits", n=100).x_train
    aug = Augmenter(noise=True, thickness=True)
    rng = np.random.default_rng(0)
    aug(x, rng)
    best = float("inf")
    for _ in range(10):  # CPU time of this thread: what the batch costs, whatever else runs
        start = time.thread_time()
        aug(x, rng)
        best = min(best, time.thread_time() - start)
    assert best < 0.010  # typically ~2 ms (wall time on a busy 2-core machine: 10-30 ms)
