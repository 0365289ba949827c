"""Vectorised preprocessing: validation split, scaling, one-hot labels, shuffled mini-batches.

``one_hot`` is :func:`nn.functions.one_hot` (the engine's one implementation), offered here too
because preparing labels is a data step.

Randomness always comes from an explicit seed or :class:`numpy.random.Generator`, never the global
RNG, so the same seed gives the same split and the same batch order (book ch. 4.5: mini-batch
training draws ``batch_size`` random indices per step; here an epoch visits every index once).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.functions import one_hot

__all__ = [
    "batch_indices",
    "fit_standardize",
    "one_hot",
    "shuffle_arrays",
    "split_indices",
    "standardize",
    "to_unit_range",
    "train_val_split",
]

Seed = int | np.random.Generator | None


def _rng(seed: Seed) -> np.random.Generator:
    return seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)


def _val_count(n: int, val_fraction: float | None, val_size: int | None) -> int:
    if val_fraction is not None and val_size is not None:
        raise ValueError("give val_fraction or val_size, not both")
    if val_size is None:
        fraction = 0.1 if val_fraction is None else val_fraction
        if not 0.0 <= fraction < 1.0:
            raise ValueError(f"Invalid val_fraction: {fraction} (must be in [0, 1))")
        return int(round(n * fraction))
    if not 0 <= val_size < n:
        raise ValueError(f"Invalid val_size: {val_size} (must be in [0, {n}))")
    return int(val_size)


def split_indices(
    y: ArrayLike | int,
    val_fraction: float | None = None,
    *,
    val_size: int | None = None,
    seed: Seed = 0,
    stratify: bool = False,
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Random disjoint train and validation indices.

    Parameters
    ----------
    y : array_like of shape (N,) or int
        Labels (needed for ``stratify``), or just the number of samples ``N``.
    val_fraction : float, optional
        Fraction of samples for validation, in ``[0, 1)``; 0.1 when neither it nor ``val_size``
        is given.
    val_size : int, optional
        Exact number of validation samples (instead of ``val_fraction``).
    seed : int or numpy.random.Generator
        Source of randomness.
    stratify : bool
        Keep each class's share in the validation set (largest-remainder rounding, so the total
        is exact).

    Returns
    -------
    train_idx, val_idx : numpy.ndarray
        int64 index arrays, together a permutation of ``range(N)``, each in random order.
    """
    labels = None if np.isscalar(y) else np.asarray(y).reshape(-1)
    n = int(y) if labels is None else len(labels)  # type: ignore[arg-type]
    k = _val_count(n, val_fraction, val_size)
    rng = _rng(seed)
    perm = rng.permutation(n)
    if not stratify:
        return perm[k:].astype(np.int64), perm[:k].astype(np.int64)
    if labels is None:
        raise ValueError("stratify=True needs the labels, not just their number")
    shuffled = labels[perm]
    classes, inverse, counts = np.unique(shuffled, return_inverse=True, return_counts=True)
    quota = counts * k / n
    take = np.floor(quota).astype(np.int64)
    take[np.argsort(-(quota - take), kind="stable")[: k - int(take.sum())]] += 1
    # rank of each sample within its class, in shuffled order: the first take[c] go to validation
    order = np.argsort(inverse, kind="stable")
    starts = np.concatenate([[0], np.cumsum(counts)[:-1]])
    rank = np.empty(n, dtype=np.int64)
    rank[order] = np.arange(n) - np.repeat(starts, counts)
    is_val = rank < take[inverse]
    return perm[~is_val].astype(np.int64), perm[is_val].astype(np.int64)


def train_val_split(
    x: NDArray,
    y: NDArray,
    val_fraction: float | None = None,
    *,
    val_size: int | None = None,
    seed: Seed = 0,
    stratify: bool = False,
) -> tuple[NDArray, NDArray, NDArray, NDArray]:
    """Split ``(x, y)`` into ``(x_train, y_train, x_val, y_val)`` (see :func:`split_indices`).

    ``x`` has shape ``(N, ...)`` and ``y`` ``(N,)`` or ``(N, C)``; the results are new arrays.
    """
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} samples but y has {len(y)}")
    labels = y if np.ndim(y) == 1 else np.argmax(y, axis=1)
    tr, va = split_indices(labels, val_fraction, val_size=val_size, seed=seed, stratify=stratify)
    return x[tr], y[tr], x[va], y[va]


def to_unit_range(x: ArrayLike, scale: float = 255.0) -> NDArray[np.float32]:
    """``x / scale`` as float32: bytes 0..255 to ``[0, 1]`` (book ch. 3.6, ``normalize=True``)."""
    return np.multiply(np.asarray(x), np.float32(1.0 / scale), dtype=np.float32)


def fit_standardize(
    x: NDArray, *, per_channel: bool = False, eps: float = 1e-7
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Mean and standard deviation of a training set, for :func:`standardize`.

    Parameters
    ----------
    x : numpy.ndarray
        ``(N, ...)``; with ``per_channel``, ``(N, C, H, W)``.
    per_channel : bool
        One mean/std per channel (shape ``(1, C, 1, 1)``) instead of scalars.
    eps : float
        Floor for the standard deviation, so that a constant input does not divide by zero.

    Returns
    -------
    mean, std : numpy.ndarray
        float32, broadcastable against ``x``.
    """
    axes = (0, 2, 3) if per_channel else None
    mean = np.mean(x, axis=axes, keepdims=per_channel, dtype=np.float64)
    std = np.std(x, axis=axes, keepdims=per_channel, dtype=np.float64)
    return np.asarray(mean, np.float32), np.asarray(np.maximum(std, eps), np.float32)


def standardize(x: NDArray, mean: ArrayLike, std: ArrayLike) -> NDArray[np.float32]:
    """``(x - mean) / std`` as a new float32 array (fit ``mean``/``std`` on the training set)."""
    return ((np.asarray(x, np.float32) - mean) / std).astype(np.float32, copy=False)


def shuffle_arrays(*arrays: NDArray, seed: Seed = 0) -> tuple[NDArray, ...]:
    """The arrays (same length ``N``) reordered by one shared random permutation."""
    n = len(arrays[0])
    if any(len(a) != n for a in arrays):
        raise ValueError(f"arrays differ in length: {[len(a) for a in arrays]}")
    perm = _rng(seed).permutation(n)
    return tuple(a[perm] for a in arrays)


def batch_indices(
    n: int,
    batch_size: int,
    *,
    rng: Seed = None,
    shuffle: bool = True,
    drop_last: bool = False,
) -> Iterator[NDArray[np.int64]]:
    """Index batches covering ``range(n)`` once: one epoch of mini-batches.

    Parameters
    ----------
    n : int
        Number of samples.
    batch_size : int
        Indices per batch; the last batch may be smaller unless ``drop_last``.
    rng : int or numpy.random.Generator, optional
        Source of the shuffle. Pass the same Generator every epoch to get a fresh order each
        epoch that is still reproducible from its seed.
    shuffle : bool
        ``False`` gives ``0..n-1`` in order.
    drop_last : bool
        Skip a final incomplete batch.

    Yields
    ------
    numpy.ndarray
        int64 indices of shape ``(batch_size,)`` (the last one possibly shorter).
    """
    if batch_size < 1:
        raise ValueError(f"Invalid batch_size: {batch_size} (must be >= 1)")
    order = _rng(rng).permutation(n) if shuffle else np.arange(n)
    order = order.astype(np.int64, copy=False)
    stop = n - n % batch_size if drop_last else n
    for start in range(0, stop, batch_size):
        yield order[start : start + batch_size]
