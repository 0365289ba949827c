"""2-D convolution through im2col (book ch. 7.2–7.4)."""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.im2col import col2im, conv_output_size, im2col, pad_images
from nn.layers.base import Shape, ShapeMismatch, as_pair, check_positive_int, require_rank
from nn.layers.dense import WeightedLayer


class Conv2D(WeightedLayer):
    """Cross-correlation of ``filters`` kernels over an image batch.

    Shapes: ``x`` (N, C, H, W) → ``y`` (N, F, OH, OW) with ``OH = (H + 2·pad − kh) // stride + 1``;
    ``W`` (F, C, kh, kw), ``b`` (F,). Fan-in for initialisation is ``C·kh·kw``.
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
        self._cols: NDArray | None = None
        self._x_shape: tuple[int, int, int, int] = (0, 0, 0, 0)
        self._out_hw = (0, 0)

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

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        n = x.shape[0]
        kh, kw = self.kernel_size
        _, oh, ow = self.output_shape
        self._x_shape = x.shape
        self._out_hw = (oh, ow)
        xp = pad_images(x, self.pad)
        # Reuse the column buffer between steps: it is large and only this layer reads it.
        self._cols = im2col(xp, kh, kw, (self.stride, self.stride), (oh, ow), out=self._cols)
        w2 = self.params["W"].reshape(self.filters, -1)
        out = w2 @ self._cols  # (F, N·OH·OW): one BLAS call for the whole batch
        out += self.params["b"][:, None]
        return np.ascontiguousarray(out.reshape(self.filters, n, oh, ow).transpose(1, 0, 2, 3))

    def backward(self, dout: NDArray) -> NDArray | None:
        f = self.filters
        # (N, F, OH, OW) → (F, N·OH·OW), the layout of the forward matmul
        dout_f = np.ascontiguousarray(dout.transpose(1, 0, 2, 3)).reshape(f, -1)
        np.matmul(dout_f, self._cols.T, out=self.grads["W"].reshape(f, -1))
        np.sum(dout_f, axis=1, out=self.grads["b"])
        if not self.input_grad:
            return None
        dcols = self.params["W"].reshape(f, -1).T @ dout_f
        kh, kw = self.kernel_size
        return col2im(dcols, self._x_shape, kh, kw, (self.stride, self.stride), self.pad)

    def get_config(self) -> dict[str, Any]:
        kh, kw = self.kernel_size
        return {
            "filters": self.filters,
            "kernel_size": kh if kh == kw else [kh, kw],
            "stride": self.stride,
            "pad": self.pad,
            "init": self.init,
        }
