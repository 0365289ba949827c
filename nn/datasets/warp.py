"""Per-image geometric warps of a batch: affine maps (with shear) and elastic distortion.

Every image gets its own source-coordinate map; one bilinear resampling of the whole batch by
fancy indexing reads it, with zero ink outside the image. No Python loop over samples or pixels.

Elastic distortion follows Simard, Steinkraus & Platt, "Best practices for convolutional neural
networks applied to visual document analysis" (ICDAR 2003), section 2: a random displacement
field with components uniform in ``[-1, 1]`` per pixel, smoothed by a Gaussian of standard
deviation ``sigma`` (pixels) and scaled by ``alpha``. Their MNIST settings were ``sigma = 4``,
``alpha = 34``.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["affine_source", "bilinear_sample", "elastic_field", "gaussian_matrix"]


def gaussian_matrix(n: int, sigma: float) -> NDArray[np.float32]:
    """``(n, n)`` matrix whose product with a length-``n`` signal is a Gaussian blur of it.

    Each row is a normalised Gaussian of standard deviation ``sigma`` centred on its index,
    truncated at the signal's ends and renormalised there (so a constant stays constant).
    """
    i = np.arange(n, dtype=np.float64)
    g = np.exp(-0.5 * ((i[:, None] - i[None, :]) / float(sigma)) ** 2)
    return (g / g.sum(axis=1, keepdims=True)).astype(np.float32)


def elastic_field(
    n: int, h: int, w: int, alpha: NDArray | float, sigma: float, rng: np.random.Generator
) -> NDArray[np.float32]:
    """Smoothed random displacement fields (Simard et al. 2003).

    Parameters
    ----------
    n, h, w : int
        Number of fields and their size.
    alpha : float or numpy.ndarray of shape (n,)
        Strength, pixels (0 gives no displacement).
    sigma : float
        Smoothing, pixels.
    rng : numpy.random.Generator

    Returns
    -------
    numpy.ndarray, shape (n, 2, h, w), float32
        ``(dx, dy)`` per pixel; the separable blur is ``Gy @ U @ Gx.T`` for every field at once.
    """
    raw = rng.uniform(-1.0, 1.0, (n, 2, h, w)).astype(np.float32)
    gy, gx = gaussian_matrix(h, sigma), gaussian_matrix(w, sigma)
    smooth = gy @ raw @ gx.T
    return smooth * np.asarray(alpha, np.float32).reshape(-1, 1, 1, 1)


def affine_source(
    shape: tuple[int, int],
    shift: NDArray,
    angle: NDArray,
    scale: NDArray,
    shear: NDArray | None = None,
    border: int = 1,
) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
    """Source coordinates of every output pixel under one affine map per image.

    The image is sheared horizontally by ``tan(shear)`` (a forward map ``x += tan(shear) * y``
    about the centre), scaled by ``scale`` and rotated by ``angle`` about its centre, then
    shifted. For output pixel ``p`` the source point is
    ``c + Sh^-1 R(-angle) (p - c - shift) / scale`` with ``c`` the image centre.

    Parameters
    ----------
    shape : (h, w)
    shift : numpy.ndarray, shape (N, 2)
        ``(dx, dy)`` in pixels.
    angle, scale : numpy.ndarray, shape (N,)
        Degrees counter-clockwise as displayed; zoom factor.
    shear : numpy.ndarray, shape (N,), optional
        Degrees; positive leans the top of the image to the right.
    border : int
        Added to the coordinates: :func:`bilinear_sample` reads an image padded by one pixel.

    Returns
    -------
    sx, sy : numpy.ndarray, shape (N, h * w), float32
        Column and row of the source point plus ``border`` (not yet clipped).
    """
    h, w = shape
    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    ys, xs = np.indices((h, w), dtype=np.float32).reshape(2, 1, h * w)
    theta = np.deg2rad(angle.astype(np.float32))[:, None]
    cos, sin = np.cos(theta), np.sin(theta)
    inv_scale = (1.0 / scale.astype(np.float32))[:, None]
    qx = xs - np.float32(cx) - shift[:, :1].astype(np.float32)  # (N, P)
    qy = ys - np.float32(cy) - shift[:, 1:].astype(np.float32)
    ux = (cos * qx - sin * qy) * inv_scale
    uy = (sin * qx + cos * qy) * inv_scale
    if shear is not None and np.any(shear != 0):
        # undo x' = x - tan(shear) * y (y down), which leans the top to the right
        ux = ux + np.tan(np.deg2rad(shear.astype(np.float32)))[:, None] * uy
    return ux + np.float32(cx + border), uy + np.float32(cy + border)


def bilinear_sample(x: NDArray[np.float32], sx: NDArray, sy: NDArray) -> NDArray[np.float32]:
    """Read every image of ``x`` (N, C, H, W) at its own points, bilinearly, zero outside.

    Parameters
    ----------
    x : numpy.ndarray, shape (N, C, H, W)
    sx, sy : numpy.ndarray, shape (N, H * W)
        Source column and row of each output pixel in pixel indices plus 1 (the coordinates
        of the image padded by a one-pixel zero border, as :func:`affine_source` gives them).

    Returns
    -------
    numpy.ndarray, shape (N, C, H, W), float32
    """
    n, c, h, w = x.shape
    hp, wp = h + 2, w + 2
    padded = np.zeros((n, c, hp, wp), dtype=np.float32)  # 1-pixel zero border
    padded[:, :, 1:-1, 1:-1] = x
    # clipping to the border keeps far-away points at zero
    sx = np.clip(sx, 0, wp - 1)
    sy = np.clip(sy, 0, hp - 1)
    x0 = np.minimum(np.floor(sx), wp - 2)
    y0 = np.minimum(np.floor(sy), hp - 2)
    wx = (sx - x0)[:, None, :]
    wy = (sy - y0)[:, None, :]
    # linear indices into padded.ravel(): sample, channel, row, column
    base = (np.arange(n) * (c * hp * wp))[:, None, None] + (np.arange(c) * (hp * wp))[None, :, None]
    i00 = base + (y0.astype(np.intp) * wp + x0.astype(np.intp))[:, None, :]
    flat = padded.ravel()
    v00 = flat[i00]
    v01 = flat[i00 + 1]
    v10 = flat[i00 + wp]
    v11 = flat[i00 + wp + 1]
    top = v00 + wx * (v01 - v00)
    bottom = v10 + wx * (v11 - v10)
    return (top + wy * (bottom - top)).reshape(n, c, h, w)
