"""Fused ``Conv2D → ReLU [→ MaxPool2D]`` for :class:`nn.model.Sequential`'s forward and backward.

Run layer by layer, a convolution writes its full-resolution output to memory, ReLU reads it and
writes another copy, pooling reads that and writes a quarter; the backward pass reads and writes
them all again. Fused, ReLU (and the pool) run inside the convolution's *epilogue* on each
cache-sized chunk while the GEMM result is still in cache, and in the backward pass the ReLU
mask and the pool routing are applied to each chunk of the gradient just before its GEMMs
(:mod:`nn.layers._conv_kernels`). The numbers are the same as layer by layer: ReLU commutes with
max-pooling, ties route to the first maximum either way, and the bias is added before both.

The model still calls each layer on its own where per-layer outputs are wanted
(``Sequential.capture``); :func:`plan` only groups layers for the ordinary passes.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import NDArray

from nn.layers.activations import ReLU, relu, relu_backward
from nn.layers.base import Layer
from nn.layers.conv import Conv2D
from nn.layers.pooling import MaxPool2D, max_of_views, route_to_winners


class ConvReLU:
    """``Conv2D`` then ``ReLU``, optionally then a ``MaxPool2D`` whose windows tile the input
    (pool size = stride, no padding); the layers keep their parameters and gradients."""

    def __init__(self, conv: Conv2D, act: ReLU, pool: MaxPool2D | None = None) -> None:
        self.conv, self.act, self.pool = conv, act, pool
        self.layers: tuple[Layer, ...] = (conv, act) if pool is None else (conv, act, pool)
        self._x: NDArray | None = None
        self._out: NDArray | None = None
        self._winner: NDArray | None = None

    def _pool_views(self, y: NDArray) -> list[NDArray]:
        """The ``s·s`` offset views (n, F, PH, PW) of a chunk's conv output ``y`` (n, F, OH, OW)."""
        s = self.pool.stride
        _, ph, pw = self.pool.output_shape
        return [y[:, :, i : i + s * ph : s, j : j + s * pw : s] for i in range(s) for j in range(s)]

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        conv = self.conv
        n = x.shape[0]
        shape = self.layers[-1].output_shape
        out = np.empty((n, *shape), x.dtype)
        if self.pool is None:
            def epilogue(y: NDArray, start: int, stop: int) -> None:
                relu(y, out=out[start:stop])

        else:
            winner = self._winner = np.empty(out.shape, np.uint8)

            def epilogue(y: NDArray, start: int, stop: int) -> None:
                o = out[start:stop]
                max_of_views(self._pool_views(y), o, winner[start:stop])
                relu(o, out=o)  # max-pooling and ReLU commute

        conv._x = x
        conv._kernel_for(x).forward(x, conv.params["W"], conv.params["b"], epilogue)
        self._x, self._out = x, out
        return out

    def backward(self, dout: NDArray) -> NDArray | None:
        conv, out = self.conv, self._out
        if self.pool is None:
            def gradient(start: int, stop: int) -> NDArray:
                return relu_backward(dout[start:stop], out[start:stop])

        else:
            f, oh, ow = conv.output_shape
            tiled = self.pool._tiles((0, f, oh, ow))
            winner = self._winner

            def gradient(start: int, stop: int) -> NDArray:
                dpool = relu_backward(dout[start:stop], out[start:stop])
                dy = (np.empty if tiled else np.zeros)((stop - start, f, oh, ow), dout.dtype)
                route_to_winners(dpool, winner[start:stop], self._pool_views(dy), False)
                return dy

        grads = conv.grads
        return conv._kernel_for(self._x).backward(
            self._x, conv.params["W"], grads["W"], grads["b"], conv.input_grad, gradient
        )


def _fusable_pool(layer: Layer) -> bool:
    return (
        type(layer) is MaxPool2D
        and layer.pad == 0
        and layer.pool_size == (layer.stride, layer.stride)
    )


def plan(layers: Sequence[Layer]) -> list[Layer | ConvReLU]:
    """The model's layers with each ``Conv2D → ReLU [→ MaxPool2D]`` run replaced by one
    :class:`ConvReLU` step; every other layer is its own step."""
    steps: list[Layer | ConvReLU] = []
    i = 0
    while i < len(layers):
        layer = layers[i]
        nxt = layers[i + 1] if i + 1 < len(layers) else None
        if type(layer) is Conv2D and type(nxt) is ReLU:
            pool = layers[i + 2] if i + 2 < len(layers) else None
            if pool is not None and _fusable_pool(pool):
                steps.append(ConvReLU(layer, nxt, pool))
                i += 3
            else:
                steps.append(ConvReLU(layer, nxt))
                i += 2
            continue
        steps.append(layer)
        i += 1
    return steps
