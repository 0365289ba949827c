"""Fused Conv2D → ReLU [→ MaxPool2D] and Dense → ReLU steps (nn/layers/_fused.py): which layers
fuse, and the same numbers as running the layers one by one — outputs, every gradient, the input
gradient — bit for bit, including pool ties, odd sizes the pool does not tile and batches the
chunks do not divide."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.gradcheck import check_model
from nn.layers._fused import ConvReLU, plan


def step_names(model):
    return ["+".join(type(q).__name__ for q in getattr(s, "layers", [s])) for s in model._steps]


def test_plan_fuses_conv_relu_and_tiling_pools_only():
    model = nn.presets.build("deep_convnet")
    assert step_names(model)[:3] == ["Conv2D+ReLU", "Conv2D+ReLU+MaxPool2D", "Conv2D+ReLU"]
    assert sum(isinstance(s, ConvReLU) for s in model._steps) == 6
    assert step_names(model)[6:] == ["Dense+ReLU", "Dropout", "Dense", "Dropout"]
    layers = [nn.Conv2D(2, 3), nn.ReLU(), nn.MaxPool2D(3, stride=2), nn.Conv2D(2, 1),
              nn.BatchNorm(), nn.ReLU(), nn.Conv2D(2, 1), nn.ReLU(), nn.AvgPool2D(2),
              nn.Conv2D(2, 1), nn.Tanh()]
    model = nn.Sequential(layers, input_shape=(1, 12, 12))
    assert step_names(model) == ["Conv2D+ReLU", "MaxPool2D", "Conv2D", "BatchNorm", "ReLU",
                                 "Conv2D+ReLU", "AvgPool2D", "Conv2D", "Tanh"]
    relu = nn.ReLU()
    assert plan([relu]) == [relu]


def layer_by_layer(model, x, dout):
    out = x
    for layer in model.layers:
        out = layer.forward(out, training=True)
    d = dout
    model.layers[0].input_grad = True
    for layer in reversed(model.layers):
        d = layer.backward(d)
    model.layers[0].input_grad = False
    return out, {k: g.copy() for k, g in model.named_grads().items()}, d


def fused(model, x, dout):
    out = model.forward(x, training=True)
    d = model.backward(dout, input_grad=True)
    return out, {k: g.copy() for k, g in model.named_grads().items()}, d


STACKS = {
    "pool tiles": ((1, 8, 8), [nn.Conv2D(3, 3, pad=1), nn.ReLU(), nn.MaxPool2D(2)]),
    "odd size": ((2, 9, 7), [nn.Conv2D(4, 3, pad=1), nn.ReLU(), nn.MaxPool2D(2)]),
    "pool 3": ((2, 9, 9), [nn.Conv2D(3, 3, pad=2), nn.ReLU(), nn.MaxPool2D(3)]),
    "odd height": ((2, 9, 8), [nn.Conv2D(3, 3, pad=1), nn.ReLU(), nn.MaxPool2D(2)]),
    "odd row": ((1, 8, 7), [nn.Conv2D(3, 2, pad=1), nn.ReLU(), nn.MaxPool2D(2)]),  # OWx odd
    "no pool": ((2, 7, 7), [nn.Conv2D(3, 2, stride=2), nn.ReLU(), nn.Conv2D(2, 3), nn.ReLU()]),
    "stacked": ((1, 10, 10), [nn.Conv2D(3, 3, pad=1), nn.ReLU(), nn.Conv2D(4, 3, pad=1),
                              nn.ReLU(), nn.MaxPool2D(2), nn.Conv2D(2, 3), nn.ReLU()]),
    "dense": ((1, 6, 6), [nn.Conv2D(2, 3), nn.ReLU(), nn.Dense(5), nn.ReLU(), nn.Dense(4),
                          nn.ReLU()]),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("chunk", [None, 2])
@pytest.mark.parametrize("stack", list(STACKS))
def test_fused_equals_layer_by_layer_bit_for_bit(stack, chunk, dtype):
    shape, layers = STACKS[stack]
    model = nn.Sequential([type(layer)(**layer.get_config()) for layer in layers],
                          input_shape=shape, dtype=dtype, seed=3, loss="mse")
    for layer in model.layers:
        if isinstance(layer, nn.Conv2D):
            layer.chunk_size = chunk
            layer.params["b"][:] = np.linspace(-0.3, 0.3, layer.filters)
    rng = np.random.default_rng(0)
    x = rng.random((5, *shape)).astype(dtype)
    x[0] = 1.0  # a saturated image: every pool window ties
    x[1, :, ::2] = 0.0
    dout = rng.standard_normal((5, *model.output_shape)).astype(dtype)
    inference = x
    for layer in model.layers:
        inference = layer.forward(inference, training=False)
    np.testing.assert_array_equal(model.forward(x), inference)
    want = layer_by_layer(model, x, dout)
    got = fused(model, x, dout)
    np.testing.assert_array_equal(got[0], want[0])
    for name in want[1]:
        np.testing.assert_array_equal(got[1][name], want[1][name], err_msg=name)
    np.testing.assert_array_equal(got[2], want[2])


@pytest.mark.parametrize("stack", ["odd size", "stacked"])
def test_fused_model_passes_the_float64_gradient_check(stack):
    shape, layers = STACKS[stack]
    model = nn.Sequential([type(layer)(**layer.get_config()) for layer in layers]
                          + [nn.Dense(3)], input_shape=shape, seed=1, dtype="float64")
    for layer in model.layers:
        if isinstance(layer, nn.Conv2D):
            layer.chunk_size = 2
    rng = np.random.default_rng(2)
    x, t = rng.standard_normal((5, *shape)), rng.integers(0, 3, 5)
    result = check_model(model, x, t)
    assert result.max_relative_error < 1e-6, result.checks


def test_capture_still_returns_every_layer_output():
    model = nn.presets.build("simple_convnet", seed=0)
    x = np.random.default_rng(0).random((3, 1, 28, 28), dtype=np.float32)
    captured = model.capture(x)
    assert len(captured) == len(model.layers)
    np.testing.assert_array_equal(list(captured.values())[-1], model.forward(x))
    conv_out = captured["0.Conv2D"]
    np.testing.assert_array_equal(captured["1.ReLU"], np.maximum(conv_out, 0))


def test_saliency_after_an_inference_pass_matches_layer_by_layer():
    """Inference skips the pool's winner bookkeeping; a backward after it recomputes it."""
    model = nn.presets.build("simple_convnet", seed=0, dtype="float64")
    x = np.random.default_rng(0).random((3, 1, 28, 28))
    x[0, 0, 10:18, 10:18] = 1.0  # saturated strokes: pool ties
    saliency = model.input_gradient(x)
    y = model.forward(x)
    dout = np.zeros_like(y)
    dout[np.arange(3), y.argmax(axis=1)] = 1.0
    np.testing.assert_array_equal(saliency, layer_by_layer(model, x, dout)[2])
