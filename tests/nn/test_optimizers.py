"""Optimizers: one step against hand-computed values; convergence on a quadratic and on
Rosenbrock (as optax's tests); validation, weight decay, schedules, configs."""

from __future__ import annotations

import math

import numpy as np
import pytest

import nn

P0 = np.array([1.0, -2.0, 0.5])
G = np.array([0.5, 0.25, -1.0])


def one_step(name, **kw):
    opt = nn.optimizers.get(name, **kw)
    params = {"w": P0.copy()}
    opt.step(params, {"w": G.copy()})
    return params["w"], opt


def test_sgd_step():
    p, _ = one_step("sgd", lr=0.1)
    np.testing.assert_allclose(p, P0 - 0.1 * G)


def test_momentum_two_steps():
    opt = nn.optimizers.get("momentum", lr=0.1, momentum=0.9)
    params = {"w": P0.copy()}
    opt.step(params, {"w": G})
    v1 = -0.1 * G
    np.testing.assert_allclose(params["w"], P0 + v1)
    g2 = np.array([1.0, 0.0, 2.0])
    opt.step(params, {"w": g2})
    np.testing.assert_allclose(params["w"], P0 + v1 + (0.9 * v1 - 0.1 * g2))


def test_nesterov_step():
    p, _ = one_step("nesterov", lr=0.1, momentum=0.9)
    # book: v = −ηg; W += m²v − (1 + m)ηg
    np.testing.assert_allclose(p, P0 + 0.81 * (-0.1 * G) - 1.9 * 0.1 * G)


def test_adagrad_step():
    p, _ = one_step("adagrad", lr=0.1)
    np.testing.assert_allclose(p, P0 - 0.1 * G / (np.abs(G) + 1e-7))


def test_rmsprop_step():
    p, _ = one_step("rmsprop", lr=0.1, decay_rate=0.99)
    h = 0.01 * G * G
    np.testing.assert_allclose(p, P0 - 0.1 * G / (np.sqrt(h) + 1e-7))


def test_adadelta_step():
    p, _ = one_step("adadelta", lr=1.0, rho=0.95, eps=1e-6)
    eg2 = 0.05 * G * G
    np.testing.assert_allclose(p, P0 - math.sqrt(1e-6) / np.sqrt(eg2 + 1e-6) * G)


def test_adam_two_steps_bias_corrected():
    opt = nn.optimizers.get("adam", lr=0.01, beta1=0.9, beta2=0.999)
    params = {"w": P0.copy()}
    m = np.zeros(3)
    v = np.zeros(3)
    expected = P0.copy()
    for t, g in enumerate([G, 2 * G], start=1):
        opt.step(params, {"w": g})
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        m_hat, v_hat = m / (1 - 0.9**t), v / (1 - 0.999**t)
        # the book's form folds the correction into the step: ε is scaled by √(1 − β2^t)
        expected = expected - 0.01 * m_hat / (np.sqrt(v_hat) + 1e-7 / math.sqrt(1 - 0.999**t))
        np.testing.assert_allclose(params["w"], expected, rtol=1e-12)
    # first step of bias-corrected Adam is ≈ −lr·sign(g)
    assert opt.iterations == 2


def rosenbrock_grad(p):
    x, y = p
    return np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)])


def quadratic_grad(p):  # f(x, y) = x²/20 + y², the book's ch. 6.1 function
    return np.array([p[0] / 10, 2 * p[1]])


def descend(opt, grad, start, steps):
    params = {"p": np.array(start, dtype=np.float64)}
    for _ in range(steps):
        opt.step(params, {"p": grad(params["p"])})
    return params["p"]


CONVERGENCE = {
    # name: (quadratic settings, Rosenbrock settings), each from a fixed start
    "sgd": ({"lr": 0.9}, {"lr": 1e-3}),
    "momentum": ({"lr": 0.1}, {"lr": 1e-4}),
    "nesterov": ({"lr": 0.1}, {"lr": 1e-4}),
    "adagrad": ({"lr": 1.5}, {"lr": 0.5}),
    "rmsprop": ({"lr": 0.01}, {"lr": 1e-3}),
    "adadelta": ({"lr": 1.0}, {"lr": 0.1, "rho": 0.9, "eps": 1e-8}),
    "adam": ({"lr": 0.3}, {"lr": 0.01}),
}


@pytest.mark.parametrize("name", list(CONVERGENCE))
def test_converges_on_quadratic(name):
    settings = CONVERGENCE[name][0]
    final = descend(nn.optimizers.get(name, **settings), quadratic_grad, (-7.0, 2.0), 3000)
    assert np.linalg.norm(final) < 1e-2, final


@pytest.mark.parametrize("name", list(CONVERGENCE))
def test_converges_on_rosenbrock(name):
    settings = CONVERGENCE[name][1]
    final = descend(nn.optimizers.get(name, **settings), rosenbrock_grad, (-1.2, 1.0), 20000)
    assert np.linalg.norm(final - 1.0) < 0.05, final


@pytest.mark.parametrize(
    ("name", "kwargs", "match"),
    [
        ("sgd", {"lr": -1}, r"Invalid learning rate: -1 \(must be a number in \(0, ∞\)\)"),
        ("sgd", {"lr": float("nan")}, "learning rate"),
        ("sgd", {"lr": 0}, "learning rate"),
        ("momentum", {"momentum": 1.0}, r"Invalid momentum: 1.0 \(must be a number in \[0, 1\)\)"),
        ("adam", {"beta1": -0.1}, "beta1"),
        ("adam", {"beta2": 1.5}, "beta2"),
        ("rmsprop", {"decay_rate": 2}, "decay_rate"),
        ("adagrad", {"eps": 0}, "eps"),
        ("adadelta", {"rho": 1}, "rho"),
        ("sgd", {"weight_decay": -1e-3}, "weight_decay"),
        ("sgd", {"momentum": 0.9}, "Unknown setting 'momentum' for sgd"),
        ("nadam", {}, "Unknown optimizer 'nadam'"),
    ],
)
def test_bad_hyperparameters_raise_at_construction(name, kwargs, match):
    with pytest.raises(ValueError, match=match):
        nn.optimizers.get(name, **kwargs)


def test_weight_decay_only_on_named_weights():
    opt = nn.optimizers.get("sgd", lr=0.1, weight_decay=0.5)
    params = {"0.W": np.array([2.0]), "0.b": np.array([2.0])}
    zero = {"0.W": np.array([0.0]), "0.b": np.array([0.0])}
    opt.step(params, zero, decay={"0.W"})
    assert params["0.W"][0] == pytest.approx(2.0 - 0.1 * 0.5 * 2.0)
    assert params["0.b"][0] == 2.0


def test_model_decay_skips_biases_and_batchnorm():
    model = nn.presets.build("multi_layer_net_extend", use_batchnorm=True, hidden_sizes=[4],
                             input_shape=(3,), classes=2)
    before = model.state_dict()
    opt = nn.optimizers.get("sgd", lr=0.1, weight_decay=1.0)
    model.named_grads()  # zero gradients: only decay can move a parameter
    opt.step(model.named_parameters(), {k: np.zeros_like(v) for k, v in
                                        model.named_parameters().items()}, model.decay_names)
    after = model.named_parameters()
    for key in ("0.W", "3.W"):
        np.testing.assert_allclose(after[key], before[key] * 0.9, rtol=1e-6)
    for key in ("0.b", "1.gamma", "1.beta", "3.b"):
        np.testing.assert_array_equal(after[key], before[key])


def test_learning_rate_changes_mid_run_and_schedules():
    opt = nn.optimizers.get("sgd", lr=0.1)
    params = {"w": np.array([0.0])}
    opt.step(params, {"w": np.array([1.0])})
    opt.set_hyperparameters(lr=0.01)
    opt.step(params, {"w": np.array([1.0])})
    assert params["w"][0] == pytest.approx(-0.11)
    with pytest.raises(ValueError):
        opt.set_hyperparameters(lr=-5)
    assert opt.lr == 0.01

    step = nn.schedules.get("step", step_size=10, gamma=0.5)
    assert [step(i) for i in (0, 9, 10, 25)] == [1, 1, 0.5, 0.25]
    assert nn.schedules.get("exponential", gamma=0.9)(2) == pytest.approx(0.81)
    cos = nn.schedules.get("cosine", total_steps=100, min_factor=0.1)
    assert cos(0) == 1 and cos(100) == pytest.approx(0.1) and cos(50) == pytest.approx(0.55)
    assert cos(500) == pytest.approx(0.1)
    opt = nn.optimizers.get("sgd", lr=1.0, schedule={"name": "step", "step_size": 1,
                                                      "gamma": 0.5})
    assert [opt.current_lr, (opt.step({}, {}), opt.current_lr)[1]] == [1.0, 0.5]
    with pytest.raises(ValueError, match="step_size"):
        nn.schedules.get("step", step_size=0)
    with pytest.raises(ValueError, match="Unknown schedule"):
        nn.schedules.get("warm")


@pytest.mark.parametrize("name", nn.optimizers.NAMES)
def test_config_round_trip_and_state(name):
    opt = nn.optimizers.get(name, lr=0.05, weight_decay=1e-4, schedule="cosine")
    twin = nn.optimizers.from_config(opt.get_config())
    assert twin.get_config() == opt.get_config()
    params = {"w": P0.copy()}
    opt.step(params, {"w": G})
    arrays = opt.state_arrays()
    twin.load_state_arrays(arrays, opt.iterations)
    p1, p2 = {"w": params["w"].copy()}, {"w": params["w"].copy()}
    opt.step(p1, {"w": G})
    twin.step(p2, {"w": G})
    np.testing.assert_array_equal(p1["w"], p2["w"])


@pytest.mark.parametrize("name", nn.optimizers.NAMES)
def test_the_returned_delta_is_a_new_array_the_caller_may_change(name):
    """A rule mutates its state in place but hands out a fresh delta: scribbling on the delta
    (as a clipping or logging wrapper might) leaves the state, and so the next step, intact."""
    rule = nn.optimizers.RULES[name]()
    opt = nn.optimizers.get(name)
    hp = {**opt.hyperparameters, "lr": 0.1, "t": 1}
    grad = G.copy()
    state = rule.init_state(P0)
    for t in (1, 2):  # a second step: Momentum's velocity is non-zero only then
        delta = rule.update(grad, state, {**hp, "t": t})
        assert not any(np.shares_memory(delta, a) for a in (*state.values(), grad))
        before = {k: v.copy() for k, v in state.items()}
        delta[...] = 123.0
        for key, value in state.items():
            np.testing.assert_array_equal(value, before[key], err_msg=f"{name} state {key}")
        np.testing.assert_array_equal(grad, G)  # the gradient is never changed


@pytest.mark.parametrize("name", nn.optimizers.NAMES)
def test_changing_a_delta_does_not_change_the_following_steps(name):
    def steps(scribble: bool) -> np.ndarray:
        opt = nn.optimizers.get(name, lr=0.05)
        rule = opt.rule
        original = rule.update

        def update(grad, state, hp):
            delta = original(grad, state, hp)
            result = delta.copy()
            if scribble:
                delta *= -7.0  # would corrupt Momentum's velocity if delta were state["v"]
            return result

        rule.update = update
        params = {"w": P0.copy()}
        for g in (G, 2 * G, -G):
            opt.step(params, {"w": g})
        return params["w"]

    np.testing.assert_array_equal(steps(False), steps(True))
