"""Engine misuse gets a clear error, not a NumPy internal (issue 14 points 12 and 13)."""

from __future__ import annotations

import copy

import numpy as np
import pytest

import nn
from nn.errors import ModelBuildError, TrainingError


def _mlp(seed: int = 0) -> nn.Sequential:
    return nn.presets.build("multi_layer_net", hidden_sizes=[8], input_shape=(4,), classes=10,
                            seed=seed)


def _batch(n: int = 6) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 4)).astype(np.float32), np.arange(n) % 10


@pytest.mark.parametrize("bad", [np.nan, np.inf, -np.inf])
def test_train_step_refuses_a_non_finite_batch_and_leaves_the_weights(bad):
    model, opt = _mlp(), nn.optimizers.get("sgd", lr=0.1)
    x, t = _batch()
    x[2, 1] = bad
    before = model.state_dict()
    with pytest.raises(ValueError, match="contains 1 NaN or infinite input value; refusing"):
        model.train_step(x, t, opt)
    after = model.state_dict()
    assert all(np.array_equal(before[k], after[k]) for k in before)
    assert opt.iterations == 0
    # huge but finite values are not refused (the float64 sum overflows only past 1e308)
    x[2, 1] = 3e38
    with np.errstate(all="ignore"):
        model.train_step(x, t, opt)


def test_backward_before_forward_is_a_clear_error():
    model = _mlp()
    with pytest.raises(TrainingError, match=r"backward\(\) needs a forward\(\) pass first"):
        model.backward(np.ones((3, 10), np.float32))
    model.forward(_batch(3)[0])
    with pytest.raises(ValueError, match=r"shape \(5, 10\); the last forward pass produced "
                                         r"outputs of shape \(3, 10\)"):
        model.backward(np.ones((5, 10), np.float32))
    model.backward(np.ones((3, 10), np.float32))


@pytest.mark.parametrize(("target", "needle"), [
    (12, r"Target class 12 is out of range: this model has 10 classes \(0–9\)"),
    (-1, "Target class -1 is out of range"),
    ([0, 1, 10], "Target class 10 is out of range"),
    (2.5, "must be an integer"),
    ([1, 2], r"one per sample \(3\)"),
])
def test_input_gradient_checks_the_class(target, needle):
    with pytest.raises(ValueError, match=needle):
        _mlp().input_gradient(_batch(3)[0], target)


def test_input_gradient_accepts_one_class_or_one_per_sample():
    model, (x, _) = _mlp(), _batch(3)
    one = model.input_gradient(x, 9)
    each = model.input_gradient(x, np.array([9, 9, 9]))
    assert one.shape == x.shape and np.array_equal(one, each)


def test_one_layer_object_twice_is_refused_at_build():
    dense = nn.Dense(8)
    with pytest.raises(ModelBuildError, match="Layer 2 .* is the same object as layer 0") as info:
        nn.Sequential([dense, nn.ReLU(), dense, nn.Dense(3)], (4,))
    assert info.value.index == 2
    model = nn.Sequential([dense, nn.ReLU(), nn.Dense(3)], (4,))
    with pytest.raises(ModelBuildError, match="already belongs to another model"):
        nn.Sequential([dense, nn.Dense(3)], (4,))
    # a deep copy belongs to no model; a failed build claims nothing
    nn.Sequential([copy.deepcopy(dense), nn.Dense(3)], (4,))
    loose = nn.Dense(5)
    with pytest.raises(ModelBuildError):
        nn.Sequential([loose, nn.Conv2D(2)], (4,))
    nn.Sequential([loose], (4,))
    assert model.forward(np.zeros((1, 4))).shape == (1, 3)


def test_predict_proba_on_an_empty_batch_has_the_class_axis():
    model = _mlp()
    for empty in (np.zeros((0, 4), np.float32), np.zeros((0, 4), np.float64)):
        proba = model.predict_proba(empty)
        assert proba.shape == (0, 10) and proba.dtype == model.dtype
        assert model.predict(empty).shape == (0,)


#: One of every layer type, with the per-sample input it is built for.
EVERY_LAYER = [
    (nn.Dense(3), (4,)), (nn.Conv2D(2, 3), (1, 5, 5)), (nn.MaxPool2D(2), (1, 4, 4)),
    (nn.AvgPool2D(2), (1, 4, 4)), (nn.Flatten(), (1, 2, 2)), (nn.BatchNorm(), (3,)),
    (nn.Dropout(0.5), (3,)), (nn.ReLU(), (3,)), (nn.LeakyReLU(), (3,)), (nn.Sigmoid(), (3,)),
    (nn.Tanh(), (3,)), (nn.Identity(), (3,)), (nn.Step(), (3,)),
]


def test_every_layer_type_is_covered():
    assert {type(layer) for layer, _ in EVERY_LAYER} == set(nn.layers.LAYER_TYPES.values())


@pytest.mark.parametrize(("layer", "shape"), EVERY_LAYER,
                         ids=[type(case[0]).__name__ for case in EVERY_LAYER])
def test_backward_before_forward_names_the_layer(layer, shape):
    layer = copy.deepcopy(layer)
    out = layer.build(shape, np.random.default_rng(0), np.float64)
    dout = np.ones((2, *out))
    if isinstance(layer, nn.Step):  # Step never has a backward, forward or not
        with pytest.raises(TrainingError, match="Step has no useful gradient"):
            layer.backward(dout)
        return
    with pytest.raises(nn.LayerUsageError) as info:
        layer.backward(dout)
    message = str(info.value)
    assert message.startswith(layer.describe())
    assert "backward() was called before forward()" in message
    # ... and after a forward pass the same call works
    x = np.random.default_rng(1).standard_normal((2, *shape)) + 0.1
    layer.forward(x, training=True)
    assert layer.backward(dout).shape == x.shape


def test_backward_before_forward_in_a_model_names_the_layer_and_its_index():
    model = _mlp()
    layer = model.layers[2]
    with pytest.raises(nn.LayerUsageError, match=r"^Layer 2\.Dense \(Dense\(units=10"):
        layer.backward(np.ones((3, 10), np.float32))
