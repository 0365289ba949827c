"""Images to classify instead of a drawing, without Qt (run in a worker thread): image files and
real MNIST digits from the embedded test split."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

import nn
from nn.preprocess import prepare_image, to_ink_high
from workbench.core.imageio import ImageFileError, load_grayscale
from workbench.state.draw.collection import drawing_label

#: Loaded images are shown on the canvas at most this many pixels on a side.
DISPLAY_MAX_SIDE = 560


@dataclass(frozen=True)
class LoadedImage:
    """An image for the canvas.

    ``base`` is what the canvas shows (ink high), ``direct_input`` the exact 28×28 network input
    (see :class:`~workbench.state.draw.strokes.Reset`), ``label`` the true class if known.
    """

    base: NDArray[np.float32]
    direct_input: NDArray[np.float32]
    title: str
    label: int | None = None
    kind: str = "file"


def _shrink(gray: NDArray[np.float32], max_side: int = DISPLAY_MAX_SIDE) -> NDArray[np.float32]:
    """Box-average by an integer factor so the longer side is at most about ``max_side`` (for
    display only; the network input comes from the full image)."""
    factor = -(-max(gray.shape) // max_side)
    if factor < 2:
        return gray
    h, w = gray.shape[0] // factor, gray.shape[1] // factor
    if h == 0 or w == 0:
        return gray
    blocks = gray[: h * factor, : w * factor].reshape(h, factor, w, factor)
    return blocks.mean(axis=(1, 3), dtype=np.float64).astype(np.float32)


def load_image_file(path: str | Path) -> LoadedImage:
    """Read ``path`` for the canvas; its network input is exactly what ``main.py predict`` uses
    (:func:`nn.preprocess.prepare_image` of the grey levels).

    Raises
    ------
    ImageFileError
        The file is missing, unreadable, corrupt or too large (the message names it).
    """
    gray = load_grayscale(path)
    direct = prepare_image(gray)
    base = to_ink_high(_shrink(gray))
    return LoadedImage(base, direct, Path(path).name, drawing_label(path))


@functools.lru_cache(maxsize=1)
def _test_digits() -> tuple[NDArray[np.float32], NDArray[np.int64]]:
    data = nn.datasets.load("digits")
    return data.x_test[:, 0], data.y_test


def random_test_digit(rng: np.random.Generator) -> tuple[LoadedImage, int]:
    """A random digit of the embedded MNIST test split and its index in that split."""
    images, labels = _test_digits()
    index = int(rng.integers(len(images)))
    image = images[index].astype(np.float32)
    return LoadedImage(image, image, str(index), int(labels[index]), "mnist"), index


__all__ = ["ImageFileError", "LoadedImage", "load_image_file", "random_test_digit"]
