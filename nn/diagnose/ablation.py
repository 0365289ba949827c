"""Ablation: switch off chosen filters or units of a layer, on a copy of the model, and see
what the test accuracy and the confusion matrix lose. The model itself is never changed, so
"reset" is simply using it again.

A unit of a Dense layer, or a filter of a Conv2D layer, is switched off by zeroing its weights
and its bias: its output is then 0 for every input — and so is what a following ReLU, LeakyReLU
or tanh passes on (a sigmoid passes 0.5). A BatchNorm right after the layer gets its γ and β of
that channel zeroed too, so the channel stays at 0 through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.inspect import confusion_matrix
from nn.layers import BatchNorm, Conv2D, Dense
from nn.model import Sequential


@dataclass(frozen=True)
class AblationResult:
    """Accuracy and confusion matrix (rows: true class) before and after switching off
    ``units`` of ``layer``."""

    layer: str
    units: tuple[int, ...]
    accuracy_before: float
    accuracy_after: float
    confusion_before: NDArray[np.int64]
    confusion_after: NDArray[np.int64]

    @property
    def accuracy_change(self) -> float:
        return self.accuracy_after - self.accuracy_before

    @property
    def confusion_change(self) -> NDArray[np.int64]:
        """After − before, (K, K): negative on the diagonal where a class lost hits."""
        return self.confusion_after - self.confusion_before

    def per_class_change(self) -> NDArray[np.float64]:
        """Change of each class's recall (NaN for a class without samples), (K,)."""
        rows = self.confusion_before.sum(axis=1).astype(np.float64)
        with np.errstate(invalid="ignore", divide="ignore"):
            return np.where(rows > 0, np.diag(self.confusion_change) / rows, np.nan)


def weighted_layer(model: Sequential, layer: int | str) -> int:
    """The index of ``layer`` (index or name), which must be a Dense or Conv2D layer."""
    names = [lay.name for lay in model.layers]
    choices = [n for n, lay in zip(names, model.layers, strict=True)
               if isinstance(lay, (Dense, Conv2D))]
    if isinstance(layer, (int, np.integer)) and not isinstance(layer, bool):
        index = int(layer)
        if not 0 <= index < len(names):
            raise ValueError(f"Layer {index} does not exist: the model has {len(names)} layers")
    elif layer in names:
        index = names.index(str(layer))
    else:
        raise ValueError(f"Unknown layer {layer!r}; ablation works on {', '.join(choices)}")
    if not isinstance(model.layers[index], (Dense, Conv2D)):
        raise ValueError(f"Layer {names[index]} has no units or filters to switch off; "
                         f"choose one of {', '.join(choices)}")
    return index


def unit_count(model: Sequential, layer: int | str) -> int:
    """How many units (Dense) or filters (Conv2D) ``layer`` has."""
    lay = model.layers[weighted_layer(model, layer)]
    return lay.units if isinstance(lay, Dense) else lay.filters


def choose_units(model: Sequential, layer: int | str, units: Sequence[int] | None = None,
                 share: float | None = None, seed: int = 0) -> tuple[int, ...]:
    """``units`` checked, or a seeded random ``share`` (0–1) of the layer's units, sorted."""
    count = unit_count(model, layer)
    if (units is None) == (share is None):
        raise ValueError("Give either units or a share of them")
    if share is not None:
        if not 0.0 <= share <= 1.0:
            raise ValueError(f"Invalid share {share!r}: must be in [0, 1]")
        k = int(round(share * count))
        picked = np.random.default_rng(seed).choice(count, k, replace=False)
        return tuple(sorted(int(u) for u in picked))
    chosen = sorted({int(u) for u in units})
    bad = [u for u in chosen if not 0 <= u < count]
    if bad:
        raise ValueError(f"Unit {bad[0]} does not exist: the layer has {count} (0–{count - 1})")
    return tuple(chosen)


def ablated_copy(model: Sequential, layer: int | str, units: Sequence[int]) -> Sequential:
    """A copy of ``model`` with ``units`` of ``layer`` switched off (see the module doc)."""
    index = weighted_layer(model, layer)
    chosen = list(choose_units(model, index, units))
    twin = model.copy()
    lay = twin.layers[index]
    if isinstance(lay, Dense):
        lay.params["W"][:, chosen] = 0.0
    else:
        lay.params["W"][chosen] = 0.0
    if "b" in lay.params:
        lay.params["b"][chosen] = 0.0
    after = twin.layers[index + 1] if index + 1 < len(twin.layers) else None
    if isinstance(after, BatchNorm):
        after.params["gamma"][chosen] = 0.0
        after.params["beta"][chosen] = 0.0
    return twin


def ablate(model: Sequential, x: ArrayLike, labels: ArrayLike, layer: int | str,
           units: Sequence[int] | None = None, share: float | None = None, seed: int = 0,
           batch_size: int = 500) -> AblationResult:
    """Switch off ``units`` (or a seeded random ``share``) of ``layer`` on a copy and compare
    the predictions on ``(x, labels)`` with the intact model's."""
    index = weighted_layer(model, layer)
    chosen = choose_units(model, index, units, share, seed)
    labels = np.asarray(labels).astype(np.int64)
    k = model.num_classes
    before = model.predict(x, batch_size)
    after = ablated_copy(model, index, chosen).predict(x, batch_size)
    return AblationResult(model.layers[index].name, chosen,
                          float(np.mean(before == labels)), float(np.mean(after == labels)),
                          confusion_matrix(labels, before, k), confusion_matrix(labels, after, k))


__all__ = ["AblationResult", "ablate", "ablated_copy", "choose_units", "unit_count",
           "weighted_layer"]
