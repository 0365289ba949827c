"""Sequential: construction-time shape checks, naming, state, determinism, dtype discipline."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

import nn
from nn.functions import numerical_gradient
from nn.gradcheck import relative_error


def small_cnn(**kw):
    return nn.Sequential(
        [nn.Conv2D(4, 3, pad=1), nn.ReLU(), nn.MaxPool2D(2), nn.Dense(8), nn.ReLU(),
         nn.Dropout(0.3), nn.Dense(3)],
        input_shape=(1, 6, 6), **kw,
    )


def batch(n=8, shape=(1, 6, 6), classes=3, seed=0, dtype=np.float32):
    rng = np.random.default_rng(seed)
    return rng.random((n, *shape)).astype(dtype), rng.integers(0, classes, n)


# ------------------------------------------------------------------ invalid stacks
def test_conv_after_flatten_names_layer_index_and_shapes():
    with pytest.raises(nn.ModelBuildError) as info:
        nn.Sequential([nn.Flatten(), nn.Conv2D(8, 3)], input_shape=(1, 28, 28))
    msg = str(info.value)
    assert "Layer 1" in msg and "Conv2D" in msg and "(784,)" in msg
    assert "3-D input (channels, height, width)" in msg
    assert info.value.index == 1


def test_pool_larger_than_its_input():
    with pytest.raises(nn.ModelBuildError) as info:
        nn.Sequential(
            [nn.Conv2D(2, 3), nn.MaxPool2D(2), nn.MaxPool2D(2), nn.MaxPool2D(2)],
            input_shape=(1, 8, 8),
        )
    msg = str(info.value)
    assert "Layer 3" in msg and "MaxPool2D" in msg and "(2, 1, 1)" in msg
    assert "larger than the input" in msg
    assert info.value.index == 3


def test_kernel_larger_than_input_and_bad_settings():
    with pytest.raises(nn.ModelBuildError, match=r"Layer 0 .*Conv2D.*\(1, 4, 4\)"):
        nn.Sequential([nn.Conv2D(2, 5)], input_shape=(1, 4, 4))
    with pytest.raises(ValueError, match="filters"):
        nn.Conv2D(0, 3)
    with pytest.raises(ValueError, match="rate"):
        nn.Dropout(1.0)
    with pytest.raises(ValueError, match="pad"):
        nn.MaxPool2D(2, pad=2)
    with pytest.raises(ValueError, match="dtype"):
        nn.Sequential([nn.Dense(2)], input_shape=(3,), dtype="float16")
    with pytest.raises(nn.ModelBuildError, match="at least one layer"):
        nn.Sequential([], input_shape=(3,))


def test_wrong_input_shape_is_reported():
    model = small_cnn()
    with pytest.raises(ValueError, match=r"expects \(1, 6, 6\)"):
        model.predict(np.zeros((2, 1, 5, 5), np.float32))
    flat = np.zeros((2, 36), np.float32)  # same size: reshaped, as the book's flat MNIST
    assert model.predict(flat).shape == (2,)


# ------------------------------------------------------------------ structure
def test_summary_names_and_counts():
    model = small_cnn()
    rows = model.summary()
    assert [r.output_shape for r in rows] == [
        (4, 6, 6), (4, 6, 6), (4, 3, 3), (8,), (8,), (8,), (3,)]
    assert [r.parameters for r in rows] == [40, 0, 0, 296, 0, 0, 27]
    assert model.parameter_count == 363
    assert list(model.named_parameters()) == ["0.W", "0.b", "3.W", "3.b", "6.W", "6.b"]
    assert model.named_parameters()["0.W"].shape == (4, 1, 3, 3)
    assert model.named_parameters()["3.W"].shape == (36, 8)
    assert set(model.named_grads()) == set(model.named_parameters())
    assert model.decay_names == {"0.W", "3.W", "6.W"}
    assert "Total parameters: 363" in model.summary_text()


def test_batchnorm_buffers_are_named_and_not_decayed():
    model = nn.presets.build("multi_layer_net_extend", use_batchnorm=True, hidden_sizes=[5])
    assert set(model.named_buffers()) == {"1.running_mean", "1.running_var"}
    assert "1.gamma" not in model.decay_names and "1.beta" not in model.decay_names


# ------------------------------------------------------------------ behaviour
def test_same_seed_gives_identical_losses_over_20_steps():
    def run():
        model = nn.presets.build("simple_convnet", seed=7, filters=4, hidden_size=10)
        opt = nn.optimizers.get("adam", lr=1e-3)
        x, t = batch(16, (1, 28, 28), 10)
        return [model.train_step(x, t, opt) for _ in range(20)]

    assert run() == run()


def test_dropout_model_deterministic_per_seed_and_differs_across_seeds():
    def losses(seed):
        model = small_cnn(seed=seed)
        opt = nn.optimizers.get("sgd", lr=0.1)
        x, t = batch()
        return [model.train_step(x, t, opt) for _ in range(5)]

    assert losses(1) == losses(1)
    assert losses(1) != losses(2)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_no_silent_upcasts(dtype):
    model = small_cnn(dtype=dtype)
    for name in ("sgd", "momentum", "nesterov", "adagrad", "rmsprop", "adadelta", "adam"):
        opt = nn.optimizers.get(name, weight_decay=1e-3, schedule="cosine")
        x, t = batch(dtype=np.float64)  # inputs are cast once at the model's entry
        model.train_step(x, t, opt)
        for key, arr in {**model.named_parameters(), **model.named_grads()}.items():
            assert arr.dtype == np.dtype(dtype), (name, key)
        for st in opt.state.values():
            assert all(a.dtype == np.dtype(dtype) for a in st.values()), name
    assert model.forward(x).dtype == np.dtype(dtype)
    assert all(v.dtype == np.dtype(dtype) for v in model.capture(x).values())


def test_predict_proba_accuracy_and_batching():
    model = small_cnn()
    x, t = batch(37)
    p = model.predict_proba(x)
    assert p.shape == (37, 3)
    np.testing.assert_allclose(p.sum(axis=1), 1, rtol=1e-5)
    np.testing.assert_allclose(model.predict_proba(x, batch_size=5), p, rtol=1e-5, atol=1e-7)
    acc = model.accuracy(x, t, batch_size=4)
    assert acc == pytest.approx(np.mean(p.argmax(1) == t))
    onehot = np.eye(3)[t]
    assert model.accuracy(x, onehot) == pytest.approx(acc)
    loss, acc2 = model.evaluate(x, t, batch_size=10)
    assert acc2 == pytest.approx(acc) and loss > 0


def test_backward_does_not_mutate_its_input():
    model = small_cnn(dtype="float64")
    x, t = batch(4, dtype=np.float64)
    out = x
    for layer in model.layers:  # layer by layer: the model's own passes fuse Conv-ReLU-pool
        out = layer.forward(out, training=True)
    for layer in reversed(model.layers):
        dout = np.random.default_rng(0).standard_normal((4, *layer.output_shape))
        before = dout.copy()
        layer.backward(dout)
        np.testing.assert_array_equal(dout, before, err_msg=layer.name)
    model.forward(x, training=True)
    dout = np.random.default_rng(1).standard_normal((4, *model.output_shape))
    before = dout.copy()
    model.backward(dout)
    np.testing.assert_array_equal(dout, before)


def test_capture_returns_every_layer_output():
    model = small_cnn()
    x, _ = batch(2)
    out = model.capture(x)
    assert list(out) == [layer.name for layer in model.layers]
    assert out["2.MaxPool2D"].shape == (2, 4, 3, 3)
    np.testing.assert_allclose(out["6.Dense"], model.forward(x), rtol=1e-6)


def test_input_gradient_matches_numerical():
    model = small_cnn(dtype="float64", seed=3)
    x, _ = batch(1, dtype=np.float64)
    cls = int(model.predict(x)[0])
    grad = model.input_gradient(x)
    assert grad.shape == x.shape
    numerical = numerical_gradient(lambda _: float(model.forward(x)[0, cls]), x, 1e-5)
    assert relative_error(grad, numerical) < 1e-6
    assert model.layers[0].input_grad is False  # restored: training skips the input gradient


def test_gradient_stats():
    model = small_cnn()
    x, t = batch()
    model.loss_and_grads(x, t)
    stats = model.gradient_stats()
    assert list(stats) == ["0.Conv2D", "3.Dense", "6.Dense"]
    g = model.named_grads()
    expected = np.sqrt(np.sum(g["0.W"].astype(float) ** 2) + np.sum(g["0.b"].astype(float) ** 2))
    assert stats["0.Conv2D"]["norm"] == pytest.approx(expected, rel=1e-5)
    assert stats["3.Dense"]["mean_abs"] > 0


def test_step_activation_is_forward_only():
    model = nn.Sequential([nn.Dense(2), nn.Step()], input_shape=(2,), loss="mse")
    x = np.array([[1.0, 1.0], [-1.0, -1.0]], np.float32)
    assert set(np.unique(model.forward(x))) <= {0.0, 1.0}
    with pytest.raises(nn.TrainingError, match="Step has no useful gradient"):
        model.train_step(x, np.array([0, 1]), nn.optimizers.get("sgd"))


def test_config_round_trip_and_copy():
    model = small_cnn(seed=4)
    config = model.to_config()
    import json

    twin = nn.Sequential.from_config(json.loads(json.dumps(config)))
    assert twin.to_config() == config
    for k, v in model.named_parameters().items():  # same seed ⇒ same initial weights
        np.testing.assert_array_equal(v, twin.named_parameters()[k])
    copy64 = model.copy("float64")
    assert copy64.dtype == np.float64
    x, _ = batch(3)
    np.testing.assert_allclose(copy64.forward(x), model.forward(x), rtol=1e-5, atol=1e-6)


def test_load_state_dict_by_name_and_shape():
    model = small_cnn()
    state = model.state_dict()
    state["3.W"] = state["3.W"] * 2
    model.load_state_dict(state)
    np.testing.assert_array_equal(model.named_parameters()["3.W"], state["3.W"])
    bad = dict(state)
    bad["3.W"] = np.zeros((5, 5))
    with pytest.raises(ValueError, match=r"'3.W' has shape \(5, 5\)"):
        model.load_state_dict(bad)
    missing = dict(state)
    del missing["0.b"]
    with pytest.raises(ValueError, match="missing 0.b"):
        model.load_state_dict(missing)
    with pytest.raises(ValueError, match="unexpected extra"):
        model.load_state_dict({**state, "extra": np.zeros(1)})
    model.load_state_dict(missing, strict=False)


def test_import_nn_loads_neither_qt_nor_matplotlib():
    code = (
        "import sys, importlib.util, nn; "
        "importlib.util.find_spec('nn.datasets') and __import__('nn.datasets'); "
        "bad = [m for m in sys.modules if m.split('.')[0] in "
        "('PySide6', 'matplotlib', 'PyQt5', 'PyQt6', 'PIL')]; "
        "print(','.join(bad)); sys.exit(1 if bad else 0)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("name", nn.presets.NAMES)
def test_config_for_is_the_built_models_config_without_building(name, monkeypatch):
    model = nn.presets.build(name, seed=3, init="xavier")
    specs = [nn.layers.to_config(layer) for layer in model.layers]
    kwargs = {"seed": 3, "init": "xavier", "name": model.name, "dtype": "float32"}

    def no_weights(*args, **kwargs):
        raise AssertionError("config_for allocated weights")

    monkeypatch.setattr(nn.initializers.Initializer, "__call__", no_weights)
    monkeypatch.setattr(nn.Sequential, "_build", no_weights)
    assert nn.Sequential.config_for(specs, model.input_shape, **kwargs) == model.to_config()


def test_config_for_refuses_what_the_constructor_refuses():
    with pytest.raises(nn.ModelBuildError, match="Layer 1"):
        nn.Sequential.config_for([{"type": "Flatten"}, {"type": "Conv2D",
                                                         "config": {"filters": 2}}], (1, 8, 8))
    with pytest.raises(ValueError, match="Invalid dtype"):
        nn.Sequential.config_for([{"type": "Dense", "config": {"units": 2}}], (3,),
                                 dtype="float16")


def test_blueprint_counts_parameters_per_layer():
    bp = nn.blueprint.blueprint([nn.Conv2D(4, 3), nn.BatchNorm(), nn.Flatten(), nn.Dense(5)],
                                (1, 6, 6))
    assert bp.layer_parameters == (4 * 9 + 4, 8, 0, 4 * 16 * 5 + 5)
    assert sum(bp.layer_parameters) == bp.parameter_count
