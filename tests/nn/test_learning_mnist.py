"""Learning works: the book's SimpleConvNet, one epoch of full MNIST, ≥ 96 % test accuracy.

Skips when the MNIST files are not available (``../shared/data/mnist`` next to the checkout,
or ``NN_WORKBENCH_DATA``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import nn
from nn import datasets

SHARED = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
DATA_DIR = SHARED if SHARED.is_dir() else os.environ.get(datasets.DATA_ENV)

pytestmark = [
    pytest.mark.slow,
    pytest.mark.mnist,
    pytest.mark.skipif(
        not (DATA_DIR and datasets.mnist_available(DATA_DIR)),
        reason="full MNIST files not found (../shared/data/mnist or NN_WORKBENCH_DATA)",
    ),
]


def test_simple_convnet_one_epoch_reaches_96_percent():
    data = datasets.load("mnist", data_dir=DATA_DIR)
    assert data.x_train.shape == (60000, 1, 28, 28)
    model = nn.presets.build("simple_convnet", seed=0)
    opt = nn.optimizers.get("adam", lr=0.001)  # the book's train_convnet.py settings
    rng = np.random.default_rng(0)
    losses = []
    for idx in datasets.batch_indices(len(data.x_train), 100, rng=rng):
        losses.append(model.train_step(data.x_train[idx], data.y_train[idx], opt))
    assert len(losses) == 600
    accuracy = model.accuracy(data.x_test, data.y_test)
    print(f"simple_convnet, 1 epoch of MNIST: test accuracy {accuracy:.4f}")
    assert accuracy >= 0.96
    assert np.mean(losses[-50:]) < 0.2
