"""A model as a list of framework-neutral operations: what every exporter translates.

:func:`plan` walks a :class:`~nn.model.Sequential` and turns each layer into an :class:`Op`
holding exactly what the engine computes at *inference* (BatchNorm with its running averages,
Dropout as the identity): the kind, the hyperparameters and copies of the arrays. The ONNX, NumPy
and PyTorch exporters only translate ops, so an engine layer they do not know is reported once,
here, by name. Layers are matched by their exact class: a subclass may compute something else.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn import layers as L
from nn.errors import NNError
from nn.model import Sequential

#: Engine layer class → op kind.
KINDS: dict[type[L.Layer], str] = {
    L.Dense: "dense", L.Conv2D: "conv", L.MaxPool2D: "maxpool", L.AvgPool2D: "avgpool",
    L.Flatten: "flatten", L.BatchNorm: "batchnorm", L.Dropout: "dropout", L.ReLU: "relu",
    L.LeakyReLU: "leaky_relu", L.Sigmoid: "sigmoid", L.Tanh: "tanh", L.Step: "step",
    L.Identity: "identity",
}
#: Loss name → how its ``probabilities`` turn scores into the model's output.
HEADS = {"softmax_cross_entropy": "softmax", "mse": "identity", "sigmoid_bce": "sigmoid_pair"}


class ExportError(NNError, ValueError):
    """A model, layer or option that cannot be exported; the message names it."""


@dataclass(frozen=True)
class Op:
    """One inference step.

    Attributes
    ----------
    kind : str
        A value of :data:`KINDS`.
    index : int
        The engine layer's index; arrays are named ``f"{index}.{key}"`` as in the model.
    description : str
        The layer as the engine describes it, e.g. ``Conv2D(filters=16, kernel_size=3, …)``.
    input_shape, output_shape : tuple of int
        Per sample, without the batch axis.
    attrs : dict
        Hyperparameters: ``stride``, ``pad``, ``pool`` (ph, pw), ``kernel`` (kh, kw), ``alpha``,
        ``eps``, ``momentum``, ``rate``.
    arrays : dict of str to numpy.ndarray
        Copies of the parameters and buffers by the engine's keys (``W``, ``b``, ``gamma``,
        ``beta``, ``running_mean``, ``running_var``).
    """

    kind: str
    index: int
    description: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    attrs: dict[str, Any] = field(default_factory=dict)
    arrays: dict[str, NDArray] = field(default_factory=dict)

    @property
    def flattens(self) -> bool:
        """A Dense op on a multi-axis input flattens it first (row-major, like ``reshape``)."""
        return self.kind == "dense" and len(self.input_shape) > 1


@dataclass(frozen=True)
class ExportPlan:
    """Everything an exporter needs: the ops, the output head and the descriptive metadata."""

    name: str
    input_shape: tuple[int, ...]
    output_shape: tuple[int, ...]
    dtype: str
    loss: str
    head: str
    ops: list[Op]
    class_names: list[str]
    config: dict[str, Any]
    metadata: dict[str, Any]

    @property
    def num_classes(self) -> int:
        return len(self.class_names)

    @property
    def takes_digit_images(self) -> bool:
        """Whether the input is a 28×28 image, so ``predict`` preprocessing applies."""
        return math.prod(self.input_shape) == 28 * 28

    def used_kinds(self) -> set[str]:
        return {op.kind for op in self.ops}

    def summary_lines(self) -> list[str]:
        """One line per layer: index, description and output shape."""
        return [f"{op.index:>2}  {op.description}  -> {'x'.join(map(str, op.output_shape))}"
                for op in self.ops]


def class_names(model: Sequential) -> list[str]:
    """The model's recorded class names (``metadata["class_names"]``), else ``"0"``, ``"1"``…"""
    recorded = model.metadata.get("class_names") if isinstance(model.metadata, dict) else None
    k = model.num_classes
    if isinstance(recorded, (list, tuple)) and len(recorded) == k:
        return [str(name) for name in recorded]
    return [str(i) for i in range(k)]


def _attrs(layer: L.Layer) -> dict[str, Any]:
    if isinstance(layer, L.Conv2D):
        return {"kernel": layer.kernel_size, "stride": layer.stride, "pad": layer.pad}
    if isinstance(layer, (L.MaxPool2D, L.AvgPool2D)):
        return {"pool": layer.pool_size, "stride": layer.stride, "pad": layer.pad}
    if isinstance(layer, L.LeakyReLU):
        return {"alpha": layer.alpha}
    if isinstance(layer, L.BatchNorm):
        return {"eps": layer.eps, "momentum": layer.momentum}
    if isinstance(layer, L.Dropout):
        return {"rate": layer.rate}
    return {}


def _json_safe(value: Any) -> Any:
    """``value`` if it survives a JSON round trip, else its ``str``."""
    try:
        return json.loads(json.dumps(value, allow_nan=False))
    except (TypeError, ValueError):
        return str(value)


def plan(model: Sequential) -> ExportPlan:
    """Translate ``model`` into an :class:`ExportPlan`.

    Raises
    ------
    ExportError
        Naming the first layer (index, description and type) or the loss with no export.
    """
    if not isinstance(model, Sequential):
        raise ExportError(f"Only a Sequential model can be exported, not {type(model).__name__}")
    ops = []
    for index, layer in enumerate(model.layers):
        kind = KINDS.get(type(layer))
        if kind is None:
            raise ExportError(
                f"Layer {index} ({layer.describe()}) cannot be exported: the exporters know "
                f"{', '.join(cls.__name__ for cls in KINDS)}, not {type(layer).__name__}")
        arrays = {k: np.array(v, copy=True) for k, v in {**layer.params, **layer.buffers}.items()}
        ops.append(Op(kind, index, layer.describe(), tuple(layer.input_shape),
                      tuple(layer.output_shape), _attrs(layer), arrays))
    loss = model.loss.get_config()
    if loss not in HEADS:
        raise ExportError(f"The loss {loss!r} cannot be exported (known: {', '.join(HEADS)})")
    metadata = model.metadata if isinstance(model.metadata, dict) else {}
    return ExportPlan(
        name=model.name, input_shape=tuple(model.input_shape),
        output_shape=tuple(model.output_shape), dtype=model.dtype.name, loss=loss,
        head=HEADS[loss], ops=ops, class_names=class_names(model), config=model.to_config(),
        metadata={str(k): _json_safe(v) for k, v in metadata.items()},
    )


__all__ = ["HEADS", "KINDS", "ExportError", "ExportPlan", "Op", "class_names", "plan"]
