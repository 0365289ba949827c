"""Guards against using the engine wrongly, each with a message saying what happened.

Kept out of :mod:`nn.model` so the model reads as the computation: one layer object built at two
places or into two models, a NaN in a training batch, a saliency target outside the classes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import numpy as np
from numpy.typing import NDArray

from nn.errors import ModelBuildError
from nn.layers.base import Layer


def check_layers_are_own(layers: Sequence[Layer]) -> None:
    """One layer object cannot sit at two places (it has one set of weights and one cache for
    backward), nor in two models (building it again would replace the other model's weights).

    Raises
    ------
    ModelBuildError
        Naming the layer and its index.
    """
    seen: dict[int, int] = {}
    for index, layer in enumerate(layers):
        if id(layer) in seen:
            raise ModelBuildError(
                f"Layer {index} ({layer.describe()}) is the same object as layer "
                f"{seen[id(layer)]}: each position needs its own layer (create another, or "
                f"pass its config dict)", index=index)
        seen[id(layer)] = index
        owner = layer._owner() if layer._owner is not None else None
        if owner is not None:
            raise ModelBuildError(
                f"Layer {index} ({layer.describe()}) already belongs to another model "
                f"({owner.name!r}); building it here would silently replace that model's "
                f"weights. Create a new layer, or use model.copy()", index=index)


def check_finite_batch(x: NDArray) -> None:
    """Refuse NaN or infinite inputs before they reach the weights (one NaN pixel turns every
    weight NaN in a single step). A float64 sum is the cheap test; counting runs only if it
    fails (finite values so large that the sum overflows are counted and then accepted)."""
    with np.errstate(over="ignore", invalid="ignore"):
        total = np.sum(x, dtype=np.float64)
    if np.isfinite(total):
        return
    bad = int(np.count_nonzero(~np.isfinite(x)))
    if bad:
        raise ValueError(f"The training batch contains {bad:,} NaN or infinite input value"
                         f"{'s' if bad != 1 else ''}; refusing to train on it (every weight "
                         "would become NaN). Check the data.")


def check_targets(target: int | Iterable[int], output_shape: tuple[int, ...]) -> NDArray:
    """Saliency targets: one class for every sample or one per sample, each in
    ``0 … classes − 1`` (``-1`` does not mean the last class). Returns shape (N,)."""
    n, classes = output_shape[0], output_shape[1]
    chosen = np.asarray(target)
    if chosen.dtype == bool or not np.issubdtype(chosen.dtype, np.integer):
        raise ValueError(f"The target class must be an integer, not {target!r}")
    if chosen.ndim > 1 or (chosen.ndim == 1 and chosen.shape[0] != n):
        raise ValueError(f"Give one target class, or one per sample ({n}); got shape "
                         f"{chosen.shape}")
    bad = chosen[(chosen < 0) | (chosen >= classes)]
    if bad.size:
        raise ValueError(f"Target class {int(bad.flat[0])} is out of range: this model has "
                         f"{classes} classes (0–{classes - 1})")
    return np.broadcast_to(chosen, (n,))


__all__ = ["check_finite_batch", "check_layers_are_own", "check_targets"]
