"""Cache-blocked convolution kernels behind :class:`nn.layers.conv.Conv2D`.

The batch is processed in chunks of images small enough that a chunk's column matrix stays in
the cache (the chunk size is picked from the layer's shape and :data:`CACHE_BYTES`). Per chunk:

* **forward** — copy the chunk into a zero-bordered padded buffer, build the column matrix
  ``(C·kh·kw + 1, n·OH·OWx)`` with one copy from a strided view (its last row is ones, so the
  GEMM adds the bias), one GEMM ``[W | b] @ cols``, then an *epilogue* that reads the result
  (n, F, OH, OW) out of it: by default a copy into the output; fused layers put ReLU or
  pooling there (:mod:`nn.layers._fused`).
* **backward** — a callback gives the gradient w.r.t. the convolution's output per chunk
  (fused layers apply the ReLU mask or route through the pool there). With stride 1 (when the
  input gradient is wanted) one column matrix serves both gradients: the im2col of ``dout``
  zero-padded by ``k − 1 − pad`` gives ``dx`` as a convolution with the flipped, transposed
  kernel (a gather and a GEMM with ``K = F·kh·kw``, no scatter-add), and the same matrix times
  the pixel-major input gives ``dW``. Otherwise (the first layer, other strides) the chunk's
  column matrix of ``x`` is rebuilt (cheaper than keeping 45 MB of columns from the forward
  pass), one GEMM ``cols @ dout`` gives ``dWᵀ`` and, from the ones row, ``db``, and ``dx`` is
  ``Wᵀ @ dout`` scatter-added over the ``kh·kw`` kernel offsets (col2im).

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
from functools import cached_property

import numpy as np
from numpy.typing import NDArray

#: Bytes of column matrix per chunk: large enough that each GEMM call amortises its overhead
#: (and splits over two BLAS threads), small enough to stay in a core's L2 / the shared L3.
CACHE_BYTES = 2 << 20

#: ``epilogue(raw, start, stop)``: ``raw`` (F, n, OH, OWx) is the GEMM result for images
#: ``start:stop``, bias included, in a scratch buffer that the next chunk overwrites; its valid
#: part as (n, F, OH, OW) is :func:`valid`\ ``(raw, OW)``.
Epilogue = Callable[[NDArray, int, int], None]
#: ``gradient(start, stop)``: the gradient w.r.t. the output of images ``start:stop``,
#: (n, F, OH, OW) in any memory layout; it is read before the next call.
Gradient = Callable[[int, int], NDArray]


@dataclass(frozen=True)
class ConvGeometry:
    """Shapes of one convolution; per sample except ``f`` (filters). Derived sizes are
    computed once (they are read several times per chunk)."""

    c: int
    h: int
    w: int
    f: int
    kh: int
    kw: int
    stride: int
    pad: int

    @cached_property
    def hp(self) -> int:
        return self.h + 2 * self.pad

    @cached_property
    def wp(self) -> int:
        return self.w + 2 * self.pad

    @cached_property
    def oh(self) -> int:
        return (self.hp - self.kh) // self.stride + 1

    @cached_property
    def ow(self) -> int:
        return (self.wp - self.kw) // self.stride + 1

    @cached_property
    def shared(self) -> bool:
        """Whether rows share their horizontal padding (stride 1, ``0 < pad < kernel``): in
        the padded buffer each row is followed by ``pad`` zeros, which are also the next row's
        left padding, so a row takes ``W + pad`` elements instead of ``W + 2·pad``."""
        return self.stride == 1 and 0 < self.pad < min(self.kh, self.kw)

    @cached_property
    def rs(self) -> int:
        """Row stride of the padded input buffer."""
        return self.w + self.pad if self.shared else self.wp

    @cached_property
    def owx(self) -> int:
        """Column-matrix row length per output row: the row stride for stride 1 (extended
        rows), else ``OW``."""
        return self.rs if self.stride == 1 else self.ow

    @cached_property
    def dx_rs(self) -> int:
        """Row stride of the padded ``dout`` of the transposed convolution (shared padding)."""
        return self.ow + self.kw - 1 - self.pad

    @cached_property
    def k(self) -> int:
        return self.c * self.kh * self.kw

    @cached_property
    def per_image(self) -> int:
        """Columns of the column matrix per image."""
        return self.oh * self.owx

    @cached_property
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
        return max(1, budget // (rows * self.h * self.dx_rs * itemsize))


def valid(raw: NDArray, ow: int) -> NDArray:
    """The output (n, F, OH, OW) inside a GEMM result ``raw`` (F, n, OH, OWx), as a view."""
    return raw[:, :, :, :ow].transpose(1, 0, 2, 3)


def _view(base: NDArray, offset: int, shape: tuple[int, ...], steps: tuple[int, ...]) -> NDArray:
    """Strided view of flat ``base`` from element ``offset``, ``steps`` counted in elements.

    Like ``as_strided`` (the caller keeps it within ``base``) but built directly, ten times
    faster: this runs a few times per chunk.
    """
    item = base.itemsize
    return np.ndarray(shape, base.dtype, base, offset * item, tuple(s * item for s in steps))


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
        self._plans: dict[tuple[int, np.dtype], tuple[NDArray, ...]] = {}

    def __deepcopy__(self, memo: dict) -> ConvKernel:
        """A copied layer gets fresh scratch: buffers and the views into them are no state."""
        return ConvKernel(self.g, self.chunk)

    def capacity(self, dtype: np.dtype) -> int:
        """Images per chunk of the forward pass (fixes the scratch layouts)."""
        return self.chunk or self.g.chunk_images(dtype.itemsize)

    def _columns(self, x: NDArray, start: int, stop: int) -> NDArray:
        """Column matrix ``(K + 1, n·OH·OWx)`` of images ``start:stop``; its last row is ones."""
        g, n = self.g, stop - start
        cap, per = self.capacity(x.dtype), g.per_image
        shared, _ = _shared().get("cols", (g.k + 1) * cap * per, x.dtype)
        plan = self._plans.get((n, x.dtype))
        if plan is None or plan[0] is not shared:  # views of this chunk size, built once
            plan = self._plans[(n, x.dtype)] = self._column_views(n, x.dtype, shared)
        _, interior, cols, src, dst = plan
        np.copyto(interior, x[start:stop])  # into the zero-bordered padded buffer
        cols[g.k] = 1.0  # the bias row (the buffer is shared, so it is written every time)
        np.copyto(dst, src)
        return cols

    def _column_views(self, n: int, dtype: np.dtype, shared: NDArray) -> tuple[NDArray, ...]:
        """(shared buffer, padded-buffer interior, column matrix, its strided source, its
        destination) for chunks of ``n`` images.

        The padded buffer holds images of ``Hp`` rows of ``rs`` elements, after ``guard`` zeros;
        real columns start at ``lead``. Column ``j`` of kernel row ``i`` for output ``(oh, ow)``
        is element ``(oh + i)·rs + ow + j`` from the buffer's start, one formula for both the
        shared-padding layout (``guard = pad``, ``lead = 0``) and the plain one.
        """
        g = self.g
        rs, img = g.rs, g.c * g.hp * g.rs
        guard, lead = (g.pad, 0) if g.shared else (0, g.pad)
        xp, _ = self._scratch.get("xpad", guard + self.capacity(dtype) * img + g.kw, dtype)
        p = g.pad
        body = xp[guard : guard + n * img].reshape(n, g.c, g.hp, rs)
        interior = body[:, :, p : p + g.h, lead : lead + g.w]
        cols = shared[: (g.k + 1) * n * g.per_image].reshape(g.k + 1, n * g.per_image)
        shape = (g.c, g.kh, g.kw, n, g.oh, g.owx)
        steps = (g.hp * rs, rs, 1, img, g.stride * rs, g.stride)
        return shared, interior, cols, _view(xp, 0, shape, steps), cols[: g.k].reshape(shape)

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

            def epilogue(raw: NDArray, start: int, stop: int) -> None:
                np.copyto(out[start:stop], valid(raw, g.ow))

        wb = np.empty((g.f, g.k + 1), x.dtype)
        wb[:, : g.k] = w.reshape(g.f, g.k)
        wb[:, g.k] = b
        flat, _ = _shared().get("gemm", g.f * cap * per, x.dtype)
        for start in range(0, total, cap):
            stop = min(total, start + cap)
            y = flat[: g.f * (stop - start) * per]
            np.matmul(wb, self._columns(x, start, stop), out=y.reshape(g.f, -1))
            epilogue(y.reshape(g.f, stop - start, g.oh, g.owx), start, stop)
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
        if input_grad and g.transposed:
            return self._backward_transposed(x, w, dw, db, gradient)
        total, per = x.shape[0], g.per_image
        cap = self.capacity(dtype)
        d_flat, _ = self._scratch.get("dout", cap * per * g.f, dtype)  # extended rows stay 0
        part = np.empty((g.k + 1, g.f), dtype)
        acc = np.empty((g.k + 1, g.f), dtype)
        dx = np.empty(x.shape, dtype) if input_grad else None
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
                self._dx_col2im(d2, w, dx[start:stop], cap)
        dw.reshape(g.f, g.k)[...] = acc[: g.k].T
        db[...] = acc[g.k]
        return dx

    def _backward_transposed(
        self, x: NDArray, w: NDArray, dw: NDArray, db: NDArray, gradient: Gradient
    ) -> NDArray:
        """Stride 1 with dx: one column matrix per chunk serves both gradients.

        ``dcols`` (F·kh·kw, n·H·Wq) is the im2col of ``dout`` zero-padded by ``k − 1 − pad``;
        ``dx = W̃ @ dcols`` with the flipped, transposed kernel ``W̃`` (C, F·kh·kw), and
        ``dcols @ x`` (x pixel-major, zero in the extended columns) is ``dW`` with its kernel
        offsets flipped — no second column matrix of ``x`` is built.
        """
        g, dtype = self.g, x.dtype
        total, wq = x.shape[0], g.dx_rs
        cap = min(self.capacity(dtype), self.chunk or g.dx_chunk_images(dtype.itemsize))
        per, rows = g.h * wq, g.f * g.kh * g.kw
        xpm_flat, _ = self._scratch.get("xpm", cap * per * g.c, dtype)  # extended rows stay 0
        part = np.empty((rows, g.c), dtype)
        acc = np.empty((rows, g.c), dtype)
        db_sum = np.zeros(g.f, dtype)
        dx = np.empty(x.shape, dtype)
        w_dx = self._dx_weights(w)
        for start in range(0, total, cap):
            stop = min(total, start + cap)
            n = stop - start
            dy = gradient(start, stop)
            db_sum += dy.reshape(n, g.f, -1).sum(axis=2).sum(axis=0)
            dcols = self._dout_columns(dy, cap)
            xpm = xpm_flat[: n * per * g.c].reshape(n, g.h, wq, g.c)
            np.copyto(xpm[:, :, : g.w, :], x[start:stop].transpose(0, 2, 3, 1))
            np.matmul(dcols, xpm.reshape(n * per, g.c), out=part if start else acc)
            if start:
                acc += part
            flat, _ = _shared().get("gemm_dx", g.c * cap * per, dtype)
            y = flat[: g.c * n * per].reshape(g.c, n * per)
            np.matmul(w_dx, dcols, out=y)
            valid_dx = y.reshape(g.c, n, g.h, wq)[:, :, :, : g.w].transpose(1, 0, 2, 3)
            np.copyto(dx[start:stop], valid_dx)
        flipped = acc.reshape(g.f, g.kh, g.kw, g.c)[:, ::-1, ::-1, :]
        dw[...] = flipped.transpose(0, 3, 1, 2)
        db[...] = db_sum
        return dx

    def _dx_weights(self, w: NDArray) -> NDArray:
        """``(C, F·kh·kw)``: the kernel flipped in space, with its two channel axes swapped."""
        return np.ascontiguousarray(w[:, :, ::-1, ::-1].transpose(1, 0, 2, 3)).reshape(self.g.c, -1)

    def _dout_columns(self, dy: NDArray, cap: int) -> NDArray:
        """Column matrix ``(F·kh·kw, n·H·rs)`` of ``dy`` (n, F, OH, OW) zero-padded by
        ``k − 1 − pad`` (stride 1): the input of the transposed convolution. Its padded buffer
        shares the horizontal padding between rows, like the forward pass's."""
        g, dtype = self.g, dy.dtype
        n = dy.shape[0]
        qh, qw = g.kh - 1 - g.pad, g.kw - 1 - g.pad
        hq, rs = g.oh + 2 * qh, g.dx_rs
        img = g.f * hq * rs
        dpad, _ = self._scratch.get("dpad", qw + cap * img + g.kw, dtype)
        body = dpad[qw : qw + n * img].reshape(n, g.f, hq, rs)
        np.copyto(body[:, :, qh : qh + g.oh, : g.ow], dy)
        per, rows = g.h * rs, g.f * g.kh * g.kw
        flat, _ = _shared().get("dcols", rows * cap * per, dtype)
        dcols = flat[: rows * n * per].reshape(rows, n * per)
        shape = (g.f, g.kh, g.kw, n, per)
        np.copyto(dcols.reshape(shape), _view(dpad, 0, shape, (hq * rs, rs, 1, img, 1)))
        return dcols

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
