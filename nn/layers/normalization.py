"""Batch Normalization (book ch. 6.3) and Dropout (ch. 6.4.3)."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.layers.base import Layer, Shape, ShapeMismatch


class BatchNorm(Layer):
    """Normalise each feature (after ``Dense``) or channel (after ``Conv2D``, over N, H, W).

    Training uses the batch's mean and variance and updates the running averages
    ``running = momentum·running + (1 − momentum)·batch`` (buffers); inference uses the running
    averages. ``gamma`` and ``beta`` have shape (features,) or (channels,) and are never weight-
    decayed. Shapes: (N, D) → (N, D) or (N, C, H, W) → (N, C, H, W).
    """

    def __init__(self, momentum: float = 0.9, eps: float = 1e-6) -> None:
        super().__init__()
        if not (math.isfinite(momentum) and 0.0 <= momentum < 1.0):
            raise ValueError(f"Invalid momentum: {momentum} (must be in [0, 1))")
        if not (math.isfinite(eps) and eps > 0):
            raise ValueError(f"Invalid eps: {eps} (must be a positive number)")
        self.momentum = float(momentum)
        self.eps = float(eps)
        self._xhat: NDArray | None = None

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        if len(input_shape) not in (1, 3):
            raise ShapeMismatch("a feature vector (D,) or an image (channels, height, width)")
        return input_shape

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"gamma": (input_shape[0],), "beta": (input_shape[0],)}

    def buffer_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"running_mean": (input_shape[0],), "running_var": (input_shape[0],)}

    def _create_params(self, rng: np.random.Generator) -> None:
        n = self.input_shape[0]
        self.params = {"gamma": np.ones(n, self.dtype), "beta": np.zeros(n, self.dtype)}
        self.buffers = {
            "running_mean": np.zeros(n, self.dtype),
            "running_var": np.ones(n, self.dtype),
        }
        self._axes = (0,) if len(self.input_shape) == 1 else (0, 2, 3)
        self._bshape = (1, n) if len(self.input_shape) == 1 else (1, n, 1, 1)

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        gamma = self.params["gamma"].reshape(self._bshape)
        beta = self.params["beta"].reshape(self._bshape)
        self._training = training
        if training:
            mean = x.mean(axis=self._axes, keepdims=True)
            xc = x - mean
            var = np.mean(xc * xc, axis=self._axes, keepdims=True)
            m = self.momentum
            for key, batch in (("running_mean", mean), ("running_var", var)):
                buf = self.buffers[key]
                buf *= m
                buf += (1.0 - m) * batch.reshape(-1)
        else:
            xc = x - self.buffers["running_mean"].reshape(self._bshape)
            var = self.buffers["running_var"].reshape(self._bshape)
        inv_std = 1.0 / np.sqrt(var + self.eps)
        xhat = xc * inv_std
        self._xhat, self._inv_std = xhat, inv_std
        return xhat * gamma + beta

    def backward(self, dout: NDArray) -> NDArray:
        axes, xhat, inv_std = self._axes, self.kept(self._xhat), self._inv_std
        gamma = self.params["gamma"].reshape(self._bshape)
        np.sum(dout, axis=axes, out=self.grads["beta"])
        np.sum(dout * xhat, axis=axes, out=self.grads["gamma"])
        if not self._training:
            return dout * (gamma * inv_std)
        count = dout.size // self.params["gamma"].size
        sum_dout = self.grads["beta"].reshape(self._bshape)
        sum_dout_xhat = self.grads["gamma"].reshape(self._bshape)
        # d/dx of γ·(x − μ)/σ with μ, σ from the batch: the mean and the xhat-projection of the
        # upstream gradient are removed (book ch. 6.3, Ioffe & Szegedy 2015).
        dx = dout - sum_dout * (1.0 / count)
        dx -= xhat * (sum_dout_xhat * (1.0 / count))
        dx *= gamma * inv_std
        return dx

    def get_config(self) -> dict[str, Any]:
        return {"momentum": self.momentum, "eps": self.eps}


class Dropout(Layer):
    """*Inverted* dropout: in training each unit is kept with probability ``1 − rate`` and scaled
    by ``1 / (1 − rate)``; at inference the layer is the identity.

    The book's ``Dropout`` (ch. 6.4.3) instead scales by ``1 − rate`` at inference; both give the
    same expected activation, inverted dropout keeps inference free of any rescaling.
    Masks come from the model's seeded generator. Setting ``freeze_mask = True`` reuses the last
    mask (for gradient checks).
    """

    def __init__(self, rate: float = 0.5) -> None:
        super().__init__()
        if not (math.isfinite(rate) and 0.0 <= rate < 1.0):
            raise ValueError(f"Invalid rate: {rate} (must be in [0, 1))")
        self.rate = float(rate)
        self.rng = np.random.default_rng(0)
        self.freeze_mask = False
        self._mask: NDArray | None = None
        self._training: bool | None = None

    def _create_params(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._training = training
        if not training or self.rate == 0.0:
            return x
        if not (self.freeze_mask and self._mask is not None and self._mask.shape == x.shape):
            dtype = np.float32 if x.dtype == np.float32 else np.float64
            keep = self.rng.random(x.shape, dtype=dtype)
            self._mask = (keep >= self.rate).astype(x.dtype) * (1.0 / (1.0 - self.rate))
        return x * self._mask

    def backward(self, dout: NDArray) -> NDArray:
        if not self.kept(self._training) or self.rate == 0.0:
            return dout
        return dout * self._mask

    def get_config(self) -> dict[str, Any]:
        return {"rate": self.rate}
