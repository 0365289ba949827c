"""What a layer stack declares — every output shape, array shape and parameter count — worked
out without allocating a single weight (Keras ``compute_output_shape``).

Loading a file checks the stored arrays against :func:`blueprint` before anything is built, so a
0.1 MB file declaring ``Dense(100000)`` is refused at once instead of first filling 900 MB with
random weights, and a stack beyond :data:`MAX_PARAMETERS` never reaches ``np.empty``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from nn import layers as layer_registry
from nn.errors import ModelBuildError
from nn.layers.base import Layer, Shape, ShapeMismatch

#: The most trainable parameters a model may have (200 MB of float32 weights).
MAX_PARAMETERS = 50_000_000
#: The most values one layer may output per sample (512 MB of float32 per sample).
MAX_ACTIVATION = 2**27
#: The most layers a stack may have.
MAX_LAYERS = 1000


@dataclass(frozen=True)
class Blueprint:
    """The shapes a stack declares for one input shape."""

    input_shape: Shape
    output_shapes: tuple[Shape, ...]  # per layer, per sample
    arrays: dict[str, Shape]  # parameters and buffers by dotted name ("2.W")
    parameter_count: int  # trainable values
    layer_parameters: tuple[int, ...] = ()  # trainable values per layer

    @property
    def output_shape(self) -> Shape:
        return self.output_shapes[-1]


def check_input_shape(shape: Any) -> Shape:
    """A per-sample input shape of positive integers (not 28.7, not ``True``)."""
    if isinstance(shape, (str, bytes)) or not isinstance(shape, Sequence) or not shape:
        raise ModelBuildError(f"Invalid input shape {shape!r}: expected a list of positive "
                              "integers such as [1, 28, 28]")
    for value in shape:
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 1:
            raise ModelBuildError(f"Invalid input shape {list(shape)!r}: every axis must be a "
                                  f"whole number ≥ 1 (not {value!r})")
    if len(shape) > 8 or math.prod(int(v) for v in shape) > MAX_ACTIVATION:
        raise ModelBuildError(f"Invalid input shape {list(shape)!r}: too large")
    return tuple(int(v) for v in shape)


def as_layer(spec: Layer | Mapping[str, Any], index: int) -> Layer:
    """A layer object from a ``{"type": ..., "config": {...}}`` spec, with errors naming it."""
    if isinstance(spec, Layer):
        return spec
    if not isinstance(spec, Mapping):
        raise ModelBuildError(f"Layer {index}: expected an object with a 'type', not "
                              f"{type(spec).__name__} {str(spec)[:40]!r}", index=index)
    kind, config = spec.get("type"), spec.get("config", {})
    if not isinstance(kind, str):
        raise ModelBuildError(f"Layer {index}: 'type' must be a layer name such as 'Dense', not "
                              f"{kind!r}", index=index)
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        raise ModelBuildError(f"Layer {index} ({kind}): 'config' must be an object of settings, "
                              f"not {type(config).__name__}", index=index)
    unknown = sorted(set(spec) - {"type", "config"})
    if unknown:
        raise ModelBuildError(f"Layer {index} ({kind}): unknown key {unknown[0]!r} (a layer has "
                              "'type' and 'config')", index=index)
    try:
        return layer_registry.get(kind, **dict(config))
    except (ValueError, TypeError, OverflowError) as exc:
        raise ModelBuildError(f"Layer {index}: {exc}", index=index) from None


def blueprint(specs: Sequence[Layer | Mapping[str, Any]], input_shape: Any,
              max_parameters: int = MAX_PARAMETERS) -> Blueprint:
    """Shapes and sizes of the stack ``specs`` on ``input_shape``; nothing is allocated.

    Raises
    ------
    ModelBuildError
        Naming the layer (and its index) that is invalid, cannot take its input, outputs more
        than :data:`MAX_ACTIVATION` values per sample, or takes the total past
        ``max_parameters``.
    """
    shape = check_input_shape(input_shape)
    if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Sequence):
        raise ModelBuildError("The layers must be a list")
    if not specs:
        raise ModelBuildError("A model needs at least one layer")
    if len(specs) > MAX_LAYERS:
        raise ModelBuildError(f"{len(specs):,} layers is more than the {MAX_LAYERS:,} allowed")
    first, outputs, arrays, total, counts = shape, [], {}, 0, []
    for index, spec in enumerate(specs):
        layer = as_layer(spec, index)
        try:
            out = tuple(int(v) for v in layer.compute_output_shape(shape))
        except ShapeMismatch as exc:
            raise ModelBuildError(f"Layer {index} ({layer.describe()}) cannot take input of "
                                  f"shape {shape}: it needs {exc.needed}", index=index) from None
        if not out or min(out) < 1:
            raise ModelBuildError(f"Layer {index} ({layer.describe()}) would output an empty "
                                  f"shape {out} from {shape}", index=index)
        if math.prod(out) > MAX_ACTIVATION:
            raise ModelBuildError(f"Layer {index} ({layer.describe()}) would output "
                                  f"{math.prod(out):,} values per sample (shape {out}); at most "
                                  f"{MAX_ACTIVATION:,} are allowed", index=index)
        params = layer.param_shapes(shape)
        count = sum(math.prod(s) for s in params.values())
        total += count
        if total > max_parameters:
            raise ModelBuildError(f"Layer {index} ({layer.describe()}) needs {count:,} "
                                  f"parameters, which takes the model past the "
                                  f"{max_parameters:,} allowed", index=index)
        for key, s in {**params, **layer.buffer_shapes(shape)}.items():
            arrays[f"{index}.{key}"] = tuple(int(v) for v in s)
        outputs.append(out)
        counts.append(count)
        shape = out
    return Blueprint(first, tuple(outputs), arrays, total, tuple(counts))


def config_blueprint(config: Mapping[str, Any],
                     max_parameters: int = MAX_PARAMETERS) -> Blueprint:
    """:func:`blueprint` of a :meth:`Sequential.to_config` dict."""
    if not isinstance(config, Mapping):
        raise ModelBuildError("The model configuration must be an object")
    for key in ("layers", "input_shape"):
        if key not in config:
            raise ModelBuildError(f"The model configuration has no {key!r}")
    return blueprint(config["layers"], config["input_shape"], max_parameters)


__all__ = ["MAX_ACTIVATION", "MAX_LAYERS", "MAX_PARAMETERS", "Blueprint", "as_layer",
           "blueprint", "check_input_shape", "config_blueprint"]
