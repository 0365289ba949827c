"""Checks on the curves of a run: the learning rate (too high, too low), overfitting,
underfitting and a plateau. Each takes an :class:`~nn.diagnose.evidence.Evidence` and
:class:`~nn.diagnose.thresholds.Thresholds` and returns a :class:`Finding` or ``None``."""

from __future__ import annotations

import math

import numpy as np

from nn.diagnose import suggest as S
from nn.diagnose.evidence import Evidence
from nn.diagnose.findings import Finding
from nn.diagnose.thresholds import Thresholds, smooth, window_mean
from nn.training.divergence import DivergenceMonitor

#: Findings that are mere consequences once training has diverged.
AFTER_DIVERGENCE = ("exploding_gradients", "vanishing_gradients", "dead_relus",
                    "saturated_activations", "lr_too_low", "underfitting", "plateau",
                    "overfitting")


def _losses(ev: Evidence) -> np.ndarray:
    return np.asarray(ev.losses, dtype=np.float64)


def _replay_divergence(ev: Evidence) -> str | None:
    """The trainer's own divergence rule (:class:`DivergenceMonitor`) over the recorded
    losses, for histories that come without the ``Diverged`` event (a CSV, a JSON file)."""
    monitor = DivergenceMonitor(chance=ev.chance_loss)
    ends = [e.iteration for e in ev.epochs]
    lr = ev.lr if math.isfinite(ev.lr) else 0.0
    for i, loss in enumerate(ev.losses, 1):
        epoch = 1 + sum(1 for end in ends if end < i)
        reason = monitor.step(loss, i, epoch, lr)
        if reason is not None:
            return reason
    return None


def lr_too_high(ev: Evidence, th: Thresholds) -> Finding | None:
    """Diverged (NaN, or the trainer's explosion rule), rose, or oscillates without progress
    (book ch. 4.4.1: too large a learning rate makes gradient descent diverge)."""
    losses = _losses(ev)
    reason = ev.diverged or _replay_divergence(ev)
    fixes = S.fixes(S.scale_lr(ev, 0.1), S.use_adam(ev))
    lr_text = f" ({ev.lr:g})" if math.isfinite(ev.lr) else ""
    if reason is not None:
        return Finding(
            "lr_too_high", "critical", f"The learning rate{lr_text} is too high: training "
            "diverged",
            f"{reason} A step of gradient descent that is too large overshoots the minimum "
            "and lands where the loss is higher, so each step makes it worse (book ch. 4.4.1; "
            "ch. 6.1 on the optimizers).",
            fixes, {"reason": reason, "lr": ev.lr}, AFTER_DIVERGENCE)
    if losses.size < th.min_iterations or not np.isfinite(losses).all():
        return None
    chance = ev.chance_loss
    tenths = [window_mean(losses, k / 10, (k + 1) / 10) for k in range(10)]
    low, end = min(tenths[:-1]), tenths[-1]
    if end > th.rise * low and end > th.unlearned * chance:
        return Finding(
            "lr_too_high", "warning", f"The learning rate{lr_text} is probably too high: the "
            "loss went up",
            f"The training loss (mean per tenth of the run) fell to {low:.3g}, then rose to "
            f"{end:.3g} "
            f"({end / low:.1f}×). Steps that are too large jump out of the valley they "
            "reached (book ch. 4.4.1).", fixes, {"lowest": low, "last": end, "lr": ev.lr},
            ("plateau", "underfitting"))
    spread = float(np.std(losses[-len(losses) // 3:]))
    first, last = window_mean(losses, 0, 1 / 3), window_mean(losses, 2 / 3, 1)
    if spread > th.oscillation * chance and last > 0.9 * first:
        return Finding(
            "lr_too_high", "warning", f"The learning rate{lr_text} is probably too high: the "
            "loss oscillates",
            f"Over the last third of the run the loss jumps around by ±{spread:.2f} (a "
            f"uniform guess scores {chance:.2f}) and its mean ({last:.3g}) is no lower than at "
            f"the start ({first:.3g}). Each step overshoots, back and forth across the "
            "valley (book ch. 4.4.1; ch. 6.1.3 on SGD's zig-zag).", fixes,
            {"spread": spread, "first": first, "last": last, "lr": ev.lr},
            ("plateau", "underfitting", "lr_too_low"))
    return None


def lr_too_low(ev: Evidence, th: Thresholds) -> Finding | None:
    """The loss barely moved over many iterations and is still near a uniform guess's."""
    losses = _losses(ev)
    if losses.size < th.min_iterations or not np.isfinite(losses).all():
        return None
    first, last = window_mean(losses, 0, 0.2), window_mean(losses, 0.8, 1)
    drop = (first - last) / first if first > 0 else 0.0
    if drop >= th.barely_moving or last < th.unlearned * ev.chance_loss:
        return None
    lr_text = f" ({ev.lr:g})" if math.isfinite(ev.lr) else ""
    return Finding(
        "lr_too_low", "warning", f"The learning rate{lr_text} looks too low: the loss barely "
        "moves",
        f"After {losses.size:,} iterations the training loss went from {first:.3g} to "
        f"{last:.3g} ({100 * drop:+.1f} %); a uniform guess scores {ev.chance_loss:.3g}. With "
        "steps this small, gradient descent hardly gets anywhere (book ch. 4.4.1); Adam adapts "
        "its step to each parameter (ch. 6.1.6).",
        S.fixes(S.scale_lr(ev, 10.0), S.use_adam(ev)),
        {"iterations": int(losses.size), "first": first, "last": last, "drop": drop,
         "lr": ev.lr}, ("plateau", "underfitting"))


def overfitting(ev: Evidence, th: Thresholds) -> Finding | None:
    """Training accuracy well above the held-out accuracy, and the gap growing (ch. 6.4.1)."""
    train, held = ev.column("train_acc"), ev.heldout("acc")
    ok = np.isfinite(train) & np.isfinite(held)
    growth_text = ""
    if ok.sum() >= 3:
        gap = (train - held)[ok]
        growth = float(gap[-1] - gap.min())
        held_loss = ev.heldout("loss")[ok]
        rising = bool(np.isfinite(held_loss).all() and held_loss[-1] > 1.1 * held_loss.min())
        if gap[-1] < th.gap or not (growth >= th.gap_growth or rising):
            return None
        last_train, last_held = float(train[ok][-1]), float(held[ok][-1])
        growth_text = (f" The gap grew by {100 * growth:.1f} points since its smallest"
                       + (" and the held-out loss has been rising." if rising else "."))
        evidence = {"train_acc": last_train, "heldout_acc": last_held, "growth": growth,
                    "heldout_loss_rising": rising}
    elif "train_acc" in ev.final and ({"val_acc", "test_acc"} & ev.final.keys()):
        last_train = ev.final["train_acc"]
        last_held = ev.final.get("val_acc", math.nan)
        if not math.isfinite(last_held):
            last_held = ev.final.get("test_acc", math.nan)
        if not (math.isfinite(last_train) and math.isfinite(last_held)) \
                or last_train - last_held < th.gap:
            return None
        growth_text = " (Only the final accuracies are known, not how the gap developed.)"
        evidence = {"train_acc": last_train, "heldout_acc": last_held}
    else:
        return None
    gap_pts = 100 * (last_train - last_held)
    return Finding(
        "overfitting", "warning", f"Overfitting: {gap_pts:.0f} points between training and "
        "held-out accuracy",
        f"The network classifies {100 * last_train:.1f} % of its training images right but "
        f"only {100 * last_held:.1f} % of images it has not seen.{growth_text} It is learning "
        "the training set by heart instead of what generalizes (book ch. 6.4.1).",
        S.fixes(S.weight_decay(ev), S.add_dropout(ev), S.augmentation(ev), S.more_data(ev)),
        evidence, ("plateau",))


def underfitting(ev: Evidence, th: Thresholds) -> Finding | None:
    """Training and held-out accuracy both low and close, and no longer improving much."""
    train, held = ev.column("train_acc"), ev.heldout("acc")
    ok = np.isfinite(train) & np.isfinite(held)
    if ok.sum() < 2:
        return None
    last_train, last_held = float(train[ok][-1]), float(held[ok][-1])
    if max(last_train, last_held) >= th.underfit_accuracy \
            or abs(last_train - last_held) >= th.gap:
        return None
    losses = _losses(ev)
    if losses.size >= th.min_iterations:
        first = window_mean(losses, 0, 0.1)
        if (first - window_mean(losses, 0.9, 1)) / first < th.barely_moving:
            return None  # it never started: the learning rate's or the init's problem
        recent = (window_mean(losses, 1 / 3, 2 / 3) - window_mean(losses, 2 / 3, 1))
        if recent / max(window_mean(losses, 1 / 3, 2 / 3), 1e-12) > th.still_improving:
            return None  # still learning: train longer before judging
    return Finding(
        "underfitting", "warning", "Underfitting: training and held-out accuracy are both low",
        f"Training accuracy {100 * last_train:.1f} %, held-out {100 * last_held:.1f} %, and the "
        "training loss has stopped falling: the network cannot even fit the training data. "
        "Give it more capacity — more units, or more layers (book ch. 8.1).",
        S.fixes(S.widen(ev), S.deepen(ev)),
        {"train_acc": last_train, "heldout_acc": last_held}, ("plateau",))


def plateau(ev: Evidence, th: Thresholds) -> Finding | None:
    """The loss fell, then stayed flat for the last part of the run, with a constant rate."""
    losses = _losses(ev)
    n = losses.size
    if n < th.plateau_iterations or not np.isfinite(losses).all():
        return None
    sched = ev.optimizer.get("schedule")
    if isinstance(sched, dict) and sched.get("name", "constant") != "constant":
        return None
    first, last = window_mean(losses, 0, 0.1), window_mean(losses, 0.9, 1)
    if first <= 0 or (first - last) / first < 0.2:
        return None  # never really learned: another check's business
    train_acc = ev.column("train_acc")
    if train_acc.size and np.isfinite(train_acc[-1]) and train_acc[-1] >= 0.99:
        return None  # converged
    share = th.plateau_share
    before = window_mean(losses, 1 - share, 1 - share / 2)
    level = window_mean(losses, 1 - share / 2, 1)
    if level < 0.99 * before:
        return None  # still improving by more than 1 %
    sm = smooth(losses)
    since = max(1, int(np.argmax(sm <= 1.01 * level)))  # where the flat part began
    start = int((1 - share) * n)
    return Finding(
        "plateau", "info", "The loss has reached a plateau",
        f"Over the last {n - start:,} of {n:,} iterations the loss stayed at {level:.3g} "
        f"without improving by 1 % (it got there by iteration {since:,}). At a constant "
        "learning rate the steps bounce around the bottom of the valley; lowering the rate "
        "as training goes on lets the loss settle lower (book ch. 6.1.5 on decaying the "
        "learning rate).",
        S.schedule(ev, since, n), {"iterations": n, "flat_since": since, "level": level})


CHECKS = (lr_too_high, lr_too_low, overfitting, underfitting, plateau)

__all__ = ["CHECKS", "lr_too_high", "lr_too_low", "overfitting", "plateau", "underfitting"]
