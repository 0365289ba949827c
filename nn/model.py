"""``Sequential``: a stack of layers with a loss, built and shape-checked at construction."""

from __future__ import annotations

import copy
import weakref
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn import initializers, layers, losses
from nn.blueprint import as_layer, blueprint, check_input_shape
from nn.errors import ModelBuildError, TrainingError
from nn.layers._fused import plan as fused_plan
from nn.layers.base import Layer, ShapeMismatch
from nn.layers.dense import WeightedLayer
from nn.misuse import check_finite_batch, check_layers_are_own, check_targets

FORMAT = "nn-workbench-model"
FORMAT_VERSION = 1
DTYPES = ("float32", "float64")


@dataclass(frozen=True)
class LayerSummary:
    """One row of :meth:`Sequential.summary`."""

    index: int
    name: str
    description: str
    output_shape: tuple[int, ...]
    parameters: int


class Sequential:
    """Layers applied in order, then a loss (book ch. 5.7's ``TwoLayerNet`` generalised).

    Parameters
    ----------
    layers
        Layer objects (or ``{"type": ..., "config": ...}`` dicts).
    input_shape
        Per-sample input shape, e.g. ``(1, 28, 28)`` or ``(784,)``.
    loss
        ``softmax_cross_entropy`` (default), ``mse`` or ``sigmoid_bce``.
    dtype
        ``float32`` (default) or ``float64``.
    seed
        Seeds the generator used for the initial weights and dropout masks.
    init
        Default initializer for layers that do not set their own (``he`` unless given).

    Raises
    ------
    ModelBuildError
        If a layer cannot take the shape the previous one produces; the message names the layer,
        its index, the incoming shape and what the layer needed.
    """

    def __init__(
        self,
        layers: Sequence[Layer | Mapping[str, Any]],
        input_shape: Sequence[int],
        *,
        loss: str = "softmax_cross_entropy",
        dtype: str = "float32",
        seed: int = 0,
        init: str = "he",
        name: str = "model",
    ) -> None:
        if str(dtype) not in DTYPES:
            raise ValueError(f"Invalid dtype: {dtype!r} (must be one of {', '.join(DTYPES)})")
        self.dtype = np.dtype(str(dtype))
        self.name = name
        self.metadata: dict[str, Any] = {}
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"Invalid seed: {seed!r} (must be a whole number ≥ 0)")
        self.seed = int(seed)
        self.init = initializers.get(init).name
        self.loss = losses.get(loss)
        self.input_shape = check_input_shape(input_shape)
        if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence):
            raise ModelBuildError("The layers must be a list")
        self.layers: list[Layer] = [as_layer(spec, i) for i, spec in enumerate(layers)]
        if not self.layers:
            raise ModelBuildError("A model needs at least one layer")
        check_layers_are_own(self.layers)
        blueprint(self.layers, self.input_shape)  # shapes and sizes first: nothing allocated
        self.rng = np.random.default_rng(self.seed)
        self._forward_batch: int | None = None  # batch size of the last forward pass
        self._build()
        for layer in self.layers:
            layer._owner = weakref.ref(self)

    def _build(self) -> None:
        shape = self.input_shape
        for index, layer in enumerate(self.layers):
            layer.name = f"{index}.{type(layer).__name__}"
            if isinstance(layer, WeightedLayer):
                layer.default_init = self.init
            try:
                shape = layer.build(shape, self.rng, self.dtype)
            except ShapeMismatch as exc:
                raise ModelBuildError(
                    f"Layer {index} ({layer.describe()}) cannot take input of shape {shape}: "
                    f"it needs {exc.needed}",
                    index=index,
                ) from None
            layer.input_grad = index > 0
        self.output_shape = shape
        # Forward and backward run these: Conv2D → ReLU [→ MaxPool2D] fused (same numbers).
        self._steps = fused_plan(self.layers)
        self._params = {
            f"{i}.{k}": p for i, layer in enumerate(self.layers) for k, p in layer.params.items()
        }
        self._grads = {
            f"{i}.{k}": g for i, layer in enumerate(self.layers) for k, g in layer.grads.items()
        }
        self._decay = frozenset(
            f"{i}.{k}" for i, layer in enumerate(self.layers) for k in layer.decay_keys
        )

    # ------------------------------------------------------------------------ introspection
    def named_parameters(self) -> dict[str, NDArray]:
        """Trainable arrays by stable dotted name (``"2.W"``); live, updated in place."""
        return self._params

    def named_grads(self) -> dict[str, NDArray]:
        """Gradients from the last backward pass, keyed like :meth:`named_parameters`."""
        return self._grads

    def named_buffers(self) -> dict[str, NDArray]:
        return {
            f"{i}.{k}": b for i, layer in enumerate(self.layers) for k, b in layer.buffers.items()
        }

    @property
    def decay_names(self) -> frozenset[str]:
        """Parameter names weight decay applies to (weights, not biases or BatchNorm γ/β)."""
        return self._decay

    @property
    def parameter_count(self) -> int:
        return sum(p.size for p in self._params.values())

    @property
    def num_classes(self) -> int:
        return self.loss.probabilities(np.zeros((1, *self.output_shape), self.dtype)).shape[1]

    @property
    def trainable(self) -> bool:
        return all(layer.differentiable for layer in self.layers)

    def summary(self) -> list[LayerSummary]:
        """Per-layer description, output shape and parameter count."""
        return [
            LayerSummary(i, layer.name, layer.describe(), layer.output_shape, layer.parameter_count)
            for i, layer in enumerate(self.layers)
        ]

    def summary_text(self) -> str:
        rows = [f"{'#':>3}  {'layer':<44} {'output shape':<16} {'params':>10}"]
        for row in self.summary():
            shape = "×".join(map(str, row.output_shape))
            rows.append(f"{row.index:>3}  {row.description:<44} {shape:<16} {row.parameters:>10,}")
        rows.append(f"Total parameters: {self.parameter_count:,}  ({self.dtype.name})")
        return "\n".join(rows)

    # ------------------------------------------------------------------------------ compute
    def _cast(self, x: ArrayLike) -> NDArray:
        x = np.asarray(x)
        if x.shape[1:] != self.input_shape:
            if x.ndim >= 2 and np.prod(x.shape[1:]) == np.prod(self.input_shape):
                x = x.reshape(x.shape[0], *self.input_shape)  # e.g. flat (N, 784) for (1, 28, 28)
                return x if x.dtype == self.dtype else x.astype(self.dtype)
            raise ValueError(
                f"Input of shape {x.shape[1:]} per sample; this model expects {self.input_shape}"
            )
        return x if x.dtype == self.dtype else x.astype(self.dtype)

    def forward(self, x: ArrayLike, training: bool = False) -> NDArray:
        """Raw outputs (scores) ``(N, *output_shape)`` for inputs ``(N, *input_shape)``."""
        out = self._cast(x)
        self._forward_batch = out.shape[0]
        for step in self._steps:
            out = step.forward(out, training)
        return out

    def backward(self, dout: NDArray, input_grad: bool = False) -> NDArray | None:
        """Backpropagate ``dout`` through every layer, filling :meth:`named_grads`.

        Returns the gradient with respect to the input only when ``input_grad`` is true.

        Raises
        ------
        TrainingError
            Before any :meth:`forward` (there is nothing to differentiate yet).
        ValueError
            If ``dout`` does not have the shape of the last forward pass's output.
        """
        if self._forward_batch is None:
            raise TrainingError("backward() needs a forward() pass first: it differentiates the "
                                "outputs of the last forward pass")
        dout = np.asarray(dout)
        expected = (self._forward_batch, *self.output_shape)
        if dout.shape != expected:
            raise ValueError(f"backward() got a gradient of shape {dout.shape}; the last forward "
                             f"pass produced outputs of shape {expected}")
        first = self.layers[0]
        first.input_grad = input_grad
        try:
            for step in reversed(self._steps):
                dout = step.backward(dout)
        finally:
            first.input_grad = False
        return dout

    def loss_and_grads(self, x: ArrayLike, t: ArrayLike) -> tuple[float, dict[str, NDArray]]:
        """Mean loss on the batch and the gradient of every parameter (training mode)."""
        if not self.trainable:
            step = next(layer for layer in self.layers if not layer.differentiable)
            raise TrainingError(step.MESSAGE)
        x = self._cast(x)
        check_finite_batch(x)
        y = self.forward(x, training=True)
        loss = self.loss.forward(y, np.asarray(t))
        self.backward(self.loss.backward())
        return loss, self._grads

    def train_step(self, x: ArrayLike, t: ArrayLike, optimizer: Any) -> float:
        """One forward + backward + update; returns the batch's mean loss."""
        loss, grads = self.loss_and_grads(x, t)
        optimizer.step(self._params, grads, self._decay)
        return loss

    def predict_proba(self, x: ArrayLike, batch_size: int = 500) -> NDArray:
        """Class probabilities ``(N, classes)`` in inference mode, batched."""
        x = self._cast(x)
        if x.shape[0] == 0:
            return np.empty((0, self.num_classes), self.dtype)
        parts = [
            self.loss.probabilities(self.forward(x[i : i + batch_size]))
            for i in range(0, x.shape[0], batch_size)
        ]
        return parts[0] if len(parts) == 1 else np.concatenate(parts)

    def predict(self, x: ArrayLike, batch_size: int = 500) -> NDArray:
        """Predicted class indices ``(N,)``."""
        return self.predict_proba(x, batch_size).argmax(axis=1)

    def evaluate(self, x: ArrayLike, t: ArrayLike, batch_size: int = 500) -> tuple[float, float]:
        """Mean loss and accuracy over any number of samples, batched, in inference mode."""
        x, t = self._cast(x), np.asarray(t)
        if x.shape[0] == 0:
            return float("nan"), float("nan")
        total_loss, correct = 0.0, 0
        for i in range(0, x.shape[0], batch_size):
            xb, tb = x[i : i + batch_size], t[i : i + batch_size]
            y = self.forward(xb)
            total_loss += self.loss.forward(y, tb) * xb.shape[0]
            labels = tb if tb.ndim == 1 else tb.argmax(axis=1)
            correct += int(np.count_nonzero(self.loss.probabilities(y).argmax(axis=1) == labels))
        return total_loss / x.shape[0], correct / x.shape[0]

    def accuracy(self, x: ArrayLike, t: ArrayLike, batch_size: int = 500) -> float:
        """Fraction of samples classified correctly, in [0, 1]."""
        return self.evaluate(x, t, batch_size)[1]

    def capture(self, x: ArrayLike, upto: int | None = None) -> dict[str, NDArray]:
        """Every layer's output for ``x`` in one inference pass, keyed by layer name; with
        ``upto``, the pass stops after layer ``upto`` (the later layers are not run).

        Ordinary training never keeps these; this is for the inspection views.
        """
        out = self._cast(x)
        self._forward_batch = out.shape[0]
        captured: dict[str, NDArray] = {}
        stop = len(self.layers) if upto is None else upto + 1
        for layer in self.layers[:stop]:
            out = layer.forward(out, training=False)
            captured[layer.name] = out
        return captured

    def input_gradient(self, x: ArrayLike, target: int | Iterable[int] | None = None) -> NDArray:
        """Gradient of each sample's chosen class score w.r.t. its input (saliency), ``x``'s shape.

        ``target`` defaults to each sample's predicted class; an explicit one is one class index
        for every sample, or one per sample, each in ``0 … classes − 1`` (``ValueError``
        otherwise — ``-1`` does not mean the last class).
        """
        y = self.forward(x)
        chosen = y.argmax(axis=1) if target is None else check_targets(target, y.shape)
        dout = np.zeros_like(y)
        dout[np.arange(y.shape[0]), chosen] = 1.0
        return self.backward(dout, input_grad=True)

    def gradient_stats(self) -> dict[str, dict[str, float]]:
        """Per-layer gradient L2 norm and mean |g| from the last backward pass."""
        stats = {}
        for layer in self.layers:
            if not layer.grads:
                continue
            gs = list(layer.grads.values())
            sq = sum(float(np.vdot(g, g)) for g in gs)
            count = sum(g.size for g in gs)
            mean_abs = sum(float(np.abs(g).sum(dtype=np.float64)) for g in gs) / count
            stats[layer.name] = {"norm": sq**0.5, "mean_abs": mean_abs}
        return stats

    # -------------------------------------------------------------------------- persistence
    def state_dict(self) -> dict[str, NDArray]:
        """Copies of every parameter and buffer, by dotted name."""
        return {k: v.copy() for k, v in {**self._params, **self.named_buffers()}.items()}

    def load_state_dict(self, state: Mapping[str, NDArray], strict: bool = True) -> None:
        """Copy arrays in by name and shape (never by order), casting to the model's dtype.

        With ``strict`` every name must match both ways. Raises ``ValueError`` naming the first
        missing, unexpected or mis-shaped array.
        """
        own = {**self._params, **self.named_buffers()}
        if strict:
            missing = sorted(set(own) - set(state))
            unexpected = sorted(set(state) - set(own))
            if missing or unexpected:
                parts = []
                if missing:
                    parts.append(f"missing {', '.join(missing)}")
                if unexpected:
                    parts.append(f"unexpected {', '.join(unexpected)}")
                raise ValueError(f"State does not match the model: {'; '.join(parts)}")
        for key, value in state.items():
            if key not in own:
                continue
            value = np.asarray(value)
            if value.shape != own[key].shape:
                raise ValueError(
                    f"Array {key!r} has shape {value.shape}; the model needs {own[key].shape}"
                )
            if not np.issubdtype(value.dtype, np.floating):
                raise ValueError(f"Array {key!r} has dtype {value.dtype}; expected floating point")
        for key, value in state.items():
            if key in own:
                own[key][...] = value

    @staticmethod
    def config_for(
        specs: Sequence[Layer | Mapping[str, Any]], input_shape: Sequence[int], *,
        loss: str = "softmax_cross_entropy", dtype: str = "float32", seed: int = 0,
        init: str = "he", name: str = "model",
    ) -> dict[str, Any]:
        """What ``Sequential(specs, input_shape, ...).to_config()`` would return, without
        building the model: the stack is checked by :func:`~nn.blueprint.blueprint` (shapes and
        sizes only), so no weight is allocated. Raises ``ModelBuildError``/``ValueError`` as
        the constructor would."""
        if str(dtype) not in DTYPES:
            raise ValueError(f"Invalid dtype: {dtype!r} (must be one of {', '.join(DTYPES)})")
        if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
            raise ValueError(f"Invalid seed: {seed!r} (must be a whole number ≥ 0)")
        if isinstance(specs, (str, bytes, Mapping)) or not isinstance(specs, Sequence):
            raise ModelBuildError("The layers must be a list")
        objects = [as_layer(spec, i) for i, spec in enumerate(specs)]
        shape = blueprint(objects, input_shape).input_shape
        return {
            "format": FORMAT, "version": FORMAT_VERSION, "name": name,
            "input_shape": list(shape), "dtype": str(dtype),
            "loss": losses.get(loss).get_config(), "init": initializers.get(init).name,
            "seed": int(seed), "layers": [layers.to_config(layer) for layer in objects],
        }

    def to_config(self) -> dict[str, Any]:
        """JSON-able architecture: ``Sequential.from_config(m.to_config())`` rebuilds it."""
        return {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "name": self.name,
            "input_shape": list(self.input_shape),
            "dtype": self.dtype.name,
            "loss": self.loss.get_config(),
            "init": self.init,
            "seed": self.seed,
            "layers": [layers.to_config(layer) for layer in self.layers],
        }

    @classmethod
    def from_config(cls, config: Mapping[str, Any], **overrides: Any) -> Sequential:
        """Build a freshly initialized model from :meth:`to_config` output."""
        try:
            kwargs = {
                "input_shape": config["input_shape"],
                "loss": config.get("loss", "softmax_cross_entropy"),
                "dtype": config.get("dtype", "float32"),
                "seed": config.get("seed", 0),
                "init": config.get("init", "he"),
                "name": config.get("name", "model"),
            }
            specs = list(config["layers"])
        except (KeyError, TypeError) as exc:
            raise ValueError(f"Invalid model config: missing {exc}") from None
        kwargs.update(overrides)
        return cls(specs, **kwargs)

    def copy(self, dtype: str | None = None) -> Sequential:
        """An independent copy (weights and buffers), optionally in another dtype."""
        twin = Sequential.from_config(self.to_config(), **({"dtype": dtype} if dtype else {}))
        twin.load_state_dict(self.state_dict())
        # Continue the same random stream (dropout masks); layers hold this very generator.
        twin.rng.bit_generator.state = copy.deepcopy(self.rng.bit_generator.state)
        return twin

    def __repr__(self) -> str:
        count = self.parameter_count
        return f"Sequential({self.name!r}, {len(self.layers)} layers, {count:,} params)"
