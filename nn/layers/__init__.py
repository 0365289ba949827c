"""Layers, resolvable by name: ``nn.layers.get("Conv2D", filters=16, kernel_size=3)``."""

from __future__ import annotations

from typing import Any

from nn.layers.activations import Identity, LeakyReLU, ReLU, Sigmoid, Step, Tanh
from nn.layers.base import Layer, ShapeMismatch
from nn.layers.conv import Conv2D
from nn.layers.dense import Dense
from nn.layers.normalization import BatchNorm, Dropout
from nn.layers.pooling import AvgPool2D, Flatten, MaxPool2D

LAYER_TYPES: dict[str, type[Layer]] = {
    cls.__name__: cls
    for cls in (
        Dense, Conv2D, MaxPool2D, AvgPool2D, Flatten, BatchNorm, Dropout,
        ReLU, LeakyReLU, Sigmoid, Tanh, Step, Identity,
    )
}
ACTIVATIONS = ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Step", "Identity")
_LOWER = {name.lower(): name for name in LAYER_TYPES}
_LOWER.update({"affine": "Dense", "linear": "Dense", "conv": "Conv2D", "relu": "ReLU",
               "batchnormalization": "BatchNorm", "pool": "MaxPool2D"})


def resolve_type(name: str) -> type[Layer]:
    """The layer class called ``name`` (case-insensitive; ``Affine`` → ``Dense``)."""
    key = _LOWER.get(str(name).replace("_", "").lower())
    if key is None:
        raise ValueError(f"Unknown layer type {name!r}; expected one of {', '.join(LAYER_TYPES)}")
    return LAYER_TYPES[key]


def get(name: str, **config: Any) -> Layer:
    """Construct a layer from its type name and constructor arguments."""
    cls = resolve_type(name)
    try:
        return cls(**config)
    except TypeError as exc:  # unknown or missing argument: say which layer
        raise ValueError(f"Invalid settings for {cls.__name__}: {exc}") from None


def to_config(layer: Layer) -> dict[str, Any]:
    """JSON-able ``{"type": ..., "config": {...}}``; inverse of :func:`from_config`."""
    return {"type": type(layer).__name__, "config": layer.get_config()}


def from_config(spec: dict[str, Any]) -> Layer:
    if not isinstance(spec, dict) or "type" not in spec:
        raise ValueError(f"A layer spec needs a 'type': {spec!r}")
    return get(spec["type"], **dict(spec.get("config") or {}))


__all__ = [
    "ACTIVATIONS", "LAYER_TYPES", "AvgPool2D", "BatchNorm", "Conv2D", "Dense", "Dropout",
    "Flatten", "Identity", "Layer", "LeakyReLU", "MaxPool2D", "ReLU", "ShapeMismatch", "Sigmoid",
    "Step", "Tanh", "from_config", "get", "resolve_type", "to_config",
]
