"""Every component round-trips through its config, with arguments that are NOT the defaults.

For each layer, schedule, optimizer, loss and initializer (and a whole model): construct with
non-default arguments → config → JSON → ``from_config`` → the config is equal AND the rebuilt
object behaves the same on a fixed input. Each case also checks that its arguments really
differ from the defaults and that the default object behaves differently on that input, so a
setting silently dropped by ``get_config`` or ignored by ``from_config`` fails here.
"""

from __future__ import annotations

import inspect
import json

import numpy as np
import pytest

import nn

RNG = np.random.default_rng(0)


def _json(value):
    return json.loads(json.dumps(value))


# ---------------------------------------------------------------------------------- layers
#: (layer with every optional argument changed, the required arguments, per-sample input)
LAYERS = [
    (nn.Dense(5, init="xavier", use_bias=False), {"units": 5}, (6,)),
    (nn.Conv2D(4, kernel_size=(3, 2), stride=2, pad=1, init="xavier_uniform"), {"filters": 4},
     (2, 7, 7)),
    (nn.MaxPool2D(pool_size=3, stride=1, pad=1), {}, (2, 7, 7)),
    (nn.AvgPool2D(pool_size=(2, 3), stride=1, pad=1), {}, (2, 7, 7)),
    (nn.BatchNorm(momentum=0.7, eps=1e-2), {}, (3, 4, 4)),
    (nn.Dropout(rate=0.3), {}, (20,)),
    (nn.LeakyReLU(alpha=0.2), {}, (20,)),
    (nn.Flatten(), {}, (2, 3, 3)),
    (nn.ReLU(), {}, (20,)),
    (nn.Sigmoid(), {}, (20,)),
    (nn.Tanh(), {}, (20,)),
    (nn.Step(), {}, (20,)),
    (nn.Identity(), {}, (20,)),
]


def test_every_layer_type_has_a_case():
    assert {type(layer) for layer, _, _ in LAYERS} == set(nn.layers.LAYER_TYPES.values())


def _run(layer, input_shape, x):
    """Build with a fixed seed, run forward in training mode (BatchNorm updates its running
    averages, Dropout draws its mask) then in inference mode; everything that came out."""
    layer.build(input_shape, np.random.default_rng(7), np.float64)
    out = [layer.forward(x, training=True)] if layer.differentiable else []  # Step: inference
    out.append(layer.forward(x, training=False))
    return [*out, *layer.params.values(), *layer.buffers.values()]


def _same(a, b) -> bool:
    return len(a) == len(b) and all(u.shape == v.shape and np.array_equal(u, v)
                                    for u, v in zip(a, b, strict=True))


@pytest.mark.parametrize(("layer", "required", "shape"), LAYERS,
                         ids=[type(case[0]).__name__ for case in LAYERS])
def test_layer_round_trip_with_non_default_arguments(layer, required, shape):
    cls = type(layer)
    spec = _json(nn.layers.to_config(layer))
    twin = nn.layers.from_config(spec)
    assert type(twin) is cls and twin.get_config() == layer.get_config()
    optional = {name: p.default for name, p in inspect.signature(cls).parameters.items()
                if p.default is not inspect.Parameter.empty}
    assert set(layer.get_config()) == set(optional) | set(required)  # nothing left out
    for key, default in optional.items():
        assert layer.get_config()[key] != default, f"{cls.__name__}.{key} is the default"
    x = RNG.standard_normal((4, *shape)) + 0.05  # away from ReLU's and Step's kink at 0
    assert _same(_run(layer, shape, x), _run(twin, shape, x))
    if optional:
        assert not _same(_run(layer, shape, x), _run(cls(**required), shape, x))


# ------------------------------------------------------------------------------- schedules
SCHEDULES = [
    nn.schedules.StepDecay(step_size=7, gamma=0.3),
    nn.schedules.Exponential(gamma=0.9),
    nn.schedules.Cosine(total_steps=50, min_factor=0.2),
    nn.schedules.Constant(),
]


def test_every_schedule_has_a_case():
    assert {type(s) for s in SCHEDULES} == set(nn.schedules.SCHEDULES.values())


@pytest.mark.parametrize("schedule", SCHEDULES, ids=lambda s: s.name)
def test_schedule_round_trip_with_non_default_arguments(schedule):
    config = _json(schedule.get_config())
    twin = nn.schedules.from_config(config)
    assert type(twin) is type(schedule) and twin.get_config() == schedule.get_config()
    steps = range(0, 80, 3)
    assert [twin(s) for s in steps] == [schedule(s) for s in steps]
    default = type(schedule)()
    for key, value in config.items():
        if key != "name":
            assert value != default.get_config()[key], f"{schedule.name}.{key} is the default"
    if len(config) > 1:
        assert [default(s) for s in steps] != [schedule(s) for s in steps]


# ------------------------------------------------------------------------------ optimizers
def _non_default_hyperparameters(rule: type[nn.optimizers.Rule]) -> dict[str, float]:
    """Every rule setting moved inside its valid range, away from its default."""
    out = {}
    for key, value in rule.defaults.items():
        low, high, _, _ = rule.ranges[key]
        out[key] = value * 0.5 if high <= 1.0 and value > 0.5 else value * 3.0
        assert low < out[key] < high
    return out


@pytest.mark.parametrize("name", nn.optimizers.NAMES)
def test_optimizer_round_trip_with_non_default_arguments(name):
    rule = nn.optimizers.RULES[name]
    hyper = _non_default_hyperparameters(rule)
    opt = nn.optimizers.get(name, lr=rule.default_lr * 0.3, weight_decay=0.01,
                            schedule={"name": "step", "step_size": 2, "gamma": 0.5}, **hyper)
    config = _json(opt.get_config())
    twin = nn.optimizers.from_config(config)
    assert twin.get_config() == opt.get_config()
    assert twin.hyperparameters == hyper
    assert all(hyper[k] != rule.defaults[k] for k in hyper)
    assert (twin.lr, twin.weight_decay) != (rule.default_lr, 0.0)

    def trajectory(optimizer) -> np.ndarray:
        params = {"w": np.array([1.0, -2.0, 0.5]), "b": np.array([0.3])}
        for k in range(5):
            grads = {"w": np.array([0.5, 0.25, -1.0]) * (k + 1), "b": np.array([0.1 * k])}
            optimizer.step(params, grads, decay=("w",))
        return np.concatenate([params["w"], params["b"]])

    np.testing.assert_array_equal(trajectory(twin), trajectory(nn.optimizers.get(config)))
    np.testing.assert_array_equal(trajectory(nn.optimizers.from_config(config)),
                                  trajectory(opt))
    assert not np.array_equal(trajectory(nn.optimizers.get(name)),
                              trajectory(nn.optimizers.from_config(config)))


# ---------------------------------------------------------------------------------- losses
@pytest.mark.parametrize("name", sorted(nn.losses.LOSSES))
def test_loss_round_trip(name):
    """Losses take no arguments: the name is the whole config (so the non-default is the
    choice of loss itself, checked against the model default, softmax cross-entropy)."""
    loss = nn.losses.get(name)
    twin = nn.losses.from_config(_json(loss.get_config()))
    assert type(twin) is type(loss) and twin.get_config() == loss.get_config() == name
    y = RNG.standard_normal((4, 1 if name == "sigmoid_bce" else 3))
    t = np.array([0, 1, 1, 0]) if name == "sigmoid_bce" else np.array([2, 0, 1, 1])
    assert twin.forward(y, t) == loss.forward(y, t)
    np.testing.assert_array_equal(twin.backward(), loss.backward())
    if name != "softmax_cross_entropy" and y.shape[1] > 1:
        assert nn.losses.get("softmax_cross_entropy").forward(y, t) != loss.forward(y, t)


# ---------------------------------------------------------------------------- initializers
@pytest.mark.parametrize("name", ["std0.05", "xavier", "xavier_uniform", "he_uniform", "zeros",
                                  "he"])
def test_initializer_round_trip(name):
    """An initializer's one parameter (the normal's std) is part of its name: ``std0.05``."""
    init = nn.initializers.get(name)
    twin = nn.initializers.from_config(_json(init.get_config()))
    assert twin == init and twin.get_config() == name

    def draw(i):
        return i((6, 4), 6, np.random.default_rng(3), np.float64)

    np.testing.assert_array_equal(draw(twin), draw(init))
    if name != "he":  # he is the models' default initializer
        assert not np.array_equal(draw(nn.initializers.get("he")), draw(init))


# ---------------------------------------------------------------------------------- models
def test_model_round_trip_with_non_default_settings():
    layers = [nn.layers.to_config(nn.Conv2D(4, (3, 2), 2, 1, "xavier_uniform")),
              nn.layers.to_config(nn.BatchNorm(0.7, 1e-2)),
              {"type": "Flatten", "config": {}}, {"type": "Dense", "config": {"units": 3}}]
    model = nn.Sequential(layers,
                          (2, 7, 7), loss="mse", dtype="float64", seed=3, init="xavier",
                          name="custom")
    config = _json(model.to_config())
    twin = nn.Sequential.from_config(config)
    assert twin.to_config() == model.to_config()
    assert (twin.loss.name, twin.dtype, twin.seed, twin.init, twin.name) == (
        "mse", np.float64, 3, "xavier", "custom")
    x = RNG.standard_normal((2, 2, 7, 7))
    np.testing.assert_array_equal(twin.forward(x), model.forward(x))
    default = nn.Sequential.from_config({k: v for k, v in config.items()
                                         if k in ("layers", "input_shape")})
    assert not np.array_equal(default.forward(x.astype(np.float32)), model.forward(x))
