"""Applying the assistant's fixes to a run configuration: every kind changes exactly the
setting it names, the original is untouched (undo = keep it), and the result builds."""

from __future__ import annotations

import pytest

import nn
from nn import diagnose as D
from nn.diagnose.fixes import apply_fix
from nn.experiment import DataConfig, ModelSpec, RunConfig, build_model

SHAPE, CLASSES = (1, 28, 28), 10


def run(preset="multi_layer_net", **options) -> RunConfig:
    return RunConfig(ModelSpec(preset, options), DataConfig(train_size=300),
                     {"name": "sgd", "lr": 0.1})


def built(r: RunConfig) -> nn.Sequential:
    return build_model(r.model, SHAPE, CLASSES, r.training.seed)


def types(model: nn.Sequential) -> list[str]:
    return [type(layer).__name__ for layer in model.layers]


def test_hyperparameter_optimizer_and_schedule():
    base = run()
    before = base.to_dict()
    lower = apply_fix(D.Fix("set_hyperparameter", "÷10", "lr", 0.01), base)
    assert lower.optimizer["lr"] == 0.01 and base.to_dict() == before
    decay = apply_fix(D.Fix("set_hyperparameter", "wd", "weight_decay", 0.01), base)
    assert decay.make_optimizer().weight_decay == 0.01
    adam = apply_fix(D.Fix("set_optimizer", "adam", value={"name": "adam", "lr": 0.001}), decay)
    assert adam.make_optimizer().name == "adam" and adam.optimizer["weight_decay"] == 0.01
    sched = apply_fix(D.Fix("set_schedule", "step", value={"name": "step", "step_size": 50,
                                                           "gamma": 0.1}), base)
    opt = sched.make_optimizer()
    opt.iterations = 50
    assert opt.current_lr == pytest.approx(0.01)


def test_init_and_data():
    r = apply_fix(D.Fix("set_init", "he", value="xavier"), run(init="std0.01"))
    model = built(r)
    assert {layer.initializer.name for layer in model.layers if hasattr(layer, "init")} == {
        "xavier"}
    more = apply_fix(D.Fix("set_data", "all", "train_size", None), run())
    assert more.data.train_size is None
    aug = apply_fix(D.Fix("set_data", "aug", "augment", nn.datasets.Augmenter().get_config()),
                    run())
    assert nn.datasets.Augmenter.from_config(aug.data.augment) == nn.datasets.Augmenter()


def test_layer_fixes_on_a_preset_need_the_model_and_write_out_the_stack():
    base = run()
    model = built(base)
    fix = D.Fix("add_layers", "bn", value={"type": "BatchNorm", "config": {}},
                positions=(0, 2, 4, 6))
    with pytest.raises(ValueError, match="pass the model"):
        apply_fix(fix, base)
    r = apply_fix(fix, base, model)
    assert r.model.preset is None
    assert types(built(r)) == ["Dense", "BatchNorm", "ReLU"] * 4 + ["Dense"]


def test_replace_widen_deepen():
    base = run()
    model = built(base)
    leaky = apply_fix(D.Fix("replace_layers", "leaky", "ReLU",
                            {"type": "LeakyReLU", "config": {"alpha": 0.01}}), base, model)
    assert types(built(leaky)).count("LeakyReLU") == 4 and "ReLU" not in types(built(leaky))
    wide = built(apply_fix(D.Fix("widen", "2×", value=2), base, model))
    assert [layer.units for layer in wide.layers if isinstance(layer, nn.Dense)] == [
        200, 200, 200, 200, 10]
    spec = [{"type": "Dense", "config": {"units": 100}}, {"type": "ReLU", "config": {}}]
    deep = built(apply_fix(D.Fix("deepen", "deeper", value=spec), base, model))
    assert len([layer for layer in deep.layers if isinstance(layer, nn.Dense)]) == 6
    conv = run("simple_convnet")
    wide_conv = built(apply_fix(D.Fix("widen", "2×", value=2), conv, built(conv)))
    assert wide_conv.layers[0].filters == 60 and wide_conv.layers[3].units == 200


def test_advice_and_bad_positions_are_refused():
    with pytest.raises(ValueError, match="advice"):
        apply_fix(D.Fix("advice", "Collect more data"), run())
    base = run()
    with pytest.raises(ValueError, match="after layer 40"):
        apply_fix(D.Fix("add_layers", "x", value={"type": "Dropout", "config": {}},
                        positions=(40,)), base, built(base))


def test_the_suggested_fixes_of_a_finding_apply():
    """Every applicable fix the checks produce for a preset run is a valid change."""
    base = run(init="std0.01", hidden_sizes=[100] * 5)
    model = built(base)
    ev = D.collect(optimizer=base.optimizer, data={**base.data.__dict__, "images": True},
                   model=model, final={"train_acc": 1.0, "val_acc": 0.7},
                   gradients={"0.Dense": {"mean_abs": 1e-9}, "10.Dense": {"mean_abs": 1e-3}},
                   activations=[D.ActivationStats("1.ReLU", "ReLU", 0.8, float("nan"), 0, 0)])
    findings = D.diagnose(ev)
    assert {f.id for f in findings} >= {"small_init", "vanishing_gradients", "overfitting"}
    for finding in findings:
        for fix in finding.fixes:
            if fix.applicable:
                built(apply_fix(fix, base, model))  # raises if the change is invalid
