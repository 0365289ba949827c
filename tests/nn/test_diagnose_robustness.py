"""Robustness curves and ablation (issue 22): the perturbations are what they claim (checked
against exact NumPy operations), every number equals a direct computation with the engine,
and the model is never changed."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.datasets import Augmenter, AugmentParams
from nn.diagnose.ablation import ablate, ablated_copy, choose_units, unit_count
from nn.diagnose.robustness import KINDS, perturb, robustness
from nn.inspect import confusion_matrix

DIGITS = nn.datasets.load("digits")
X, Y = DIGITS.x_test[:300], DIGITS.y_test[:300]


def trained(preset="multi_layer_net", seed=0, steps=150, **options) -> nn.Sequential:
    model = nn.presets.build(preset, seed=seed, **options)
    opt = nn.optimizers.get("adam", lr=0.003)
    rng = np.random.default_rng(seed)
    for _ in range(steps):
        idx = rng.choice(len(DIGITS.x_train), 64, replace=False)
        model.train_step(DIGITS.x_train[idx], DIGITS.y_train[idx], opt)
    return model


MODEL = trained()


def square(n=4, size=9):
    x = np.zeros((n, 1, size, size), np.float32)
    x[:, :, 2:5, 3:7] = 1.0  # an off-centre bar
    return x


def test_rotation_by_90_degrees_is_an_exact_quarter_turn():
    x = square()
    out = perturb(x, "rotation", 90)
    assert np.allclose(out[0, 0], np.rot90(x[0, 0], 1), atol=1e-5)  # counter-clockwise
    assert np.allclose(out[1, 0], np.rot90(x[1, 0], -1), atol=1e-5)  # then clockwise


def test_shift_by_whole_pixels_moves_the_image():
    x = square(n=8)
    out = perturb(x, "shift", 2)
    right = np.zeros_like(x[0, 0])
    right[:, 2:] = x[0, 0, :, :-2]
    down = np.zeros_like(x[0, 0])
    down[2:] = x[2, 0, :-2]
    assert np.allclose(out[0, 0], right, atol=1e-5)  # image 0: to the right
    assert np.allclose(out[2, 0], down, atol=1e-5)  # image 2: 90°, downwards


def test_thickness_noise_scale_and_the_input_untouched():
    x = square()
    keep = x.copy()
    thick = perturb(x, "thickness", 1)
    padded = np.pad(x, ((0, 0), (0, 0), (0, 1), (0, 1)))
    expected = np.maximum.reduce([padded[:, :, i:i + 9, j:j + 9] for i in (0, 1) for j in (0, 1)])
    assert np.array_equal(thick, expected)
    assert perturb(x, "thickness", -1).sum() < x.sum()
    noisy = perturb(x, "noise", 0.3, seed=5)
    direct = np.clip(x + 0.3 * np.random.default_rng(5).standard_normal(x.shape,
                                                                         dtype=np.float32), 0, 1)
    assert np.allclose(noisy, direct)
    assert np.allclose(perturb(x, "scale", 1.0), x, atol=1e-6)
    assert perturb(x, "scale", 0.5).sum() < 0.5 * x.sum()
    assert np.array_equal(x, keep)
    with pytest.raises(ValueError, match="Unknown perturbation"):
        perturb(x, "blur", 1)
    with pytest.raises(ValueError, match="images"):
        perturb(np.zeros((3, 2)), "noise", 0.1)


def _direct(model, kind, level, seed=0):
    """The same perturbation built by hand from the augmentation engine, then evaluated."""
    n = len(X)
    if kind == "noise":
        noise = np.float32(level) * np.random.default_rng(seed).standard_normal(
            X.shape, dtype=np.float32)
        xp = np.clip(X + noise, 0, 1)
    elif kind == "thickness":
        xp = X.copy()
        for _ in range(int(abs(level))):
            xp = (nn.datasets.dilate if level > 0 else nn.datasets.erode)(xp, 2)
    else:
        angle = np.where(np.arange(n) % 2 == 0, level, -level) if kind == "rotation" else 0
        theta = (np.arange(n) % 8) * np.pi / 4
        shift = (np.stack([np.cos(theta), np.sin(theta)], 1) * level if kind == "shift"
                 else np.zeros((n, 2)))
        scale = np.full(n, level if kind == "scale" else 1.0)
        params = AugmentParams(shift.astype(np.float32),
                               np.broadcast_to(angle, n).astype(np.float32),
                               scale.astype(np.float32), np.zeros(n, np.int8))
        xp = Augmenter.identity().apply(X, params)
    return model.accuracy(xp, Y)


def test_every_point_of_every_curve_equals_a_direct_computation():
    levels = {"noise": [0.2, 0.5], "rotation": [30], "shift": [3], "scale": [0.7, 1.3],
              "thickness": [-1, 2]}
    report = robustness(MODEL, X, Y, levels=levels, n_examples=5, example_count=2)
    clean = MODEL.accuracy(X, Y)
    assert report.clean_accuracy("model") == clean and clean > 0.8
    for kind in KINDS:
        for level, acc in zip(report.levels[kind], report.accuracy["model"][kind], strict=True):
            assert acc == _direct(MODEL, kind, level), (kind, level)
        assert report.examples[kind].shape == (2, 5, 28, 28)
    assert report.accuracy["model"]["noise"][-1] < clean  # noise 0.5 hurts
    assert report.example_levels["rotation"] == (0.0, 30.0)
    assert report.samples == 300


def test_two_models_on_the_same_curves():
    other = trained(seed=1, steps=40)
    levels = {"rotation": [20, 45], "noise": [0.4]}
    both = robustness({"a": MODEL, "b": other}, X, Y, kinds=("rotation", "noise"),
                      levels=levels)
    alone = robustness(other, X, Y, kinds=("rotation", "noise"), levels=levels)
    for kind in ("rotation", "noise"):
        assert np.array_equal(both.accuracy["b"][kind], alone.accuracy["model"][kind])
    assert set(both.accuracy) == {"a", "b"}
    calls = []
    robustness(MODEL, X[:20], Y[:20], kinds=("noise",), levels={"noise": [0.1]},
               progress=lambda done, total: calls.append((done, total)))
    assert calls == [(1, 2), (2, 2)]
    with pytest.raises(InterruptedError):
        robustness(MODEL, X, Y, should_cancel=lambda: True)


# ------------------------------------------------------------------------------- ablation
def _masked_predictions(model, index, units):
    """Forward layer by layer, zeroing the chosen output channels of layer ``index``."""
    out = np.asarray(X, dtype=model.dtype)
    for i, layer in enumerate(model.layers):
        out = layer.forward(out, training=False)
        if i == index:
            out = out.copy()
            out[:, list(units)] = 0.0
    return model.loss.probabilities(out).argmax(axis=1)


@pytest.mark.parametrize(("preset", "layer", "units"), [
    ("simple_convnet", "0.Conv2D", [0, 3, 7, 12]),
    ("multi_layer_net", 2, [1, 5, 50]),
])
def test_ablation_equals_zeroing_the_units_output(preset, layer, units):
    model = MODEL if preset == "multi_layer_net" else trained("simple_convnet", steps=60)
    before = model.state_dict()
    result = ablate(model, X, Y, layer, units=units)
    index = [lay.name for lay in model.layers].index(result.layer)
    expected = _masked_predictions(model, index, units)
    assert result.accuracy_after == pytest.approx(np.mean(expected == Y), abs=0)
    assert np.array_equal(result.confusion_after, confusion_matrix(Y, expected, 10))
    assert result.accuracy_before == model.accuracy(X, Y)
    assert np.array_equal(result.confusion_before, confusion_matrix(Y, model.predict(X), 10))
    assert result.confusion_change.sum() == 0
    for key, value in model.state_dict().items():  # "reset": the model was never changed
        assert np.array_equal(value, before[key])


def test_a_share_of_units_and_batchnorm_channels():
    assert choose_units(MODEL, 0, share=0.25, seed=3) == choose_units(MODEL, 0, share=0.25,
                                                                       seed=3)
    assert len(choose_units(MODEL, 0, share=0.25)) == 25
    everything = ablate(MODEL, X, Y, 8, share=1.0)  # the output layer: every class off
    assert everything.accuracy_after == np.mean(Y == 0)  # all scores 0: argmax picks class 0
    bn = nn.presets.build("multi_layer_net_extend", seed=0, use_batchnorm=True)
    twin = ablated_copy(bn, 0, [2])
    assert twin.capture(X[:10])["1.BatchNorm"][:, 2].tolist() == [0.0] * 10
    assert unit_count(bn, "0.Dense") == 100
    with pytest.raises(ValueError, match="no units"):
        ablate(MODEL, X, Y, 1, units=[0])
    with pytest.raises(ValueError, match="Unit 100 does not exist"):
        ablate(MODEL, X, Y, 0, units=[100])
    with pytest.raises(ValueError, match="either units or a share"):
        ablate(MODEL, X, Y, 0)
