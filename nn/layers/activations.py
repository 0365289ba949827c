"""Activation layers (book ch. 3.2 forward, ch. 5.5 backward). Shapes are preserved."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.errors import TrainingError
from nn.layers.base import Layer

_ZEROS: dict[np.dtype, NDArray] = {}


def _zeros(shape: tuple[int, ...], dtype: np.dtype) -> NDArray:
    """A read-only array of zeros of ``shape``, a view of one cached buffer per dtype."""
    size = math.prod(shape)
    zeros = _ZEROS.get(dtype)
    if zeros is None or zeros.size < size:
        zeros = np.zeros(max(size, 1 << 16), dtype)
        zeros.flags.writeable = False
        _ZEROS[dtype] = zeros
    return zeros[:size].reshape(shape)


def relu(x: NDArray, out: NDArray | None = None) -> NDArray:
    """``max(x, 0)`` (NaN stays NaN), into ``out`` if given (``out=x`` works in place).

    NumPy's ``maximum`` against an array of zeros runs 2–3× faster than against the scalar 0,
    whose broadcast loop is not vectorised.
    """
    x = np.asarray(x)
    if x.dtype.kind != "f":
        return np.maximum(x, 0, out=out)
    return np.maximum(x, _zeros(x.shape, x.dtype), out=out)


def relu_backward(dout: NDArray, y: NDArray) -> NDArray:
    """``dout`` where the ReLU output ``y`` is positive, else 0, as a new array."""
    mask = np.greater(y, 0, out=np.empty(y.shape, dout.dtype), casting="unsafe")
    mask *= dout  # a float mask multiplies faster than a boolean one
    return mask


class ReLU(Layer):
    """``max(0, x)``; the gradient passes where the input was positive (ch. 5.5.1)."""

    _out: NDArray | None = None  # kept by forward

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        out = relu(x)
        self._out = out
        return out

    def backward(self, dout: NDArray) -> NDArray:
        # A new array: the book's ``dout[mask] = 0`` would mutate the caller's gradient.
        return relu_backward(dout, self.kept(self._out))


class LeakyReLU(Layer):
    """``x`` if ``x > 0`` else ``alpha·x``: negative inputs keep a small gradient."""

    def __init__(self, alpha: float = 0.01) -> None:
        super().__init__()
        if not (math.isfinite(alpha) and 0.0 <= alpha < 1.0):
            raise ValueError(f"Invalid alpha: {alpha} (must be in [0, 1))")
        self.alpha = float(alpha)
        self._positive: NDArray | None = None

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._positive = x > 0
        return np.where(self._positive, x, x * self.alpha)

    def backward(self, dout: NDArray) -> NDArray:
        return np.where(self.kept(self._positive), dout, dout * self.alpha)

    def get_config(self) -> dict[str, Any]:
        return {"alpha": self.alpha}


class Sigmoid(Layer):
    """``1 / (1 + e^−x)``, computed as ``(1 + tanh(x/2)) / 2`` so it never overflows (ch. 5.5.2)."""

    _out: NDArray | None = None

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        out = np.tanh(x * 0.5)
        out += 1.0
        out *= 0.5
        self._out = out
        return out

    def backward(self, dout: NDArray) -> NDArray:
        y = self.kept(self._out)
        return dout * (1.0 - y) * y


class Tanh(Layer):
    """Hyperbolic tangent; derivative ``1 − y²``."""

    _out: NDArray | None = None

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._out = np.tanh(x)
        return self._out

    def backward(self, dout: NDArray) -> NDArray:
        y = self.kept(self._out)
        return dout * (1.0 - y * y)


class Identity(Layer):
    """Passes its input through unchanged (the book's identity output function, ch. 3.5)."""

    _x_shape: tuple[int, ...] | None = None

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._x_shape = x.shape
        return x

    def backward(self, dout: NDArray) -> NDArray:
        self.kept(self._x_shape)  # the same rule as every layer: no backward without forward
        return dout


class Step(Layer):
    """The perceptron's step function, ``1 if x > 0 else 0`` (ch. 2–3.2). Forward only.

    Its derivative is zero almost everywhere, so it cannot be trained by gradient descent (the
    reason the book moves to sigmoid, ch. 3.2.4); training a model containing it raises
    :class:`~nn.errors.TrainingError`.
    """

    differentiable = False
    MESSAGE = (
        "Step has no useful gradient (its derivative is 0 almost everywhere), so a network "
        "containing it cannot be trained; use Sigmoid or ReLU instead (book ch. 3.2)"
    )

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        if training:
            raise TrainingError(self.MESSAGE)
        return (x > 0).astype(x.dtype)

    def backward(self, dout: NDArray) -> NDArray:
        raise TrainingError(self.MESSAGE)
