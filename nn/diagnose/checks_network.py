"""Checks on the network and the data: vanishing or exploding gradients, dead ReLUs,
saturated sigmoid/tanh units, initial weights too small for the depth, and unbalanced
classes."""

from __future__ import annotations

import math

import numpy as np

from nn.diagnose import suggest as S
from nn.diagnose.evidence import Evidence
from nn.diagnose.findings import Finding, Fix
from nn.diagnose.thresholds import Thresholds, window_mean

#: A tiny gradient or initialization explains a loss that does not move.
STALLED = ("lr_too_low", "plateau", "underfitting")


def _weighted_gradients(ev: Evidence) -> list[tuple[str, float]]:
    """(layer name, mean |g|) of the Dense and Conv2D layers, in order."""
    if not ev.gradients:
        return []
    return [(name, float(stats.get("mean_abs", math.nan)))
            for name, stats in ev.gradients.items()
            if name.split(".")[-1] in ("Dense", "Conv2D")]


def _gradient_table(grads: list[tuple[str, float]]) -> str:
    return ", ".join(f"{name} {value:.1e}" for name, value in grads)


def gradients(ev: Evidence, th: Thresholds) -> Finding | None:
    """Vanishing (first layer's mean |g| ≪ last layer's) or exploding gradients (≫, or not
    finite), per layer (book ch. 6.2.2: gradient vanishing)."""
    grads = _weighted_gradients(ev)
    if len(grads) < 2:
        return None
    values = np.array([g for _, g in grads])
    table = _gradient_table(grads)
    per_layer = {name: value for name, value in grads}
    fixes = S.fixes(S.good_init(ev), S.add_batchnorm(ev))
    if not np.isfinite(values).all():
        bad = next(name for name, g in grads if not math.isfinite(g))
        return Finding(
            "exploding_gradients", "critical", f"The gradients are not finite (from {bad})",
            f"Mean |gradient| per layer: {table}. Backpropagation produced NaN or infinite "
            "values, so the next update destroys the weights (book ch. 5).",
            S.fixes(S.scale_lr(ev, 0.1), *fixes), {"mean_abs": per_layer}, STALLED)
    last = values[-1]
    if last <= 0:
        return None
    ratio = float(values[0] / last)
    if ratio < th.vanishing_ratio:
        first_small = next(name for name, g in grads if g / last < math.sqrt(th.vanishing_ratio))
        return Finding(
            "vanishing_gradients", "critical" if ratio < th.vanishing_ratio ** 1.5 else "warning",
            f"Vanishing gradients: the first layer learns {1 / ratio:,.0f}× slower than the last",
            f"Mean |gradient| per layer, input to output: {table}. The gradient shrinks as it "
            f"flows back (already small at {first_small}), so the early layers barely change: "
            "the activations of a badly initialized network are squeezed together or "
            "saturated (book ch. 6.2.2). A weight scale matched to the activation (ch. 6.2.3) "
            "or Batch Normalization (ch. 6.3) keeps the signal alive.",
            fixes, {"mean_abs": per_layer, "ratio": ratio}, STALLED)
    if ratio > th.exploding_ratio:
        return Finding(
            "exploding_gradients", "warning",
            f"Exploding gradients: the first layer's gradient is {ratio:,.0f}× the last's",
            f"Mean |gradient| per layer, input to output: {table}. The gradient grows as it "
            "flows back, so the early layers take huge steps (book ch. 6.2, 6.3).",
            S.fixes(S.scale_lr(ev, 0.1), *fixes), {"mean_abs": per_layer, "ratio": ratio},
            STALLED)
    return None


def dead_relus(ev: Evidence, th: Thresholds) -> Finding | None:
    """A ReLU layer whose units output zero for every image of the probe batch."""
    relus = [a for a in ev.activations or () if a.kind == "ReLU" and math.isfinite(a.dead)]
    if not relus:
        return None
    worst = max(relus, key=lambda a: a.dead)
    if worst.dead < th.dead_share:
        return None
    table = ", ".join(f"{a.layer} {100 * a.dead:.0f} %" for a in relus)
    return Finding(
        "dead_relus", "critical" if worst.dead >= 0.9 else "warning",
        f"{100 * worst.dead:.0f} % of the units of {worst.layer} are dead",
        f"Share of ReLU units that output 0 for every probe image: {table}. A dead ReLU "
        "passes no gradient (book ch. 5.5.1), so it never recovers; a too-large step usually "
        "pushed its bias far negative. A smaller learning rate, LeakyReLU, or He "
        "initialization (ch. 6.2.3) prevents it.",
        S.fixes(S.scale_lr(ev, 0.1), S.leaky_relu(ev), S.good_init(ev)),
        {"dead": {a.layer: a.dead for a in relus}}, STALLED)


def saturated(ev: Evidence, th: Thresholds) -> Finding | None:
    """Sigmoid/tanh outputs pinned at their bounds, where the derivative is ~0 (ch. 6.2.2)."""
    acts = [a for a in ev.activations or () if math.isfinite(a.saturated)]
    if not acts:
        return None
    worst = max(acts, key=lambda a: a.saturated)
    if worst.saturated < th.saturated_share:
        return None
    table = ", ".join(f"{a.layer} {100 * a.saturated:.0f} %" for a in acts)
    return Finding(
        "saturated_activations", "warning",
        f"{100 * worst.saturated:.0f} % of the outputs of {worst.layer} are saturated",
        f"Share of outputs within 2 % of the {worst.kind}'s bounds: {table}. There its slope "
        "is almost 0, so almost no gradient passes (book ch. 6.2.2: sigmoid outputs pinned at "
        "0 and 1 with std 1 initial weights). Xavier initialization (ch. 6.2.2) or Batch "
        "Normalization (ch. 6.3) keeps the inputs in the sloped middle.",
        S.fixes(S.good_init(ev), S.add_batchnorm(ev), S.relu_instead(ev, worst.kind)),
        {"saturated": {a.layer: a.saturated for a in acts}}, STALLED)


def small_init(ev: Evidence, th: Thresholds) -> Finding | None:
    """Initial weights (std 0.01) far below He/Xavier's scale on a deep network without
    Batch Normalization: the signal shrinks layer after layer (book ch. 6.2.2–6.2.3)."""
    if len(ev.weighted) < th.deep_layers or "BatchNorm" in ev.layers:
        return None
    hidden = ev.weighted[:-1]
    # Relative to the scale that keeps the variance: He for (Leaky)ReLU, Xavier otherwise.
    gains = [f.init_gain * (1.0 if f.activation in (None, "ReLU", "LeakyReLU")
                            else math.sqrt(2.0)) for f in hidden]
    shrink = math.prod(gains)
    if shrink >= th.small_init_shrink:
        return None
    losses = np.asarray(ev.losses, dtype=np.float64)
    learned = False
    if losses.size >= th.min_iterations and np.isfinite(losses).all():
        first, last = window_mean(losses, 0, 0.2), window_mean(losses, 0.8, 1)
        learned = last < (1 - 4 * th.barely_moving) * first
    inits = sorted({f.init for f in hidden})
    severity = "warning" if learned else "critical"
    status = ("It is learning anyway, but slowly at first." if learned else
              "That is why the loss stays at a uniform guess's." if losses.size else "")
    return Finding(
        "small_init", severity,
        f"Initial weights too small for {len(ev.weighted)} layers ({', '.join(inits)})",
        f"Each hidden layer starts with weights {min(gains):.2g}–{max(gains):.2g}× the scale "
        f"that keeps the signal's size, so after {len(hidden)} layers the activations are "
        f"{shrink:.1e} of their size at the input and the gradients likewise (book "
        f"ch. 6.2.2–6.2.3: with std 0.01 every layer's activations bunch together). {status}",
        S.fixes(S.good_init(ev), S.add_batchnorm(ev)),
        {"shrink": shrink, "gains": gains, "inits": inits}, (*STALLED, "dead_relus"))


def class_imbalance(ev: Evidence, th: Thresholds) -> Finding | None:
    """Some classes far rarer than others in the training labels."""
    counts = ev.class_counts
    if not counts or len(counts) < 2:
        return None
    arr = np.asarray(counts, dtype=np.float64)
    rarest, commonest = int(arr.argmin()), int(arr.argmax())
    ratio = math.inf if arr[rarest] == 0 else float(arr[commonest] / arr[rarest])
    if ratio < th.imbalance_ratio:
        return None
    share = arr / arr.sum()
    fixes = [S.more_data(ev)] if isinstance(ev.data.get("train_size"), int) else []
    fixes.append(Fix("advice", f"Collect more examples of class {rarest}, or train on a "
                               "class-balanced subset; judge the result by per-class accuracy"))
    rare_text = "no examples at all" if arr[rarest] == 0 else f"{int(arr[rarest]):,} examples"
    return Finding(
        "class_imbalance", "warning", f"Unbalanced classes: class {rarest} has {rare_text}",
        f"Class {commonest} has {int(arr[commonest]):,} training examples "
        f"({100 * share[commonest]:.0f} %), class {rarest} {rare_text} "
        f"({100 * share[rarest]:.1f} %). The loss rewards getting the common classes right, so "
        "the rare ones are learned poorly while the overall accuracy looks fine. (Not "
        "covered by the book; per-class accuracy shows the effect.)",
        tuple(fixes), {"counts": list(counts), "ratio": ratio})


CHECKS = (gradients, dead_relus, saturated, small_init, class_imbalance)

__all__ = ["CHECKS", "class_imbalance", "dead_relus", "gradients", "saturated", "small_init"]
