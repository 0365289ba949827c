"""A map of what a network learned: one layer's activations for many images, projected to two
dimensions — by PCA (always; NumPy's SVD) or t-SNE (:mod:`nn.diagnose.tsne`) — and two
measures of how faithful a map is (trustworthiness, k-nearest-neighbour accuracy)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.model import Sequential


def layer_features(model: Sequential, x: ArrayLike, layer: int | str,
                   batch_size: int = 250,
                   should_cancel: Callable[[], bool] | None = None) -> NDArray[np.float32]:
    """Layer ``layer``'s output (index or name, ``"3.Dense"``) for every image of ``x``,
    flattened to (N, D); inference mode, batched, computed on a copy of the model."""
    names = [lay.name for lay in model.layers]
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        if not -len(names) <= layer < len(names):
            raise ValueError(f"Layer {layer} does not exist: the model has {len(names)} layers")
        name = names[layer]
    elif layer in names:
        name = str(layer)
    else:
        raise ValueError(f"Unknown layer {layer!r}; expected an index or one of "
                         f"{', '.join(names)}")
    stop = names.index(name) + 1
    twin = model.copy()
    x = np.asarray(x)
    parts = []
    for start in range(0, len(x), batch_size):
        if should_cancel is not None and should_cancel():
            raise InterruptedError("Cancelled")
        out = twin._cast(x[start:start + batch_size])
        for lay in twin.layers[:stop]:
            out = lay.forward(out, training=False)
        parts.append(out.reshape(len(out), -1).astype(np.float32, copy=False))
    if not parts:
        return np.zeros((0, int(np.prod(model.layers[stop - 1].output_shape))), np.float32)
    return np.concatenate(parts)


@dataclass(frozen=True)
class PCAResult:
    """``coords`` (N, k) — the centred data times ``components.T``; ``components`` (k, D) the
    principal axes (unit rows); ``explained`` (k,) each axis's share of the total variance."""

    coords: NDArray[np.float64]
    components: NDArray[np.float64]
    explained: NDArray[np.float64]
    mean: NDArray[np.float64]


def pca(features: ArrayLike, k: int = 2) -> PCAResult:
    """Principal component analysis by the SVD of the centred data (float64).

    Each axis's sign is fixed so that its largest-magnitude loading is positive, so the map
    does not flip between runs or NumPy builds.
    """
    f = np.asarray(features, dtype=np.float64)
    if f.ndim != 2 or len(f) < 2:
        raise ValueError(f"PCA needs a (N ≥ 2, D) matrix, got shape {f.shape}")
    k = int(min(k, *f.shape))
    mean = f.mean(axis=0)
    centred = f - mean
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    vt = vt[:k]
    signs = np.sign(vt[np.arange(k), np.abs(vt).argmax(axis=1)])
    vt = vt * np.where(signs == 0, 1.0, signs)[:, None]
    total = float((s**2).sum())
    explained = (s[:k] ** 2) / total if total > 0 else np.zeros(k)
    return PCAResult(centred @ vt.T, vt, explained, mean)


def squared_distances(a: NDArray) -> NDArray[np.float64]:
    """‖a_i − a_j‖² for the rows of ``a`` (N, D): (N, N), ≥ 0, zero diagonal."""
    sq = np.einsum("ij,ij->i", a, a)
    d = sq[:, None] + sq[None, :] - 2.0 * (a @ a.T)
    np.maximum(d, 0.0, out=d)
    np.fill_diagonal(d, 0.0)
    return d


def trustworthiness(high: ArrayLike, low: ArrayLike, k: int = 10) -> float:
    """Venna & Kaski's trustworthiness (2001), as scikit-learn defines it: 1 when every
    point's k nearest neighbours on the map are also near in the original space; lower as
    the map brings far points together. (N², float64: a few thousand points.)"""
    x = np.asarray(high, dtype=np.float64)
    y = np.asarray(low, dtype=np.float64)
    n = len(x)
    if not 1 <= k < n / 2:
        raise ValueError(f"k must be in [1, N/2) = [1, {n / 2:g}); got {k}")
    dx = squared_distances(x)
    np.fill_diagonal(dx, np.inf)
    order = np.argsort(dx, axis=1, kind="stable")
    ranks = np.empty((n, n), dtype=np.int64)
    ranks[np.arange(n)[:, None], order] = np.arange(1, n + 1)[None, :]
    dy = squared_distances(y)
    np.fill_diagonal(dy, np.inf)
    neighbours = np.argsort(dy, axis=1, kind="stable")[:, :k]
    r = ranks[np.arange(n)[:, None], neighbours] - k
    penalty = np.where(r > 0, r, 0).sum()
    return float(1.0 - 2.0 / (n * k * (2 * n - 3 * k - 1)) * penalty)


def knn_accuracy(points: ArrayLike, labels: ArrayLike, k: int = 5) -> float:
    """Leave-one-out accuracy of a k-nearest-neighbour vote on the points (e.g. a 2-D map):
    how well the map keeps the classes apart. Ties go to the smallest class index."""
    p = np.asarray(points, dtype=np.float64)
    t = np.asarray(labels).astype(np.int64)
    if len(p) <= k:
        raise ValueError(f"Need more than k = {k} points, got {len(p)}")
    d = squared_distances(p)
    np.fill_diagonal(d, np.inf)
    nearest = np.argpartition(d, k, axis=1)[:, :k]
    votes = np.zeros((len(p), int(t.max()) + 1), dtype=np.int64)
    np.add.at(votes, (np.repeat(np.arange(len(p)), k), t[nearest].ravel()), 1)
    return float(np.mean(votes.argmax(axis=1) == t))


def sample_indices(labels: ArrayLike, size: int, seed: int = 0) -> NDArray[np.int64]:
    """At most ``size`` indices, each class in proportion (a seeded stratified sample), in
    increasing order."""
    t = np.asarray(labels).reshape(-1)
    if size >= len(t):
        return np.arange(len(t))
    rng = np.random.default_rng(seed)
    picked = []
    classes, counts = np.unique(t, return_counts=True)
    quota = np.floor(counts * size / len(t)).astype(int)
    quota[np.argsort(-(counts * size / len(t) - quota), kind="stable")[: size - quota.sum()]] += 1
    for cls, q in zip(classes, quota, strict=True):
        members = np.flatnonzero(t == cls)
        picked.append(rng.choice(members, q, replace=False))
    return np.sort(np.concatenate(picked)).astype(np.int64)


__all__ = ["PCAResult", "knn_accuracy", "layer_features", "pca", "sample_indices",
           "squared_distances", "trustworthiness"]
