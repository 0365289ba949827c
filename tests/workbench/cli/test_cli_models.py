"""``eval`` and ``predict`` through ``main.py`` on a model trained here by ``train``."""

from __future__ import annotations

import json

import numpy as np
import pytest
from PIL import Image

import nn
from tests.workbench.cli.test_cli import assert_one_line_error, run_main


@pytest.fixture(scope="module")
def model_path(tmp_path_factory):
    """An MLP trained for three epochs on the embedded digits (≈ 92 % test accuracy)."""
    path = tmp_path_factory.mktemp("cli_models") / "mlp.npz"
    proc = run_main("train", "--preset", "multi_layer_net", "--epochs", "3", "--out", path, "-q")
    assert proc.returncode == 0, proc.stderr
    return path


def test_eval_prints_accuracy_and_per_class_table(model_path):
    proc = run_main("eval", model_path)
    assert proc.returncode == 0, proc.stderr
    assert "data: digits test set, 2,000 samples" in proc.stdout
    assert "test accuracy:" in proc.stdout and "most frequent mistakes" in proc.stdout
    table = [line.split()[0] for line in proc.stdout.splitlines()
             if line[:1].isdigit() and "%" in line]
    assert table == [str(d) for d in range(10)]


def test_eval_json_parses_and_matches_the_training_run(model_path):
    proc = run_main("eval", model_path, "--json")
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert doc["dataset"] == "digits" and doc["samples"] == 2000
    meta = nn.load_model(model_path).metadata
    assert doc["accuracy"] == pytest.approx(meta["test_acc"], abs=1e-9)
    assert doc["accuracy"] > 0.85 and doc["loss"] > 0
    per_class = doc["per_class"]
    assert [c["class"] for c in per_class] == [str(d) for d in range(10)]
    assert sum(c["count"] for c in per_class) == 2000
    assert sum(c["correct"] for c in per_class) == round(doc["accuracy"] * 2000)
    assert np.trace(np.array(doc["confusion"])) == sum(c["correct"] for c in per_class)


def test_eval_on_another_dataset_that_does_not_fit_is_one_line(model_path):
    proc = run_main("eval", model_path, "--dataset", "blobs")
    assert "choose another --dataset" in assert_one_line_error(proc, 1)


def _render(digit: np.ndarray, light: bool, size: tuple[int, int], path) -> None:
    """A 28×28 digit in [0, 1] drawn 4× larger on a canvas of ``size`` (width, height)."""
    big = np.kron(digit, np.ones((4, 4)))
    canvas = np.zeros((size[1], size[0]))
    top, left = (size[1] - big.shape[0]) // 3, (size[0] - big.shape[1]) // 2
    canvas[top : top + big.shape[0], left : left + big.shape[1]] = big
    grey = (1.0 - canvas) if light else canvas
    rgb = np.repeat((grey * 255).round().astype(np.uint8)[..., None], 3, axis=2)
    Image.fromarray(rgb if light else rgb[..., 0]).save(path)


def test_predict_light_and_dark_renderings_of_a_digit(model_path, tmp_path):
    model = nn.load_model(model_path)
    data = nn.datasets.load("digits")
    probs = model.predict_proba(data.x_test)
    # a 3 the model is sure of
    index = next(i for i in range(len(probs))
                 if data.y_test[i] == 3 and probs[i].argmax() == 3 and probs[i, 3] > 0.95)
    light, dark = tmp_path / "light.png", tmp_path / "dark.png"
    _render(data.x_test[index, 0], True, (180, 140), light)  # RGB, dark ink on white
    _render(data.x_test[index, 0], False, (112, 112), dark)  # grey, white ink on black
    proc = run_main("predict", model_path, light, dark, "--json")
    assert proc.returncode == 0, proc.stderr
    results = json.loads(proc.stdout)
    assert [r["class"] for r in results] == ["3", "3"]
    for r in results:
        probabilities = [p["probability"] for p in r["probabilities"]]
        assert len(probabilities) == 10 and sum(probabilities) == pytest.approx(1.0, abs=1e-5)
        assert r["confidence"] == max(probabilities) > 0.5

    text = run_main("predict", model_path, light, "--top", "3")
    assert text.returncode == 0, text.stderr
    lines = text.stdout.splitlines()
    assert lines[0].startswith(f"{light}: 3 (") and len(lines) == 4
    assert lines[1].split()[0] == "3" and lines[1].endswith("<")
