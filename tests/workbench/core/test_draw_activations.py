"""The Draw page's live layer strip, Qt-free: which layers, what the tiles hold, and that the
answer from the same pass is the plain forward pass's."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from workbench.core.draw.activations import activations, layer_images, shown_layers
from workbench.core.draw.inference import from_logits, predict


@pytest.fixture(scope="module")
def deep() -> nn.Sequential:
    return nn.presets.build("deep_convnet")


def test_the_strip_skips_pre_activations_and_dropout(deep) -> None:
    assert shown_layers(deep) == ["1.ReLU", "3.ReLU", "4.MaxPool2D", "6.ReLU", "8.ReLU",
                                  "9.MaxPool2D", "11.ReLU", "13.ReLU", "14.MaxPool2D",
                                  "16.ReLU", "18.Dense"]
    mlp = nn.presets.build("two_layer_net", hidden_size=20)
    names = shown_layers(mlp)
    assert names[-1] == mlp.layers[-1].name and len(names) == 2


def test_tiles_are_mosaics_and_grids_scaled_to_each_layer(deep) -> None:
    x = np.random.default_rng(0).random((28, 28)).astype(np.float32)
    logits, tiles = activations(deep, x)
    captured = deep.capture(x.reshape(1, 1, 28, 28))
    first = tiles[0]
    assert first.shape == (16, 28, 28) and first.image.shape == (4 * 29 - 1, 4 * 29 - 1)
    assert np.nanmax(first.image) == pytest.approx(1.0) and np.nanmin(first.image) >= 0.0
    assert np.isnan(first.image).any()  # the gaps between the maps
    assert first.peak == pytest.approx(float(captured["1.ReLU"].max()))
    dense = tiles[-2]
    assert dense.shape == (50,) and dense.image.shape == (1, 50)
    out = tiles[-1]
    assert out.shape == (10,) and out.image.shape == (1, 10)
    raw = captured["18.Dense"][0]
    expected = (raw - raw.min()) / (raw.max() - raw.min())  # scores can be negative
    np.testing.assert_allclose(out.image[0], expected, rtol=1e-6)
    same = predict(deep, x)
    got = from_logits(deep, logits)
    np.testing.assert_allclose(got.probabilities, same.probabilities, rtol=1e-6)
    assert got.top == same.top


def test_a_silent_layer_gives_a_dark_tile() -> None:
    tiles = layer_images({"0.ReLU": np.zeros((1, 3, 4, 4))}, ["0.ReLU"])
    assert tiles[0].peak == 0.0 and np.nanmax(tiles[0].image) == 0.0


def test_colours_run_from_dark_to_yellow_with_transparent_gaps() -> None:
    from workbench.core.draw.activations import colour

    rgba = colour(np.array([[0.0, 1.0, np.nan]]))
    assert rgba.dtype == np.uint8 and rgba.shape == (1, 3, 4)
    assert rgba[0, 0].tolist() == [24, 28, 48, 255] and rgba[0, 1].tolist() == [255, 214, 80, 255]
    assert rgba[0, 2, 3] == 0
