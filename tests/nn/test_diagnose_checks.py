"""The training assistant's checks (issue 22): for each, a synthetic history that must trigger
it and one that must not; then the ranking."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn
from nn import diagnose as D
from nn.diagnose import checks_network as N
from nn.diagnose import checks_training as T
from nn.training import EpochEnd, History

TH = D.Thresholds()
MLP = nn.presets.build("multi_layer_net", seed=0)  # 5 Dense layers, He, ReLU
SGD = {"name": "sgd", "lr": 0.1, "weight_decay": 0.0}


def history(losses=(), train_acc=(), val_acc=(), val_loss=None, steps=100) -> History:
    h = History()
    h.iterations = list(range(1, len(losses) + 1))
    h.losses = [float(v) for v in losses]
    h.lrs = [0.1] * len(losses)
    val_loss = val_loss if val_loss is not None else [math.nan] * len(train_acc)
    for i, (tr, va, vl) in enumerate(zip(train_acc, val_acc, val_loss, strict=True), 1):
        h.epochs.append(EpochEnd(i, i * steps, 0.5, tr, vl, va, math.nan, math.nan, i, False))
    return h


def decaying(n=300, start=2.3, end=0.3, noise=0.05, seed=0, tau=0.2) -> np.ndarray:
    """A healthy loss curve: exponential decay (time constant ``tau·n``) plus batch noise."""
    rng = np.random.default_rng(seed)
    t = np.arange(n)
    return end + (start - end) * np.exp(-t / (tau * n)) + rng.normal(0, noise, n)


def evidence(h=None, model=MLP, optimizer=SGD, **kw) -> D.Evidence:
    return D.collect(h, optimizer=optimizer, model=model, **kw)


def healthy_grads(n=5, value=3e-3):
    return {f"{2 * i}.Dense": {"norm": 1.0, "mean_abs": value} for i in range(n)}


def acts(kind="ReLU", dead=0.0, saturated=math.nan, layers=4):
    return [D.ActivationStats(f"{2 * i + 1}.{kind}", kind, dead, saturated, 0.5, 0.3)
            for i in range(layers)]


# -------------------------------------------------------------------- learning rate too high
def test_lr_too_high_on_a_diverged_run_with_the_trainers_reason():
    ev = evidence(history([2.3, 140.0]), diverged="The loss jumped to 1.6e+09 at iteration 3.")
    f = T.lr_too_high(ev, TH)
    assert f.severity == "critical" and "1.6e+09" in f.explanation
    assert f.fixes[0].kind == "set_hyperparameter" and f.fixes[0].name == "lr"
    assert f.fixes[0].value == pytest.approx(0.01)
    assert f.fixes[1].value == {"name": "adam", "lr": 0.001}


def test_lr_too_high_replays_the_divergence_monitor_on_a_bare_history():
    f = T.lr_too_high(evidence(history([2.3, 2.2, 5e4])), TH)  # 10⁴ × ln 10: the spike rule
    assert f is not None and f.severity == "critical"


def test_lr_too_high_on_an_oscillating_loss():
    rng = np.random.default_rng(0)
    losses = 2.0 + rng.uniform(-1.2, 1.2, 200)
    f = T.lr_too_high(evidence(history(losses)), TH)
    assert f is not None and f.severity == "warning" and "oscillates" in f.title


def test_lr_too_high_on_a_loss_that_rises():
    losses = np.concatenate([np.linspace(2.3, 0.4, 100), np.linspace(0.4, 2.0, 100)])
    f = T.lr_too_high(evidence(history(losses)), TH)
    assert f is not None and "went up" in f.title


def test_lr_too_high_silent_on_a_healthy_curve():
    assert T.lr_too_high(evidence(history(decaying())), TH) is None
    # a well-trained net's low loss is noisy in relative terms, which is no oscillation
    assert T.lr_too_high(evidence(history(decaying(end=0.05, noise=0.04))), TH) is None


# --------------------------------------------------------------------- learning rate too low
def test_lr_too_low_when_the_loss_barely_moves():
    losses = np.linspace(2.31, 2.28, 120) + np.random.default_rng(1).normal(0, 0.03, 120)
    ev = evidence(history(losses), optimizer={"name": "sgd", "lr": 1e-5})
    f = T.lr_too_low(ev, TH)
    assert f is not None and f.fixes[0].value == pytest.approx(1e-4)
    assert f.fixes[1].kind == "set_optimizer"


def test_lr_too_low_silent_when_learning_or_too_early_or_converged():
    assert T.lr_too_low(evidence(history(decaying())), TH) is None
    assert T.lr_too_low(evidence(history([2.3] * 10)), TH) is None  # too few iterations
    assert T.lr_too_low(evidence(history([0.02] * 200)), TH) is None  # already learned


# ----------------------------------------------------------------------------- overfitting
def test_overfitting_when_the_gap_grows():
    train = [0.6, 0.8, 0.9, 0.97, 1.0]
    val = [0.58, 0.72, 0.76, 0.77, 0.77]
    ev = evidence(history(decaying(), train, val), data={"images": True, "train_size": 300})
    f = T.overfitting(ev, TH)
    assert f is not None and "23 points" in f.title
    kinds = [(x.kind, x.name) for x in f.fixes]
    assert kinds == [("set_hyperparameter", "weight_decay"), ("add_layers", None),
                     ("set_data", "augment"), ("set_data", "train_size")]
    assert f.fixes[1].positions == (1, 3, 5, 7)  # after each hidden ReLU


def test_overfitting_silent_on_a_small_or_shrinking_gap():
    ev = evidence(history(decaying(), [0.6, 0.8, 0.9, 0.95], [0.59, 0.79, 0.88, 0.92]))
    assert T.overfitting(ev, TH) is None
    ev = evidence(history(decaying(), [0.9, 0.92, 0.93, 0.94], [0.7, 0.75, 0.8, 0.83]))
    assert T.overfitting(ev, TH) is None  # a large gap that is closing: not (yet) overfitting


def test_overfitting_from_final_metrics_alone():
    f = T.overfitting(evidence(final={"train_acc": 1.0, "val_acc": 0.8}), TH)
    assert f is not None and "final accuracies" in f.explanation
    assert T.overfitting(evidence(final={"train_acc": 0.9, "val_acc": 0.86}), TH) is None


# ---------------------------------------------------------------------------- underfitting
def test_underfitting_when_both_accuracies_are_low_and_flat():
    losses = decaying(n=600, start=2.3, end=1.1, noise=0.02, tau=0.08)
    ev = evidence(history(losses, [0.5, 0.58, 0.6, 0.61], [0.49, 0.57, 0.59, 0.6]))
    f = T.underfitting(ev, TH)
    assert f is not None and [x.kind for x in f.fixes] == ["widen", "deepen"]


def test_underfitting_silent_when_accurate_or_still_improving():
    good = evidence(history(decaying(), [0.9, 0.95, 0.97], [0.89, 0.94, 0.96]))
    assert T.underfitting(good, TH) is None
    falling = np.linspace(2.3, 1.0, 300)  # still dropping fast: train longer first
    assert T.underfitting(evidence(history(falling, [0.3, 0.5, 0.6], [0.3, 0.5, 0.6])),
                          TH) is None


# --------------------------------------------------------------------------------- plateau
def test_plateau_when_the_loss_stays_flat():
    n = 400
    losses = np.concatenate([np.linspace(2.3, 0.6, 150), np.full(n - 150, 0.6)])
    losses += np.random.default_rng(2).normal(0, 0.02, n)
    f = T.plateau(evidence(history(losses)), TH)
    assert f is not None and f.severity == "info"
    assert [x.kind for x in f.fixes] == ["set_schedule", "set_schedule"]
    assert f.fixes[0].value["name"] == "step" and f.fixes[1].value["total_steps"] == n


def test_plateau_silent_while_improving_or_with_a_schedule():
    assert T.plateau(evidence(history(decaying(n=400, noise=0.0))), TH) is None
    flat = np.concatenate([np.linspace(2.3, 0.6, 150), np.full(250, 0.6)])
    scheduled = {**SGD, "schedule": {"name": "cosine", "total_steps": 400}}
    assert T.plateau(evidence(history(flat), optimizer=scheduled), TH) is None


# ------------------------------------------------------------------ vanishing / exploding
def test_vanishing_gradients_per_layer():
    grads = {"0.Dense": {"norm": 0, "mean_abs": 2e-9}, "2.Dense": {"norm": 0, "mean_abs": 8e-9},
             "4.Dense": {"norm": 0, "mean_abs": 2e-7}, "6.Dense": {"norm": 0, "mean_abs": 1e-4}}
    f = N.gradients(evidence(gradients=grads), TH)
    assert f.id == "vanishing_gradients" and f.severity == "critical"
    assert "0.Dense 2.0e-09" in f.explanation
    assert f.fixes[0].kind == "add_layers" or f.fixes[0].kind == "set_init"


def test_vanishing_gradients_suggests_he_for_a_net_that_lacks_it():
    model = nn.presets.build("multi_layer_net", seed=0, init="std0.01")
    grads = {"0.Dense": {"mean_abs": 1e-9}, "8.Dense": {"mean_abs": 1e-3}}
    f = N.gradients(evidence(model=model, gradients=grads), TH)
    assert f.fixes[0].kind == "set_init" and f.fixes[0].value == "he"
    assert f.fixes[1].value["type"] == "BatchNorm" and f.fixes[1].positions == (0, 2, 4, 6)


def test_exploding_and_nonfinite_gradients():
    grads = {"0.Dense": {"mean_abs": 5.0}, "2.Dense": {"mean_abs": 1e-3}}
    assert N.gradients(evidence(gradients=grads), TH).id == "exploding_gradients"
    grads = {"0.Dense": {"mean_abs": math.nan}, "2.Dense": {"mean_abs": 1e-3}}
    assert N.gradients(evidence(gradients=grads), TH).severity == "critical"


def test_gradients_silent_when_healthy_or_unknown():
    assert N.gradients(evidence(gradients=healthy_grads()), TH) is None
    assert N.gradients(evidence(), TH) is None


# ----------------------------------------------------------------- dead ReLUs, saturation
def test_dead_relus_above_the_share():
    f = N.dead_relus(evidence(activations=acts(dead=0.6)), TH)
    assert f is not None and [x.kind for x in f.fixes] == ["set_hyperparameter",
                                                          "replace_layers"]
    assert f.fixes[1].value == {"type": "LeakyReLU", "config": {"alpha": 0.01}}
    assert N.dead_relus(evidence(activations=acts(dead=0.95)), TH).severity == "critical"


def test_dead_relus_silent_below_the_share():
    assert N.dead_relus(evidence(activations=acts(dead=0.1)), TH) is None


def test_saturated_sigmoid_units():
    model = nn.presets.build("multi_layer_net", seed=0, activation="Sigmoid", init="std1")
    f = N.saturated(evidence(model=model, activations=acts("Sigmoid", math.nan, 0.7)), TH)
    assert f is not None and f.fixes[0].value == "xavier"
    assert f.fixes[2].kind == "replace_layers" and f.fixes[2].name == "Sigmoid"


def test_saturation_silent_in_the_sloped_middle():
    assert N.saturated(evidence(activations=acts("Tanh", math.nan, 0.05)), TH) is None


# -------------------------------------------------------------------------- small init
def test_std_001_on_a_deep_network():
    model = nn.presets.build("multi_layer_net", seed=0, hidden_sizes=[100] * 5, init="std0.01")
    f = N.small_init(evidence(history([2.302] * 100), model=model), TH)
    assert f.severity == "critical" and "std0.01" in f.title
    assert f.fixes[0].value == "he" and "lr_too_low" in f.explains


def test_small_init_silent_for_he_shallow_or_batchnorm_nets():
    assert N.small_init(evidence(), TH) is None  # He
    shallow = nn.presets.build("simple_convnet", seed=0)  # std 0.01, 3 weighted layers
    assert N.small_init(evidence(model=shallow), TH) is None
    bn = nn.presets.build("multi_layer_net_extend", seed=0, init="std0.01", use_batchnorm=True)
    assert N.small_init(evidence(model=bn), TH) is None


# ---------------------------------------------------------------------- class imbalance
def test_class_imbalance():
    labels = np.concatenate([np.repeat(np.arange(9), 100), np.full(10, 9)])
    f = N.class_imbalance(evidence(train_labels=labels, data={"train_size": 910}), TH)
    assert f is not None and "class 9 has 10 examples" in f.title
    assert [x.kind for x in f.fixes] == ["set_data", "advice"]
    assert not f.fixes[1].applicable


def test_class_imbalance_silent_on_balanced_data():
    labels = np.repeat(np.arange(10), [100, 90, 110, 95, 105, 100, 98, 102, 97, 103])
    assert N.class_imbalance(evidence(train_labels=labels), TH) is None


# --------------------------------------------------------------------------------- ranking
def test_ranking_puts_the_cause_first_and_drops_its_symptoms():
    model = nn.presets.build("multi_layer_net", seed=0, hidden_sizes=[100] * 5, init="std0.01")
    grads = {"0.Dense": {"mean_abs": 2e-9}, "10.Dense": {"mean_abs": 2e-4}}
    ev = evidence(history([2.302] * 120), model=model, gradients=grads,
                  optimizer={"name": "sgd", "lr": 0.01})
    ids = [f.id for f in D.diagnose(ev)]
    assert ids[:2] == ["small_init", "vanishing_gradients"]
    assert "lr_too_low" not in ids  # explained by the initialization


def test_a_healthy_run_has_no_findings():
    h = history(decaying(), [0.8, 0.9, 0.95], [0.79, 0.89, 0.94])
    ev = evidence(h, gradients=healthy_grads(), activations=acts(dead=0.05),
                  train_labels=np.repeat(np.arange(10), 50))
    assert D.diagnose(ev) == []


def test_findings_are_json_able_and_fix_kinds_checked():
    f = T.lr_too_high(evidence(history([2.3]), diverged="NaN."), TH)
    doc = f.to_dict()
    assert doc["fixes"][0] == {"kind": "set_hyperparameter", "label": f.fixes[0].label,
                               "name": "lr", "value": 0.01, "positions": []}
    with pytest.raises(ValueError, match="Unknown fix kind"):
        D.Fix("delete_everything", "no")
    with pytest.raises(ValueError, match="Unknown severity"):
        D.Finding("x", "fatal", "t", "e")
