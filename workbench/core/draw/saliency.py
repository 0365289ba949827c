"""Why the network chose its answer: saliency maps over the 28×28 input, without Qt.

* ``gradient_input`` (the default) — the gradient below times the ink: which of the drawn
  strokes pushed the score up or down.
* ``gradient`` — ∂(top class score)/∂(input pixel), one backward pass (backpropagation, book
  ch. 5): where more ink would raise the score (positive) or lower it (negative).
* ``occlusion`` — how much the top class's probability drops when a 4×4 patch of ink is erased
  (Zeiler & Fergus 2014): slower (one forward pass per inked patch) but needs no calculus.

Every map is scaled so its largest magnitude is 1; :func:`to_rgba` colours it orange where it
supports the class and blue where it argues against it.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

import nn
from nn.preprocess import MNIST_SIZE
from workbench.core.draw.inference import as_batch

METHODS = ("gradient_input", "gradient", "occlusion")
OCCLUSION_PATCH = 4
OCCLUSION_STRIDE = 2
#: Okabe–Ito orange and sky blue: readable on the black canvas and for colour-blind eyes.
POSITIVE_RGB = (230, 159, 0)
NEGATIVE_RGB = (86, 180, 233)


def _normalised(sal: NDArray) -> NDArray[np.float64]:
    sal = np.nan_to_num(np.asarray(sal, dtype=np.float64).reshape(MNIST_SIZE, MNIST_SIZE))
    peak = float(np.abs(sal).max())
    return sal / peak if peak > 0.0 else np.zeros_like(sal)


def gradient(model: nn.Sequential, x28: NDArray, target: int) -> NDArray[np.float64]:
    """Raw gradient of class ``target``'s score with respect to the input, ``(28, 28)``."""
    return np.asarray(model.input_gradient(as_batch(x28), target), np.float64).reshape(
        MNIST_SIZE, MNIST_SIZE)


def occlusion(model: nn.Sequential, x28: NDArray, target: int,
              patch: int = OCCLUSION_PATCH, stride: int = OCCLUSION_STRIDE) -> NDArray[np.float64]:
    """Mean drop of ``target``'s probability when the patches covering each pixel are erased.

    Only patches that hold ink are evaluated (erasing nothing changes nothing), in one batch.
    """
    x = np.asarray(x28, dtype=np.float32).reshape(MNIST_SIZE, MNIST_SIZE)
    starts = range(0, MNIST_SIZE - patch + 1, stride)
    corners = [(r, c) for r in starts for c in starts if x[r:r + patch, c:c + patch].any()]
    if not corners:
        return np.zeros((MNIST_SIZE, MNIST_SIZE))
    batch = np.repeat(x[None], len(corners), axis=0)
    for k, (r, c) in enumerate(corners):
        batch[k, r:r + patch, c:c + patch] = 0.0
    base = float(model.predict_proba(as_batch(x))[0, target])
    probs = model.predict_proba(batch.reshape(-1, 1, MNIST_SIZE, MNIST_SIZE))[:, target]
    total = np.zeros((MNIST_SIZE, MNIST_SIZE))
    count = np.zeros((MNIST_SIZE, MNIST_SIZE))
    for (r, c), p in zip(corners, probs, strict=True):
        total[r:r + patch, c:c + patch] += base - float(p)
        count[r:r + patch, c:c + patch] += 1.0
    return np.divide(total, count, out=np.zeros_like(total), where=count > 0)


def saliency_map(model: nn.Sequential, x28: NDArray, target: int,
                 method: str = "gradient_input") -> NDArray[np.float64]:
    """The ``method`` map for class ``target``, ``(28, 28)`` scaled to ``[-1, 1]``."""
    if method == "gradient":
        sal = gradient(model, x28, target)
    elif method == "gradient_input":
        sal = gradient(model, x28, target) * np.asarray(x28, np.float64).reshape(
            MNIST_SIZE, MNIST_SIZE)
    elif method == "occlusion":
        sal = occlusion(model, x28, target)
    else:
        raise ValueError(f"unknown saliency method {method!r}; expected one of {METHODS}")
    return _normalised(sal)


def to_rgba(sal: NDArray, max_alpha: float = 0.9, gamma: float = 0.7) -> NDArray[np.uint8]:
    """Colour a map in ``[-1, 1]``: orange for positive, blue for negative, opacity growing with
    the magnitude (``|s| ** gamma`` lifts the faint parts). Returns ``(H, W, 4)`` uint8 RGBA."""
    s = np.clip(np.asarray(sal, dtype=np.float64), -1.0, 1.0)
    rgba = np.zeros((*s.shape, 4), dtype=np.uint8)
    rgba[s > 0, :3] = POSITIVE_RGB
    rgba[s < 0, :3] = NEGATIVE_RGB
    rgba[..., 3] = np.round(255.0 * max_alpha * np.abs(s) ** gamma).astype(np.uint8)
    return rgba
