"""Is it a digit at all? An out-of-distribution score for a classifier's inputs.

Softmax always sums to 1, so a network trained on digits (book ch. 3.5) gives every input —
a dash, a scribble, a letter — a "most likely digit", often with high probability. The logits
before the softmax carry more information: their log-sum-exp, the negative *free energy*
``-E(x) = T log sum_k exp(f_k(x) / T)`` (Liu, Wang, Owens & Li, "Energy-based
out-of-distribution detection", NeurIPS 2020), is large when some class's evidence is large
and small when no class fits, and, unlike the top softmax probability, does not saturate at 1.

:func:`calibrate` picks the threshold from digits the network should accept (e.g. the official
MNIST test set) so that at most a given share of them (2 % by default) is flagged; inputs
scoring below it are reported as "doesn't look like a digit". A blank input (no ink) is a case
of its own: "nothing drawn". The calibration travels in the model file's metadata under
``"ood"`` (:func:`to_metadata`, :func:`from_metadata`).
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

__all__ = [
    "BLANK",
    "DIGIT",
    "NOT_A_DIGIT",
    "OodCalibration",
    "calibrate",
    "energy_score",
    "from_metadata",
    "is_blank",
    "logits",
    "to_metadata",
    "verdict",
]

DIGIT = "digit"
NOT_A_DIGIT = "not a digit"
BLANK = "blank"
#: An input whose brightest pixel is at most this is blank ("nothing drawn").
BLANK_LEVEL = 1e-3


@dataclass(frozen=True)
class OodCalibration:
    """A threshold on :func:`energy_score` and how it was chosen.

    Attributes
    ----------
    threshold : float
        Inputs scoring below it are flagged as not a digit.
    flag_rate : float
        Share of the calibration digits flagged by that threshold (at most ``max_flag_rate``).
    max_flag_rate : float
        The share that was allowed.
    count : int
        Number of calibration digits.
    source : str
        Which digits, e.g. ``"mnist test"``.
    temperature : float
        ``T`` of the score.
    """

    threshold: float
    flag_rate: float
    max_flag_rate: float
    count: int
    source: str
    temperature: float = 1.0

    def flags(self, scores: ArrayLike) -> NDArray[np.bool_]:
        """Which of the ``scores`` fall below the threshold."""
        return np.asarray(scores, np.float64) < self.threshold


def logits(model: Any, x: ArrayLike, batch_size: int = 500) -> NDArray[np.float64]:
    """The network's outputs before the softmax, ``(N, classes)`` float64, in batches."""
    x = np.asarray(x)
    parts = [np.asarray(model.forward(x[i : i + batch_size], training=False), np.float64)
             for i in range(0, len(x), batch_size)]
    return np.concatenate(parts) if parts else np.zeros((0, model.num_classes))


def energy_score(z: ArrayLike, temperature: float = 1.0) -> NDArray[np.float64]:
    """``T * logsumexp(z / T)`` per row of logits ``z`` (N, K): high for inputs like the
    training data, low where no class fits (the negative free energy)."""
    z = np.asarray(z, np.float64) / temperature
    top = z.max(axis=-1, keepdims=True)
    return temperature * (top[..., 0] + np.log(np.exp(z - top).sum(axis=-1)))


def calibrate(scores: ArrayLike, max_flag_rate: float = 0.02, source: str = "",
              temperature: float = 1.0) -> OodCalibration:
    """The highest threshold that flags at most ``max_flag_rate`` of ``scores``.

    Parameters
    ----------
    scores : array_like, shape (N,)
        :func:`energy_score` of digits that should be accepted.
    max_flag_rate : float
        In ``[0, 1)``.
    """
    s = np.sort(np.asarray(scores, np.float64).ravel())
    if s.size == 0 or not np.isfinite(s).all():
        raise ValueError("calibration needs finite scores of at least one digit")
    if not 0.0 <= max_flag_rate < 1.0:
        raise ValueError(f"Invalid max_flag_rate: {max_flag_rate} (must be in [0, 1))")
    k = int(math.floor(max_flag_rate * s.size))  # flag at most k: those strictly below s[k]
    threshold = float(s[k])
    rate = float(np.mean(s < threshold))
    return OodCalibration(threshold, rate, float(max_flag_rate), int(s.size), source,
                          float(temperature))


def is_blank(x: ArrayLike) -> NDArray[np.bool_]:
    """Per image of ``x`` (N, ...): no pixel brighter than :data:`BLANK_LEVEL`."""
    x = np.asarray(x)
    return ~(x.reshape(len(x), -1) > BLANK_LEVEL).any(axis=1)


def verdict(x: ArrayLike, z: ArrayLike, calibration: OodCalibration | None) -> list[str]:
    """:data:`BLANK`, :data:`NOT_A_DIGIT` or :data:`DIGIT` for each input ``x`` (N, ...) with
    logits ``z`` (N, K); without a calibration only blank inputs are told apart."""
    blank = is_blank(x)
    flagged = (calibration.flags(energy_score(z, calibration.temperature))
               if calibration is not None else np.zeros(len(blank), bool))
    return [BLANK if b else NOT_A_DIGIT if f else DIGIT
            for b, f in zip(blank, flagged, strict=True)]


def to_metadata(calibration: OodCalibration) -> dict[str, Any]:
    """JSON-able form for a model file's metadata (key ``"ood"``)."""
    return {"score": "energy", **asdict(calibration)}


def from_metadata(metadata: Any) -> OodCalibration | None:
    """The calibration stored in a model's metadata, or None (absent or malformed)."""
    entry = metadata.get("ood") if isinstance(metadata, dict) else None
    if not isinstance(entry, dict) or entry.get("score") != "energy":
        return None
    try:
        cal = OodCalibration(float(entry["threshold"]), float(entry["flag_rate"]),
                             float(entry["max_flag_rate"]), int(entry["count"]),
                             str(entry.get("source", "")), float(entry.get("temperature", 1.0)))
    except (KeyError, TypeError, ValueError):
        return None
    finite = all(math.isfinite(v) for v in (cal.threshold, cal.temperature))
    return cal if finite and cal.temperature > 0 else None
