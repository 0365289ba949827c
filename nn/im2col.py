"""im2col / col2im with stride tricks (book ch. 7.4), laid out for one large matmul.

The book builds a ``(N·OH·OW, C·kh·kw)`` matrix with a Python loop over kernel offsets and then a
transpose-and-reshape copy. Here the column matrix is ``(C·kh·kw, N·OH·OW)`` and is produced by a
*single* copy from a strided window view whose innermost axis (output columns) is contiguous in
memory, so the copy streams; the convolution is then one BLAS call ``W (F, C·kh·kw) @ cols``.
col2im loops over the ``kh·kw`` kernel offsets only, never over samples or pixels.

This one-shot version is the plain reference: ``Conv2D`` runs the cache-blocked kernels of
:mod:`nn.layers._conv_kernels`, which the tests check against these functions.
"""

from __future__ import annotations

import numpy as np
from numpy.lib.stride_tricks import as_strided
from numpy.typing import NDArray


def conv_output_size(size: int, kernel: int, stride: int, pad: int) -> int:
    """Output length along one axis: ``(size + 2·pad − kernel) // stride + 1``."""
    return (size + 2 * pad - kernel) // stride + 1


def pad_images(x: NDArray, pad: int, value: float = 0.0) -> NDArray:
    """Pad the two spatial axes of ``x`` (N, C, H, W); returns ``x`` itself when ``pad == 0``."""
    if pad == 0:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * pad, w + 2 * pad), value, dtype=x.dtype)
    out[:, :, pad : pad + h, pad : pad + w] = x
    return out


def window_view(
    xp: NDArray, kh: int, kw: int, stride: tuple[int, int], out_hw: tuple[int, int]
) -> NDArray:
    """Read-only strided view ``(C, kh, kw, N, OH, OW)`` of the padded batch ``xp`` (N, C, Hp, Wp).

    ``view[c, i, j, n, oh, ow] == xp[n, c, oh·sh + i, ow·sw + j]``; no data is copied.
    """
    sn, sc, sh_, sw_ = xp.strides
    sh, sw = stride
    oh, ow = out_hw
    n, c = xp.shape[:2]
    return as_strided(
        xp,
        shape=(c, kh, kw, n, oh, ow),
        strides=(sc, sh_, sw_, sn, sh_ * sh, sw_ * sw),
        writeable=False,
    )


def im2col(
    xp: NDArray,
    kh: int,
    kw: int,
    stride: tuple[int, int],
    out_hw: tuple[int, int],
    out: NDArray | None = None,
) -> NDArray:
    """Column matrix ``(C·kh·kw, N·OH·OW)`` of the padded batch ``xp`` (N, C, Hp, Wp).

    Row ``(c, i, j)`` holds input pixel ``(c, oh·sh + i, ow·sw + j)`` for every sample and output
    position. ``out`` (same shape, C-contiguous) is reused when given, to avoid page-faulting a
    fresh large buffer each step.
    """
    view = window_view(xp, kh, kw, stride, out_hw)
    c, n = xp.shape[1], xp.shape[0]
    rows, cols = c * kh * kw, n * out_hw[0] * out_hw[1]
    if out is None or out.shape != (rows, cols) or out.dtype != xp.dtype:
        out = np.empty((rows, cols), dtype=xp.dtype)
    np.copyto(out.reshape(view.shape), view)
    return out


def col2im(
    dcols: NDArray,
    input_shape: tuple[int, int, int, int],
    kh: int,
    kw: int,
    stride: tuple[int, int],
    pad: int,
) -> NDArray:
    """Adjoint of :func:`im2col`: scatter-add ``dcols`` (C·kh·kw, N·OH·OW) back to (N, C, H, W)."""
    n, c, h, w = input_shape
    sh, sw = stride
    hp, wp = h + 2 * pad, w + 2 * pad
    oh = (hp - kh) // sh + 1
    ow = (wp - kw) // sw + 1
    d6 = dcols.reshape(c, kh, kw, n, oh, ow)
    dxp = np.zeros((n, c, hp, wp), dtype=dcols.dtype)
    dxp_c = dxp.transpose(1, 0, 2, 3)  # (C, N, Hp, Wp) view, so the += below needs no transpose
    for i in range(kh):
        for j in range(kw):
            dxp_c[:, :, i : i + sh * oh : sh, j : j + sw * ow : sw] += d6[:, i, j]
    if pad == 0:
        return dxp
    return dxp[:, :, pad : pad + h, pad : pad + w]
