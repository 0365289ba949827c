"""``diagnose`` and ``robustness`` on the command line (issue 22): findings for model files and
recorded runs, robustness numbers equal to the engine's, every error one line."""

from __future__ import annotations

import json

import numpy as np
import pytest

import nn
from nn.diagnose import robustness, sample_indices
from tests.workbench.cli.test_cli import assert_one_line_error, run_main
from workbench.cli import run_cli

DEEP = ["--preset", "multi_layer_net", "--preset-option", "hidden_sizes=100,100,100,100,100"]


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """Three short recorded runs: diverged (experiment only), std 0.01 deep net (model +
    experiment + CSV) and a healthy one (model)."""
    folder = tmp_path_factory.mktemp("runs")
    common = ["--train-size", "1500", "-q"]
    assert run_cli(["train", "--preset", "multi_layer_net", "--optimizer", "sgd", "--lr", "10",
                    "--epochs", "1", "--experiment", str(folder / "lr10.json"), *common]) == 3
    assert run_cli(["train", *DEEP, "--init", "std0.01", "--optimizer", "sgd", "--lr", "0.01",
                    "--epochs", "2", "--out", str(folder / "std.npz"),
                    "--experiment", str(folder / "std.json"),
                    "--metrics-csv", str(folder / "std.csv"), *common]) == 0
    assert run_cli(["train", "--preset", "multi_layer_net", "--epochs", "2",
                    "--out", str(folder / "good.npz"), *common]) == 0
    assert run_cli(["train", "--preset", "multi_layer_net", "--epochs", "1", "--augment",
                    "--out", str(folder / "aug.npz"), *common]) == 0
    return folder


def diagnose_json(capsys, *args: str) -> dict:
    capsys.readouterr()
    assert run_cli(["diagnose", *map(str, args), "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_a_diverged_run_from_its_experiment_file(runs, capsys):
    doc = diagnose_json(capsys, runs / "lr10.json")
    first = doc["findings"][0]
    assert first["id"] == "lr_too_high" and first["severity"] == "critical"
    assert first["fixes"][0] == {"kind": "set_hyperparameter", "name": "lr", "value": 1.0,
                                 "label": "Divide the learning rate by 10 (10 → 1)",
                                 "positions": []}


def test_a_model_file_is_probed_and_its_record_read(runs, capsys):
    doc = diagnose_json(capsys, runs / "std.npz")
    assert doc["probe"] == "256 digits training images"
    assert [f["id"] for f in doc["findings"]][:2] == ["small_init", "vanishing_gradients"]
    assert doc["final"]["train_acc"] < 0.2
    with_curves = diagnose_json(capsys, runs / "std.npz", "--history", runs / "std.json")
    assert with_curves["iterations"] == 28 and with_curves["epochs"] == 2
    from_csv = diagnose_json(capsys, runs / "std.npz", "--history", runs / "std.csv",
                             "--no-probe")
    assert from_csv["epochs"] == 2 and from_csv["probe"] is None
    assert from_csv["findings"][0]["id"] == "small_init"  # from the architecture alone


def test_the_text_report_and_a_healthy_model(runs, capsys):
    capsys.readouterr()
    assert run_cli(["diagnose", str(runs / "std.npz")]) == 0
    text = capsys.readouterr().out
    assert "1. [critical] Initial weights too small for 6 layers (std0.01)" in text
    assert "   fix: Initialize with He, for ReLU (ch. 6.2)" in text
    assert diagnose_json(capsys, runs / "good.npz")["findings"] == []


def test_diagnose_errors_are_one_line(runs, tmp_path):
    proc = run_main("diagnose", "run-42")
    assert "Run ids of the run history are not supported yet" in assert_one_line_error(proc, 1)
    bad = tmp_path / "bad.json"
    bad.write_text("{not json", encoding="utf-8")
    assert "neither JSON nor CSV" in assert_one_line_error(run_main("diagnose", bad), 1)
    compare = tmp_path / "cmp.json"
    compare.write_text(json.dumps({"format": "nn-workbench-experiment", "version": 1,
                                   "kind": "compare", "config": {}, "results": {}}))
    assert "several runs" in assert_one_line_error(run_main("diagnose", compare), 1)
    assert_one_line_error(run_main("diagnose", runs / "std.npz", "--probe-size", "0"), 1)
    session = tmp_path / "s.nnwb"
    session.write_bytes(b"PK")
    assert "session files" in assert_one_line_error(run_main("diagnose", session), 1)


def test_robustness_numbers_equal_the_engine_and_the_png_is_written(runs, capsys, tmp_path):
    png = tmp_path / "rob.png"
    capsys.readouterr()
    assert run_cli(["robustness", str(runs / "good.npz"), "--compare", str(runs / "aug.npz"),
                    "--kinds", "noise,rotation", "--samples", "200", "--png", str(png),
                    "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    digits = nn.datasets.load("digits")
    idx = sample_indices(digits.y_test, 200, 0)
    models = {str(runs / name): nn.load_model(runs / name) for name in ("good.npz", "aug.npz")}
    direct = robustness(models, digits.x_test[idx], digits.y_test[idx],
                        kinds=("noise", "rotation"))
    assert doc["samples"] == 200 and set(doc["accuracy"]) == set(models)
    for label, curves in direct.accuracy.items():
        for kind, values in curves.items():
            assert np.array_equal(doc["accuracy"][label][kind], values)
            assert doc["levels"][kind] == direct.levels[kind].tolist()


def test_robustness_text_and_errors(runs, capsys, tmp_path):
    capsys.readouterr()
    assert run_cli(["robustness", str(runs / "good.npz"), "--kinds", "shift",
                    "--samples", "100", "-q"]) == 0
    text = capsys.readouterr().out
    assert "Shift — pixels" in text and "level  " in text
    assert_one_line_error(run_main("robustness", runs / "good.npz", "--kinds", "blur"), 2)
    toy = tmp_path / "toy.npz"
    assert run_cli(["train", "--dataset", "xor", "--epochs", "1", "--out", str(toy), "-q"]) == 0
    message = assert_one_line_error(run_main("robustness", toy), 1)
    assert "image data" in message
    assert_one_line_error(run_main("robustness", tmp_path / "missing.npz"), 1)
