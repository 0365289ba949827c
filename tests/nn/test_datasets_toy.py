"""2-D toy sets: shapes, dtypes, determinism, classes, and their geometry."""

from __future__ import annotations

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets import TOY_GENERATORS

CLASSES = {"xor": 2, "circles": 2, "moons": 2, "spiral": 3, "blobs": 3}


@pytest.mark.parametrize("name", list(TOY_GENERATORS))
def test_shape_dtype_classes(name: str) -> None:
    x, y = TOY_GENERATORS[name](101, noise=0.1, seed=3)
    assert x.shape == (101, 2) and x.dtype == np.float32
    assert y.shape == (101,) and y.dtype == np.int64
    counts = np.bincount(y)
    assert len(counts) == CLASSES[name]
    assert counts.max() - counts.min() <= 1
    assert np.isfinite(x).all()


@pytest.mark.parametrize("name", list(TOY_GENERATORS))
def test_deterministic_per_seed(name: str) -> None:
    make = TOY_GENERATORS[name]
    a, b, c = make(50, seed=7), make(50, seed=7), make(50, seed=8)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], c[0])


@pytest.mark.parametrize("name", list(TOY_GENERATORS))
def test_bad_arguments(name: str) -> None:
    with pytest.raises(ValueError, match="noise"):
        TOY_GENERATORS[name](20, noise=-1.0)
    with pytest.raises(ValueError, match="n"):
        TOY_GENERATORS[name](1)


def test_xor_is_the_gate() -> None:
    x, y = ds.make_xor(400, noise=0.0)
    corners = np.rint(x).astype(int)
    np.testing.assert_array_equal(y, corners[:, 0] ^ corners[:, 1])
    assert len(np.unique(corners, axis=0)) == 4


def test_circles_radii() -> None:
    x, y = ds.make_circles(200, noise=0.0, factor=0.4)
    r = np.hypot(x[:, 0], x[:, 1])
    np.testing.assert_allclose(r[y == 0], 1.0, atol=1e-6)
    np.testing.assert_allclose(r[y == 1], 0.4, atol=1e-6)


def test_moons_arcs() -> None:
    x, y = ds.make_moons(200, noise=0.0)
    np.testing.assert_allclose(np.hypot(*x[y == 0].T), 1.0, atol=1e-6)
    np.testing.assert_allclose(np.hypot(x[y == 1, 0] - 1, x[y == 1, 1] - 0.5), 1.0, atol=1e-6)


def test_spiral_classes_parameter() -> None:
    x, y = ds.make_spiral(100, classes=5)
    assert set(np.unique(y)) == set(range(5))
    assert np.hypot(*x.T).max() <= 1.0 + 1e-6


def test_blobs_are_separable_at_low_noise() -> None:
    x, y = ds.make_blobs(300, noise=0.1)
    centres = np.stack([x[y == k].mean(axis=0) for k in range(3)])
    nearest = np.argmin(((x[:, None, :] - centres[None]) ** 2).sum(-1), axis=1)
    np.testing.assert_array_equal(nearest, y)


def test_generator_seed_continues_a_stream() -> None:
    rng = np.random.default_rng(0)
    first = ds.make_moons(30, seed=rng)
    second = ds.make_moons(30, seed=rng)
    assert not np.array_equal(first[0], second[0])


@pytest.mark.parametrize("name", ds.TOY_DATASETS)
def test_load_toy(name: str) -> None:
    data = ds.load(name, n=120, noise=0.05, seed=4)
    assert data.name == name
    assert data.x_train.shape == (120, 2) and data.x_test.shape == (60, 2)
    assert data.input_shape == (2,) and data.num_classes == CLASSES[name]
    assert not data.is_image
    assert data.x_train.dtype == np.float32 and data.y_test.dtype == np.int64
    assert not np.array_equal(data.x_train[:60], data.x_test)
    again = ds.load(name, n=120, noise=0.05, seed=4)
    np.testing.assert_array_equal(again.x_test, data.x_test)
    assert "seed=4" in data.description
    default = ds.load(name)
    assert default.x_train.shape == (ds.TOY_DEFAULT_N, 2)
    assert set(np.unique(default.y_train)) == set(range(CLASSES[name]))
