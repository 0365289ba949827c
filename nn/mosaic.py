"""Images of what a network has learned, laid out for display: the kernels of a weight array
as images, and mosaics of many small images with a lookup from a mosaic pixel back to its tile
(book ch. 7.6, Fig. 7-24). NumPy only."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray


def filter_images(w: NDArray, channel: int | None = None,
                  input_shape: tuple[int, ...] | None = None) -> NDArray:
    """The kernels of a weight array as images ``(K, h, w)``.

    ``w`` is a Conv2D weight (F, C, kh, kw), or a Dense weight (D, units) whose input ``D``
    is an image of ``input_shape`` (C, H, W) — each unit's weights then form an image (the
    "filters" of a first dense layer). ``channel`` picks one input channel; None averages them.
    """
    if w.ndim == 2:
        if input_shape is None or len(input_shape) != 3 or math.prod(input_shape) != w.shape[0]:
            raise ValueError(f"A dense weight {w.shape} is not an image filter bank")
        w = w.T.reshape(w.shape[1], *input_shape)
    if w.ndim != 4:
        raise ValueError(f"Expected a (F, C, kh, kw) weight, got shape {w.shape}")
    if channel is None:
        return w.mean(axis=1)
    if not 0 <= channel < w.shape[1]:
        raise ValueError(f"Channel {channel} out of range 0..{w.shape[1] - 1}")
    return w[:, channel].copy()


def grid_shape(count: int, aspect: float = 1.6) -> tuple[int, int]:
    """Rows and columns for ``count`` tiles: about ``aspect`` times wider than tall, with
    few empty slots (30 filters → 5 × 6)."""
    if count <= 0:
        return 0, 0

    def cost(cols: int) -> float:  # off-aspect, plus a penalty for empty slots
        rows = math.ceil(count / cols)
        return abs(math.log(cols / rows / aspect)) + 2.0 * (rows * cols - count) / count

    cols = min(range(1, count + 1), key=cost)
    return math.ceil(count / cols), cols


def mosaic(images: NDArray, cols: int | None = None, pad: int = 1,
           normalize: bool = False) -> NDArray[np.float64]:
    """Tile ``images`` (K, h, w) into one 2-D array, NaN in the gaps (drawn as background).

    With ``normalize`` each tile is stretched to 0…1 (min → max, the book's Fig. 7-24);
    a constant tile becomes 0.5.
    """
    images = np.asarray(images, dtype=np.float64)
    k, h, w = images.shape
    if cols is None:
        _, cols = grid_shape(k)
    cols = max(1, min(cols, k)) if k else 1
    rows = math.ceil(k / cols) if k else 0
    if normalize and k:
        lo = images.min(axis=(1, 2), keepdims=True)
        span = images.max(axis=(1, 2), keepdims=True) - lo
        images = np.where(span > 0, (images - lo) / np.where(span > 0, span, 1), 0.5)
    # every tile with its gap to the right and below, in a (rows, cols) grid: one reshape
    cells = np.full((rows * cols, h + pad, w + pad), np.nan)
    cells[:k, :h, :w] = images
    out = cells.reshape(rows, cols, h + pad, w + pad).transpose(0, 2, 1, 3)
    out = out.reshape(rows * (h + pad), cols * (w + pad))
    return out[: max(rows * (h + pad) - pad, 0), : max(cols * (w + pad) - pad, 0)].copy()


def tile_at(row: float, col: float, tile: tuple[int, int], cols: int, count: int,
            pad: int = 1) -> tuple[int, int, int] | None:
    """Which tile (index, y, x inside it) a mosaic pixel falls on, or None for a gap."""
    h, w = tile
    r, c = int(math.floor(row + 0.5)), int(math.floor(col + 0.5))
    if r < 0 or c < 0:
        return None
    tr_, y = divmod(r, h + pad)
    tc, x = divmod(c, w + pad)
    index = tr_ * cols + tc
    if y >= h or x >= w or tc >= cols or index >= count:
        return None
    return index, y, x


__all__ = ["filter_images", "grid_shape", "mosaic", "tile_at"]
