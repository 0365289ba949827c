"""The book's networks, built by name: ``nn.presets.build("simple_convnet", seed=0)``.

Each preset reproduces the architecture and initial-weight scale of the book's class; keyword
overrides (``hidden_sizes``, ``activation``, ``init``, ``input_shape``, ``classes``…) serve the
book's experiments, e.g. ``weight_init_compare`` or ``batch_norm_test`` (ch. 6).
"""

from __future__ import annotations

import difflib
import inspect
import math
from collections.abc import Callable, Mapping, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from typing import Any

from nn import layers as L
from nn.model import Sequential

MNIST_SHAPE = (1, 28, 28)

#: What the preset functions hand their stack to: ``Sequential`` (build it), or, inside
#: :func:`config`, ``Sequential.config_for`` (describe it without allocating a weight).
_MAKE: ContextVar[Callable[..., Any]] = ContextVar("preset_factory", default=Sequential)


def _model(stack: list[L.Layer], input_shape: Sequence[int], **kw: Any) -> Sequential:
    return _MAKE.get()(stack, input_shape, **kw)


@dataclass(frozen=True)
class PresetInfo:
    name: str
    title: str
    chapter: str
    description: str


def two_layer_net(*, hidden_size: int = 50, classes: int = 10, init: str = "std0.01",
                  input_shape: Sequence[int] = MNIST_SHAPE, **kw: Any) -> Sequential:
    """Book ch. 5.7 ``TwoLayerNet``: Affine(50) – ReLU – Affine(10), weights N(0, 0.01²)."""
    return _model([L.Dense(hidden_size), L.ReLU(), L.Dense(classes)],
                  input_shape, init=init, name="two_layer_net", **kw)


def _mlp(hidden_sizes: Sequence[int], classes: int, activation: str, batchnorm: bool,
         dropout: float | None) -> list[L.Layer]:
    stack: list[L.Layer] = []
    for units in hidden_sizes:
        stack.append(L.Dense(units))
        if batchnorm:
            stack.append(L.BatchNorm())
        stack.append(L.get(activation))
        if dropout:
            stack.append(L.Dropout(dropout))
    stack.append(L.Dense(classes))
    return stack


def multi_layer_net(*, hidden_sizes: Sequence[int] = (100, 100, 100, 100), classes: int = 10,
                    activation: str = "ReLU", init: str = "he",
                    input_shape: Sequence[int] = MNIST_SHAPE, **kw: Any) -> Sequential:
    """Book ch. 6 ``MultiLayerNet``: 784-100×4-10, ReLU, He initialization."""
    return _model(_mlp(hidden_sizes, classes, activation, False, None), input_shape,
                  init=init, name="multi_layer_net", **kw)


def multi_layer_net_extend(*, hidden_sizes: Sequence[int] = (100, 100, 100, 100),
                           classes: int = 10, activation: str = "ReLU", init: str = "he",
                           use_batchnorm: bool = False, use_dropout: bool = False,
                           dropout_rate: float = 0.5, input_shape: Sequence[int] = MNIST_SHAPE,
                           **kw: Any) -> Sequential:
    """Book ch. 6 ``MultiLayerNetExtend``: Affine – [BatchNorm] – ReLU – [Dropout] per layer."""
    stack = _mlp(hidden_sizes, classes, activation, use_batchnorm,
                 dropout_rate if use_dropout else None)
    return _model(stack, input_shape, init=init, name="multi_layer_net_extend", **kw)


def simple_convnet(*, filters: int = 30, kernel_size: int = 5, hidden_size: int = 100,
                   classes: int = 10, init: str = "std0.01",
                   input_shape: Sequence[int] = MNIST_SHAPE, **kw: Any) -> Sequential:
    """Book ch. 7.5 ``SimpleConvNet``: Conv 30@5×5 – ReLU – Pool 2×2 – Affine 100 – ReLU –
    Affine 10, weights N(0, 0.01²)."""
    stack = [L.Conv2D(filters, kernel_size), L.ReLU(), L.MaxPool2D(2, 2),
             L.Dense(hidden_size), L.ReLU(), L.Dense(classes)]
    return _model(stack, input_shape, init=init, name="simple_convnet", **kw)


def deep_convnet(*, hidden_size: int = 50, classes: int = 10, init: str = "he",
                 input_shape: Sequence[int] = MNIST_SHAPE, **kw: Any) -> Sequential:
    """Book ch. 8.1 ``DeepConvNet``: six 3×3 convolutions 16-16-32-32-64-64 (pad 1, pad 2 on the
    fourth as in the book) with three 2×2 max-pools, then Affine 50 – ReLU – Dropout 0.5 –
    Affine 10 – Dropout 0.5; He initialization (√(2/fan_in) throughout)."""
    stack: list[L.Layer] = []
    for filters, pad, pool in ((16, 1, False), (16, 1, True), (32, 1, False),
                               (32, 2, True), (64, 1, False), (64, 1, True)):
        stack += [L.Conv2D(filters, 3, stride=1, pad=pad), L.ReLU()]
        if pool:
            stack.append(L.MaxPool2D(2, 2))
    stack += [L.Dense(hidden_size), L.ReLU(), L.Dropout(0.5), L.Dense(classes), L.Dropout(0.5)]
    return _model(stack, input_shape, init=init, name="deep_convnet", **kw)


_BUILDERS: dict[str, Callable[..., Sequential]] = {
    "two_layer_net": two_layer_net,
    "multi_layer_net": multi_layer_net,
    "multi_layer_net_extend": multi_layer_net_extend,
    "simple_convnet": simple_convnet,
    "deep_convnet": deep_convnet,
}

INFO: dict[str, PresetInfo] = {
    "two_layer_net": PresetInfo("two_layer_net", "Two-layer net", "ch. 5.7",
                                "The book's first backprop network, by default 784-50-10 "
                                "with one hidden ReLU layer."),
    "multi_layer_net": PresetInfo("multi_layer_net", "Multi-layer net", "ch. 6",
                                  "By default 784-100×4-10: four hidden ReLU layers, He "
                                  "initialization."),
    "multi_layer_net_extend": PresetInfo(
        "multi_layer_net_extend", "Multi-layer net + BatchNorm/Dropout", "ch. 6.3–6.4",
        "The ch. 6 MLP with switches for Batch Normalization and Dropout."),
    "simple_convnet": PresetInfo("simple_convnet", "Simple ConvNet", "ch. 7.5",
                                 "Conv 30@5×5 – ReLU – pool – 100 – ReLU – 10 (≈ 99 % on MNIST)."),
    "deep_convnet": PresetInfo("deep_convnet", "Deep ConvNet", "ch. 8.1",
                               "Six 3×3 convolutions, three pools, dropout (≈ 99.4 % on MNIST)."),
}

NAMES = tuple(_BUILDERS)


def _key(name: str) -> str:
    key = str(name).strip().lower()
    if key not in _BUILDERS:
        close = difflib.get_close_matches(key, NAMES, n=1)
        hint = f"; did you mean {close[0]!r}?" if close else ""
        raise ValueError(f"Unknown preset {name!r}{hint} (expected one of {', '.join(NAMES)})")
    return key


def check_options(name: str, options: Mapping[str, Any]) -> None:
    """Every option must be one the preset takes, of the type of its default: ``True`` or
    ``False`` for switches (never the text "maybe"), whole numbers for sizes (never 28.7)."""
    key = _key(name)
    params = {p.name: p for p in inspect.signature(_BUILDERS[key]).parameters.values()
              if p.kind is inspect.Parameter.KEYWORD_ONLY}
    for option, value in options.items():
        if option not in params:
            close = difflib.get_close_matches(str(option), list(params), n=1)
            hint = f"; did you mean {close[0]!r}?" if close else ""
            raise ValueError(f"{key} has no option {option!r}{hint} (options: "
                             f"{', '.join(params)})")
        default = params[option].default
        if isinstance(default, bool):
            ok, want = isinstance(value, bool), "true or false"
        elif isinstance(default, int):
            ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
            want = "a whole number ≥ 1"
        elif isinstance(default, float):
            ok = (isinstance(value, (int, float)) and not isinstance(value, bool)
                  and math.isfinite(value))
            want = "a number"
        elif isinstance(default, str):
            ok, want = isinstance(value, str), "text"
        else:  # sizes and shapes: lists of whole numbers
            ok = isinstance(value, (list, tuple)) and bool(value) and all(
                isinstance(v, int) and not isinstance(v, bool) and v >= 1 for v in value)
            want = "a list of whole numbers ≥ 1"
        if not ok:
            raise ValueError(f"{key} option {option!r} must be {want}, not {value!r}")


def build(name: str, seed: int = 0, dtype: str = "float32", **overrides: Any) -> Sequential:
    """Build the preset ``name`` with its initial weights drawn from ``seed``.

    Raises ``ValueError`` for an unknown preset or option and an option of the wrong type
    (:func:`check_options`); ``ModelBuildError`` for a stack that cannot be built.
    """
    key = _key(name)
    check_options(key, overrides)
    try:
        return _BUILDERS[key](seed=seed, dtype=dtype, **overrides)
    except TypeError as exc:
        raise ValueError(f"Invalid option for preset {key}: {exc}") from None


def config(name: str, seed: int = 0, dtype: str = "float32", **overrides: Any) -> dict[str, Any]:
    """``build(name, seed, dtype, **overrides).to_config()`` without building: the stack is
    only checked by shapes (:meth:`Sequential.config_for`), so no weight is allocated. Raises
    as :func:`build` does."""
    token = _MAKE.set(Sequential.config_for)
    try:
        return build(name, seed, dtype, **overrides)  # type: ignore[return-value]
    finally:
        _MAKE.reset(token)


__all__ = ["INFO", "NAMES", "PresetInfo", "build", "check_options", "config", *NAMES]
