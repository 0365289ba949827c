"""The models every exporter is checked on: each preset and stacks using every layer type,
briefly trained so that their outputs are far from uniform and BatchNorm's running averages are
real, plus the shipped Draw model. Shared by the ONNX, NumPy-script, PyTorch and CLI tests."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

import numpy as np

import nn
from nn import layers as L

ROOT = Path(__file__).resolve().parents[2]
DEMO_MODEL = ROOT / "resources" / "models" / "digits_deep_convnet.npz"
#: Acceptance: exported outputs equal ``predict_proba`` to this, in float32.
TOLERANCE = 1e-5
SAMPLES = 100


def every_layer_stack() -> nn.Sequential:
    """Every trainable layer type: BatchNorm after Conv2D and after Dense, LeakyReLU, AvgPool2D
    with stride and pad, MaxPool2D with a pad PyTorch only takes as explicit padding, a
    rectangular kernel, Dropout, Sigmoid, Tanh, Identity, Flatten, a Dense without bias."""
    stack = [
        L.Conv2D(6, 3, stride=1, pad=1), L.BatchNorm(), L.LeakyReLU(0.1),
        L.AvgPool2D(3, stride=2, pad=1),                      # 6×14×14, padding counted
        L.Conv2D(8, (3, 2), stride=2, pad=1), L.Tanh(),       # 8×7×8
        L.MaxPool2D(3, stride=2, pad=2), L.Sigmoid(),         # 8×5×5
        L.AvgPool2D((2, 3), stride=1), L.Flatten(),           # 8×4×3 → 96
        L.Dense(32), L.BatchNorm(momentum=0.8, eps=1e-4), L.ReLU(), L.Dropout(0.3),
        L.Dense(16, use_bias=False), L.Identity(), L.Tanh(), L.Dense(10),
    ]
    return nn.Sequential(stack, (1, 28, 28), seed=3, name="every_layer")


def step_stack() -> nn.Sequential:
    """Step, which cannot be trained: here it binarises the image (exact in every framework,
    as pixels are 0 or clearly positive), before a small convnet with He-initialized weights."""
    stack = [L.Step(), L.Conv2D(4, 5, stride=2), L.ReLU(), L.MaxPool2D(2), L.Dense(10)]
    return nn.Sequential(stack, (1, 28, 28), seed=4, name="step_first")


def _train(model: nn.Sequential, steps: int, lr: float = 2e-3) -> nn.Sequential:
    data = nn.datasets.load("digits")
    optimizer = nn.optimizers.get("adam", lr=lr)
    rng = np.random.default_rng(0)
    for _ in range(steps):
        batch = rng.choice(len(data.x_train), 50, replace=False)
        model.train_step(data.x_train[batch], data.y_train[batch], optimizer)
    model.metadata = {"dataset": "digits", "class_names": list(data.class_names)}
    return model


#: Case name → how to build it (the presets at their defaults, plus the ch. 6 switches on).
BUILDERS = {
    **{name: (lambda n=name: nn.presets.build(n, seed=1)) for name in nn.presets.NAMES},
    "multi_layer_net_extend+bn+dropout": lambda: nn.presets.build(
        "multi_layer_net_extend", seed=1, use_batchnorm=True, use_dropout=True),
    "every_layer": every_layer_stack,
}
CASES = (*BUILDERS, "step_first", "draw_model")


@cache
def trained(case: str) -> nn.Sequential:
    """The model of ``case``, trained for a few dozen Adam steps (cached for the session; never
    modify it in a test)."""
    if case == "draw_model":
        return nn.load_model(DEMO_MODEL)
    if case == "step_first":
        return step_stack()
    steps = 12 if case == "deep_convnet" else 80
    return _train(BUILDERS[case](), steps)


@cache
def digit_inputs() -> np.ndarray:
    """The first 100 images of the embedded digits' test split, (100, 1, 28, 28) float32."""
    return nn.datasets.load("digits").x_test[:SAMPLES]


def toy_model(loss: str) -> tuple[nn.Sequential, np.ndarray]:
    """A small MLP on 2-D points with the ``mse`` or ``sigmoid_bce`` output, trained a little,
    and 100 of its test points."""
    data = nn.datasets.load("moons" if loss == "sigmoid_bce" else "blobs")
    outputs = 1 if loss == "sigmoid_bce" else data.num_classes
    model = nn.Sequential([L.Dense(8), L.Tanh(), L.Dense(outputs)], (2,), loss=loss, seed=2,
                          name=f"toy_{loss}")
    optimizer = nn.optimizers.get("adam", lr=1e-2)
    for _ in range(50):
        model.train_step(data.x_train, data.y_train, optimizer)
    return model, data.x_test[:SAMPLES]


def assert_close(actual: np.ndarray, expected: np.ndarray, what: str) -> float:
    """Same shape, same top classes, every value within :data:`TOLERANCE`; returns the largest
    difference."""
    actual, expected = np.asarray(actual), np.asarray(expected)
    assert actual.shape == expected.shape, (what, actual.shape, expected.shape)
    error = float(np.abs(actual.astype(np.float64) - expected).max())
    assert error <= TOLERANCE, f"{what}: max |difference| {error:.3g}"
    if actual.ndim == 2 and actual.shape[1] > 1:
        np.testing.assert_array_equal(actual.argmax(axis=1), expected.argmax(axis=1), what)
    return error


#: Runs a script with this project unimportable: ``import nn`` / ``import workbench`` fail.
BLOCKED = ("import runpy, sys; sys.modules.update(nn=None, workbench=None, tests=None); "
           "sys.argv = sys.argv[1:]; runpy.run_path(sys.argv[0], run_name='__main__')")


def run_script(folder, *args, python=sys.executable) -> subprocess.CompletedProcess:
    """``python -I predict.py ARGS`` in ``folder`` with this project blocked."""
    return subprocess.run([str(python), "-I", "-c", BLOCKED, "predict.py", *map(str, args)],
                          cwd=folder, capture_output=True, text=True, timeout=300)


def json_probabilities(stdout: str) -> np.ndarray:
    rows = json.loads(stdout)
    return np.array([[p["probability"] for p in row["probabilities"]] for row in rows])


def load_generated(folder, name="predict"):
    """The generated script as a module (it imports nothing from this project)."""
    spec = importlib.util.spec_from_file_location(f"generated_{name}", folder / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
