"""Fully connected layer — the book's ``Affine`` (ch. 5.6)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn import initializers
from nn.layers.base import Layer, Shape, check_positive_int


class WeightedLayer(Layer):
    """A layer with a weight initializer: its own (``init``) or the model's default."""

    decay_keys = ("W",)

    def __init__(self, init: str | None = None) -> None:
        super().__init__()
        self.init = None if init is None else initializers.get(init).name
        self.default_init = "he"

    @property
    def initializer(self) -> initializers.Initializer:
        return initializers.get(self.init or self.default_init)


class Dense(WeightedLayer):
    """``y = x · W + b``; flattens any per-sample input shape first.

    Shapes: ``x`` (N, *in_shape) → ``y`` (N, units); ``W`` (in, units), ``b`` (units,).
    """

    def __init__(self, units: int, init: str | None = None, use_bias: bool = True) -> None:
        super().__init__(init)
        self.units = check_positive_int(units, "units")
        self.use_bias = bool(use_bias)
        self._x: NDArray | None = None
        self._x_shape: tuple[int, ...] = ()

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        return (self.units,)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        shapes = {"W": (math.prod(input_shape), self.units)}
        if self.use_bias:
            shapes["b"] = (self.units,)
        return shapes

    def _create_params(self, rng: np.random.Generator) -> None:
        shapes = self.param_shapes(self.input_shape)
        fan_in = shapes["W"][0]
        self.params = {"W": self.initializer(shapes["W"], fan_in, rng, self.dtype)}
        if self.use_bias:
            self.params["b"] = np.zeros(shapes["b"], dtype=self.dtype)

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._x_shape = x.shape
        x2 = x.reshape(x.shape[0], -1)
        self._x = x2
        out = x2 @ self.params["W"]
        if self.use_bias:
            out += self.params["b"]
        return out

    def backward(self, dout: NDArray) -> NDArray | None:
        np.matmul(self.kept(self._x).T, dout, out=self.grads["W"])
        if self.use_bias:
            np.sum(dout, axis=0, out=self.grads["b"])
        if not self.input_grad:
            return None
        return (dout @ self.params["W"].T).reshape(self._x_shape)

    def get_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {"units": self.units, "init": self.init}
        if not self.use_bias:
            config["use_bias"] = False
        return config
