"""2-D test functions and optimizer paths (book ch. 6.1): gradients, minima, the paths against
each update rule written out by hand, step by step, and the book's figure 6-8."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nn import landscapes as L
from nn import optimizers

POINTS = np.array([[-1.3, 0.7], [0.4, -2.2], [2.5, 1.1], [-0.2, 0.05]])


# ------------------------------------------------------------------- functions and gradients
@pytest.mark.parametrize("name", L.NAMES)
def test_gradient_matches_central_differences(name):
    land = L.get(name)
    h = 1e-6
    for p in POINTS:
        num = [(land.value(p + h * e) - land.value(p - h * e)) / (2 * h) for e in np.eye(2)]
        np.testing.assert_allclose(land.gradient(p), num, rtol=1e-6, atol=1e-6)


@pytest.mark.parametrize("name", L.NAMES)
def test_minima_are_stationary_and_lowest_nearby(name):
    land = L.get(name)
    for m in land.minima:
        np.testing.assert_allclose(land.gradient(m), 0.0, atol=1e-9)
        around = np.array(m) + 1e-3 * np.array([[1, 0], [-1, 0], [0, 1], [0, -1], [1, 1]])
        assert np.all(land.value(around) > land.value(m))
    for c in land.critical:
        np.testing.assert_allclose(land.gradient(c), 0.0, atol=1e-9)
    if land.minima:
        assert land.f_min == pytest.approx(float(land.value(land.minima[0])))
        assert all(land.value(m) >= land.f_min for m in land.minima)


def test_known_values():
    assert L.get("book").value([-7.0, 2.0]) == pytest.approx(49 / 20 + 4)
    assert L.get("rosenbrock").minima == ((1.0, 1.0),)
    assert L.get("beale").value([3.0, 0.5]) == pytest.approx(0.0)
    assert L.get("saddle").minima == () and math.isinf(L.get("saddle").f_min)
    two = L.get("two_minima")
    (xg, _), (xl, _) = two.minima
    assert xg < 0 < xl and two.value([xg, 0]) < two.value([xl, 0])  # global first
    assert two.critical[0][0] == pytest.approx(0.075, abs=0.01)  # the barrier between them


def test_unknown_function_and_bad_arguments():
    with pytest.raises(ValueError, match="Unknown function"):
        L.get("himmelblau")
    with pytest.raises(ValueError, match="steps"):
        L.optimizer_path("book", "sgd", (0, 0), -1)
    with pytest.raises(ValueError, match="start"):
        L.optimizer_path("book", "sgd", (math.nan, 0), 3)
    with pytest.raises(ValueError, match="learning rate"):
        L.optimizer_path("book", {"name": "sgd", "lr": -1}, (0, 0), 3)


# ------------------------------------------------------------------- update rules by hand
def by_hand(name, hp, land, start, steps):
    """Each rule exactly as the book (common/optimizer.py) or its paper writes it."""
    p = np.array(start, dtype=float)
    out = [p.copy()]
    s1, s2 = np.zeros(2), np.zeros(2)
    lr = hp["lr"]
    for t in range(1, steps + 1):
        g = np.array(land.grad(p[0], p[1]), dtype=float)
        if name == "sgd":
            p = p - lr * g
        elif name == "momentum":
            s1 = hp["momentum"] * s1 - lr * g
            p = p + s1
        elif name == "nesterov":
            m = hp["momentum"]
            s1 = m * s1 - lr * g
            p = p + m * m * s1 - (1 + m) * lr * g
        elif name == "adagrad":
            s1 = s1 + g * g
            p = p - lr * g / (np.sqrt(s1) + 1e-7)
        elif name == "rmsprop":
            rho = hp["decay_rate"]
            s1 = rho * s1 + (1 - rho) * g * g
            p = p - lr * g / (np.sqrt(s1) + 1e-7)
        elif name == "adadelta":  # Zeiler (2012), algorithm 1, scaled by lr
            rho, eps = hp["rho"], hp["eps"]
            s1 = rho * s1 + (1 - rho) * g * g
            dx = -np.sqrt(s2 + eps) / np.sqrt(s1 + eps) * g
            s2 = rho * s2 + (1 - rho) * dx * dx
            p = p + lr * dx
        elif name == "adam":
            b1, b2 = hp["beta1"], hp["beta2"]
            lr_t = lr * math.sqrt(1 - b2**t) / (1 - b1**t)
            s1 = s1 + (1 - b1) * (g - s1)
            s2 = s2 + (1 - b2) * (g * g - s2)
            p = p - lr_t * s1 / (np.sqrt(s2) + 1e-7)
        out.append(p.copy())
    return np.array(out)


RULE_SETTINGS = {
    "sgd": {"lr": 0.3},
    "momentum": {"lr": 0.05, "momentum": 0.8},
    "nesterov": {"lr": 0.05, "momentum": 0.7},
    "adagrad": {"lr": 0.9},
    "rmsprop": {"lr": 0.1, "decay_rate": 0.9},
    "adadelta": {"lr": 1.0, "rho": 0.9, "eps": 1e-4},
    "adam": {"lr": 0.2, "beta1": 0.8, "beta2": 0.99},
}


def test_every_engine_optimizer_is_covered():
    assert set(RULE_SETTINGS) == set(optimizers.NAMES)


@pytest.mark.parametrize("function", ["book", "rosenbrock", "beale", "two_minima"])
@pytest.mark.parametrize("name", sorted(RULE_SETTINGS))
def test_path_matches_the_update_rule_step_by_step(name, function):
    land = L.get(function)
    hp = dict(RULE_SETTINGS[name])
    if function != "book":  # a stable rate for this function; the other settings as above
        hp["lr"] = land.rates[name]
    path = L.optimizer_path(function, {"name": name, **hp}, land.start, 60)
    expected = by_hand(name, {**optimizers.RULES[name].defaults, **hp}, land, land.start, 60)
    assert path.shape == (61, 2) and np.all(np.isfinite(expected))
    assert L.path_length(path) > 1e-3  # it moved
    for k in range(61):  # step by step, so a failure names the first wrong step
        np.testing.assert_allclose(path[k], expected[k], rtol=1e-12, atol=1e-14,
                                   err_msg=f"{name} on {function}, step {k}")


def test_diverging_path_matches_the_rule_until_it_diverges():
    land = L.get("rosenbrock")
    path = L.optimizer_path(land, {"name": "sgd", "lr": 0.01}, (-1.2, 1.0), 30)
    step = L.divergence_step(path)
    assert step is not None
    with np.errstate(all="ignore"):
        expected = by_hand("sgd", {"lr": 0.01}, land, (-1.2, 1.0), step - 1)
    np.testing.assert_allclose(path[:step], expected, rtol=1e-12)


def test_paths_for_several_optimizers_and_defaults():
    configs = {"sgd": {"lr": 0.1}, "slow adam": {"name": "adam", "lr": 0.01}}
    paths = L.optimizer_paths("book", configs, (-7, 2), 5)
    assert set(paths) == {"sgd", "slow adam"}
    np.testing.assert_array_equal(
        paths["sgd"], L.optimizer_path("book", {"name": "sgd", "lr": 0.1}, (-7, 2), 5))
    np.testing.assert_array_equal(
        paths["slow adam"], L.optimizer_path("book", {"name": "adam", "lr": 0.01}, (-7, 2), 5))
    assert L.optimizer_path("book", "sgd", (1, 2), 0).tolist() == [[1.0, 2.0]]


# ------------------------------------------------------------------- the book's figure 6-8
@pytest.fixture(scope="module")
def book_paths():
    fig = L.BOOK_FIGURE
    assert fig["start"] == (-7.0, 2.0) and fig["steps"] == 30
    assert fig["optimizers"] == {"sgd": {"lr": 0.95}, "momentum": {"lr": 0.1},
                                 "adagrad": {"lr": 1.5}, "adam": {"lr": 0.3}}
    return L.optimizer_paths(fig["function"], fig["optimizers"], fig["start"], fig["steps"])


def test_book_figure_sgd_zigzags_and_wastes_its_motion(book_paths):
    """Fig. 6-3/6-8: the gradient of x²/20 + y² points mostly along y, so SGD bounces across
    the valley (y flips sign every step) while creeping along x — the longest, least efficient
    path of the four."""
    sgd = book_paths["sgd"]
    assert np.all(np.sign(sgd[1:, 1]) == -np.sign(sgd[:-1, 1]))  # zig-zag in every step
    assert np.all(np.diff(sgd[:, 0]) > 0) and np.all(sgd[:, 0] < 0)  # creeps along x, no overshoot
    length = {k: L.path_length(p) for k, p in book_paths.items()}
    progress = {k: math.hypot(-7, 2) - math.hypot(*p[-1]) for k, p in book_paths.items()}
    efficiency = {k: progress[k] / length[k] for k in book_paths}
    others = [k for k in book_paths if k != "sgd"]
    assert all(length["sgd"] > 2.5 * length[k] for k in others)
    assert all(efficiency["sgd"] < 0.5 * efficiency[k] for k in others)
    assert efficiency["sgd"] < 0.2


def test_book_figure_adagrad_ends_closest_and_momentum_overshoots(book_paths):
    """The book: 'AdaGrad seems the best here' (results depend on the problem); Momentum rolls
    past the minimum like a ball in a bowl, so after 30 steps it is farther than SGD."""
    dist = {k: math.hypot(*p[-1]) for k, p in book_paths.items()}
    assert min(dist, key=dist.get) == "adagrad"
    assert book_paths["momentum"][:, 0].max() > 0.5  # swung past x = 0
    assert dist["momentum"] > dist["sgd"]
    for p in book_paths.values():
        assert p.shape == (31, 2) and np.all(np.isfinite(p))
        assert L.get("book").value(p[-1]) < 0.2 * L.get("book").value(p[0])


# ------------------------------------------------------------------- divergence, summaries
def test_divergence_is_cut_off_without_warnings():
    with np.errstate(all="raise"):  # no overflow may escape
        path = L.optimizer_path("rosenbrock", {"name": "sgd", "lr": 0.95}, (-1.5, 2.5), 50)
    step = L.divergence_step(path)
    assert step is not None and step <= 3
    assert np.all(np.isnan(path[step + 1:]))
    assert np.all(np.isfinite(path[:step]))
    summary = L.summarize("rosenbrock", path, 0.05)
    assert summary.diverged_at == step and math.isnan(summary.value)
    assert math.isnan(summary.final[0]) and summary.steps_to_tolerance is None


def test_summary_values():
    path = np.array([[-7.0, 2.0], [-1.0, 0.5], [0.03, 0.0], [0.01, 0.0]])
    s = L.summarize("book", path, 0.05)
    assert s.final == (0.01, 0.0) and s.value == pytest.approx(0.01**2 / 20)
    assert s.distance == pytest.approx(0.01) and s.minimum == 0
    assert s.steps_to_tolerance == 2 and s.diverged_at is None
    assert s.length == pytest.approx(math.hypot(6, 1.5) + math.hypot(1.03, 0.5) + 0.02)


def test_summary_on_two_minima_and_saddle():
    two = L.get("two_minima")
    sgd = L.optimizer_path(two, {"name": "sgd", "lr": 0.02}, two.start, 200)
    mom = L.optimizer_path(two, {"name": "momentum", "lr": 0.02}, two.start, 200)
    # plain descent settles in the nearer, shallower well; momentum rolls over the barrier
    assert L.summarize(two, sgd, 0.05).minimum == 1
    assert L.summarize(two, mom, 0.05).minimum == 0
    saddle = L.summarize("saddle", L.optimizer_path("saddle", "sgd", (-1.8, 0.02), 10), 0.05)
    assert saddle.minimum == -1 and math.isnan(saddle.distance)
    assert saddle.steps_to_tolerance is None


@pytest.mark.parametrize("name", L.NAMES)
def test_suggested_rates_are_stable_on_each_function(name):
    land = L.get(name)
    assert set(land.rates) == set(optimizers.NAMES)
    for opt, lr in land.rates.items():
        path = L.optimizer_path(land, {"name": opt, "lr": lr}, land.start, land.steps)
        if land.minima:
            assert L.divergence_step(path) is None, opt
            assert land.value(path[-1]) < land.value(path[0]), opt
        x0, x1, y0, y1 = land.view
        assert x0 < land.start[0] < x1 and y0 < land.start[1] < y1
