"""Max and average pooling (book ch. 7.3) over strided views, plus ``Flatten``.

The book pools by im2col then ``np.max(col, axis=1)``: a reduction over a length-4 axis, which
NumPy does slowly. Here the pool is an element-wise ``np.maximum`` (or sum) of the ``ph·pw``
strided views of the input, one per kernel offset: a loop over kernel offsets, never over pixels.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.im2col import conv_output_size, pad_images
from nn.layers.base import Layer, Shape, ShapeMismatch, as_pair, check_positive_int, require_rank


def max_of_views(views: list[NDArray], out: NDArray, winner: NDArray) -> None:
    """``out`` = element-wise maximum of ``views`` (same shapes); ``winner`` (uint8) = the index
    of the view holding it, the *first* one on ties (strict ``>``), as the book's ``argmax``
    and PyTorch choose.

    Views are visited in increasing order, so ``winner = max(winner, k·[v > running max])``
    sets the index exactly where view ``k`` beat the running maximum (masked copies are slower).
    Each strided view is first copied into a contiguous buffer: NumPy's strided copy is fast,
    its comparisons and maxima are not, so this runs about 30 % faster than on the views.
    """
    np.copyto(out, views[0])
    winner[...] = 0
    value = np.empty(out.shape, dtype=out.dtype)
    greater = np.empty(out.shape, dtype=bool)
    step = np.empty(out.shape, dtype=np.uint8)
    for k, v in enumerate(views[1:], start=1):
        np.copyto(value, v)
        np.greater(value, out, out=greater)
        np.maximum(out, value, out=out)
        np.multiply(greater, np.uint8(k), out=step)
        np.maximum(winner, step, out=winner)


def route_to_winners(
    dout: NDArray, winner: NDArray, dviews: list[NDArray], overlapping: bool
) -> None:
    """Backward of :func:`max_of_views`: send ``dout`` to view ``winner`` of each window.

    Without overlap each element of the ``dviews`` is written (assigned); with overlap the
    gradients of windows sharing an element are added, so the views must start at zero.
    """
    routed = np.empty(winner.shape, dtype=bool)
    for k, dv in enumerate(dviews):
        np.equal(winner, k, out=routed)
        if overlapping:
            dv += dout * routed
        else:
            np.multiply(dout, routed, out=dv)


class _Pool2D(Layer):
    """Shared shape logic: ``x`` (N, C, H, W) → (N, C, OH, OW)."""

    def __init__(
        self, pool_size: int | tuple[int, int] = 2, stride: int | None = None, pad: int = 0
    ) -> None:
        super().__init__()
        self.pool_size = as_pair(pool_size, "pool_size")
        for k in self.pool_size:
            check_positive_int(k, "pool_size")
        self.stride = self.pool_size[0] if stride is None else check_positive_int(stride, "stride")
        self.pad = check_positive_int(pad, "pad", minimum=0)
        if self.pad >= min(self.pool_size):
            raise ValueError(
                f"Invalid pad: {pad} (must be smaller than the pool size {min(self.pool_size)}, "
                "or some windows would hold padding only)"
            )
        self._xp: NDArray | None = None
        self._x_shape: tuple[int, ...] = ()
        self._xp_shape: tuple[int, ...] | None = None  # kept by forward
        self._winner: NDArray | None = None  # MaxPool2D: which element won each window

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        name = type(self).__name__
        require_rank(
            input_shape,
            3,
            f"a 3-D input (channels, height, width); place {name} before any Flatten or "
            "Dense layer",
        )
        c, h, w = input_shape
        ph, pw = self.pool_size
        if h + 2 * self.pad < ph or w + 2 * self.pad < pw:
            raise ShapeMismatch(
                f"an input of at least {ph - 2 * self.pad}×{pw - 2 * self.pad} pixels for its "
                f"{ph}×{pw} window (it is larger than the input)"
            )
        return (
            c,
            conv_output_size(h, ph, self.stride, self.pad),
            conv_output_size(w, pw, self.stride, self.pad),
        )

    def _offset_views(self, xp: NDArray) -> list[NDArray]:
        """One strided view (N, C, OH, OW) per kernel offset ``(i, j)``, row-major."""
        _, oh, ow = self.output_shape
        s = self.stride
        ph, pw = self.pool_size
        return [
            xp[:, :, i : i + s * oh : s, j : j + s * ow : s] for i in range(ph) for j in range(pw)
        ]

    def _overlapping(self) -> bool:
        return self.stride < max(self.pool_size)

    def _crop(self, dxp: NDArray) -> NDArray:
        if self.pad == 0:
            return dxp
        p = self.pad
        h, w = self._x_shape[2:]
        return dxp[:, :, p : p + h, p : p + w]

    def get_config(self) -> dict[str, Any]:
        ph, pw = self.pool_size
        return {"pool_size": ph if ph == pw else [ph, pw], "stride": self.stride, "pad": self.pad}


class MaxPool2D(_Pool2D):
    """Maximum over each window.

    Ties (common on MNIST, where strokes saturate at 1.0) send the whole gradient to the *first*
    maximal element in row-major window order, as the book's ``argmax`` and PyTorch do.
    """

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._x_shape = x.shape
        xp = pad_images(x, self.pad, value=-np.inf)
        views = self._offset_views(xp)
        out = np.empty(views[0].shape, x.dtype)
        winner = np.empty(out.shape, np.uint8)
        max_of_views(views, out, winner)
        self._winner, self._xp_shape = winner, xp.shape
        return out

    def backward(self, dout: NDArray) -> NDArray:
        winner = self.kept(self._winner)
        overlapping = self._overlapping()
        # Non-overlapping windows that tile the input write every element: no zero-fill.
        tiled = self.pad == 0 and self._tiles(self._x_shape)
        dxp = (np.empty if tiled else np.zeros)(self._xp_shape, dtype=dout.dtype)
        route_to_winners(dout, winner, self._offset_views(dxp), overlapping)
        return self._crop(dxp)

    def _tiles(self, shape: tuple[int, ...]) -> bool:
        """Whether the windows cover the (N, C, H, W) input exactly, without overlap or gaps."""
        _, oh, ow = self.output_shape
        s = self.stride
        return self.pool_size == (s, s) and s * oh == shape[2] and s * ow == shape[3]


class AvgPool2D(_Pool2D):
    """Mean over each window; zero padding counts towards the mean (``count_include_pad``)."""

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._x_shape = x.shape
        xp = pad_images(x, self.pad)
        self._xp_shape = xp.shape
        views = self._offset_views(xp)
        out = views[0].copy()
        for v in views[1:]:
            out += v
        out *= 1.0 / len(views)
        return out

    def backward(self, dout: NDArray) -> NDArray:
        dxp = np.zeros(self.kept(self._xp_shape), dtype=dout.dtype)
        share = dout * (1.0 / (self.pool_size[0] * self.pool_size[1]))
        for dv in self._offset_views(dxp):
            dv += share
        return self._crop(dxp)


class Flatten(Layer):
    """Reshape (N, *shape) → (N, prod(shape)); ``Dense`` also flattens on its own."""

    _x_shape: tuple[int, ...] | None = None  # kept by forward

    def compute_output_shape(self, input_shape: Shape) -> Shape:
        size = 1
        for s in input_shape:
            size *= s
        return (size,)

    def forward(self, x: NDArray, training: bool = False) -> NDArray:
        self._x_shape = x.shape
        return x.reshape(x.shape[0], -1)

    def backward(self, dout: NDArray) -> NDArray:
        return dout.reshape(self.kept(self._x_shape))
