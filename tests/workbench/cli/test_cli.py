"""The command line through ``main.py`` in a subprocess: train, the error contract, Ctrl-C,
checkpoints. No Qt here (the CLI never imports it)."""

from __future__ import annotations

import io
import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.experiment import DataConfig, load_experiment
from workbench.cli import run_cli
from workbench.cli.progress import ProgressBar

ROOT = Path(__file__).resolve().parents[3]
MNIST_DIR = Path("/work/shared/data/mnist")
COMMANDS = ("train", "eval", "predict", "compare", "search", "info")


def cli_env(**extra: str) -> dict[str, str]:
    """The environment of a CLI subprocess: offscreen Qt, Agg, no stray data folder, and one
    BLAS thread (the tiny test runs gain nothing from more, and lose a lot on a busy machine)."""
    env = {k: v for k, v in os.environ.items() if k != nn.datasets.DATA_ENV}
    env.update(QT_QPA_PLATFORM="offscreen", MPLBACKEND="Agg", PYTHONIOENCODING="utf-8",
               OPENBLAS_NUM_THREADS="1", OMP_NUM_THREADS="1", MKL_NUM_THREADS="1")
    env.update(extra)
    return env


def run_main(*args: str, timeout: float = 120, **env: str) -> subprocess.CompletedProcess:
    """``python main.py ARGS`` from the repository root."""
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          env=cli_env(**env), capture_output=True, text=True,
                          encoding="utf-8", timeout=timeout)


def assert_one_line_error(proc: subprocess.CompletedProcess, code: int | None = None) -> str:
    """A failed run: non-zero exit, no traceback, exactly one ``error:`` line (plus an optional
    hint); returns the message."""
    assert proc.returncode != 0, proc.stdout
    if code is not None:
        assert proc.returncode == code, proc.stderr
    assert "Traceback" not in proc.stderr
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error: ")]
    assert len(errors) == 1, proc.stderr
    assert all(line.startswith(("error: ", "hint: ")) for line in lines), proc.stderr
    return errors[0][len("error: "):]


def final_accuracy(stdout: str) -> float:
    match = re.search(r"final test accuracy: ([0-9.]+) %", stdout)
    assert match, stdout
    return float(match.group(1)) / 100


# ------------------------------------------------------------------------------- basics
def test_version_and_help_of_every_command(capsys):
    proc = run_main("--version")
    assert proc.returncode == 0 and nn.__version__ in proc.stdout
    proc = run_main("--help")
    assert proc.returncode == 0
    for command in COMMANDS:
        assert command in proc.stdout
    for command in COMMANDS:  # in-process: the same parser, faster
        assert run_cli([command, "--help"]) == 0
        assert "usage:" in capsys.readouterr().out


def test_info_lists_presets_datasets_optimizers():
    proc = run_main("info", "--data-dir", "/nonexistent")
    assert proc.returncode == 0, proc.stderr
    for name in (*nn.presets.NAMES, *nn.datasets.names(), *nn.optimizers.NAMES, "xavier", "he"):
        assert name in proc.stdout
    assert "not found" in proc.stdout


def test_cli_imports_neither_qt_nor_matplotlib_for_train():
    code = ("import sys; from workbench.cli import run_cli; "
            "rc = run_cli(['train', '--dataset', 'xor', '--epochs', '1', '-q']); "
            "bad = [m for m in ('PySide6', 'matplotlib') if m in sys.modules]; "
            "sys.exit(10 + len(bad) if bad or rc else 0)")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=cli_env(),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr


# -------------------------------------------------------------------------------- train
def test_train_simple_convnet_offline_reports_test_accuracy():
    proc = run_main("train", "--preset", "simple_convnet", "--epochs", "1",
                    "--train-size", "1500")
    assert proc.returncode == 0, proc.stderr
    assert "model: simple_convnet" in proc.stdout
    assert "data: digits, 1,350 train / 150 validation / 2,000 test" in proc.stdout
    assert re.search(r"^epoch 1/1: train acc .* val acc .* test acc .*", proc.stdout, re.M)
    assert final_accuracy(proc.stdout) > 0.3  # 15 Adam steps; chance is 0.1
    assert "epoch 1/1" in proc.stderr  # the progress lines (stderr is not a TTY here)


def test_train_toy_set_gets_a_small_mlp_and_learns_and_saves_files(tmp_path):
    model, csv, exp = tmp_path / "moons.npz", tmp_path / "m.csv", tmp_path / "e.json"
    proc = run_main("train", "--dataset", "moons", "--epochs", "15", "--out", model,
                    "--metrics-csv", csv, "--experiment", exp, "-q")
    assert proc.returncode == 0, proc.stderr
    assert "model: multi_layer_net" in proc.stdout
    accuracy = final_accuracy(proc.stdout)
    assert accuracy > 0.85
    assert proc.stderr == ""  # -q: no progress
    saved = nn.load_model(model)
    assert saved.input_shape == (2,) and [layer.output_shape for layer in saved.layers
                                          if type(layer).__name__ == "Dense"] == [(32,), (32,),
                                                                                   (2,)]
    meta = saved.metadata
    assert meta["dataset"] == "moons" and meta["completed"] is True
    assert meta["epochs"] == 15 and abs(meta["test_acc"] - accuracy) < 5e-5
    assert meta["run_config"]["data"]["name"] == "moons"
    assert "--dataset moons" in meta["command"]
    rows = csv.read_text().splitlines()
    assert rows[0].startswith("epoch,iteration,train_loss") and len(rows) == 16
    doc = load_experiment(exp)
    assert doc["kind"] == "train" and len(doc["results"]["history"]["epochs"]) == 15

    # --config FILE: a model file's architecture and recorded settings, a JSON run config
    again = run_main("train", "--config", model, "--epochs", "2", "-q")
    assert again.returncode == 0, again.stderr
    assert "data: moons" in again.stdout and "epoch 2/2" in again.stdout
    exp_again = run_main("train", "--config", exp, "--epochs", "1", "--optimizer", "sgd", "-q")
    assert exp_again.returncode == 0, exp_again.stderr
    assert "optimizer: sgd, lr 0.01" in exp_again.stdout


def test_train_options_reach_the_engine(tmp_path):
    out = tmp_path / "bn.npz"
    proc = run_main("train", "--preset", "multi_layer_net_extend", "--preset-option",
                    "use_batchnorm=true", "--preset-option", "hidden_sizes=20,20",
                    "--init", "xavier", "--optimizer", "momentum", "--lr", "0.05",
                    "--momentum", "0.8", "--weight-decay", "1e-4", "--schedule", "cosine",
                    "--batch-size", "50", "--max-iterations", "7", "--epochs", "3",
                    "--train-size", "400", "--val-fraction", "0.05", "--augment",
                    "shift=1,rotation=5", "--dtype", "float64", "--seed", "3", "--out", out,
                    "-q")
    assert proc.returncode == 0, proc.stderr
    assert "momentum, lr 0.05, weight_decay 0.0001, momentum 0.8, cosine schedule" in proc.stdout
    assert "(augmented)" in proc.stdout and "at most 7 iterations" in proc.stdout
    model = nn.load_model(out)
    assert model.dtype == np.float64 and model.init == "xavier"
    assert any(type(layer).__name__ == "BatchNorm" for layer in model.layers)
    run = model.metadata["run_config"]
    assert run["optimizer"]["schedule"] == {"name": "cosine", "total_steps": 7}
    assert run["data"]["augment"]["max_shift"] == 1.0 and run["data"]["augment"]["noise"] is False
    assert run["training"]["seed"] == 3 and model.metadata["iterations"] == 7


@pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="no full MNIST in /work/shared/data/mnist")
def test_train_on_full_mnist_from_data_dir():
    proc = run_main("train", "--dataset", "mnist", "--data-dir", MNIST_DIR, "--preset",
                    "two_layer_net", "--train-size", "2000", "--max-iterations", "20", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "data: mnist, 1,800 train / 200 validation / 10,000 test" in proc.stdout
    assert 0.2 < final_accuracy(proc.stdout) <= 1.0


def test_divergence_is_one_line_and_exit_code_3():
    proc = run_main("train", "--preset", "multi_layer_net", "--optimizer", "sgd", "--lr", "10",
                    "--train-size", "500", "--epochs", "3", "-q")
    assert proc.returncode == 3
    assert "Traceback" not in proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("diverged: ")
    assert "learning rate (10)" in lines[0]


# ------------------------------------------------------------------------- bad inputs
@pytest.mark.parametrize(("args", "code", "needle"), [
    (["eval", "missing.npz"], 1, "no such file"),
    (["eval", "{corrupt}"], 1, "not a model file"),
    (["eval", "{truncated}"], 1, "truncated or damaged"),
    (["train", "--preset", "no_such_net"], 2, "invalid choice: 'no_such_net'"),
    (["train", "--lr", "-1"], 1, "Invalid learning rate"),
    (["train", "--lr", "fast"], 2, "'fast' is not a number"),
    (["train", "--dataset", "spiral", "--preset", "simple_convnet"], 1, "Conv2D"),
    (["train", "--dataset", "mnist", "--data-dir", "{tmp}/nothing"], 1, "were not found"),
    (["train", "--optimizer", "adam", "--momentum", "0.9"], 1, "Unknown setting 'momentum'"),
    (["train", "--preset-option", "nonsense"], 2, "expected KEY=VALUE"),
    (["train", "--resume", "{corrupt}"], 1, "not a checkpoint file"),
    (["train", "--epochs", "0"], 2, "must be at least 1"),
    (["predict", "{model}", "{corrupt}"], 1, "cannot read image"),
    (["predict", "{model}", "missing.png"], 1, "no such file"),
    (["compare", "--optimizers", "sgd,warp"], 2, "unknown optimizer 'warp'"),
    (["search", "--lr-range", "0.1"], 2, "expected LOW:HIGH"),
    (["frobnicate"], 2, "invalid choice"),
])
def test_bad_input_is_one_clear_line(tmp_path, args, code, needle):
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"this is not a model\n" * 10)
    model = tmp_path / "model.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=5), model)
    truncated = tmp_path / "truncated.npz"
    truncated.write_bytes(model.read_bytes()[:200])
    names = {"corrupt": corrupt, "model": model, "truncated": truncated, "tmp": tmp_path}
    proc = run_main(*(a.format(**names) for a in args))
    message = assert_one_line_error(proc, code)
    assert needle in message


# ------------------------------------------------------------------ checkpoint + resume
def _metric_lines(stdout: str) -> list[str]:
    """Per-epoch metric lines without the elapsed time."""
    return [line.rsplit(" | ", 1)[0] for line in stdout.splitlines() if line.startswith("epoch ")]


def test_checkpoint_and_resume_match_an_uninterrupted_run(tmp_path):
    common = ["--preset", "two_layer_net", "--train-size", "300", "--augment", "-q"]
    straight = run_main("train", *common, "--epochs", "4")
    ckpt = tmp_path / "run.ckpt.npz"
    first = run_main("train", *common, "--epochs", "2", "--checkpoint", ckpt)
    assert first.returncode == 0 and straight.returncode == 0, first.stderr + straight.stderr
    assert ckpt.is_file()
    resumed = run_main("train", "--resume", ckpt, "--epochs", "4", "-q",
                       "--out", tmp_path / "m.npz")
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming" in resumed.stdout and "epoch 2, iteration 6" in resumed.stdout
    assert _metric_lines(resumed.stdout) == _metric_lines(straight.stdout)[2:]
    assert final_accuracy(resumed.stdout) == final_accuracy(straight.stdout)
    refused = run_main("train", "--resume", ckpt, "--preset", "simple_convnet")
    assert "cannot change when resuming" in assert_one_line_error(refused, 2)


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")
def test_ctrl_c_stops_cleanly_saves_a_checkpoint_and_can_resume(tmp_path):
    ckpt = tmp_path / "stop.npz"
    proc = subprocess.Popen(
        [sys.executable, "main.py", "train", "--preset", "two_layer_net", "--train-size", "300",
         "--epochs", "100000", "--checkpoint", str(ckpt), "-q"],
        cwd=ROOT, env=cli_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("epoch 2/"):
                break
        proc.send_signal(signal.SIGINT)
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 130, stderr
    assert "Traceback" not in stderr and "checkpoint saved" in stderr
    iteration = int(re.search(r"after iteration (\d+)", stderr).group(1))
    resumed = run_main("train", "--resume", ckpt, "--max-iterations", str(iteration + 3), "-q")
    assert resumed.returncode == 0, resumed.stderr
    assert f"iteration {iteration}" in resumed.stdout
    assert f"{iteration + 3} iterations" in resumed.stdout


def test_toy_set_defaults():
    proc = run_main("train", "--dataset", "xor", "-q")
    assert proc.returncode == 0, proc.stderr
    assert "optimizer: adam, lr 0.01" in proc.stdout and "batch 32, 50 epochs" in proc.stdout
    assert "epoch 50/50:" in proc.stdout and final_accuracy(proc.stdout) > 0.9


# ------------------------------------------------------------------- progress output
class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_redraws_in_place_on_a_terminal_and_prints_quarters_otherwise():
    tty = _Terminal()
    bar = ProgressBar(tty, min_interval=0.0)
    bar.update(0.5, "half")
    bar.update(1.0, "done")
    bar.clear()
    text = tty.getvalue()
    assert text.startswith("\r[##########..........]  50% half\r[####################] 100% done")
    assert text.endswith("\r" + " " * len("[####################] 100% done") + "\r")
    assert "\n" not in text
    log = io.StringIO()
    bar = ProgressBar(log)
    for step in range(1, 11):
        bar.update(step / 10, f"step {step}")
    assert log.getvalue().splitlines() == [" 30% step 3", " 50% step 5", " 80% step 8",
                                           "100% step 10"]
    quiet = io.StringIO()
    ProgressBar(quiet, enabled=False).update(1.0, "x")
    assert quiet.getvalue() == ""


def test_download_shows_a_byte_progress_line(monkeypatch, capsys):
    from workbench.cli import common

    def fake_prepare(config, progress=None, should_cancel=None):
        for done in (0, 5_000_000, 11_594_722):
            progress(done, 11_594_722)
        return "data"

    monkeypatch.setattr(common, "prepare_data", fake_prepare)
    config = DataConfig("mnist", download=True)
    assert common.load_data(config) == "data"
    err = capsys.readouterr().err
    assert "downloading mnist: 5.0 / 11.6 MB" in err and "100% downloading mnist" in err
