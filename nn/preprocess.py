"""MNIST's own preprocessing for user images: crop, antialiased scale to 20 px, centre of mass.

The MNIST digits were made from NIST's binary images by scaling each digit so that its longest
side fits a 20x20 box (keeping the aspect ratio, with antialiasing, which introduces grey levels)
and then placing it in a 28x28 frame so that its centre of mass sits at the frame's centre
(LeCun, Bottou, Bengio & Haffner, "Gradient-based learning applied to document recognition",
1998, section III.A; http://yann.lecun.com/exdb/mnist/). A network trained on MNIST (book ch. 3.6)
only recognises drawings and photos that went through the same steps; :func:`prepare_image` is the
one call that does them.

Centre-of-mass convention
-------------------------
Coordinates are pixel *indices*: the centre of mass of an ``(H, W)`` image is the mean of the row
and column indices ``0..H-1`` and ``0..W-1`` weighted by intensity (:func:`center_of_mass`). MNIST
places it at index **14.0** in both directions, not at the geometric middle 13.5: over the embedded
test digits the centre of mass has mean (13.995, 14.010) and standard deviation 0.288 per axis,
which is a uniform spread over ``14 +- 0.5`` (std ``1/sqrt(12) = 0.289``): the original digits
were shifted by whole pixels so that their centre of mass *rounds* to 14. :func:`canvas_to_mnist`
shifts by sub-pixel amounts and hits 14.0 to within 0.01 px, the centre of that spread.

All resampling is separable and loop-free: ``out = Wy @ image @ Wx.T``, where row ``j`` of an axis
weight matrix holds the contribution of every input pixel to output pixel ``j`` (the exact overlap
areas when shrinking, bilinear weights when enlarging).
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "MNIST_BOX",
    "MNIST_CENTER",
    "MNIST_SIZE",
    "PREPARE_MAX_SIDE",
    "canvas_to_mnist",
    "center_of_mass",
    "ink_bounding_box",
    "prepare_image",
    "resize_area",
    "to_ink_high",
]

#: Side of the MNIST frame, pixels.
MNIST_SIZE = 28
#: Side of the box the digit's longest side is scaled to, pixels.
MNIST_BOX = 20
#: Index coordinate (row and column) of the centre of mass in MNIST digits; see the module notes.
MNIST_CENTER = 14.0

#: :func:`prepare_image` box-averages larger photos down to about this many pixels on a side.
PREPARE_MAX_SIDE = 560

_COM_TOLERANCE = 0.005  # px; the placement loop stops once both axes are this close
_COM_MAX_ITER = 30


def _as_image(image: ArrayLike, name: str = "image") -> NDArray[np.floating]:
    """A finite float32/float64 view (or copy) of a 2-D array; NaN counts as background."""
    arr = np.asarray(image)
    if arr.dtype != np.float32 and arr.dtype != np.float64:
        arr = arr.astype(np.float64)
    if arr.ndim != 2:
        raise ValueError(f"{name} must be a 2-D array (H, W), got shape {arr.shape}")
    if not np.isfinite(arr).all():
        arr = np.nan_to_num(arr, nan=0.0, posinf=1.0, neginf=0.0)
    return arr


def _bbox(ink: NDArray[np.bool_]) -> tuple[int, int, int, int] | None:
    rows = np.flatnonzero(ink.any(axis=1))
    if rows.size == 0:
        return None
    cols = np.flatnonzero(ink.any(axis=0))
    return int(rows[0]), int(cols[0]), int(rows[-1]) + 1, int(cols[-1]) + 1


def center_of_mass(image: ArrayLike) -> tuple[float, float]:
    """Intensity-weighted mean of the pixel indices.

    Parameters
    ----------
    image : array_like, shape (H, W)
        Non-negative weights (ink high); negative values count as 0.

    Returns
    -------
    (row, col) : tuple of float
        In index coordinates, so a single lit pixel at ``[r, c]`` gives ``(r, c)``. An image with
        no positive pixel gives the geometric centre ``((H - 1) / 2, (W - 1) / 2)``.
    """
    arr = np.maximum(_as_image(image), 0.0, dtype=np.float64)
    total = arr.sum()
    h, w = arr.shape
    if not total > 0.0:
        return (h - 1) / 2.0, (w - 1) / 2.0
    row = float(arr.sum(axis=1) @ np.arange(h)) / total
    col = float(arr.sum(axis=0) @ np.arange(w)) / total
    return row, col


def ink_bounding_box(image: ArrayLike, threshold: float = 0.05) -> tuple[int, int, int, int] | None:
    """Smallest box holding every pixel brighter than ``threshold``.

    Parameters
    ----------
    image : array_like, shape (H, W)
        Ink-high image.
    threshold : float
        A pixel is ink when its value is strictly greater than this.

    Returns
    -------
    (top, left, bottom, right) : tuple of int or None
        ``image[top:bottom, left:right]`` is the box (exclusive ends); ``None`` without ink.
    """
    return _bbox(_as_image(image) > threshold)


def _axis_weights(n_in: int, n_out: int, scale: float, offset: float) -> NDArray[np.float64]:
    """Resampling weights of one axis.

    Input pixel ``i`` covers ``[i, i + 1)`` and lands on ``[scale * i + offset, ...)`` in output
    coordinates, where output pixel ``j`` covers ``[j, j + 1)``; outside the input there is no ink.

    Returns
    -------
    numpy.ndarray, shape (n_out, n_in)
        Shrinking (``scale <= 1``): the overlap of output pixel ``j`` with input pixel ``i``,
        measured in output pixels (a box filter, i.e. exact area averaging). Enlarging: the
        fraction of output pixel ``j`` the input covers times the bilinear weights of ``i`` at the
        centre of that covered part, so the edges stay antialiased. Each row sums to the covered
        fraction of its output pixel, at most 1.
    """
    j = np.arange(n_out, dtype=np.float64)[:, None]
    i = np.arange(n_in, dtype=np.float64)[None, :]
    lo = (j - offset) / scale  # output pixel j in input coordinates
    hi = (j + 1.0 - offset) / scale
    if scale <= 1.0:
        overlap = np.minimum(hi, i + 1.0) - np.maximum(lo, i)
        return np.maximum(overlap, 0.0) * scale
    a = np.clip(lo, 0.0, n_in)
    b = np.clip(hi, 0.0, n_in)
    covered = (b - a) * scale
    centre = np.clip((a + b) / 2.0 - 0.5, 0.0, n_in - 1.0)
    return covered * np.maximum(1.0 - np.abs(centre - i), 0.0)


def resize_area(image: ArrayLike, out_h: int, out_w: int) -> NDArray[np.float64]:
    """Antialiased resize: exact area averaging when shrinking, bilinear when enlarging.

    Each axis is resampled on its own (``Wy @ image @ Wx.T``), so shrinking a 280x280 drawing to
    28x28 averages every 10x10 block exactly and cannot alias, and the total ink scales with the
    area.

    Parameters
    ----------
    image : array_like, shape (H, W)
    out_h, out_w : int
        Output size, at least 1.

    Returns
    -------
    numpy.ndarray, shape (out_h, out_w), float64
    """
    arr = _as_image(image)
    if int(out_h) < 1 or int(out_w) < 1:
        raise ValueError(f"output size must be at least 1x1, got {out_h}x{out_w}")
    h, w = arr.shape
    if h == 0 or w == 0:
        raise ValueError(f"cannot resize an empty image of shape {arr.shape}")
    wy = _axis_weights(h, int(out_h), int(out_h) / h, 0.0)
    wx = _axis_weights(w, int(out_w), int(out_w) / w, 0.0)
    return wy @ arr @ wx.T


class _Root:
    """Illinois regula falsi for the offset at which one axis's centre-of-mass error is 0.

    The error grows with the offset (moving the digit right moves its centre of mass right), in
    steps of slope about 1 that are flat or steep for lines thinner than a pixel, where a plain
    ``x -= error`` iteration would oscillate. Until the root is bracketed, steps follow the
    measured slope, growing at most 4x per step where it is flat (mass entering a clipped frame).
    Offsets stay within ``bounds``.
    """

    def __init__(self, x: float, bounds: tuple[float, float]) -> None:
        self.bounds = bounds
        self.x = float(np.clip(x, *bounds))
        self.below: list[float] | None = None  # [offset, error < 0]
        self.above: list[float] | None = None  # [offset, error > 0]
        self.last_above: bool | None = None
        self.last_move = 0.0
        self.last_error = 0.0

    def step(self, error: float) -> None:
        """Record the error at ``self.x`` and move ``self.x`` to the next guess."""
        above = error > 0.0
        if above:
            self.above = [self.x, error]
        else:
            self.below = [self.x, error]
        if self.below is None or self.above is None:
            size = abs(error)
            if self.last_move:
                slope = (error - self.last_error) / self.last_move
                longest = 4.0 * abs(self.last_move)
                size = max(size, longest if slope <= 0.0 else min(size / slope, longest))
            new_x = float(np.clip(self.x - math.copysign(size, error), *self.bounds))
            self.last_move, self.last_error = new_x - self.x, error
            self.x = new_x
            return
        if above == self.last_above:  # the same end moved twice: halve the other end's weight
            (self.below if above else self.above)[1] *= 0.5
        self.last_above = above
        (x0, e0), (x1, e1) = self.below, self.above
        self.x = x0 - e0 * (x1 - x0) / (e1 - e0)


def _place(
    crop: NDArray[np.float64], scale: float, size: int, target: float
) -> NDArray[np.float64]:
    """Scale ``crop`` by ``scale`` into a ``size``x``size`` frame, centre of mass at ``target``.

    The offset starts at the continuous centre of mass and is then corrected by the measured error
    of the resampled image (a fraction of a pixel, more where the frame clips the digit). The
    error is measured on 1-D mass profiles, so each correction costs two matrix-vector products;
    the full image is resampled once at the end.
    """
    h, w = crop.shape
    com_r, com_c = center_of_mass(crop)
    # pixel i's centre i + 0.5 maps to scale * (i + 0.5) + offset; target index t has centre t + 0.5
    # keep at least one input pixel inside the frame so the search never loses the digit
    rows = _Root(target + 0.5 - scale * (com_r + 0.5), (1.0 - scale * h, size - 1.0))
    cols = _Root(target + 0.5 - scale * (com_c + 0.5), (1.0 - scale * w, size - 1.0))
    idx = np.arange(size, dtype=np.float64)
    for step in range(_COM_MAX_ITER):
        wy = _axis_weights(h, size, scale, rows.x)
        wx = _axis_weights(w, size, scale, cols.x)
        if step == _COM_MAX_ITER - 1:
            break
        row_mass = wy @ (crop @ wx.sum(axis=0))  # summed over the output columns, shape (size,)
        col_mass = wx @ (crop.T @ wy.sum(axis=0))
        total = row_mass.sum()
        if not total > 0.0:
            break
        err_r = float(row_mass @ idx) / total - target
        err_c = float(col_mass @ idx) / total - target
        done_r, done_c = abs(err_r) < _COM_TOLERANCE, abs(err_c) < _COM_TOLERANCE
        if done_r and done_c:
            break
        if not done_r:
            rows.step(err_r)
        if not done_c:
            cols.step(err_c)
    return wy @ crop @ wx.T


def canvas_to_mnist(image: ArrayLike, *, threshold: float = 0.05) -> NDArray[np.float32]:
    """Turn an ink-high drawing of any size into an MNIST-style 28x28 digit.

    Steps (LeCun et al. 1998): (1) crop to the bounding box of pixels above ``threshold``;
    (2) scale so the longest side of that box is 20 px, keeping the aspect ratio, with exact area
    averaging when shrinking (bilinear when enlarging); (3) place it in a 28x28 frame with its
    centre of mass at index (14, 14) by a sub-pixel shift, clipping whatever falls outside;
    (4) clip to ``[0, 1]``. Steps 2 and 3 are one resampling, so the shift adds no second blur.

    Parameters
    ----------
    image : array_like, shape (H, W)
        Ink high, values in ``[0, 1]`` (others are clipped), e.g. a 280x280 canvas.
    threshold : float
        Pixels above this value define the ink's bounding box; in ``[0, 1)``.

    Returns
    -------
    numpy.ndarray, shape (28, 28), float32
        Values in ``[0, 1]``; all zeros when no pixel is above ``threshold``.
    """
    if not 0.0 <= threshold < 1.0:
        raise ValueError(f"threshold must be in [0, 1), got {threshold}")
    arr = _as_image(image)
    box = _bbox(arr > threshold)  # the same pixels as in the clipped image, as threshold < 1
    if box is None:
        return np.zeros((MNIST_SIZE, MNIST_SIZE), dtype=np.float32)
    top, left, bottom, right = box
    crop = np.clip(arr[top:bottom, left:right], 0.0, 1.0, dtype=np.float64)
    scale = MNIST_BOX / max(bottom - top, right - left)
    out = _place(crop, scale, MNIST_SIZE, MNIST_CENTER)
    return np.clip(out, 0.0, 1.0).astype(np.float32)


def _min2x2(arr: NDArray[np.floating]) -> NDArray[np.floating]:
    """Minimum over each 2x2 neighbourhood (an erosion that removes isolated bright pixels)."""
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        return arr
    return np.minimum(
        np.minimum(arr[:-1, :-1], arr[1:, :-1]), np.minimum(arr[:-1, 1:], arr[1:, 1:])
    )


def _max2x2(arr: NDArray[np.floating]) -> NDArray[np.floating]:
    """Maximum over each 2x2 neighbourhood (removes isolated dark pixels)."""
    if arr.shape[0] < 2 or arr.shape[1] < 2:
        return arr
    return np.maximum(
        np.maximum(arr[:-1, :-1], arr[1:, :-1]), np.maximum(arr[:-1, 1:], arr[1:, 1:])
    )


def _border(arr: NDArray[np.float64]) -> NDArray[np.float64]:
    """The pixels of a frame about 5 % of the shorter side wide (at least one pixel)."""
    h, w = arr.shape
    k = max(1, min(h, w) // 20)
    if 2 * k >= h or 2 * k >= w:
        return arr.ravel()
    return np.concatenate(
        [arr[:k].ravel(), arr[-k:].ravel(), arr[k:-k, :k].ravel(), arr[k:-k, -k:].ravel()]
    )


def to_ink_high(gray: ArrayLike) -> NDArray[np.float32]:
    """Make ink bright and background black, with the contrast stretched to ``[0, 1]``.

    The background level is the median of a thin frame around the image. The ink is whichever
    extreme lies farther from it (dark pen on light paper is inverted; a light digit on a dark
    background is kept). The result is then stretched so that the background noise (median plus
    four robust standard deviations, ``1.4826 * MAD``, of that frame) becomes 0 and the ink's
    maximum becomes 1, ignoring isolated bright pixels. A flat image gives zeros.

    Parameters
    ----------
    gray : array_like, shape (H, W)
        Grey levels in ``[0, 1]`` (others are clipped), either polarity.

    Returns
    -------
    numpy.ndarray, shape (H, W), float32
        Ink high, in ``[0, 1]``.
    """
    arr = np.clip(_as_image(gray, "gray"), 0.0, 1.0, dtype=np.float32)  # float32: photos are big
    if arr.size == 0:
        return arr
    border = _border(arr).astype(np.float64)
    background = float(np.median(border))
    darkest = float(_max2x2(arr).min())  # ignoring single dark or bright specks
    brightest = float(_min2x2(arr).max())
    if background - darkest > brightest - background:
        arr = np.subtract(1.0, arr, out=arr)
        border = 1.0 - border
        background = 1.0 - background
        brightest = 1.0 - darkest
    noise = 1.4826 * float(np.median(np.abs(border - background)))
    low = background + 4.0 * noise
    if not brightest - low > 1e-3:
        return np.zeros(arr.shape, dtype=np.float32)
    arr -= np.float32(low)
    arr *= np.float32(1.0 / (brightest - low))
    return np.clip(arr, 0.0, 1.0, out=arr)


def _block_mean(arr: NDArray[np.floating], factor: int) -> NDArray[np.floating]:
    """Average ``factor`` x ``factor`` blocks (exact area downsampling by an integer factor, O(N));
    the last ``H % factor`` rows and ``W % factor`` columns are dropped."""
    h, w = arr.shape[0] // factor, arr.shape[1] // factor
    blocks = arr[: h * factor, : w * factor].reshape(h, factor, w, factor)
    return blocks.mean(axis=(1, 3), dtype=np.float64).astype(arr.dtype)


def prepare_image(gray: ArrayLike, *, threshold: float = 0.05) -> NDArray[np.float32]:
    """Any grey image of a digit to the ``(28, 28)`` network input: the one call ``predict`` uses.

    Images whose longer side exceeds ``2 * PREPARE_MAX_SIDE`` are first box-averaged by an integer
    factor to at most about that size: the result only needs 20 px, the averaging divides a
    photo's pixel noise by the factor (so that stray noisy pixels no longer widen the ink's
    bounding box) and it makes a 12-megapixel photo cheap. Then :func:`to_ink_high` and
    :func:`canvas_to_mnist`.

    Parameters
    ----------
    gray : array_like, shape (H, W)
        Grey levels in ``[0, 1]``, dark digit on light paper or light digit on dark background.
    threshold : float
        Passed to :func:`canvas_to_mnist`.

    Returns
    -------
    numpy.ndarray, shape (28, 28), float32
        In ``[0, 1]``, ink high, centred like MNIST.
    """
    arr = _as_image(gray, "gray")
    factor = max(arr.shape) // PREPARE_MAX_SIDE
    if factor >= 2:
        arr = _block_mean(arr, factor)
    return canvas_to_mnist(to_ink_high(arr), threshold=threshold)
