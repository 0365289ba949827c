"""The book's weight-initialization experiment (ch. 6.2.2–6.2.4,
``weight_init_activation_histogram.py``).

1000 random inputs drawn from N(0, 1), each with 100 features, go through five fully connected
layers of 100 units (no biases) with one activation function; the histogram of each layer's
activations shows whether the initial weights keep the signal alive:

* std 1 with sigmoid: activations pile up at 0 and 1, where the sigmoid's slope is nearly zero —
  gradients vanish (fig. 6-10);
* std 0.01 with sigmoid: everything collapses to 0.5 — all units compute the same thing, the
  network has lost its expressiveness (fig. 6-11);
* Xavier (std √(1/n)) keeps the sigmoid's and tanh's activations spread (fig. 6-13);
* He (std √(2/n)) keeps ReLU's activations equally spread in every layer, while std 0.01 shrinks
  them layer after layer (fig. 6-14).

Every row of a grid uses the same inputs and the same random generator state for its weights, so
for the normal initializers the rows differ only in the scale of the very same draws.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nn import functions, initializers
from nn.inspect import BINS, histogram

ACTIVATIONS = ("sigmoid", "tanh", "relu")
#: The book's four rows (ch. 6.2): std 1, std 0.01, Xavier, He.
BOOK_INITIALIZERS = ("std1", "std0.01", "xavier", "he")
N_FEATURES = 100
N_LAYERS = 5


def _check_activation(activation: str) -> str:
    key = str(activation).strip().lower()
    if key not in ACTIVATIONS:
        raise ValueError(
            f"Unknown activation {activation!r}; expected one of {', '.join(ACTIVATIONS)}")
    return key


def layer_activations(initializer: str, activation: str = "sigmoid", *, n_inputs: int = 1000,
                      width: int = N_FEATURES, layers: int = N_LAYERS,
                      seed: int = 0) -> list[NDArray]:
    """Each layer's activations for inputs pushed through freshly initialized dense layers.

    Parameters
    ----------
    initializer
        A :mod:`nn.initializers` name: ``"std1"``, ``"std0.01"``, ``"xavier"``, ``"he"``,
        ``"std0.2"``…
    activation
        ``"sigmoid"``, ``"tanh"`` or ``"relu"``.
    n_inputs, width, layers
        Number of input rows, features per row (= units per layer), number of layers.
    seed
        Seeds the inputs (``default_rng(seed)``) and, separately, the weights
        (``default_rng([seed, 1])``, restarted for each call so that rows computed with
        different initializers share their random draws).

    Returns
    -------
    list of ndarray, each (n_inputs, width), float64
        ``z_1 … z_layers`` with ``z_i = act(z_{i−1} @ W_i)`` and ``z_0`` the inputs.
    """
    act = functions.ACTIVATIONS[_check_activation(activation)]
    init = initializers.get(initializer)
    n_inputs, width, layers = int(n_inputs), int(width), int(layers)
    if n_inputs < 1 or width < 1 or layers < 1:
        raise ValueError("n_inputs, width and layers must be positive")
    x = np.random.default_rng(seed).standard_normal((n_inputs, width))
    wrng = np.random.default_rng([seed, 1])
    out = []
    with np.errstate(over="ignore", invalid="ignore"):  # std 1 + ReLU grows ~7× per layer
        for _ in range(layers):
            w = init((width, width), width, wrng, np.float64)
            x = act(x @ w)
            out.append(x)
    return out


def activation_grid(initializer_names: Iterable[str], activation: str = "sigmoid", *,
                    n_inputs: int = 1000, seed: int = 0,
                    layers: int = N_LAYERS) -> dict[str, list[NDArray]]:
    """:func:`layer_activations` for each initializer (the rows of the book's figures)."""
    return {name: layer_activations(name, activation, n_inputs=n_inputs, layers=layers,
                                    seed=seed)
            for name in initializer_names}


def histogram_range(activation: str, row: Sequence[NDArray]) -> tuple[float, float]:
    """The x range for one row of histograms.

    Sigmoid (0, 1) as the book; tanh (−1, 1); ReLU (0, top) with ``top`` the 99.5th percentile
    of the row's non-zero activations over all its layers, so one row shares one scale (He's
    constant spread and std 0.01's shrinking both show) whatever its magnitude.
    """
    key = _check_activation(activation)
    if key == "sigmoid":
        return 0.0, 1.0
    if key == "tanh":
        return -1.0, 1.0
    positive = np.concatenate([a[a > 0].ravel() for a in row]) if row else np.empty(0)
    positive = positive[np.isfinite(positive)]
    if positive.size == 0:
        return 0.0, 1.0
    top = float(np.percentile(positive, 99.5))
    return 0.0, top if top > 0 and math.isfinite(top) else 1.0


@dataclass(frozen=True)
class LayerHistogram:
    """One histogram panel: counts over ``edges`` and the statistics printed on it.

    ``counts`` and ``edges`` are exactly ``np.histogram(values, bins, range=...)`` of the
    activations — for ReLU of the *non-zero* ones (``zero_fraction`` says how many were exactly 0).
    """

    counts: NDArray  # (bins,) int64
    edges: NDArray  # (bins + 1,)
    mean: float
    std: float
    zero_fraction: float
    saturated_fraction: float  # sigmoid/tanh: within 0.02 of an asymptote


def layer_histogram(values: NDArray, activation: str, value_range: tuple[float, float],
                    bins: int = BINS) -> LayerHistogram:
    """Histogram and statistics of one layer's activations (``values`` of any shape)."""
    key = _check_activation(activation)
    flat = np.asarray(values, dtype=np.float64).ravel()
    flat = flat[np.isfinite(flat)]
    zeros = float(np.mean(flat == 0.0)) if flat.size else 0.0
    shown = flat[flat != 0.0] if key == "relu" else flat
    shown_hist = histogram(shown, bins, value_range)  # the Inspect page's histogram
    counts, edges = shown_hist.counts, shown_hist.edges
    if key == "sigmoid":
        saturated = np.mean((flat < 0.02) | (flat > 0.98)) if flat.size else 0.0
    elif key == "tanh":
        saturated = np.mean(np.abs(flat) > 0.98) if flat.size else 0.0
    else:
        saturated = 0.0
    mean = float(flat.mean()) if flat.size else math.nan
    std = float(flat.std()) if flat.size else math.nan
    return LayerHistogram(counts, edges, mean, std, zeros, float(saturated))


def histogram_grid(initializer_names: Iterable[str], activation: str = "sigmoid", *,
                   n_inputs: int = 1000, seed: int = 0, bins: int = BINS,
                   layers: int = N_LAYERS) -> dict[str, list[LayerHistogram]]:
    """The histograms of the book's figure grid: rows = initializers, columns = layers.

    Each row's activations are histogrammed over :func:`histogram_range` and then dropped, so
    memory stays small for many inputs.
    """
    grid = {}
    for name in initializer_names:
        row = layer_activations(name, activation, n_inputs=n_inputs, layers=layers, seed=seed)
        value_range = histogram_range(activation, row)
        grid[name] = [layer_histogram(a, activation, value_range, bins) for a in row]
    return grid


__all__ = ["ACTIVATIONS", "BINS", "BOOK_INITIALIZERS", "LayerHistogram", "activation_grid",
           "histogram_grid", "histogram_range", "layer_activations", "layer_histogram"]
