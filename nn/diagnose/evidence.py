"""What the assistant's checks look at, gathered in one frozen :class:`Evidence`.

Everything is optional: a history of a run in progress (iteration losses, per-epoch metrics),
the run's settings (optimizer, data), the architecture, the last gradients
(:meth:`nn.Sequential.gradient_stats`), activation statistics for a batch, and the class counts
of the training labels. Each check uses what is there and stays silent about the rest.
:func:`probe` measures gradients and activations on a copy of a model, so a saved model can be
diagnosed without its training run.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.inspect import dead_fraction
from nn.layers import ACTIVATIONS, Conv2D, Dense
from nn.model import Sequential
from nn.training.divergence import chance_loss
from nn.training.events import EpochEnd
from nn.training.history import History

#: An output of a sigmoid within this distance of 0 or 1 (a tanh within it of ±1) is saturated:
#: its derivative is below about 8 % of its maximum (book ch. 6.2.2).
SATURATION_MARGIN = 0.02


@dataclass(frozen=True)
class LayerFacts:
    """One weighted layer (Dense or Conv2D) of the architecture.

    ``init_gain`` is the initial weight scale relative to He's √(2 / fan_in) (book ch. 6.2.3):
    1 for He, 1/√2 for Xavier, 0.07 for std 0.01 with 100 inputs.
    """

    index: int
    type: str
    units: int
    fan_in: int
    init: str
    init_gain: float
    activation: str | None  # the next activation layer's type, None if there is none


@dataclass(frozen=True)
class ActivationStats:
    """Statistics of one activation layer's outputs on a batch.

    ``dead``: share of units (features or channels) that output ≤ 0 for every sample (ReLU
    only, else NaN); ``saturated``: share of outputs within :data:`SATURATION_MARGIN` of the
    bounds (Sigmoid and Tanh only, else NaN).
    """

    layer: str
    kind: str
    dead: float
    saturated: float
    mean: float
    std: float


@dataclass(frozen=True)
class Evidence:
    """Everything the checks may use; build it with :func:`collect`."""

    losses: tuple[float, ...] = ()
    lrs: tuple[float, ...] = ()
    epochs: tuple[EpochEnd, ...] = ()
    diverged: str | None = None
    #: ``{"name": "sgd", "lr": 0.01, "weight_decay": 0, "schedule": {...}}``
    optimizer: Mapping[str, Any] = field(default_factory=dict)
    #: ``{"name": "digits", "augment": None, "train_size": 300, "images": True}``
    data: Mapping[str, Any] = field(default_factory=dict)
    layers: tuple[str, ...] = ()  # layer types in order ("Dense", "ReLU", …)
    weighted: tuple[LayerFacts, ...] = ()
    gradients: Mapping[str, Mapping[str, float]] | None = None
    activations: tuple[ActivationStats, ...] | None = None
    class_counts: tuple[int, ...] | None = None
    num_classes: int = 10
    #: The loss of a uniform guess for this model's loss (None: ln C, softmax cross-entropy).
    chance: float | None = None
    #: Final metrics when there is no per-epoch history (a model file's record).
    final: Mapping[str, float] = field(default_factory=dict)

    @property
    def chance_loss(self) -> float:
        """The loss of a uniform guess: :attr:`chance`, else ln C (softmax cross-entropy)."""
        if self.chance is not None and math.isfinite(self.chance) and self.chance > 0:
            return float(self.chance)
        return math.log(max(self.num_classes, 2))

    @property
    def lr(self) -> float:
        value = self.optimizer.get("lr")
        return float(value) if isinstance(value, (int, float)) else math.nan

    @property
    def optimizer_name(self) -> str:
        return str(self.optimizer.get("name", "")).lower()

    def column(self, name: str) -> NDArray[np.float64]:
        """One per-epoch metric (``"val_acc"``), float64 (n_epochs,)."""
        return np.array([getattr(e, name) for e in self.epochs], dtype=np.float64)

    def heldout(self, metric: str = "acc") -> NDArray[np.float64]:
        """Validation ``acc``/``loss`` per epoch, or the test set's where there is no
        validation set."""
        val = self.column(f"val_{metric}")
        if val.size and np.isfinite(val).any():
            return val
        return self.column(f"test_{metric}")


def architecture(model: Sequential) -> tuple[tuple[str, ...], tuple[LayerFacts, ...]]:
    """Layer types and the facts of every weighted layer of ``model``."""
    types = tuple(type(layer).__name__ for layer in model.layers)
    facts = []
    for i, layer in enumerate(model.layers):
        if not isinstance(layer, (Dense, Conv2D)):
            continue
        w = layer.params["W"]
        fan_in = int(w.shape[0]) if isinstance(layer, Dense) else int(np.prod(w.shape[1:]))
        units = int(w.shape[1]) if isinstance(layer, Dense) else int(w.shape[0])
        he = math.sqrt(2.0 / fan_in)
        activation = None
        for later in types[i + 1:]:  # up to the next weighted layer
            if later in ("Dense", "Conv2D"):
                break
            if later in ACTIVATIONS:
                activation = later
                break
        init = layer.initializer
        facts.append(LayerFacts(i, types[i], units, fan_in, init.name, init.scale(fan_in) / he,
                                activation))
    return types, tuple(facts)


def activation_stats(model: Sequential, x: ArrayLike) -> tuple[ActivationStats, ...]:
    """:class:`ActivationStats` of every activation layer for the batch ``x`` (inference
    mode, on a copy, so the model's caches are untouched)."""
    twin = model.copy()
    outputs = twin.capture(x)
    stats = []
    for layer in twin.layers:
        kind = type(layer).__name__
        if kind not in ACTIVATIONS or kind in ("Identity", "Step"):
            continue
        out = outputs[layer.name]
        dead = dead_fraction(out) if kind == "ReLU" else math.nan
        saturated = math.nan
        if kind == "Sigmoid":
            saturated = float(np.mean((out < SATURATION_MARGIN) | (out > 1 - SATURATION_MARGIN)))
        elif kind == "Tanh":
            saturated = float(np.mean(np.abs(out) > 1 - SATURATION_MARGIN))
        stats.append(ActivationStats(layer.name, kind, dead, saturated,
                                     float(out.mean(dtype=np.float64)),
                                     float(out.std(dtype=np.float64))))
    return tuple(stats)


def probe(model: Sequential, x: ArrayLike, labels: ArrayLike, batch_size: int = 256,
          seed: int = 0) -> tuple[dict[str, dict[str, float]], tuple[ActivationStats, ...]]:
    """Gradient statistics of one training-mode backward pass and activation statistics, on a
    seeded random batch of ``(x, labels)``, computed on a copy (the model, its BatchNorm
    averages and its random stream are untouched)."""
    x, labels = np.asarray(x), np.asarray(labels)
    rng = np.random.default_rng(seed)
    idx = np.sort(rng.choice(len(x), min(batch_size, len(x)), replace=False))
    twin = model.copy()
    with np.errstate(all="ignore"):
        twin.loss_and_grads(x[idx], labels[idx])
        grads = twin.gradient_stats()
        acts = activation_stats(model, x[idx])
    return grads, acts


def collect(
    history: History | None = None,
    *,
    optimizer: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    model: Sequential | None = None,
    gradients: Mapping[str, Mapping[str, float]] | None = None,
    activations: Sequence[ActivationStats] | None = None,
    train_labels: ArrayLike | None = None,
    diverged: str | None = None,
    final: Mapping[str, float] | None = None,
    num_classes: int | None = None,
) -> Evidence:
    """An :class:`Evidence` from whatever is known about a run.

    ``optimizer`` is an optimizer config (``Optimizer.get_config()`` or a RunConfig's
    ``optimizer``), ``data`` a DataConfig-like dict; ``train_labels`` (N,) gives the class
    counts. Without ``num_classes`` it comes from the model, else the labels, else 10.
    """
    layers: tuple[str, ...] = ()
    weighted: tuple[LayerFacts, ...] = ()
    if model is not None:
        layers, weighted = architecture(model)
        num_classes = num_classes or model.num_classes
    counts, chance = None, None
    if train_labels is not None:
        labels = np.asarray(train_labels)
        labels = labels.argmax(axis=1) if labels.ndim > 1 else labels
        if labels.size:
            counts = tuple(int(c) for c in np.bincount(labels.astype(np.int64).ravel(),
                                                       minlength=num_classes or 0))
            num_classes = num_classes or len(counts)
            if model is not None:
                chance = chance_loss(model.loss, model.output_shape, labels[:256], model.dtype)
    history = history or History()
    return Evidence(
        losses=tuple(float(v) for v in history.losses),
        lrs=tuple(float(v) for v in history.lrs),
        epochs=tuple(history.epochs),
        diverged=diverged,
        optimizer=dict(optimizer or {}),
        data=dict(data or {}),
        layers=layers,
        weighted=weighted,
        gradients=None if gradients is None else {k: dict(v) for k, v in gradients.items()},
        activations=None if activations is None else tuple(activations),
        class_counts=counts,
        num_classes=int(num_classes or 10),
        chance=chance,
        final={k: float(v) for k, v in (final or {}).items()
               if isinstance(v, (int, float)) and not isinstance(v, bool)},
    )


def from_trainer(trainer: Any, data: Mapping[str, Any] | None = None,
                 probe_size: int = 256) -> Evidence:
    """Evidence from a :class:`nn.training.Trainer` during or after its run: its history,
    optimizer, model, the gradients of its last step, activation statistics on a training
    batch and its training labels."""
    model = trainer.model
    x, labels = trainer.train
    acts = activation_stats(model, x[:probe_size]) if len(x) else ()
    grads = model.gradient_stats() if trainer.iteration else None
    image_data = {"images": len(model.input_shape) == 3, **dict(data or {})}
    return collect(trainer.history, optimizer=trainer.optimizer.get_config(), data=image_data,
                   model=model, gradients=grads, activations=acts, train_labels=labels,
                   diverged=trainer.diverged)


__all__ = ["SATURATION_MARGIN", "ActivationStats", "Evidence", "LayerFacts", "activation_stats",
           "architecture", "collect", "from_trainer", "probe"]
