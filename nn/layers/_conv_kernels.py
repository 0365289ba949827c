"""Cache-blocked convolution kernels behind :class:`nn.layers.conv.Conv2D`.

The batch is processed in chunks of images small enough that a chunk's column matrix stays in
the cache (the chunk size is picked from the layer's shape and :data:`CACHE_BYTES`). Per chunk:

* **forward** — copy the chunk into a zero-bordered padded buffer, build the column matrix
  ``(C·kh·kw + 1, n·OH·OWx)`` with one copy from a strided view (its last row is ones, so the
  GEMM adds the bias), one GEMM ``[W | b] @ cols``, then an *epilogue* that reads the result as
  (n, F, OH, OW): by default a copy into the output; fused layers put ReLU or pooling there
  (:mod:`nn.layers._fused`).
* **backward** — a callback gives the gradient w.r.t. the convolution's output per chunk
  (fused layers apply the ReLU mask or route through the pool there), copied into a
  ``(n·OH·OWx, F)`` buffer; the chunk's column matrix is rebuilt (cheaper than keeping 45 MB of
  columns from the forward pass) and one GEMM ``cols @ dout`` gives ``dWᵀ`` and, from the ones
  row, ``db``. For stride 1 the input gradient is the convolution of the zero-padded ``dout``
  with the flipped, transposed kernel (a gather and a GEMM with ``K = F·kh·kw``: no
  scatter-add); other strides scatter-add ``Wᵀ @ dout`` over the ``kh·kw`` kernel offsets.

*Extended rows.* With a horizontal stride of 1 each column-matrix row holds ``OH`` padded input
rows of full padded width ``Wp`` (``OWx = Wp`` instead of ``OW``): one contiguous run, so the copy
streams instead of stopping every ``OW`` elements. The ``Wp − OW`` extra columns of each output
row read past the row's end (a tail keeps them inside the buffer); their results are never
copied out, and in the backward pass the matching ``dout`` entries are zero, so they add nothing.

Loops run over chunks and kernel offsets only, never over single samples or pixels.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray

#: Bytes of column matrix per chunk: large enough that each GEMM call amortises its overhead
#: (and splits over two BLAS threads), small enough to stay in a core's L2 / the shared L3.
CACHE_BYTES = 2 << 20

#: ``epilogue(y, start, stop)``: ``y`` (n, F, OH, OW) is the chunk's output, bias included, as a
#: strided view of a scratch buffer that the next chunk overwrites.
Epilogue = Callable[[NDArray, int, int], None]
#: ``gradient(start, stop)``: the gradient w.r.t. the output of images ``start:stop``,
#: (n, F, OH, OW) in any memory layout; it is read before the next call.
Gradient = Callable[[int, int], NDArray]


@dataclass(frozen=True)
class ConvGeometry:
    """Shapes of one convolution; per sample except ``f`` (filters)."""

    c: int
    h: int
    w: int
    f: int
    kh: int
    kw: int
    stride: int
    pad: int

    @property
    def hp(self) -> int:
        return self.h + 2 * self.pad

    @property
    def wp(self) -> int:
        return self.w + 2 * self.pad

    @property
    def oh(self) -> int:
        return (self.hp - self.kh) // self.stride + 1

    @property
    def ow(self) -> int:
        return (self.wp - self.kw) // self.stride + 1

    @property
    def owx(self) -> int:
        """Column-matrix row length per output row: ``Wp`` (extended) for stride 1, else ``OW``."""
        return self.wp if self.stride == 1 else self.ow

    @property
    def k(self) -> int:
        return self.c * self.kh * self.kw

    @property
    def per_image(self) -> int:
        """Columns of the column matrix per image."""
        return self.oh * self.owx

    @property
    def transposed(self) -> bool:
        """Whether dx is a convolution of the padded ``dout`` (stride 1, pad < kernel)."""
        return self.stride == 1 and self.pad < min(self.kh, self.kw)

    def chunk_images(self, itemsize: int, budget: int = CACHE_BYTES) -> int:
        """Images per chunk: as many as keep a chunk's column matrix within ``budget`` bytes."""
        return max(1, budget // ((self.k + 1) * self.per_image * itemsize))

    def dx_chunk_images(self, itemsize: int, budget: int = CACHE_BYTES) -> int:
        """Images per chunk for the input gradient (its column matrix has ``F·kh·kw`` rows)."""
        if not self.transposed:
            return self.chunk_images(itemsize, budget)
        rows = self.f * self.kh * self.kw
        return max(1, budget // (rows * self.h * (self.w + self.kw - 1) * itemsize))


def _view(base: NDArray, offset: int, shape: tuple[int, ...], steps: tuple[int, ...]) -> NDArray:
    """Strided view of flat ``base`` from element ``offset``, ``steps`` counted in elements."""
    start = base[offset:]
    return as_strided(start, shape, tuple(s * base.itemsize for s in steps))


class _Scratch:
    """Flat scratch arrays by role, grown on demand and zero-filled only when (re)allocated."""

    def __init__(self) -> None:
        self._arrays: dict[str, NDArray] = {}

    def get(self, role: str, size: int, dtype: np.dtype) -> tuple[NDArray, bool]:
        """A flat array of at least ``size`` elements, and whether it is freshly zeroed."""
        a = self._arrays.get(role)
        if a is None or a.size < size or a.dtype != dtype:
            a = self._arrays[role] = np.zeros(size, dtype)
            return a, True
        return a, False


_THREAD = threading.local()


def _shared() -> _Scratch:
    """This thread's scratch for buffers every kernel overwrites in full before reading (column
    matrices, GEMM results): the layers of a model run one after another, so one set serves all
    of them; each thread (a training worker, an inference thread) has its own."""
    scratch = getattr(_THREAD, "scratch", None)
    if scratch is None:
        scratch = _THREAD.scratch = _Scratch()
    return scratch


class ConvKernel:
    """The chunked forward and backward passes for one convolution geometry.

    Scratch buffers live between calls and hold one chunk, so a step allocates only its
    outputs. The padded input, padded gradient and gradient buffers are this kernel's own: their
    zero borders (and the gradient's zero extended rows) are written when they are created and
    later calls write only interiors, so nothing is zero-filled per call. The large buffers that
    are overwritten in full (column matrices, GEMM results) are shared by all kernels of a thread.
    """

    def __init__(self, geometry: ConvGeometry, chunk: int | None = None) -> None:
        self.g = geometry
        self.chunk = chunk
        self._scratch = _Scratch()

    def capacity(self, dtype: np.dtype) -> int:
        """Images per chunk of the forward pass (fixes the scratch layouts)."""
        return self.chunk or self.g.chunk_images(dtype.itemsize)

    def _columns(self, x: NDArray, start: int, stop: int) -> NDArray:
        """Column matrix ``(K + 1, n·OH·OWx)`` of images ``start:stop``; its last row is ones."""
        g, dtype = self.g, x.dtype
        n, cap, per = stop - start, self.capacity(x.dtype), g.per_image
        img = g.c * g.hp * g.wp
        xp, _ = self._scratch.get("xpad", cap * img + g.kw, dtype)
        p = g.pad
        xp[: n * img].reshape(n, g.c, g.hp, g.wp)[:, :, p : p + g.h, p : p + g.w] = x[start:stop]
        flat, _ = _shared().get("cols", (g.k + 1) * cap * per, dtype)
        cols = flat[: (g.k + 1) * n * per].reshape(g.k + 1, n * per)
        cols[g.k] = 1.0  # the bias row (the buffer is shared, so it is written every time)
        shape = (g.c, g.kh, g.kw, n, g.oh, g.owx)
        steps = (g.hp * g.wp, g.wp, 1, img, g.stride * g.wp, g.stride)
        np.copyto(cols[: g.k].reshape(shape), _view(xp, 0, shape, steps))
        return cols

    # --------------------------------------------------------------------------- forward
    def forward(
        self, x: NDArray, w: NDArray, b: NDArray, epilogue: Epilogue | None = None
    ) -> NDArray | None:
        """``x`` (N, C, H, W), ``w`` (F, C, kh, kw), ``b`` (F,).

        Returns the output (N, F, OH, OW), or None when an ``epilogue`` consumes each chunk.
        """
        g = self.g
        total, cap, per = x.shape[0], self.capacity(x.dtype), g.per_image
        out = None
        if epilogue is None:
            out = np.empty((total, g.f, g.oh, g.ow), x.dtype)

            def epilogue(y: NDArray, start: int, stop: int) -> None:
                np.copyto(out[start:stop], y)

        wb = np.empty((g.f, g.k + 1), x.dtype)
        wb[:, : g.k] = w.reshape(g.f, g.k)
        wb[:, g.k] = b
        flat, _ = _shared().get("gemm", g.f * cap * per, x.dtype)
        for start in range(0, total, cap):
            stop = min(total, start + cap)
            n = stop - start
            y = flat[: g.f * n * per].reshape(g.f, n * per)
            np.matmul(wb, self._columns(x, start, stop), out=y)
            epilogue(y.reshape(g.f, n, g.oh, g.owx)[:, :, :, : g.ow].transpose(1, 0, 2, 3),
                     start, stop)
        return out

    # -------------------------------------------------------------------------- backward
    def backward(
        self, x: NDArray, w: NDArray, dw: NDArray, db: NDArray, input_grad: bool,
        gradient: Gradient,
    ) -> NDArray | None:
        """Write ``dw`` (F, C, kh, kw) and ``db`` (F,) in place; return dx (N, C, H, W) or None.

        ``x`` is the forward input; ``gradient`` gives the gradient w.r.t. the output per chunk.
        """
        g, dtype = self.g, x.dtype
        total, per = x.shape[0], g.per_image
        cap = self.capacity(dtype)
        if input_grad:
            cap = min(cap, self.chunk or g.dx_chunk_images(dtype.itemsize))
        d_flat, _ = self._scratch.get("dout", cap * per * g.f, dtype)  # extended rows stay 0
        part = np.empty((g.k + 1, g.f), dtype)
        acc = np.empty((g.k + 1, g.f), dtype)
        dx = np.empty(x.shape, dtype) if input_grad else None
        w_dx = self._dx_weights(w) if input_grad and g.transposed else None
        for start in range(0, total, cap):
            stop = min(total, start + cap)
            n = stop - start
            dy = gradient(start, stop)
            d = d_flat[: n * per * g.f].reshape(n, g.oh, g.owx, g.f)
            np.copyto(d[:, :, : g.ow, :], dy.transpose(0, 2, 3, 1))
            d2 = d.reshape(n * per, g.f)
            # (K + 1, n·L) @ (n·L, F): both contiguous along n·L, BLAS's fast form here
            np.matmul(self._columns(x, start, stop), d2, out=part if start else acc)
            if start:
                acc += part
            if dx is not None:
                if w_dx is not None:
                    self._dx_transposed(dy, w_dx, dx[start:stop], cap)
                else:
                    self._dx_col2im(d2, w, dx[start:stop], cap)
        dw.reshape(g.f, g.k)[...] = acc[: g.k].T
        db[...] = acc[g.k]
        return dx

    def _dx_weights(self, w: NDArray) -> NDArray:
        """``(C, F·kh·kw)``: the kernel flipped in space, with its two channel axes swapped."""
        return np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)).reshape(self.g.c, -1)

    def _dx_transposed(self, dy: NDArray, w_dx: NDArray, dx: NDArray, cap: int) -> None:
        """Stride 1: ``dx`` = correlation of ``dy`` (n, F, OH, OW) zero-padded by ``k − 1 − pad``
        with ``w_dx``."""
        g, dtype = self.g, dy.dtype
        n = dy.shape[0]
        qh, qw = g.kh - 1 - g.pad, g.kw - 1 - g.pad
        hq, wq = g.oh + 2 * qh, g.ow + 2 * qw
        img = g.f * hq * wq
        dpad, _ = self._scratch.get("dpad", cap * img + g.kw, dtype)
        interior = dpad[: n * img].reshape(n, g.f, hq, wq)[:, :, qh : qh + g.oh, qw : qw + g.ow]
        np.copyto(interior, dy)
        per, rows = g.h * wq, g.f * g.kh * g.kw
        flat, _ = _shared().get("dcols", rows * cap * per, dtype)
        dcols = flat[: rows * n * per].reshape(rows, n * per)
        shape = (g.f, g.kh, g.kw, n, per)
        np.copyto(dcols.reshape(shape), _view(dpad, 0, shape, (hq * wq, wq, 1, img, 1)))
        flat, _ = _shared().get("gemm_dx", g.c * cap * per, dtype)
        y = flat[: g.c * n * per].reshape(g.c, n * per)
        np.matmul(w_dx, dcols, out=y)
        np.copyto(dx, y.reshape(g.c, n, g.h, wq)[:, :, :, : g.w].transpose(1, 0, 2, 3))

    def _dx_col2im(self, d2: NDArray, w: NDArray, dx: NDArray, cap: int) -> None:
        """Any stride: the column gradient ``Wᵀ @ dout`` scatter-added over the kernel offsets."""
        g, dtype = self.g, d2.dtype
        n = dx.shape[0]
        dcols = w.reshape(g.f, g.k).T @ d2.T  # (K, n·OH·OWx), zero in the extended columns
        d6 = dcols.reshape(g.c, g.kh, g.kw, n, g.oh, g.owx)
        img = g.c * g.hp * g.wp
        dxp, _ = _shared().get("dxpad", cap * img + g.kw, dtype)
        dxp[: n * img + g.kw] = 0.0  # accumulated into, so it starts at zero
        steps = (g.hp * g.wp, img, g.stride * g.wp, g.stride)
        for i in range(g.kh):
            for j in range(g.kw):
                view = _view(dxp, i * g.wp + j, (g.c, n, g.oh, g.owx), steps)
                view += d6[:, i, j]
        p = g.pad
        dx[...] = dxp[: n * img].reshape(n, g.c, g.hp, g.wp)[:, :, p : p + g.h, p : p + g.w]
