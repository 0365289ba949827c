"""Exact t-SNE in NumPy (van der Maaten & Hinton 2008, "Visualizing data using t-SNE").

For a sample of at most a few thousand points (the map view uses ≤ 2,000): the data are first
reduced to 50 dimensions by PCA, each point's Gaussian bandwidth is found by a binary search so
that its neighbourhood has the requested perplexity (all rows at once), and the 2-D map is
fitted by gradient descent on KL(P‖Q) with the paper's tricks: early exaggeration, momentum
0.5 then 0.8, and per-coordinate adaptive gains (Jacobs 1988), with scikit-learn's defaults
(exaggeration 12 for 250 iterations, learning rate max(N / 12 / 4, 50), PCA initialization
scaled to a standard deviation of 10⁻⁴). Every step is O(N²) in memory and time.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.diagnose.maps import pca
from nn.diagnose.maps import squared_distances as _squared_distances

MAX_POINTS = 5000  # N² float64 matrices: 200 MB each beyond this
BLOCK = 128  # rows of the N² affinities per block of the gradient (fits in cache)


@dataclass(frozen=True)
class TSNEResult:
    """``coords`` (N, 2); ``kl`` the final KL divergence of the map; ``iterations`` run."""

    coords: NDArray[np.float64]
    kl: float
    iterations: int
    perplexity: float


def conditional_probabilities(distances: NDArray, perplexity: float, tol: float = 1e-5,
                              max_steps: int = 100) -> NDArray[np.float64]:
    """Row ``i``: p_{j|i} ∝ exp(−β_i d_ij) (p_{i|i} = 0) with β_i found by bisection, every
    row at once, so that the row's entropy is ln(perplexity) (within ``tol`` nats)."""
    d = np.asarray(distances, dtype=np.float64)
    n = len(d)
    target = math.log(perplexity)
    beta = np.ones(n)
    lo = np.full(n, -np.inf)
    hi = np.full(n, np.inf)
    off = ~np.eye(n, dtype=bool)
    shifted = d - np.where(off, d, np.inf).min(axis=1, keepdims=True)  # stability
    for _ in range(max_steps):
        p = np.exp(-shifted * beta[:, None]) * off
        total = p.sum(axis=1)
        entropy = np.log(total) + beta * (shifted * p).sum(axis=1) / total
        diff = entropy - target
        if np.all(np.abs(diff) < tol):
            break
        up = diff > 0  # too flat: raise β (narrower)
        lo = np.where(up, beta, lo)
        hi = np.where(up, hi, beta)
        beta = np.where(up, np.where(np.isinf(hi), beta * 2, (beta + hi) / 2),
                        np.where(np.isinf(lo), beta / 2, (beta + lo) / 2))
    return p / p.sum(axis=1, keepdims=True)


def joint_probabilities(distances: NDArray, perplexity: float) -> NDArray[np.float64]:
    """Symmetric affinities P = (P_cond + P_condᵀ) / 2N (N, N), floored at 10⁻¹²."""
    p = conditional_probabilities(distances, perplexity)
    joint = (p + p.T) / (2.0 * len(p))
    return np.maximum(joint, 1e-12)


def tsne(
    features: ArrayLike,
    *,
    perplexity: float = 30.0,
    iterations: int = 1000,
    exaggeration: float = 12.0,
    exaggeration_iterations: int = 250,
    learning_rate: float | None = None,
    init: str = "pca",
    seed: int = 0,
    pca_dims: int = 50,
    progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> TSNEResult:
    """A 2-D t-SNE map of ``features`` (N, D), N ≤ :data:`MAX_POINTS`.

    Parameters
    ----------
    perplexity
        The effective number of neighbours each point keeps (5–50; < N / 3).
    init
        ``"pca"`` (deterministic) or ``"random"`` (N(0, 10⁻⁴²) from ``seed``).
    progress, should_cancel
        ``progress(iteration, iterations)`` every 10 iterations; a true ``should_cancel()``
        raises :class:`InterruptedError`.

    The same inputs and seed give the same map, bit for bit.
    """
    x = np.asarray(features, dtype=np.float64)
    n = len(x)
    if x.ndim != 2 or n < 4:
        raise ValueError(f"t-SNE needs a (N ≥ 4, D) matrix, got shape {x.shape}")
    if n > MAX_POINTS:
        raise ValueError(f"Exact t-SNE on {n:,} points would need {8 * n * n / 1e9:.1f} GB per "
                         f"matrix; take a sample of at most {MAX_POINTS:,}")
    if not 1 <= perplexity < (n - 1) / 3:
        raise ValueError(f"Invalid perplexity {perplexity:g}: must be in [1, (N − 1) / 3) = "
                         f"[1, {(n - 1) / 3:.1f})")
    if init not in ("pca", "random"):
        raise ValueError(f"Unknown init {init!r}; expected 'pca' or 'random'")
    if x.shape[1] > pca_dims:
        x = pca(x, pca_dims).coords
    p = joint_probabilities(_squared_distances(x), perplexity)
    p32 = p.astype(np.float32)  # the descent's N² work in float32: half the memory traffic
    if init == "pca":
        y = pca(x, 2).coords
        y = y / (y[:, 0].std() or 1.0) * 1e-4
    else:
        y = np.random.default_rng(seed).normal(0.0, 1e-4, (n, 2))
    lr = learning_rate if learning_rate is not None else max(n / exaggeration / 4.0, 50.0)
    update = np.zeros_like(y)
    gains = np.ones_like(y)
    step = 0
    for step in range(1, iterations + 1):
        if should_cancel is not None and should_cancel():
            raise InterruptedError("t-SNE cancelled")
        early = step <= exaggeration_iterations
        grad = _gradient(p32 * np.float32(exaggeration) if early else p32, y)
        momentum = 0.5 if early else 0.8
        same = np.sign(update) == np.sign(grad)
        gains = np.where(same, gains * 0.8, gains + 0.2)
        np.maximum(gains, 0.01, out=gains)
        update = momentum * update - lr * gains * grad
        y = y + update
        if progress is not None and (step % 10 == 0 or step == iterations):
            progress(step, iterations)
    return TSNEResult(y, kl_divergence(p, y), step, float(perplexity))


def _student_t(y: NDArray) -> NDArray[np.float64]:
    """The map's unnormalized affinities 1 / (1 + ‖y_i − y_j‖²), zero on the diagonal."""
    num = _squared_distances(y)
    num += 1.0
    np.reciprocal(num, out=num)
    np.fill_diagonal(num, 0.0)
    return num


def _gradient(p: NDArray, y: NDArray, block: int = BLOCK) -> NDArray[np.float64]:
    """dKL/dy (N, 2) = 4 Σ_j (p_ij − q_ij) w_ij (y_i − y_j), w_ij = 1 / (1 + ‖y_i − y_j‖²).

    With q_ij = w_ij / Z this is 4 (A_i − R_i / Z): attraction A_i = Σ_j p_ij w_ij (y_i − y_j)
    and repulsion R_i = Σ_j w_ij² (y_i − y_j). Both and Z are summed over blocks of rows, so
    the N² work stays in cache and the affinities are computed once per step.
    """
    n = len(y)
    ones = np.ones((n, 1), p.dtype)
    y1 = np.hstack([y.astype(p.dtype), ones])  # [y, 1]: one product gives Σ_j and Σ_j y_j
    sq = np.einsum("ij,ij->i", y1[:, :2], y1[:, :2])
    attract = np.empty((n, 3), p.dtype)
    repel = np.empty((n, 3), p.dtype)
    z = 0.0
    for start in range(0, n, block):
        rows = slice(start, min(start + block, n))
        w = (-2.0 * y1[rows, :2]) @ y1[:, :2].T  # 1 + ‖y_i − y_j‖², in three passes
        w += (sq[rows] + 1.0)[:, None]
        w += sq[None, :]
        np.reciprocal(w, out=w)
        w[np.arange(w.shape[0]), np.arange(start, rows.stop)] = 0.0
        z += float(w.sum(dtype=np.float64))
        np.matmul(p[rows] * w, y1, out=attract[rows])
        w *= w
        np.matmul(w, y1, out=repel[rows])
    yd = y.astype(np.float64)
    a = attract.astype(np.float64)
    r = repel.astype(np.float64)
    # Σ_j c_ij (y_i − y_j) = y_i Σ_j c_ij − Σ_j c_ij y_j
    return 4.0 * ((a[:, 2:] * yd - a[:, :2]) - (r[:, 2:] * yd - r[:, :2]) / z)


def kl_divergence(p: NDArray, y: NDArray) -> float:
    """KL(P‖Q) of the map ``y`` (N, 2) for the affinities ``p``."""
    num = _student_t(y)
    q = np.maximum(num / num.sum(), 1e-12)
    return float(np.sum(p * np.log(p / q)))


__all__ = ["MAX_POINTS", "TSNEResult", "conditional_probabilities", "joint_probabilities",
           "kl_divergence", "tsne"]
