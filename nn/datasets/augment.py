"""Image data augmentation, vectorised over the batch (the book's ch. 8.1.1, "data augmentation").

Each image gets its own random shift, rotation and scale, applied as one affine map per sample and
a single bilinear resampling of the whole batch (fancy indexing, no Python loop over samples or
pixels); optionally its strokes are thickened or thinned (grey dilation/erosion with a 2x2 or 3x3
max/min over shifted views) and Gaussian noise is added. Everything stays float32, and the input
array is never modified.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

__all__ = ["AugmentParams", "Augmenter", "dilate", "erode"]


@dataclass(frozen=True)
class AugmentParams:
    """The random draws for one batch of ``N`` images (see :meth:`Augmenter.sample`).

    Attributes
    ----------
    shift : numpy.ndarray
        float32 (N, 2): translation ``(dx, dy)`` in pixels, ``dx`` to the right, ``dy`` down.
    angle : numpy.ndarray
        float32 (N,): rotation in degrees, counter-clockwise as displayed.
    scale : numpy.ndarray
        float32 (N,): zoom factor about the image centre (> 1 enlarges).
    thickness : numpy.ndarray
        int8 (N,): +1 dilate (thicker strokes), -1 erode (thinner), 0 unchanged.
    noise : numpy.ndarray or None
        float32 (N, C, H, W) noise to add, or ``None``.
    """

    shift: NDArray[np.float32]
    angle: NDArray[np.float32]
    scale: NDArray[np.float32]
    thickness: NDArray[np.int8]
    noise: NDArray[np.float32] | None = None


def _shifted_views(x: NDArray[np.float32], k: int, fill: float) -> list[NDArray[np.float32]]:
    """The ``k*k`` views of ``x`` (N, C, H, W) shifted by 0..k-1 pixels (centred for k = 3)."""
    n, c, h, w = x.shape
    lo = (k - 1) // 2
    padded = np.full((n, c, h + k - 1, w + k - 1), fill, dtype=x.dtype)
    padded[:, :, lo : lo + h, lo : lo + w] = x
    return [padded[:, :, i : i + h, j : j + w] for i in range(k) for j in range(k)]


def dilate(x: NDArray[np.float32], k: int = 2) -> NDArray[np.float32]:
    """Grey dilation of a batch (N, C, H, W): the max over a ``k x k`` neighbourhood."""
    views = _shifted_views(x, k, -np.inf)
    return np.maximum.reduce(views)


def erode(x: NDArray[np.float32], k: int = 2) -> NDArray[np.float32]:
    """Grey erosion of a batch (N, C, H, W): the min over a ``k x k`` neighbourhood."""
    views = _shifted_views(x, k, np.inf)
    return np.minimum.reduce(views)


def _warp(x: NDArray[np.float32], params: AugmentParams) -> NDArray[np.float32]:
    """Resample every image through its own affine map, bilinearly, zero outside the image.

    For output pixel ``p`` the source point is ``c + R(-angle) (p - c - shift) / scale`` with
    ``c`` the image centre, i.e. the image is scaled and rotated about its centre, then shifted.
    """
    n, c, h, w = x.shape
    hp, wp = h + 2, w + 2
    padded = np.zeros((n, c, hp, wp), dtype=np.float32)  # 1-pixel zero border
    padded[:, :, 1:-1, 1:-1] = x

    cy, cx = (h - 1) / 2.0, (w - 1) / 2.0
    ys, xs = np.indices((h, w), dtype=np.float32).reshape(2, 1, h * w)
    theta = np.deg2rad(params.angle.astype(np.float32))[:, None]
    cos, sin = np.cos(theta), np.sin(theta)
    inv_scale = (1.0 / params.scale.astype(np.float32))[:, None]
    qx = xs - np.float32(cx) - params.shift[:, :1].astype(np.float32)  # (N, P)
    qy = ys - np.float32(cy) - params.shift[:, 1:].astype(np.float32)
    # + 1 for the border; clipping to the border keeps far-away points at zero
    sx = np.clip((cos * qx - sin * qy) * inv_scale + np.float32(cx + 1), 0, wp - 1)
    sy = np.clip((sin * qx + cos * qy) * inv_scale + np.float32(cy + 1), 0, hp - 1)

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


@dataclass(frozen=True)
class Augmenter:
    """Random image augmentation for batches ``(N, C, H, W)`` in ``[0, 1]``.

    Parameters
    ----------
    max_shift : float
        Each image moves by up to this many pixels along each axis (uniform, sub-pixel).
    max_rotation : float
        Rotation drawn uniformly from ``[-max_rotation, max_rotation]`` degrees.
    scale_range : tuple of float
        Zoom factor drawn uniformly from ``[low, high]``.
    noise_std : float
        Standard deviation of added Gaussian noise.
    thickness_prob : float
        Probability that an image's strokes are dilated or eroded (each half of the time).
    thickness_kernel : int
        2 or 3: the ``k x k`` neighbourhood of the dilation/erosion.
    shift, rotation, scale, noise, thickness : bool
        Switch each augmentation on or off.
    clip : bool
        Clip the result to ``[0, 1]``.
    """

    max_shift: float = 2.0
    max_rotation: float = 10.0
    scale_range: tuple[float, float] = (0.9, 1.1)
    noise_std: float = 0.02
    thickness_prob: float = 0.3
    thickness_kernel: int = 2
    shift: bool = True
    rotation: bool = True
    scale: bool = True
    noise: bool = False
    thickness: bool = False
    clip: bool = True

    def __post_init__(self) -> None:
        for name in ("max_shift", "max_rotation", "noise_std", "thickness_prob"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise ValueError(f"Invalid {name}: {value!r} (must be a number)")
        for name in ("shift", "rotation", "scale", "noise", "thickness", "clip"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"Invalid {name}: {getattr(self, name)!r} (must be true or "
                                 "false)")
        pair = self.scale_range
        if isinstance(pair, (str, bytes)) or not isinstance(pair, (tuple, list)) \
                or len(pair) != 2 or not all(isinstance(v, (int, float))
                                             and not isinstance(v, bool)
                                             and math.isfinite(v) for v in pair):
            raise ValueError(f"Invalid scale_range: {pair!r} (must be two numbers, low and "
                             "high)")
        lo, hi = pair
        checks = [
            (self.max_shift >= 0, f"Invalid max_shift: {self.max_shift} (must be >= 0)"),
            (0 <= self.max_rotation <= 180, f"Invalid max_rotation: {self.max_rotation}"),
            (0 < lo <= hi, f"Invalid scale_range: {self.scale_range} (need 0 < low <= high)"),
            (self.noise_std >= 0, f"Invalid noise_std: {self.noise_std} (must be >= 0)"),
            (0 <= self.thickness_prob <= 1, f"Invalid thickness_prob: {self.thickness_prob}"),
            (self.thickness_kernel in (2, 3), f"Invalid thickness_kernel: {self.thickness_kernel}"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        object.__setattr__(self, "scale_range", (float(lo), float(hi)))

    @classmethod
    def identity(cls) -> Augmenter:
        """An augmenter that changes nothing (every switch off)."""
        return cls(shift=False, rotation=False, scale=False, noise=False, thickness=False)

    def sample(self, shape: tuple[int, ...], rng: np.random.Generator) -> AugmentParams:
        """Draw the parameters for a batch of ``shape = (N, C, H, W)``."""
        n = shape[0]
        shift = np.zeros((n, 2), np.float32)
        angle = np.zeros(n, np.float32)
        scale = np.ones(n, np.float32)
        thickness = np.zeros(n, np.int8)
        noise = None
        if self.shift and self.max_shift > 0:
            shift = rng.uniform(-self.max_shift, self.max_shift, (n, 2)).astype(np.float32)
        if self.rotation and self.max_rotation > 0:
            angle = rng.uniform(-self.max_rotation, self.max_rotation, n).astype(np.float32)
        if self.scale and self.scale_range != (1.0, 1.0):
            scale = rng.uniform(*self.scale_range, n).astype(np.float32)
        if self.thickness and self.thickness_prob > 0:
            chosen = rng.random(n) < self.thickness_prob
            sign = np.where(rng.random(n) < 0.5, 1, -1)
            thickness = (chosen * sign).astype(np.int8)
        if self.noise and self.noise_std > 0:
            noise = rng.standard_normal(shape, dtype=np.float32)
            noise *= np.float32(self.noise_std)
        return AugmentParams(shift, angle, scale, thickness, noise)

    def apply(self, x: NDArray, params: AugmentParams) -> NDArray[np.float32]:
        """Apply drawn ``params`` to ``x`` (N, C, H, W); returns a new float32 array."""
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(f"Augmenter expects images (N, C, H, W), got shape {x.shape}")
        out = np.array(x, dtype=np.float32, copy=True)
        for sign, op in ((1, dilate), (-1, erode)):
            sel = np.flatnonzero(params.thickness == sign)
            if sel.size:
                out[sel] = op(out[sel], self.thickness_kernel)
        geometric = (
            np.any(params.shift != 0) or np.any(params.angle != 0) or np.any(params.scale != 1)
        )
        if geometric:
            out = _warp(out, params)
        if params.noise is not None:
            out += params.noise
        if self.clip and (params.noise is not None or geometric or params.thickness.any()):
            np.clip(out, 0.0, 1.0, out=out)
        return out

    def __call__(self, x: NDArray, rng: np.random.Generator) -> NDArray[np.float32]:
        """Augment a batch ``x`` (N, C, H, W) with fresh draws from ``rng``; ``x`` is untouched.

        Returns
        -------
        numpy.ndarray
            float32 (N, C, H, W).
        """
        return self.apply(x, self.sample(np.shape(x), rng))

    def get_config(self) -> dict[str, Any]:
        """The constructor arguments as a JSON-able dict."""
        config = asdict(self)
        config["scale_range"] = list(self.scale_range)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Augmenter:
        """Rebuild from :meth:`get_config` output; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"Augmenter config has unknown keys {unknown}; known: {sorted(known)}")
        kwargs = dict(config)
        if "scale_range" in kwargs:
            kwargs["scale_range"] = tuple(kwargs["scale_range"])
        return cls(**kwargs)
