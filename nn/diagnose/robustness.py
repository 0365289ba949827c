"""Robustness curves: a model's accuracy on images perturbed by Gaussian noise, rotation,
shift, scale and stroke thickness, one curve per perturbation, at fixed (deterministic)
levels — and the perturbed images themselves at a few levels.

The perturbations reuse :mod:`nn.datasets.augment` (the bilinear warp and the grey
dilation/erosion of the data augmentation, ch. 8.1.2) with fixed parameters instead of random
ones. Every model compared sees exactly the same perturbed images.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.datasets.augment import Augmenter, AugmentParams, dilate, erode
from nn.model import Sequential


@dataclass(frozen=True)
class Perturbation:
    """One kind of perturbation: its name, axis label and default levels (the first is the
    clean image)."""

    name: str
    title: str
    unit: str
    levels: tuple[float, ...]


PERTURBATIONS: dict[str, Perturbation] = {p.name: p for p in (
    Perturbation("noise", "Gaussian noise", "standard deviation (pixel values 0–1)",
                 (0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6)),
    Perturbation("rotation", "Rotation", "degrees (alternately clockwise and counter-clockwise)",
                 (0.0, 10.0, 20.0, 30.0, 45.0, 60.0, 90.0)),
    Perturbation("shift", "Shift", "pixels (in one of eight directions per image)",
                 (0.0, 1.0, 2.0, 3.0, 4.0, 5.0, 6.0)),
    Perturbation("scale", "Scale", "zoom factor about the centre",
                 (1.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.1, 1.2, 1.35, 1.5)),
    Perturbation("thickness", "Stroke thickness", "steps of 2×2 dilation (+) or erosion (−)",
                 (0.0, -2.0, -1.0, 1.0, 2.0, 3.0)),
)}
KINDS = tuple(PERTURBATIONS)
CLEAN = {"noise": 0.0, "rotation": 0.0, "shift": 0.0, "scale": 1.0, "thickness": 0.0}


def _directions(n: int) -> NDArray[np.float32]:
    """Unit vectors (n, 2): image ``i`` goes in direction ``i mod 8`` (every 45°)."""
    angle = (np.arange(n) % 8) * (np.pi / 4)
    return np.stack([np.cos(angle), np.sin(angle)], axis=1).astype(np.float32)


def perturb(x: ArrayLike, kind: str, level: float, seed: int = 0) -> NDArray[np.float32]:
    """``x`` (N, C, H, W) in [0, 1] perturbed by ``kind`` at ``level``, float32, clipped to
    [0, 1]; ``x`` itself is untouched.

    ``noise``: add N(0, level²) per pixel (drawn from ``seed``); ``rotation``: rotate by
    ``level`` degrees, image ``i`` counter-clockwise for even ``i``, clockwise for odd;
    ``shift``: move ``level`` pixels in direction ``i mod 8``; ``scale``: zoom by ``level``;
    ``thickness``: ``level`` 2×2 dilations (thicker strokes) or, negative, erosions.
    """
    if kind not in PERTURBATIONS:
        raise ValueError(f"Unknown perturbation {kind!r}; expected one of {', '.join(KINDS)}")
    level = float(level)
    if not math.isfinite(level):
        raise ValueError(f"Invalid {kind} level {level!r}")
    x = np.asarray(x)
    if x.ndim != 4:
        raise ValueError(f"Robustness curves need images (N, C, H, W); got shape {x.shape}")
    n = x.shape[0]
    if kind == "noise":
        if level < 0:
            raise ValueError(f"Invalid noise level {level:g} (a standard deviation ≥ 0)")
        rng = np.random.default_rng(seed)
        noisy = x.astype(np.float32) + np.float32(level) * rng.standard_normal(
            x.shape, dtype=np.float32)
        return np.clip(noisy, 0.0, 1.0, out=noisy)
    if kind == "thickness":
        out = np.array(x, dtype=np.float32, copy=True)
        op = dilate if level > 0 else erode
        for _ in range(int(round(abs(level)))):
            out = op(out, 2)
        return out
    shift = np.zeros((n, 2), np.float32)
    angle = np.zeros(n, np.float32)
    scale = np.ones(n, np.float32)
    if kind == "rotation":
        angle = np.where(np.arange(n) % 2 == 0, level, -level).astype(np.float32)
    elif kind == "shift":
        shift = _directions(n) * np.float32(level)
    else:
        if level <= 0:
            raise ValueError(f"Invalid scale {level:g} (a zoom factor > 0)")
        scale = np.full(n, level, np.float32)
    params = AugmentParams(shift, angle, scale, np.zeros(n, np.int8))
    return Augmenter.identity().apply(x, params)


@dataclass(frozen=True)
class RobustnessReport:
    """Curves for one or more models on the same perturbed images.

    ``levels[kind]``: the levels, sorted, shape (k,); ``accuracy[label][kind]``: accuracy in
    [0, 1] at each level, shape (k,); ``examples[kind]``: perturbed images at
    ``example_levels[kind]``, shape (len(example_levels[kind]), n_examples, H, W) for the first
    channel; ``samples``: how many test images each point is computed on.
    """

    levels: dict[str, NDArray[np.float64]]
    accuracy: dict[str, dict[str, NDArray[np.float64]]]
    examples: dict[str, NDArray[np.float32]]
    example_levels: dict[str, tuple[float, ...]]
    samples: int

    def clean_accuracy(self, label: str) -> float:
        """Accuracy on the unperturbed images (the level every curve shares)."""
        kind = next(iter(self.levels))
        at = int(np.flatnonzero(self.levels[kind] == CLEAN[kind])[0])
        return float(self.accuracy[label][kind][at])


def _pick_examples(levels: NDArray, kind: str, count: int) -> list[float]:
    """``count`` levels spread evenly from the weakest to the strongest, one of them the clean
    level (both extremes for perturbations that go both ways, such as scale)."""
    if count >= len(levels):
        return [float(v) for v in levels]
    picked = [float(levels[i]) for i in np.linspace(0, len(levels) - 1, count).round()
              .astype(int)]
    clean = CLEAN[kind]
    if clean not in picked:
        inner = range(1, len(picked) - 1) if len(picked) > 2 else range(len(picked))
        nearest = min(inner, key=lambda i: abs(picked[i] - clean))
        picked[nearest] = clean
    return sorted(set(picked))


def robustness(
    models: Sequential | Mapping[str, Sequential],
    x: ArrayLike,
    labels: ArrayLike,
    *,
    kinds: Sequence[str] = KINDS,
    levels: Mapping[str, Sequence[float]] | None = None,
    seed: int = 0,
    batch_size: int = 500,
    n_examples: int = 8,
    example_count: int = 3,
    progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> RobustnessReport:
    """Accuracy of each model on ``(x, labels)`` perturbed by each of ``kinds``.

    Parameters
    ----------
    models
        One model (labelled ``"model"``) or ``{label: model}`` to compare.
    x, labels
        Test images (N, C, H, W) in [0, 1] and labels (N,).
    levels
        Levels per kind (default :data:`PERTURBATIONS`' own); the clean level is added if
        missing, so every curve starts from the unperturbed accuracy.
    progress, should_cancel
        ``progress(done, total)`` after each (kind, level); a true ``should_cancel()`` raises
        :class:`InterruptedError` before the next.
    """
    named = {"model": models} if isinstance(models, Sequential) else dict(models)
    if not named:
        raise ValueError("Give at least one model")
    x, labels = np.asarray(x), np.asarray(labels)
    if len(x) != len(labels) or len(x) == 0:
        raise ValueError(f"Need as many labels as images, and some: {len(x)} images, "
                         f"{len(labels)} labels")
    unknown = [k for k in kinds if k not in PERTURBATIONS]
    if unknown:
        raise ValueError(f"Unknown perturbation {unknown[0]!r}; expected one of "
                         f"{', '.join(KINDS)}")
    chosen = {k: np.array(sorted({CLEAN[k], *(levels or {}).get(k, PERTURBATIONS[k].levels)}),
                          dtype=np.float64) for k in kinds}
    total = sum(len(v) for v in chosen.values())
    accuracy = {label: {k: np.empty(len(v)) for k, v in chosen.items()} for label in named}
    examples, example_levels, done = {}, {}, 0
    for kind, kind_levels in chosen.items():
        shown = _pick_examples(kind_levels, kind, example_count)
        pictures = []
        for i, level in enumerate(kind_levels):
            if should_cancel is not None and should_cancel():
                raise InterruptedError("Robustness curves cancelled")
            xp = perturb(x, kind, level, seed)
            for label, model in named.items():
                accuracy[label][kind][i] = model.accuracy(xp, labels, batch_size)
            if level in shown:
                pictures.append(xp[:n_examples, 0].copy())
            done += 1
            if progress is not None:
                progress(done, total)
        examples[kind] = np.stack(pictures)
        example_levels[kind] = tuple(shown)
    return RobustnessReport(chosen, accuracy, examples, example_levels, len(x))


__all__ = ["CLEAN", "KINDS", "PERTURBATIONS", "Perturbation", "RobustnessReport", "perturb",
           "robustness"]
