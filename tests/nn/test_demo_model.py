"""The shipped demo model (resources/models/digits_deep_convnet.npz), trained by the documented
command on the 8,000 embedded training digits only."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

import nn
from nn import datasets

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "resources" / "models" / "digits_deep_convnet.npz"
SHARED = ROOT.parent / "shared" / "data" / "mnist"
DATA_DIR = SHARED if SHARED.is_dir() else os.environ.get(datasets.DATA_ENV)


def test_demo_model_loads_and_records_how_it_was_made():
    model = nn.load_model(MODEL)
    assert model.name == "deep_convnet" and model.input_shape == (1, 28, 28)
    assert model.output_shape == (10,)
    meta = model.metadata
    assert meta["dataset"] == "digits" and meta["completed"] is True
    assert meta["command"].startswith("python main.py train --preset deep_convnet --dataset digits")
    assert meta["run_config"]["data"]["augment"]["thickness"] is True


def test_demo_model_on_the_embedded_test_split():
    model = nn.load_model(MODEL)
    digits = datasets.load("digits")
    assert model.accuracy(digits.x_test, digits.y_test) >= 0.985


@pytest.mark.mnist
@pytest.mark.skipif(not (DATA_DIR and datasets.mnist_available(DATA_DIR)),
                    reason="full MNIST files not found (../shared/data/mnist or NN_WORKBENCH_DATA)")
def test_demo_model_reaches_99_percent_on_the_official_mnist_test_set():
    model = nn.load_model(MODEL)
    mnist = datasets.load("mnist", data_dir=DATA_DIR)
    accuracy = model.accuracy(mnist.x_test, mnist.y_test)
    assert accuracy >= 0.990, accuracy
