"""Maps of the representations (issue 22): layer features equal the engine's own capture, PCA
equals a direct eigen-decomposition, trustworthiness and kNN accuracy equal their definitions
written out, and t-SNE is correct (its gradient), deterministic and separates clusters."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn.diagnose.maps import (
    knn_accuracy,
    layer_features,
    pca,
    sample_indices,
    trustworthiness,
)
from nn.diagnose.tsne import (
    _gradient,
    _squared_distances,
    conditional_probabilities,
    joint_probabilities,
    kl_divergence,
    tsne,
)

DIGITS = nn.datasets.load("digits")


def blobs(n_per=60, centres=3, dim=10, spread=0.5, seed=0):
    rng = np.random.default_rng(seed)
    means = rng.normal(0, 10, (centres, dim))
    x = np.concatenate([m + rng.normal(0, spread, (n_per, dim)) for m in means])
    return x, np.repeat(np.arange(centres), n_per)


def test_layer_features_equal_capture_for_every_layer():
    model = nn.presets.build("simple_convnet", seed=0)
    x = DIGITS.x_test[:37]
    captured = model.capture(x)
    for index, layer in enumerate(model.layers):
        feats = layer_features(model, x, index, batch_size=16)
        assert np.array_equal(feats, captured[layer.name].reshape(37, -1)), layer.name
    assert np.array_equal(layer_features(model, x, "3.Dense"), captured["3.Dense"])
    with pytest.raises(ValueError, match="Unknown layer"):
        layer_features(model, x, "9.Nope")


def test_pca_equals_the_eigenvectors_of_the_covariance():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(200, 6)) @ rng.normal(size=(6, 6))
    result = pca(x, 2)
    centred = x - x.mean(axis=0)
    values, vectors = np.linalg.eigh(centred.T @ centred)
    top = vectors[:, ::-1][:, :2]
    for axis in range(2):  # the same axes up to sign
        sign = np.sign(top[:, axis] @ result.components[axis])
        assert np.allclose(result.components[axis], sign * top[:, axis], atol=1e-10)
        assert np.allclose(result.coords[:, axis], sign * centred @ top[:, axis], atol=1e-8)
    assert np.allclose(result.explained, values[::-1][:2] / values.sum())
    assert np.array_equal(pca(x, 2).coords, result.coords)  # deterministic, signs fixed


def _trustworthiness_by_definition(x, y, k):
    n = len(x)
    dx = np.linalg.norm(x[:, None] - x[None], axis=2)
    dy = np.linalg.norm(y[:, None] - y[None], axis=2)
    total = 0.0
    for i in range(n):
        rank_x = {j: r for r, j in enumerate([j for j in np.argsort(dx[i], kind="stable")
                                              if j != i], start=1)}
        near_y = [j for j in np.argsort(dy[i], kind="stable") if j != i][:k]
        total += sum(max(0, rank_x[j] - k) for j in near_y)
    return 1 - 2 / (n * k * (2 * n - 3 * k - 1)) * total


def test_trustworthiness_and_knn_accuracy_match_their_definitions():
    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 5))
    y = x[:, :2] + rng.normal(0, 0.5, (60, 2))
    assert trustworthiness(x, y, 5) == pytest.approx(_trustworthiness_by_definition(x, y, 5))
    assert trustworthiness(x, x, 5) == pytest.approx(1.0)
    labels = (x[:, 0] > 0).astype(int)
    d = np.linalg.norm(y[:, None] - y[None], axis=2)
    np.fill_diagonal(d, np.inf)
    votes = labels[np.argsort(d, axis=1)[:, :3]].mean(axis=1) > 0.5
    assert knn_accuracy(y, labels, 3) == pytest.approx(np.mean(votes == labels))


def test_sample_indices_are_stratified_and_seeded():
    idx = sample_indices(DIGITS.y_test, 500, seed=0)
    assert len(idx) == 500 and np.all(np.diff(idx) > 0)
    counts = np.bincount(DIGITS.y_test[idx], minlength=10)
    share = np.bincount(DIGITS.y_test, minlength=10) / len(DIGITS.y_test)
    assert np.all(np.abs(counts - 500 * share) <= 1)
    assert np.array_equal(idx, sample_indices(DIGITS.y_test, 500, seed=0))


def test_each_row_has_the_requested_perplexity():
    x, _ = blobs()
    p = conditional_probabilities(_squared_distances(x), 20.0)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.nansum(np.where(p > 0, p * np.log(p), 0.0), axis=1)
    assert np.allclose(np.exp(entropy), 20.0, rtol=1e-4)
    joint = joint_probabilities(_squared_distances(x), 20.0)
    assert np.allclose(joint, joint.T) and joint.sum() == pytest.approx(1.0, rel=1e-6)


def test_the_tsne_gradient_is_the_derivative_of_the_kl_divergence():
    x, _ = blobs(n_per=8)
    p = joint_probabilities(_squared_distances(x), 5.0)
    y = np.random.default_rng(0).normal(0, 1, (len(x), 2))
    grad = _gradient(p, y, block=7)  # float64 P, blocks that do not divide N
    eps = 1e-6
    numeric = np.zeros_like(y)
    for idx in np.ndindex(*y.shape):
        hi, lo = y.copy(), y.copy()
        hi[idx] += eps
        lo[idx] -= eps
        numeric[idx] = (kl_divergence(p, hi) - kl_divergence(p, lo)) / (2 * eps)
    assert np.abs(grad - numeric).max() < 1e-6 * np.abs(numeric).max() + 1e-9


def test_tsne_separates_clusters_and_is_deterministic():
    x, labels = blobs()
    seen = []
    a = tsne(x, perplexity=20, iterations=400, progress=lambda i, n: seen.append(i))
    b = tsne(x, perplexity=20, iterations=400)
    assert np.array_equal(a.coords, b.coords)
    assert seen[-1] == 400 and a.iterations == 400 and math.isfinite(a.kl)
    assert knn_accuracy(a.coords, labels, 5) == 1.0
    centres = np.array([a.coords[labels == c].mean(axis=0) for c in range(3)])
    radius = max(np.linalg.norm(a.coords[labels == c] - centres[c], axis=1).max()
                 for c in range(3))
    gaps = [np.linalg.norm(centres[i] - centres[j]) for i in range(3) for j in range(i)]
    assert min(gaps) > 2 * radius  # the clusters' discs do not even touch
    r1 = tsne(x, perplexity=20, iterations=300, init="random", seed=1)
    r2 = tsne(x, perplexity=20, iterations=300, init="random", seed=1)
    r3 = tsne(x, perplexity=20, iterations=300, init="random", seed=2)
    assert np.array_equal(r1.coords, r2.coords) and not np.array_equal(r1.coords, r3.coords)
    assert knn_accuracy(r1.coords, labels, 5) == 1.0


def test_tsne_cancel_and_bad_arguments():
    x, _ = blobs(n_per=20)
    with pytest.raises(InterruptedError):
        tsne(x, perplexity=5, should_cancel=lambda: True)
    with pytest.raises(ValueError, match="perplexity"):
        tsne(x, perplexity=30)
    with pytest.raises(ValueError, match="sample"):
        tsne(np.zeros((6000, 2)))
