"""Presets reproduce the book's networks; every component resolves by name and round-trips."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import nn


@pytest.mark.parametrize(
    ("name", "params", "output"),
    [
        ("two_layer_net", 39_760, (10,)),
        ("multi_layer_net", 109_810, (10,)),
        ("multi_layer_net_extend", 109_810, (10,)),
        ("simple_convnet", 433_890, (10,)),
        ("deep_convnet", 123_552, (10,)),  # the book's DeepConvNet parameter count
    ],
)
def test_preset_sizes(name, params, output):
    model = nn.presets.build(name)
    assert model.parameter_count == params
    assert model.output_shape == output
    assert model.dtype == np.float32
    assert name in nn.presets.INFO


def test_simple_convnet_matches_the_book():
    model = nn.presets.build("simple_convnet", seed=0)
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Conv2D", "ReLU", "MaxPool2D", "Dense", "ReLU", "Dense"]
    assert model.layers[0].params["W"].shape == (30, 1, 5, 5)
    assert model.layers[2].output_shape == (30, 12, 12)
    assert model.layers[3].params["W"].shape == (4320, 100)
    assert abs(model.layers[3].params["W"].std() - 0.01) < 5e-4  # weight_init_std = 0.01


def test_deep_convnet_matches_the_book():
    model = nn.presets.build("deep_convnet", seed=0)
    convs = [layer for layer in model.layers if isinstance(layer, nn.Conv2D)]
    assert [c.filters for c in convs] == [16, 16, 32, 32, 64, 64]
    assert [c.pad for c in convs] == [1, 1, 1, 2, 1, 1]
    assert [c.output_shape[1] for c in convs] == [28, 28, 14, 16, 8, 8]
    for conv in convs:  # He: std = sqrt(2 / (in_ch · 3 · 3))
        fan_in = conv.input_shape[0] * 9
        assert abs(conv.params["W"].std() / math.sqrt(2 / fan_in) - 1) < 0.15
    tail = [type(layer).__name__ for layer in model.layers[-5:]]
    assert tail == ["Dense", "ReLU", "Dropout", "Dense", "Dropout"]
    assert model.layers[15].params["W"].shape == (1024, 50)


def test_extend_switches_and_overrides():
    model = nn.presets.build("multi_layer_net_extend", use_batchnorm=True, use_dropout=True,
                             dropout_rate=0.2, hidden_sizes=[20, 20], activation="sigmoid",
                             init="xavier")
    kinds = [type(layer).__name__ for layer in model.layers]
    assert kinds == ["Dense", "BatchNorm", "Sigmoid", "Dropout"] * 2 + ["Dense"]
    assert model.layers[3].rate == 0.2
    toy = nn.presets.build("multi_layer_net", input_shape=(2,), classes=3, hidden_sizes=[8])
    assert toy.input_shape == (2,) and toy.output_shape == (3,)
    with pytest.raises(ValueError, match="Unknown preset"):
        nn.presets.build("resnet")
    with pytest.raises(ValueError, match="simple_convnet has no option .depth."):
        nn.presets.build("simple_convnet", depth=3)


@pytest.mark.parametrize("name", nn.initializers.NAMES)
def test_initializers_round_trip_and_scale(name):
    init = nn.initializers.get(name)
    assert nn.initializers.get(init.name) == init
    rng = np.random.default_rng(0)
    w = init((400, 300), 400, rng, np.float32)
    assert w.dtype == np.float32 and w.shape == (400, 300)
    expected = {"zeros": 0.0, "std0.01": 0.01, "std1": 1.0, "xavier": math.sqrt(1 / 400),
                "he": math.sqrt(2 / 400), "xavier_uniform": math.sqrt(1 / 400),
                "he_uniform": math.sqrt(2 / 400)}[name]
    assert w.std() == pytest.approx(expected, rel=0.02, abs=1e-12)


def test_initializer_aliases_and_errors():
    assert nn.initializers.get("relu").name == "he"
    assert nn.initializers.get("sigmoid").name == "xavier"
    assert nn.initializers.get("normal", std=0.05).name == "std0.05"
    assert nn.initializers.get("std=0.1").std == 0.1
    for std in (1e-4, 1e-5, 0.0316, 2.5):  # names round-trip, exponents included
        init = nn.initializers.get("normal", std=std)
        assert nn.initializers.get(init.name) == init and init.std == std
    for bad in ("glorot", "std-1", "std0"):
        with pytest.raises(ValueError, match="initializer"):
            nn.initializers.get(bad)
    conv = nn.Conv2D(8, 3, init="he")
    conv.build((4, 10, 10), np.random.default_rng(0), np.float64)
    assert conv.params["W"].std() == pytest.approx(math.sqrt(2 / 36), rel=0.1)  # fan-in 4·3·3


# Config round trips with non-default arguments: tests/nn/test_config_round_trips.py.
@pytest.mark.parametrize("name", sorted(nn.layers.LAYER_TYPES))
def test_layer_types_resolve_by_name_in_any_case(name):
    cls = nn.layers.LAYER_TYPES[name]
    assert nn.layers.resolve_type(name.lower()) is cls
    assert nn.layers.resolve_type(name.upper()) is cls


def test_layer_name_errors():
    with pytest.raises(ValueError, match="Unknown layer type 'Conv3D'"):
        nn.layers.get("Conv3D")
    with pytest.raises(ValueError, match="Invalid settings for Dense"):
        nn.layers.get("Dense", unit=3)
    assert isinstance(nn.layers.get("Affine", units=3), nn.Dense)


def test_unknown_loss_and_schedule_names_are_refused():
    with pytest.raises(ValueError, match="Unknown loss"):
        nn.losses.get("hinge")
    with pytest.raises(ValueError, match="Unknown schedule"):
        nn.schedules.from_config({"name": "warm"})
    with pytest.raises(ValueError, match="config is its name"):
        nn.losses.from_config({"name": "mse"})
    with pytest.raises(ValueError, match="config is its name"):
        nn.initializers.from_config({"name": "he"})


@pytest.mark.parametrize("name", nn.presets.NAMES)
def test_presets_round_trip_through_config(name):
    model = nn.presets.build(name, seed=1)
    twin = nn.Sequential.from_config(json.loads(json.dumps(model.to_config())))
    for key, value in model.named_parameters().items():
        np.testing.assert_array_equal(twin.named_parameters()[key], value)


@pytest.mark.parametrize("name", nn.presets.NAMES)
def test_preset_config_is_the_built_config_without_building(name, monkeypatch):
    options = {"input_shape": (1, 12, 12), "classes": 4} if "conv" in name else {"classes": 3}
    expected = nn.presets.build(name, seed=2, **options).to_config()

    def no_weights(*args, **kwargs):
        raise AssertionError("presets.config allocated weights")

    monkeypatch.setattr(nn.Sequential, "_build", no_weights)
    monkeypatch.setattr(nn.initializers.Initializer, "__call__", no_weights)
    assert nn.presets.config(name, seed=2, **options) == expected
    with pytest.raises(ValueError, match="has no option"):
        nn.presets.config(name, colour="red")
    monkeypatch.undo()
    assert isinstance(nn.presets.build(name, **options), nn.Sequential)  # build unchanged after
