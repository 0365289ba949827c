"""What the Draw page asks of a model, without Qt: is it a digit classifier, what does it say,
and where on the canvas does its 28×28 input come from."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import nn
from nn import ood
from nn.preprocess import MNIST_BOX, MNIST_SIZE, center_of_mass, ink_bounding_box
from workbench.core.i18n import tr

#: Per-sample input shapes accepted: MNIST images, or the same 784 pixels flattened.
IMAGE_SHAPES = ((1, MNIST_SIZE, MNIST_SIZE), (MNIST_SIZE, MNIST_SIZE), (MNIST_SIZE * MNIST_SIZE,))
NUM_CLASSES = 10
DIGITS = tuple(str(i) for i in range(NUM_CLASSES))
#: Below this confidence (top softmax probability) the page says "not sure" by default.
DEFAULT_THRESHOLD = 0.6


def model_problem(model: nn.Sequential) -> str | None:
    """Why ``model`` cannot classify drawn digits, or None when it can.

    The page needs 28×28 grey images in (``(1, 28, 28)``, or flattened to 784) and ten class
    scores out, like the MNIST networks of the book (ch. 3.6, 7.5, 8.1).
    """
    shape = tuple(int(s) for s in model.input_shape)
    if shape not in IMAGE_SHAPES:
        return tr("This model takes inputs of shape {shape}, not 28×28 images (1×28×28): it "
                  "cannot read a drawing. Train or open a model for MNIST digits.").format(
                      shape="×".join(map(str, shape)))
    try:
        classes = model.num_classes
    except Exception:  # noqa: BLE001 — a model whose output cannot be read as classes
        classes = -1
    if classes != NUM_CLASSES:
        return tr("This model has {n} outputs, not the 10 classes of the digits 0–9: it cannot "
                  "say which digit was drawn.").format(n=classes)
    return None


def class_names(model: nn.Sequential, fallback: tuple[str, ...] | None = None) -> list[str]:
    """The model's recorded class names, else ``fallback`` (the data's), else the digits."""
    meta = model.metadata if isinstance(model.metadata, dict) else {}
    recorded = meta.get("class_names")
    if isinstance(recorded, (list, tuple)) and len(recorded) == NUM_CLASSES:
        return [str(n) for n in recorded]
    if fallback is not None and len(fallback) == NUM_CLASSES:
        return [str(n) for n in fallback]
    return list(DIGITS)


@dataclass(frozen=True)
class Prediction:
    """The model's answer for one 28×28 input.

    Attributes
    ----------
    probabilities : numpy.ndarray of shape (10,)
        Softmax output (book ch. 3.5), float64, summing to 1.
    top : int
        Index of the most probable class.
    ood_score : float or None
        Energy score of the logits (:func:`nn.ood.energy_score`); None when not computed.
    not_a_digit : bool
        The score is below the model's "not a digit" threshold (:mod:`nn.ood`; only models
        whose file carries a calibration can say so).
    """

    probabilities: NDArray[np.float64]
    top: int
    ood_score: float | None = None
    not_a_digit: bool = False

    @property
    def confidence(self) -> float:
        return float(self.probabilities[self.top])

    def runner_up(self) -> int:
        """The second most probable class."""
        return int(np.argsort(-self.probabilities, kind="stable")[1])

    def is_sure(self, threshold: float) -> bool:
        return self.confidence >= threshold


def as_batch(x28: NDArray) -> NDArray[np.float32]:
    """A ``(28, 28)`` image as a batch of one ``(1, 1, 28, 28)`` (models reshape as needed)."""
    return np.asarray(x28, dtype=np.float32).reshape(1, 1, MNIST_SIZE, MNIST_SIZE)


def predict(model: nn.Sequential, x28: NDArray) -> Prediction:
    """Classify one preprocessed ``(28, 28)`` image (inference mode), and say whether it looks
    like a digit at all when the model carries a calibration (:func:`nn.ood.from_metadata`)."""
    return from_logits(model, model.forward(as_batch(x28)))


def from_logits(model: nn.Sequential, logits: NDArray) -> Prediction:
    """The :class:`Prediction` for one input's raw outputs ``logits`` (1, classes)."""
    probs = np.asarray(model.loss.probabilities(logits)[0], dtype=np.float64)
    calibration = ood.from_metadata(model.metadata)
    temperature = calibration.temperature if calibration is not None else 1.0
    score = float(ood.energy_score(logits, temperature)[0])
    flagged = calibration is not None and bool(calibration.flags([score])[0])
    return Prediction(probs, int(np.argmax(probs)), score, flagged)


@dataclass(frozen=True)
class InputFrame:
    """Where the 28×28 input lies on the canvas, in canvas units.

    ``x0, y0`` is the canvas position of the input's top-left corner and ``size`` the side of
    the canvas square that becomes 28 pixels; ``box`` (top, left, bottom, right) is the ink's
    bounding box and ``com`` (row, col) its centre of mass.
    """

    x0: float
    y0: float
    size: float
    box: tuple[int, int, int, int]
    com: tuple[float, float]


def input_frame(ink: NDArray, x28: NDArray, threshold: float = 0.05) -> InputFrame | None:
    """Recover the crop-scale-shift that :func:`nn.preprocess.canvas_to_mnist` applied.

    The scale follows from the ink's bounding box (longest side → 20 px); the shift from the
    centres of mass before and after, which the area resampling maps onto each other. None for
    a blank canvas.
    """
    box = ink_bounding_box(ink, threshold)
    if box is None:
        return None
    top, left, bottom, right = box
    scale = MNIST_BOX / max(bottom - top, right - left)
    crop = np.clip(ink[top:bottom, left:right], 0.0, 1.0)
    cr, cc = center_of_mass(crop)
    out_r, out_c = center_of_mass(x28)
    # input pixel centre i + 0.5 lands on scale * (i + 0.5) + offset in output coordinates
    off_r = out_r + 0.5 - scale * (cr + 0.5)
    off_c = out_c + 0.5 - scale * (cc + 0.5)
    return InputFrame(x0=left - off_c / scale, y0=top - off_r / scale, size=MNIST_SIZE / scale,
                      box=box, com=(top + cr + 0.5, left + cc + 0.5))
