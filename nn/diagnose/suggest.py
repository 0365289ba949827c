"""The fixes the checks suggest, built from the evidence so their values are concrete
("0.1 → 0.01", BatchNorm after layers 0, 2 and 4)."""

from __future__ import annotations

import math
from typing import Any

from nn.datasets import Augmenter
from nn.diagnose.evidence import Evidence
from nn.diagnose.findings import Fix

ADAM = {"name": "adam", "lr": 0.001}


def scale_lr(ev: Evidence, factor: float) -> Fix | None:
    """Multiply the learning rate by ``factor`` (None when the rate is unknown)."""
    lr = ev.lr
    if not (math.isfinite(lr) and lr > 0):
        return None
    new = float(f"{lr * factor:.3g}")
    verb = "Divide" if factor < 1 else "Multiply"
    amount = f"{1 / factor:g}" if factor < 1 else f"{factor:g}"
    return Fix("set_hyperparameter", f"{verb} the learning rate by {amount} ({lr:g} → {new:g})",
               "lr", new)


def use_adam(ev: Evidence) -> Fix | None:
    """Switch to Adam with its usual rate (book ch. 6.1.6), unless it is already Adam."""
    if ev.optimizer_name == "adam":
        return None
    return Fix("set_optimizer", "Switch to Adam, lr 0.001 (ch. 6.1.6)", value=dict(ADAM))


def main_activation(ev: Evidence) -> str | None:
    """The activation most hidden layers use."""
    kinds = [f.activation for f in ev.weighted[:-1] if f.activation]
    return max(set(kinds), key=kinds.count) if kinds else None


def good_init(ev: Evidence) -> Fix | None:
    """He for ReLU networks, Xavier for sigmoid/tanh ones (ch. 6.2.3), if not already used."""
    act = main_activation(ev)
    name = "xavier" if act in ("Sigmoid", "Tanh") else "he"
    if ev.weighted and all(f.init == name for f in ev.weighted):
        return None
    why = "Xavier, for sigmoid and tanh" if name == "xavier" else "He, for ReLU"
    return Fix("set_init", f"Initialize with {why} (ch. 6.2)", value=name)


def hidden_positions(ev: Evidence) -> tuple[int, ...]:
    """Where a per-layer addition goes: after each hidden weighted layer's activation (or the
    layer itself when it has none), never after the output layer."""
    positions = []
    for facts in ev.weighted[:-1]:
        pos = facts.index
        for j in range(facts.index + 1, len(ev.layers)):
            if ev.layers[j] in ("Dense", "Conv2D"):
                break
            if ev.layers[j] == facts.activation:
                pos = j
                break
        positions.append(pos)
    return tuple(positions)


def add_batchnorm(ev: Evidence) -> Fix | None:
    """Batch Normalization right after each hidden weighted layer (ch. 6.3)."""
    if "BatchNorm" in ev.layers or len(ev.weighted) < 2:
        return None
    positions = tuple(f.index for f in ev.weighted[:-1])
    where = ", ".join(str(p) for p in positions)
    return Fix("add_layers", f"Add Batch Normalization after layer{'s' * (len(positions) > 1)} "
                             f"{where} (ch. 6.3)",
               value={"type": "BatchNorm", "config": {}}, positions=positions)


def add_dropout(ev: Evidence, rate: float = 0.2) -> Fix | None:
    """Dropout after each hidden activation (ch. 6.4.3; the book's example uses 0.2)."""
    if "Dropout" in ev.layers or len(ev.weighted) < 2:
        return None
    positions = hidden_positions(ev)
    return Fix("add_layers", f"Add Dropout {rate:g} after each hidden layer (ch. 6.4.3)",
               value={"type": "Dropout", "config": {"rate": rate}}, positions=positions)


def weight_decay(ev: Evidence) -> Fix:
    """Turn on L2 weight decay, or strengthen it tenfold (ch. 6.4.2)."""
    current = ev.optimizer.get("weight_decay") or 0.0
    if current > 0:
        new = float(f"{current * 10:.3g}")
        return Fix("set_hyperparameter", f"Strengthen weight decay ({current:g} → {new:g}, "
                                         "ch. 6.4.2)", "weight_decay", new)
    return Fix("set_hyperparameter", "Add weight decay λ = 0.01 (ch. 6.4.2; the book uses 0.1 "
                                     "on 300 images)", "weight_decay", 0.01)


def augmentation(ev: Evidence) -> Fix | None:
    """Random shifts, rotations and zooms of the training images (ch. 8.1.2)."""
    if not ev.data.get("images") or ev.data.get("augment"):
        return None
    config = Augmenter().get_config()
    return Fix("set_data", "Augment the training images: shift ±2 px, rotate ±10°, zoom "
                           "0.9–1.1 (ch. 8.1.2)", "augment", config)


def more_data(ev: Evidence) -> Fix:
    size = ev.data.get("train_size")
    if isinstance(size, int):
        return Fix("set_data", f"Train on every training image, not only the first {size:,}",
                   "train_size", None)
    return Fix("advice", "Train on more data: more examples are the surest cure for "
                         "overfitting (ch. 6.4.1)")


def leaky_relu(ev: Evidence) -> Fix | None:
    if "ReLU" not in ev.layers:
        return None
    return Fix("replace_layers", "Replace ReLU by LeakyReLU (α = 0.01): a unit that is off "
                                 "still passes a small gradient", "ReLU",
               {"type": "LeakyReLU", "config": {"alpha": 0.01}})


def relu_instead(ev: Evidence, kind: str) -> Fix | None:
    if kind not in ev.layers:
        return None
    return Fix("replace_layers", f"Replace {kind} by ReLU (with He initialization, "
                                 "ch. 6.2.3): it does not saturate for positive inputs", kind,
               {"type": "ReLU", "config": {}})


def widen(ev: Evidence, factor: int = 2) -> Fix | None:
    if len(ev.weighted) < 2:
        return None
    return Fix("widen", f"Make every hidden layer {factor}× wider", value=factor)


def deepen(ev: Evidence) -> Fix | None:
    if not ev.weighted:
        return None
    units = ev.weighted[-2].units if len(ev.weighted) > 1 else 100
    spec: list[dict[str, Any]] = [{"type": "Dense", "config": {"units": units}},
                                  {"type": "ReLU", "config": {}}]
    return Fix("deepen", f"Add a hidden layer of {units} ReLU units before the output layer "
                         "(ch. 8.1)", value=spec)


def schedule(ev: Evidence, start: int, total: int) -> tuple[Fix, Fix]:
    """Step decay at the plateau's start, or a cosine over the run (ch. 6.1.5 on decaying the
    learning rate)."""
    step = Fix("set_schedule", f"Divide the learning rate by 10 every {start:,} steps",
               value={"name": "step", "step_size": int(start), "gamma": 0.1})
    cosine = Fix("set_schedule", f"Lower the learning rate along a cosine over {total:,} steps",
                 value={"name": "cosine", "total_steps": int(total)})
    return step, cosine


def fixes(*candidates: Fix | None) -> tuple[Fix, ...]:
    """The candidates that apply, in order."""
    return tuple(f for f in candidates if f is not None)


__all__ = ["add_batchnorm", "add_dropout", "augmentation", "deepen", "fixes", "good_init",
           "hidden_positions", "leaky_relu", "main_activation", "more_data", "relu_instead",
           "scale_lr", "schedule", "use_adam", "weight_decay", "widen"]
