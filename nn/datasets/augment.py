"""Image data augmentation, vectorised over the batch (the book's ch. 8.1.1, "data augmentation").

Each image gets its own random shift, rotation, scale and shear, applied as one affine map per
sample, optionally plus an elastic displacement field (Simard et al. 2003), and a single bilinear
resampling of the whole batch (fancy indexing, no Python loop over samples or pixels,
:mod:`nn.datasets.warp`). Optionally its strokes are first redrawn with a round pen of random
width like the Draw page's (:mod:`nn.datasets.restroke`), thickened or thinned (grey
dilation/erosion with a 2x2 or 3x3 max/min over shifted views), and Gaussian noise is added.
Everything stays float32, and the input array is never modified.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.datasets.restroke import restroke
from nn.datasets.warp import affine_source, bilinear_sample, elastic_field

__all__ = ["DRAW_AUGMENT", "AugmentParams", "Augmenter", "dilate", "erode"]


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
    shear : numpy.ndarray or None
        float32 (N,): horizontal shear in degrees (positive leans the top right), or ``None``.
    displacement : numpy.ndarray or None
        float32 (N, 2, H, W): elastic ``(dx, dy)`` added to each pixel's source point, or ``None``.
    pen : numpy.ndarray or None
        float32 (N,): re-stroke pen width in pixels, 0 to keep the image's strokes; or ``None``.
    """

    shift: NDArray[np.float32]
    angle: NDArray[np.float32]
    scale: NDArray[np.float32]
    thickness: NDArray[np.int8]
    noise: NDArray[np.float32] | None = None
    shear: NDArray[np.float32] | None = None
    displacement: NDArray[np.float32] | None = None
    pen: NDArray[np.float32] | None = None


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
    """Resample every image through its own affine map (and elastic field), bilinearly."""
    n, c, h, w = x.shape
    sx, sy = affine_source((h, w), params.shift, params.angle, params.scale, params.shear)
    if params.displacement is not None:
        sx = sx + params.displacement[:, 0].reshape(n, h * w)
        sy = sy + params.displacement[:, 1].reshape(n, h * w)
    return bilinear_sample(x, sx, sy)


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
    max_shear : float
        Horizontal shear drawn uniformly from ``[-max_shear, max_shear]`` degrees (slanted
        handwriting).
    elastic_prob, elastic_alpha, elastic_sigma : float
        Probability that an image gets an elastic distortion, its strength and smoothness in
        pixels (Simard et al. 2003 used alpha 34, sigma 4 on MNIST).
    restroke_prob : float
        Probability that an image's strokes are redrawn with a round pen, as the Draw page's
        strokes are (:func:`nn.datasets.restroke.restroke`).
    restroke_width : tuple of float
        That pen's width in pixels, drawn uniformly from ``[low, high]`` (the page's "MNIST pen
        width" gives 0.14 x 20 = 2.8 px).
    shift, rotation, scale, noise, thickness, shear, elastic, restroke : bool
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
    max_shear: float = 15.0
    elastic_prob: float = 0.5
    elastic_alpha: float = 34.0
    elastic_sigma: float = 4.0
    restroke_prob: float = 0.3
    restroke_width: tuple[float, float] = (1.5, 3.0)
    shear: bool = False
    elastic: bool = False
    restroke: bool = False

    def __post_init__(self) -> None:
        for name in ("max_shift", "max_rotation", "noise_std", "thickness_prob", "max_shear",
                     "elastic_prob", "elastic_alpha", "elastic_sigma", "restroke_prob"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) \
                    or not math.isfinite(value):
                raise ValueError(f"Invalid {name}: {value!r} (must be a number)")
        for name in ("shift", "rotation", "scale", "noise", "thickness", "clip", "shear",
                     "elastic", "restroke"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"Invalid {name}: {getattr(self, name)!r} (must be true or "
                                 "false)")
        for name in ("scale_range", "restroke_width"):
            pair = getattr(self, name)
            if isinstance(pair, (str, bytes)) or not isinstance(pair, (tuple, list)) \
                    or len(pair) != 2 or not all(isinstance(v, (int, float))
                                                 and not isinstance(v, bool)
                                                 and math.isfinite(v) for v in pair):
                raise ValueError(f"Invalid {name}: {pair!r} (must be two numbers, low and "
                                 "high)")
        lo, hi = self.scale_range
        pen_lo, pen_hi = self.restroke_width
        checks = [
            (self.max_shift >= 0, f"Invalid max_shift: {self.max_shift} (must be >= 0)"),
            (0 <= self.max_rotation <= 180, f"Invalid max_rotation: {self.max_rotation}"),
            (0 < lo <= hi, f"Invalid scale_range: {self.scale_range} (need 0 < low <= high)"),
            (self.noise_std >= 0, f"Invalid noise_std: {self.noise_std} (must be >= 0)"),
            (0 <= self.thickness_prob <= 1, f"Invalid thickness_prob: {self.thickness_prob}"),
            (self.thickness_kernel in (2, 3), f"Invalid thickness_kernel: {self.thickness_kernel}"),
            (0 <= self.max_shear < 60, f"Invalid max_shear: {self.max_shear} (need 0..60)"),
            (0 <= self.elastic_prob <= 1, f"Invalid elastic_prob: {self.elastic_prob}"),
            (self.elastic_alpha >= 0, f"Invalid elastic_alpha: {self.elastic_alpha}"),
            (self.elastic_sigma > 0, f"Invalid elastic_sigma: {self.elastic_sigma} (must be > 0)"),
            (0 <= self.restroke_prob <= 1, f"Invalid restroke_prob: {self.restroke_prob}"),
            (0.5 <= pen_lo <= pen_hi <= 8, f"Invalid restroke_width: {self.restroke_width} "
                                           "(need 0.5 <= low <= high <= 8 pixels)"),
        ]
        for ok, message in checks:
            if not ok:
                raise ValueError(message)
        object.__setattr__(self, "scale_range", (float(lo), float(hi)))
        object.__setattr__(self, "restroke_width", (float(pen_lo), float(pen_hi)))

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
        # drawn after the original augmentations, so their random streams are unchanged
        shear = displacement = pen = None
        if self.shear and self.max_shear > 0:
            shear = rng.uniform(-self.max_shear, self.max_shear, n).astype(np.float32)
        if self.elastic and self.elastic_prob > 0 and self.elastic_alpha > 0:
            alpha = (rng.random(n) < self.elastic_prob) * self.elastic_alpha
            displacement = elastic_field(n, shape[-2], shape[-1], alpha, self.elastic_sigma, rng)
        if self.restroke and self.restroke_prob > 0:
            widths = rng.uniform(*self.restroke_width, n)
            pen = np.where(rng.random(n) < self.restroke_prob, widths, 0.0).astype(np.float32)
        return AugmentParams(shift, angle, scale, thickness, noise, shear, displacement, pen)

    def apply(self, x: NDArray, params: AugmentParams) -> NDArray[np.float32]:
        """Apply drawn ``params`` to ``x`` (N, C, H, W); returns a new float32 array."""
        x = np.asarray(x)
        if x.ndim != 4:
            raise ValueError(f"Augmenter expects images (N, C, H, W), got shape {x.shape}")
        out = np.array(x, dtype=np.float32, copy=True)
        pen = params.pen
        restroked = pen is not None and bool(np.any(pen > 0))
        if restroked:
            sel = np.flatnonzero(pen > 0)
            n, c, h, w = out[sel].shape
            redrawn = restroke(out[sel].reshape(n * c, h, w), np.repeat(pen[sel], c))
            out[sel] = redrawn.reshape(n, c, h, w)
        for sign, op in ((1, dilate), (-1, erode)):
            sel = np.flatnonzero(params.thickness == sign)
            if sel.size:
                out[sel] = op(out[sel], self.thickness_kernel)
        geometric = (
            np.any(params.shift != 0) or np.any(params.angle != 0) or np.any(params.scale != 1)
            or (params.shear is not None and np.any(params.shear != 0))
            or (params.displacement is not None and np.any(params.displacement != 0))
        )
        if geometric:
            out = _warp(out, params)
        if params.noise is not None:
            out += params.noise
        if self.clip and (params.noise is not None or geometric or params.thickness.any()
                          or restroked):
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
        config["restroke_width"] = list(self.restroke_width)
        return config

    @classmethod
    def from_config(cls, config: dict[str, Any]) -> Augmenter:
        """Rebuild from :meth:`get_config` output; unknown keys are an error."""
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(config) - known)
        if unknown:
            raise ValueError(f"Augmenter config has unknown keys {unknown}; known: {sorted(known)}")
        kwargs = dict(config)
        for name in ("scale_range", "restroke_width"):
            if name in kwargs and isinstance(kwargs[name], list):
                kwargs[name] = tuple(kwargs[name])
        return cls(**kwargs)


#: The recipe for drawings (``--augment draw``): how people draw that MNIST's writers did not,
#: i.e. off-centre, slanted, rotated, wobbly, with the Draw page's uniform round pen.
DRAW_AUGMENT: dict[str, Any] = Augmenter(
    max_shift=2.5, max_rotation=15.0, scale_range=(0.8, 1.1), thickness=True,
    thickness_prob=0.3, shear=True, max_shear=15.0, elastic=True, elastic_prob=0.5,
    elastic_alpha=34.0, elastic_sigma=4.0, restroke=True, restroke_prob=0.4,
    restroke_width=(1.4, 3.2),
).get_config()
