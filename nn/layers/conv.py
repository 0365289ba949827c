"""2-D convolution through im2col (book ch. 7.2–7.4), cache-blocked (``_conv_kernels``)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.im2col import conv_output_size
from nn.layers._conv_kernels import ConvGeometry, ConvKernel
from nn.layers.base import Shape, ShapeMismatch, as_pair, check_positive_int, require_rank
from nn.layers.dense import WeightedLayer


class Conv2D(WeightedLayer):
    """Cross-correlation of ``filters`` kernels over an image batch.

    Shapes: ``x`` (N, C, H, W) → ``y`` (N, F, OH, OW) with ``OH = (H + 2·pad − kh) // stride + 1``;
    ``W`` (F, C, kh, kw), ``b`` (F,). Fan-in for initialization is ``C·kh·kw``.
    """

    def __init__(
        self,
        filters: int,
        kernel_size: int | tuple[int, int] = 3,
        stride: int = 1,
        pad: int = 0,
        init: str | None = None,
    ) -> None:
        super().__init__(init)
        self.filters = check_positive_int(filters, "filters")
        self.kernel_size = as_pair(kernel_size, "kernel_size")
        for k in self.kernel_size:
            check_positive_int(k, "kernel_size")
        self.stride = check_positive_int(stride, "stride")
        self.pad = check_positive_int(pad, "pad", minimum=0)
        #: Images per cache block; None picks it from the layer's shape (``_conv_kernels``).
        self.chunk_size: int | None = None
        self._x: NDArray | None = None
        self._kernel: ConvKernel | None = None

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        require_rank(
            input_shape,
            3,
            "a 3-D input (channels, height, width); place Conv2D before any Flatten or Dense layer",
        )
        c, h, w = input_shape
        kh, kw = self.kernel_size
        if h + 2 * self.pad < kh or w + 2 * self.pad < kw:
            raise ShapeMismatch(
                f"an input of at least {kh - 2 * self.pad}×{kw - 2 * self.pad} pixels for its "
                f"{kh}×{kw} kernel with pad {self.pad}"
            )
        oh = conv_output_size(h, kh, self.stride, self.pad)
        ow = conv_output_size(w, kw, self.stride, self.pad)
        return (self.filters, oh, ow)

    def param_shapes(self, input_shape: Shape) -> dict[str, Shape]:
        return {"W": (self.filters, input_shape[0], *self.kernel_size), "b": (self.filters,)}

    def _create_params(self, rng: np.random.Generator) -> None:
        shape = self.param_shapes(self.input_shape)["W"]
        fan_in = shape[1] * shape[2] * shape[3]
        self.params = {
            "W": self.initializer(shape, fan_in, rng, self.dtype),
            "b": np.zeros(self.filters, dtype=self.dtype),
        }

    def _kernel_for(self, x: NDArray) -> ConvKernel:
        kernel = self._kernel
        if kernel is not None and kernel.chunk == self.chunk_size:
            g = kernel.g
            if (g.c, g.h, g.w) == x.shape[1:]:
                return kernel
        c, h, w = x.shape[1:]
        kh, kw = self.kernel_size
        geometry = ConvGeometry(c, h, w, self.filters, kh, kw, self.stride, self.pad)
        self._kernel = ConvKernel(geometry, self.chunk_size)
        return self._kernel

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        # Kept by reference: the backward pass rebuilds its column matrices chunk by chunk.
        self._x = x
        return self._kernel_for(x).forward(x, self.params["W"], self.params["b"])

    def backward(self, dout: NDArray) -> NDArray | None:
        params, grads = self.params, self.grads
        return self._kernel_for(self.kept(self._x)).backward(
            self._x, params["W"], grads["W"], grads["b"], self.input_grad,
            lambda start, stop: dout[start:stop],
        )

    def get_config(self) -> dict[str, Any]:
        kh, kw = self.kernel_size
        return {
            "filters": self.filters,
            "kernel_size": kh if kh == kw else [kh, kw],
            "stride": self.stride,
            "pad": self.pad,
            "init": self.init,
        }
