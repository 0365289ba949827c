"""The learning-rate range test (Smith 2015, "Cyclical learning rates for training neural
networks", §3.3; popularized by fastai's ``lr_find``).

Train a *copy* of the model for a few hundred mini-batches while the learning rate grows
log-uniformly from tiny to huge, record the loss, and stop once it explodes. Where the smoothed
loss falls fastest the rate is large enough to learn and small enough to be stable; that rate
(or a tenth of the rate at the loss's minimum) is proposed. The model itself is never touched.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn import optimizers
from nn.model import Sequential

RULES = ("auto", "steepest", "min/10")
#: ``auto`` trusts the steepest descent only if the smoothed loss fell at least this much
#: (a share of its start) before its minimum; on a flat curve the slope is noise.
MIN_DROP = 0.1


@dataclass(frozen=True)
class LRFinderResult:
    """The range test's curve and proposal.

    ``lrs``, ``losses`` and ``smoothed`` have one entry per step taken, shape (k,);
    ``steepest`` is the rate where the smoothed loss falls fastest per decade of rate,
    ``min_over_10`` a tenth of the rate at its minimum, ``proposed`` the one ``rule`` picks
    (``rule`` says which was used: for ``"auto"`` it is ``"steepest"`` when the smoothed loss
    fell by :data:`MIN_DROP` or more, else ``"min/10"``).
    ``stopped`` says why the sweep ended: ``"exploded"``, ``"finished"`` or ``"cancelled"``.
    """

    lrs: NDArray[np.float64]
    losses: NDArray[np.float64]
    smoothed: NDArray[np.float64]
    proposed: float
    steepest: float
    min_over_10: float
    rule: str
    stopped: str


def _optimizer(spec: str | Mapping[str, Any], lr: float) -> optimizers.Optimizer:
    config = {"name": spec} if isinstance(spec, str) else dict(spec)
    config.pop("schedule", None)  # the sweep sets the rate itself
    config["lr"] = lr
    return optimizers.get(config)


def lr_range_test(
    model: Sequential,
    x: ArrayLike,
    labels: ArrayLike,
    *,
    optimizer: str | Mapping[str, Any] = "sgd",
    lr_min: float = 1e-6,
    lr_max: float = 10.0,
    steps: int = 200,
    batch_size: int = 64,
    beta: float = 0.98,
    explode: float = 4.0,
    rule: str = "auto",
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    should_cancel: Callable[[], bool] | None = None,
) -> LRFinderResult:
    """Sweep the learning rate from ``lr_min`` to ``lr_max`` over ``steps`` mini-batches.

    Parameters
    ----------
    model
        Copied before training (:meth:`Sequential.copy`): its weights stay bit-identical.
    x, labels
        Training inputs ``(N, *input_shape)`` and labels ``(N,)``; batches are drawn in a
        seeded random order, reshuffled each pass.
    optimizer
        A name or an optimizer config (its ``lr`` and ``schedule`` are replaced by the sweep).
    beta
        Smoothing of the loss (bias-corrected exponential moving average).
    explode
        Stop when the smoothed loss exceeds this many times its lowest value, or the loss is
        not finite.
    rule
        ``"auto"``, ``"steepest"`` or ``"min/10"``: which rate becomes
        :attr:`LRFinderResult.proposed`.
    progress, should_cancel
        Called after each step with ``(step, steps)``; a true ``should_cancel()`` ends the
        sweep early (the result covers the steps taken).
    """
    if rule not in RULES:
        raise ValueError(f"Unknown rule {rule!r}; expected one of {', '.join(RULES)}")
    if not (0 < lr_min < lr_max and math.isfinite(lr_max)):
        raise ValueError(f"Invalid learning-rate range {lr_min:g}–{lr_max:g} (need 0 < low < "
                         "high)")
    if steps < 10:
        raise ValueError(f"Invalid steps: {steps} (the test needs at least 10)")
    x, labels = np.asarray(x), np.asarray(labels)
    if len(x) == 0 or len(x) != len(labels):
        raise ValueError(f"Need as many labels as inputs, and some: {len(x)} inputs, "
                         f"{len(labels)} labels")
    twin = model.copy()
    opt = _optimizer(optimizer, lr_min)
    rng = np.random.default_rng(seed)
    schedule = np.geomspace(lr_min, lr_max, steps)
    order, pos = rng.permutation(len(x)), 0
    lrs, losses, smoothed = [], [], []
    avg, best, stopped = 0.0, math.inf, "finished"
    for i, lr in enumerate(schedule):
        if should_cancel is not None and should_cancel():
            stopped = "cancelled"
            break
        if pos + batch_size > len(order) and pos > 0:
            order, pos = rng.permutation(len(x)), 0
        idx = order[pos:pos + batch_size]
        pos += batch_size
        opt.set_hyperparameters(lr=float(lr))
        with np.errstate(all="ignore"):
            loss = float(twin.train_step(x[idx], labels[idx], opt))
        if not math.isfinite(loss):
            stopped = "exploded"
            break
        avg = beta * avg + (1.0 - beta) * loss
        value = avg / (1.0 - beta ** (i + 1))
        lrs.append(float(lr))
        losses.append(loss)
        smoothed.append(value)
        best = min(best, value)
        if progress is not None:
            progress(i + 1, steps)
        if value > explode * best:
            stopped = "exploded"
            break
    return _result(np.array(lrs), np.array(losses), np.array(smoothed), rule, stopped)


def _result(lrs: NDArray, losses: NDArray, smoothed: NDArray, rule: str,
            stopped: str) -> LRFinderResult:
    nan = math.nan
    if lrs.size < 3:
        return LRFinderResult(lrs, losses, smoothed, nan, nan, nan, rule, stopped)
    low = int(np.argmin(smoothed))
    min_over_10 = float(lrs[low] / 10)
    # The slope per decade up to the minimum; the first steps are skipped while the moving
    # average warms up (it starts biased towards the first batches).
    skip = min(max(3, lrs.size // 20), max(low - 1, 0))
    end = max(low, skip + 1)
    slope = np.gradient(smoothed, np.log10(lrs))[skip:end + 1]
    steepest = float(lrs[skip + int(np.argmin(slope))])
    if rule == "auto":
        fell = (smoothed[0] - smoothed[low]) / abs(smoothed[0]) if smoothed[0] else 0.0
        rule = "steepest" if fell >= MIN_DROP else "min/10"
    proposed = steepest if rule == "steepest" else min_over_10
    return LRFinderResult(lrs, losses, smoothed, proposed, steepest, min_over_10, rule, stopped)


__all__ = ["MIN_DROP", "RULES", "LRFinderResult", "lr_range_test"]
