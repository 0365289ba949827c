"""The layer protocol every building block follows (book ch. 5.4–5.6, Keras ``build``).

A layer is small and honest:

* ``build(input_shape, rng, dtype)`` checks the incoming per-sample shape, creates ``params``
  (trainable arrays), ``grads`` (same keys, same shapes) and ``buffers`` (non-trained state), and
  returns the per-sample output shape. An incompatible shape raises :class:`ShapeMismatch`.
* ``forward(x, training=False)`` and ``backward(dout)`` never modify their argument. What they
  return may share memory with it — Identity returns ``x``/``dout`` itself, Flatten a reshaped
  view, Dropout at inference ``x`` — so a caller that will change the result copies it first.
  Gradients are written into ``grads`` in place. ``backward`` uses what the
  last ``forward`` kept; called before any ``forward`` it raises
  :class:`~nn.errors.LayerUsageError` naming the layer (:meth:`Layer.kept`).
* ``get_config()`` returns the constructor arguments, so ``type(layer)(**layer.get_config())``
  rebuilds it.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any, ClassVar

import numpy as np
from numpy.typing import DTypeLike, NDArray

from nn.errors import LayerUsageError

Shape = tuple[int, ...]


class ShapeMismatch(ValueError):
    """Raised by ``Layer.build``: ``needed`` says what input the layer requires."""

    def __init__(self, needed: str) -> None:
        super().__init__(needed)
        self.needed = needed


class Layer:
    """Base class: no parameters, identity shape; subclasses override what they need."""

    #: Parameter keys that L2 weight decay applies to (weights, never biases or BN γ/β).
    decay_keys: ClassVar[tuple[str, ...]] = ()
    #: False for layers whose backward is undefined (``Step``).
    differentiable: ClassVar[bool] = True

    def __init__(self) -> None:
        self.params: dict[str, NDArray] = {}
        self.grads: dict[str, NDArray] = {}
        self.buffers: dict[str, NDArray] = {}
        self.name: str = type(self).__name__
        #: The model clears this on its first layer: the gradient w.r.t. the network's input
        #: is needed only for saliency, so computing it every step wastes a matmul.
        self.input_grad: bool = True
        self.input_shape: Shape | None = None
        self.output_shape: Shape | None = None
        self.dtype: np.dtype = np.dtype(np.float32)
        #: A weak reference to the model this layer was built into (one model per layer).
        self._owner: Callable[[], Any] | None = None

    def __deepcopy__(self, memo: dict[int, Any]) -> Layer:
        """A copy that belongs to no model (so it can be built into a new one)."""
        twin = type(self).__new__(type(self))
        memo[id(self)] = twin
        for key, value in self.__dict__.items():
            setattr(twin, key, None if key == "_owner" else copy.deepcopy(value, memo))
        return twin

    # ----------------------------------------------------------------------------- building
    def build(self, input_shape: Shape, rng: np.random.Generator, dtype: DTypeLike) -> Shape:
        """Check ``input_shape`` (per sample, no batch axis), create arrays, return output shape."""
        self.dtype = np.dtype(dtype)
        self.input_shape = tuple(int(s) for s in input_shape)
        self.output_shape = self.compute_output_shape(self.input_shape)
        self._create_params(rng)
        self.grads = {k: np.zeros_like(v) for k, v in self.params.items()}
        return self.output_shape

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        """Per-sample output shape; raise :class:`ShapeMismatch` if the input is unusable."""
        return input_shape

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        """Shapes of the trainable arrays :meth:`build` would create for ``input_shape``,
        without creating them (a file's arrays are checked against these before any
        allocation)."""
        return {}

    def buffer_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        """Shapes of the non-trained arrays (BatchNorm's running averages), like
        :meth:`param_shapes`."""
        return {}

    def _create_params(self, rng: np.random.Generator) -> None:
        """Create ``params`` and ``buffers``; called by :meth:`build`."""

    # ------------------------------------------------------------------------------ compute
    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        raise NotImplementedError

    def backward(self, dout: NDArray) -> NDArray | None:
        raise NotImplementedError

    def kept(self, value: Any) -> Any:
        """``value``, something the last ``forward`` kept for ``backward``; if it is None (no
        forward yet) a :class:`~nn.errors.LayerUsageError` naming this layer."""
        if value is None:
            who = self.describe() if self.name == type(self).__name__ else \
                f"Layer {self.name} ({self.describe()})"
            raise LayerUsageError(
                f"{who}: backward() was called before forward(); run forward(x, training=True) "
                "on the batch first — backward uses what forward kept (book ch. 5.4)")
        return value

    # ------------------------------------------------------------------------------ config
    def get_config(self) -> dict[str, Any]:
        return {}

    @property
    def parameter_count(self) -> int:
        return int(sum(p.size for p in self.params.values()))

    def describe(self) -> str:
        """Short human-readable form, e.g. ``Conv2D(filters=16, kernel_size=3)``."""
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if v is not None)
        return f"{type(self).__name__}({args})"

    def __repr__(self) -> str:
        return self.describe()


def require_rank(input_shape: Shape, rank: int, what: str) -> None:
    """Raise :class:`ShapeMismatch` unless ``input_shape`` has ``rank`` axes."""
    if len(input_shape) != rank:
        raise ShapeMismatch(what)


def as_pair(value: int | tuple[int, int] | list[int], name: str) -> tuple[int, int]:
    """Normalise ``3`` or ``(3, 3)`` to a pair of positive ints, or raise ``ValueError``."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) for v in pair):
        raise ValueError(f"Invalid {name}: {value!r} (must be an int or a pair of ints)")
    return int(pair[0]), int(pair[1])


def check_positive_int(value: Any, name: str, minimum: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < minimum:
        raise ValueError(f"Invalid {name}: {value!r} (must be an integer ≥ {minimum})")
    return int(value)
