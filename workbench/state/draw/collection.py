"""The personal drawings set, without Qt: PNG files named by their true label, and a model's
accuracy on them.

A drawing is saved as the full canvas (white ink on black, like MNIST) in a file called
``<label>_<timestamp>.png``; evaluation reads each file with
:func:`workbench.core.imageio.load_for_model` — the preprocessing ``main.py predict`` uses — so the
measured accuracy is what the page and the command line would answer.
"""

from __future__ import annotations

import datetime
import re
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

import nn
from workbench.core.draw.inference import NUM_CLASSES, as_batch
from workbench.core.imageio import ImageFileError, load_for_model, save_grayscale_png

_NAME = re.compile(r"^(\d)_[^/\\]*\.png$", re.IGNORECASE)
_BATCH = 200


@dataclass(frozen=True)
class Drawing:
    """One saved drawing and its true label."""

    path: Path
    label: int


def drawing_label(path: str | Path) -> int | None:
    """The label encoded in a drawing's file name (``7_20250101-120000-000.png`` → 7)."""
    match = _NAME.match(Path(path).name)
    return int(match.group(1)) if match else None


class DrawingsFolder:
    """A folder of labelled drawings (created on the first save)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)

    def save(self, ink: NDArray, label: int, when: datetime.datetime | None = None) -> Path:
        """Write ``ink`` (ink high, ``(H, W)`` in ``[0, 1]``) as ``<label>_<timestamp>.png``.

        Raises
        ------
        ValueError
            ``label`` is not a digit 0–9, or ``ink`` is not a 2-D image.
        OSError
            The folder or file cannot be written.
        """
        if not 0 <= int(label) < NUM_CLASSES:
            raise ValueError(f"label must be 0–9, got {label}")
        self.path.mkdir(parents=True, exist_ok=True)
        stamp = (when or datetime.datetime.now()).strftime("%Y%m%d-%H%M%S-%f")[:-3]
        target = self.path / f"{int(label)}_{stamp}.png"
        n = 1
        while target.exists():
            n += 1
            target = self.path / f"{int(label)}_{stamp}-{n}.png"
        save_grayscale_png(target, ink)
        return target

    def drawings(self) -> list[Drawing]:
        """Every labelled PNG in the folder, by name (an unreadable folder gives none)."""
        try:
            entries = sorted(self.path.iterdir())
        except OSError:
            return []
        out = []
        for entry in entries:
            label = drawing_label(entry)
            if label is not None and entry.is_file():
                out.append(Drawing(entry, label))
        return out

    def counts(self) -> list[int]:
        """How many drawings each label 0–9 has."""
        counts = [0] * NUM_CLASSES
        for drawing in self.drawings():
            counts[drawing.label] += 1
        return counts


@dataclass(frozen=True)
class Mistake:
    """A drawing the model got wrong: its network input and the model's answer."""

    path: Path
    label: int
    predicted: int
    confidence: float
    image: NDArray[np.float32]  # (28, 28), what the network saw


@dataclass
class Evaluation:
    """A model's results on a drawings set.

    ``confusion[t, p]`` counts drawings of label ``t`` classified as ``p``.
    """

    confusion: NDArray[np.int64] = field(
        default_factory=lambda: np.zeros((NUM_CLASSES, NUM_CLASSES), np.int64))
    mistakes: list[Mistake] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)
    cancelled: bool = False

    @property
    def total(self) -> int:
        return int(self.confusion.sum())

    @property
    def correct(self) -> int:
        return int(np.trace(self.confusion))

    @property
    def accuracy(self) -> float:
        """Fraction correct, NaN without drawings."""
        return self.correct / self.total if self.total else float("nan")

    def per_class(self) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
        """Drawings per label and the accuracy on each label (NaN where there are none)."""
        totals = self.confusion.sum(axis=1)
        acc = np.divide(np.diag(self.confusion), totals, out=np.full(NUM_CLASSES, np.nan),
                        where=totals > 0)
        return totals, acc


def evaluate(model: nn.Sequential, drawings: list[Drawing],
             cancel: threading.Event | None = None,
             progress: Callable[[int, int], None] | None = None) -> Evaluation:
    """Classify every drawing with ``model`` (use a copy no other thread touches).

    Unreadable files are listed, not fatal; ``cancel`` ends the run early (``cancelled``).
    """
    result = Evaluation()
    for start in range(0, len(drawings), _BATCH):
        if cancel is not None and cancel.is_set():
            result.cancelled = True
            break
        chunk, images = [], []
        for drawing in drawings[start:start + _BATCH]:
            try:
                images.append(load_for_model(drawing.path))
                chunk.append(drawing)
            except ImageFileError as exc:
                result.unreadable.append((drawing.path, str(exc)))
        if chunk:
            x = np.concatenate([as_batch(img) for img in images])
            probs = model.predict_proba(x)
            for drawing, image, p in zip(chunk, images, probs, strict=True):
                predicted = int(np.argmax(p))
                result.confusion[drawing.label, predicted] += 1
                if predicted != drawing.label:
                    result.mistakes.append(Mistake(drawing.path, drawing.label, predicted,
                                                   float(p[predicted]), image))
        if progress is not None:
            progress(min(start + _BATCH, len(drawings)), len(drawings))
    return result
