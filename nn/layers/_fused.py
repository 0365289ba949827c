"""Fused ``Conv2D → ReLU [→ MaxPool2D]`` (and ``Dense → ReLU``) for :class:`nn.model.Sequential`'s
forward and backward passes.

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

from nn.layers._conv_kernels import valid
from nn.layers.activations import ReLU, relu, relu_backward
from nn.layers.base import Layer
from nn.layers.conv import Conv2D
from nn.layers.dense import Dense
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
        ow = conv.output_shape[2]
        out = np.empty((x.shape[0], *self.layers[-1].output_shape), x.dtype)
        if self.pool is None:
            def epilogue(raw: NDArray, start: int, stop: int) -> None:
                relu(valid(raw, ow), out=out[start:stop])

        elif training:
            winner = self._winner = np.empty(out.shape, np.uint8)

            def epilogue(raw: NDArray, start: int, stop: int) -> None:
                o = out[start:stop]
                max_of_views(self._pool_views(valid(raw, ow)), o, winner[start:stop])
                relu(o, out=o)  # max-pooling and ReLU commute

        else:  # inference: the maximum only (a backward after it recomputes the winners)
            self._winner = None

            def epilogue(raw: NDArray, start: int, stop: int) -> None:
                o = out[start:stop]
                self._pool_max(raw, o)
                relu(o, out=o)

        conv._x = x
        conv._kernel_for(x).forward(x, conv.params["W"], conv.params["b"], epilogue)
        self._x, self._out = x, out
        return out

    def _pool_max(self, raw: NDArray, out: NDArray) -> None:
        """Window maxima of a GEMM result ``raw`` (F, n, OH, OWx) into ``out`` (n, F, PH, PW).

        Without winners the order of the comparisons is free: rows first, over whole contiguous
        rows of ``raw`` (stride-2 column pairs of a 2×2 pool then form one long loop), instead of
        the strided window views that NumPy walks a few elements at a time.
        """
        s = self.pool.stride
        f, n, oh, owx = raw.shape
        _, ph, pw = self.pool.output_shape
        if s != 2:
            views = self._pool_views(valid(raw, self.conv.output_shape[2]))
            np.copyto(out, views[0])
            for v in views[1:]:
                np.maximum(out, v, out=out)
            return
        rows = raw[:, :, : 2 * ph].reshape(f * n * ph, 2, owx)
        vertical = np.maximum(rows[:, 0], rows[:, 1])  # (F·n·PH, OWx), contiguous
        if owx % 2 == 0:  # column pairs never straddle two rows: one long stride-2 loop
            flat = vertical.reshape(-1)
            both = np.maximum(flat[0::2], flat[1::2]).reshape(f, n, ph, owx // 2)[..., :pw]
        else:
            both = np.maximum(vertical[:, 0 : 2 * pw : 2], vertical[:, 1 : 2 * pw : 2])
            both = both.reshape(f, n, ph, pw)
        np.copyto(out, both.transpose(1, 0, 2, 3))

    def backward(self, dout: NDArray) -> NDArray | None:
        conv, out = self.conv, self._out
        if self.pool is None:
            def gradient(start: int, stop: int) -> NDArray:
                return relu_backward(dout[start:stop], out[start:stop])

        else:
            if self._winner is None:  # after an inference pass (saliency): redo it with winners
                self.forward(self._x, training=True)
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


class DenseReLU:
    """``Dense`` then ``ReLU``: the ReLU runs in place on the Dense layer's fresh output."""

    def __init__(self, dense: Dense, act: ReLU) -> None:
        self.dense, self.act = dense, act
        self.layers: tuple[Layer, ...] = (dense, act)
        self._out: NDArray | None = None

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        out = self.dense.forward(x, training)
        self._out = relu(out, out=out)
        return out

    def backward(self, dout: NDArray) -> NDArray | None:
        return self.dense.backward(relu_backward(dout, self._out))


def _fusable_pool(layer: Layer) -> bool:
    return (
        type(layer) is MaxPool2D
        and layer.pad == 0
        and layer.pool_size == (layer.stride, layer.stride)
    )


def plan(layers: Sequence[Layer]) -> list[Layer | ConvReLU | DenseReLU]:
    """The model's layers with each ``Conv2D → ReLU [→ MaxPool2D]`` run replaced by one
    :class:`ConvReLU` step and each ``Dense → ReLU`` by a :class:`DenseReLU`; every other layer
    is its own step."""
    steps: list[Layer | ConvReLU | DenseReLU] = []
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
        if type(layer) is Dense and type(nxt) is ReLU:
            steps.append(DenseReLU(layer, nxt))
            i += 2
            continue
        steps.append(layer)
        i += 1
    return steps
