"""The numbers that decide when a check speaks, in one place (each check cites its own)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import ArrayLike, NDArray


@dataclass(frozen=True)
class Thresholds:
    """When each check triggers; the defaults suit the book's MNIST networks."""

    #: Loss-curve checks need at least this many iterations.
    min_iterations: int = 40
    #: The loss "barely moved" when its mean fell by less than this share of its start.
    barely_moving: float = 0.05
    #: ...and it had not learned yet: its last mean is above this share of a uniform guess.
    unlearned: float = 0.5
    #: Oscillating: the loss's spread over the last third, as a share of a uniform guess's loss.
    oscillation: float = 0.25
    #: The loss "rose" when its smoothed end is this many times its smoothed minimum.
    rise: float = 1.5
    #: Overfitting: training minus held-out accuracy at least this…
    gap: float = 0.10
    #: …and grown by at least this since its smallest value (or the held-out loss risen 10 %).
    gap_growth: float = 0.03
    #: Underfitting: training and held-out accuracy both below this.
    underfit_accuracy: float = 0.85
    #: "Still improving": the training loss fell by more than this share over the last third.
    still_improving: float = 0.05
    #: Plateau: no 1 % improvement of the loss over the last share of the run…
    plateau_share: float = 0.3
    plateau_iterations: int = 100
    #: Mean |gradient| of the first weighted layer over the last one's: below = vanishing.
    vanishing_ratio: float = 1e-3
    #: …above = exploding.
    exploding_ratio: float = 1e2
    #: Share of a ReLU layer's units dead on the probe batch.
    dead_share: float = 0.4
    #: Share of a sigmoid/tanh layer's outputs saturated on the probe batch.
    saturated_share: float = 0.4
    #: Product of the hidden layers' initial weight scales relative to He/Xavier.
    small_init_shrink: float = 1e-3
    #: A network with at least this many weighted layers counts as deep (book ch. 6.2: 5).
    deep_layers: int = 4
    #: Largest over smallest class count.
    imbalance_ratio: float = 3.0


def window_mean(values: NDArray, start: float, stop: float) -> float:
    """Mean of ``values[start·n : stop·n]`` (fractions of the length), at least one value."""
    n = len(values)
    lo = min(int(start * n), n - 1)
    hi = max(int(stop * n), lo + 1)
    return float(np.mean(values[lo:hi]))


def smooth(values: ArrayLike, beta: float = 0.9) -> NDArray[np.float64]:
    """Bias-corrected exponential moving average (as fastai's learning-rate finder smooths):
    ``s_t = β s_{t-1} + (1 − β) v_t``, divided by ``1 − β^t``."""
    v = np.asarray(values, dtype=np.float64)
    out = np.empty_like(v)
    avg = 0.0
    for i, value in enumerate(v):  # a recurrence; the curves are short (≤ 10⁵ points)
        avg = beta * avg + (1.0 - beta) * value
        out[i] = avg / (1.0 - beta ** (i + 1))
    return out


DEFAULT = Thresholds()

__all__ = ["DEFAULT", "Thresholds", "smooth", "window_mean"]
