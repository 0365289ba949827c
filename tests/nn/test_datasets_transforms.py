"""Validation split, scaling, one-hot and seeded batching."""

from __future__ import annotations

import numpy as np
import pytest

from nn.datasets import (
    batch_indices,
    fit_standardize,
    one_hot,
    shuffle_arrays,
    split_indices,
    standardize,
    to_unit_range,
    train_val_split,
)


def _labels() -> np.ndarray:
    return np.repeat(np.arange(4), [50, 30, 15, 5])


def test_split_sizes_disjoint_and_complete() -> None:
    tr, va = split_indices(100, 0.2, seed=1)
    assert len(tr) == 80 and len(va) == 20
    assert tr.dtype == va.dtype == np.int64
    np.testing.assert_array_equal(np.sort(np.concatenate([tr, va])), np.arange(100))
    tr2, va2 = split_indices(100, val_size=7, seed=1)
    assert len(va2) == 7 and len(tr2) == 93
    assert len(split_indices(100)[1]) == 10  # default 10 %


def test_split_is_seeded() -> None:
    a = split_indices(50, 0.3, seed=5)
    b = split_indices(50, 0.3, seed=5)
    c = split_indices(50, 0.3, seed=6)
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[1], c[1])


def test_stratified_split_keeps_shares() -> None:
    y = _labels()
    tr, va = split_indices(y, 0.2, seed=0, stratify=True)
    np.testing.assert_array_equal(np.bincount(y[va], minlength=4), [10, 6, 3, 1])
    np.testing.assert_array_equal(np.sort(np.concatenate([tr, va])), np.arange(100))
    _, va_odd = split_indices(y, val_size=33, seed=0, stratify=True)
    assert len(va_odd) == 33
    assert np.abs(np.bincount(y[va_odd], minlength=4) - np.array([50, 30, 15, 5]) * 0.33).max() < 1


def test_split_argument_errors() -> None:
    with pytest.raises(ValueError, match="val_fraction"):
        split_indices(10, 1.5)
    with pytest.raises(ValueError, match="not both"):
        split_indices(10, 0.2, val_size=3)
    with pytest.raises(ValueError, match="labels"):
        split_indices(10, 0.2, stratify=True)


def test_train_val_split_arrays() -> None:
    x = np.arange(200, dtype=np.float32).reshape(100, 2)
    y = _labels()
    xt, yt, xv, yv = train_val_split(x, y, 0.25, seed=2, stratify=True)
    assert xt.shape == (75, 2) and xv.shape == (25, 2)
    np.testing.assert_array_equal(y[(xt[:, 0] / 2).astype(int)], yt)  # rows stay paired
    xt1, yt1, _, _ = train_val_split(x, one_hot(y), 0.25, seed=2, stratify=True)
    np.testing.assert_array_equal(xt1, xt)
    with pytest.raises(ValueError, match="samples"):
        train_val_split(x, y[:5])


def test_to_unit_range_and_standardize() -> None:
    raw = np.array([[0, 51, 255]], dtype=np.uint8)
    unit = to_unit_range(raw)
    assert unit.dtype == np.float32
    np.testing.assert_allclose(unit, [[0.0, 0.2, 1.0]], rtol=1e-6)
    x = np.random.default_rng(0).normal(3.0, 2.0, (500, 1, 4, 4)).astype(np.float32)
    mean, std = fit_standardize(x)
    z = standardize(x, mean, std)
    assert z.dtype == np.float32
    assert abs(z.mean()) < 1e-5 and abs(z.std() - 1) < 1e-4
    m_c, s_c = fit_standardize(x, per_channel=True)
    assert m_c.shape == (1, 1, 1, 1) and s_c.shape == (1, 1, 1, 1)
    const = np.ones((3, 2), np.float32)
    assert np.isfinite(standardize(const, *fit_standardize(const))).all()


def test_one_hot() -> None:
    oh = one_hot(np.array([2, 0, 1]), 4)
    assert oh.dtype == np.float32 and oh.shape == (3, 4)
    np.testing.assert_array_equal(oh.argmax(axis=1), [2, 0, 1])
    np.testing.assert_array_equal(oh.sum(axis=1), 1)
    assert one_hot(np.array([0, 3])).shape == (2, 4)
    with pytest.raises(ValueError, match="0..2"):
        one_hot(np.array([3]), 3)
    with pytest.raises(ValueError, match="integer"):
        one_hot(np.array([0.5]))


def test_batches_cover_every_index_once() -> None:
    batches = list(batch_indices(103, 10, rng=np.random.default_rng(0)))
    assert [len(b) for b in batches] == [10] * 10 + [3]
    np.testing.assert_array_equal(np.sort(np.concatenate(batches)), np.arange(103))
    assert all(b.dtype == np.int64 for b in batches)
    dropped = list(batch_indices(103, 10, rng=0, drop_last=True))
    assert len(dropped) == 10
    ordered = np.concatenate(list(batch_indices(7, 3, shuffle=False)))
    np.testing.assert_array_equal(ordered, np.arange(7))
    with pytest.raises(ValueError, match="batch_size"):
        next(batch_indices(5, 0))


def test_same_seed_same_order_and_fresh_epochs() -> None:
    a = np.concatenate(list(batch_indices(50, 8, rng=np.random.default_rng(42))))
    b = np.concatenate(list(batch_indices(50, 8, rng=np.random.default_rng(42))))
    np.testing.assert_array_equal(a, b)
    rng = np.random.default_rng(42)
    epoch1 = np.concatenate(list(batch_indices(50, 8, rng=rng)))
    epoch2 = np.concatenate(list(batch_indices(50, 8, rng=rng)))
    np.testing.assert_array_equal(epoch1, a)
    assert not np.array_equal(epoch1, epoch2)


def test_shuffle_arrays_keeps_pairs() -> None:
    x = np.arange(20).reshape(10, 2)
    y = np.arange(10)
    xs, ys = shuffle_arrays(x, y, seed=3)
    np.testing.assert_array_equal(xs[:, 0] // 2, ys)
    assert not np.array_equal(ys, y)
    with pytest.raises(ValueError, match="length"):
        shuffle_arrays(x, y[:3])
