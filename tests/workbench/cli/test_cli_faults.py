"""The command line as a clumsy or hostile user meets it (issue 14 points 1–3 and 10–14, and
issue 15 point 3): nothing requested is lost, every problem is one line naming its subject."""

from __future__ import annotations

import errno
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import FileWriteError
from tests.workbench.cli.test_cli import ROOT, assert_one_line_error, cli_env, run_main
from workbench.cli import run_cli

QUICK = ("--preset", "two_layer_net", "--train-size", "300", "--epochs", "2", "-q")


def cli(capsys, *args: str) -> tuple[int, str, str]:
    """``run_cli`` in this process: exit code, stdout, stderr."""
    code = run_cli([str(a) for a in args])
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def one_error(code: int, err: str, expected: int = 1) -> str:
    assert code == expected, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert [line for line in lines if line.startswith("error: ")] == lines[:1], err
    assert "Traceback" not in err
    return lines[0][len("error: "):]


# ---------------------------------------------------------- point 1: Ctrl-C after training
def test_ctrl_c_while_the_files_are_written_still_writes_them(tmp_path, capsys, monkeypatch):
    """A Ctrl-C that lands during the final writes (deterministically: sent by save_model
    itself) no longer aborts them: --out and --metrics-csv are both written."""
    real = nn.save_model

    def save_and_get_interrupted(*args, **kwargs):
        os.kill(os.getpid(), signal.SIGINT)
        return real(*args, **kwargs)

    monkeypatch.setattr(nn, "save_model", save_and_get_interrupted)
    code, out, err = cli(capsys, "train", *QUICK, "--out", tmp_path / "m.npz",
                         "--metrics-csv", tmp_path / "m.csv")
    assert code == 0, err
    assert "saving the requested files first" in err and "were saved" in err
    assert (tmp_path / "m.npz").is_file() and (tmp_path / "m.csv").is_file()
    assert "model saved to" in out and "metrics saved to" in out


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")
def test_ctrl_c_just_after_the_finished_line_keeps_the_files(tmp_path):
    """The race of the issue, through main.py: SIGINT as soon as "finished:" is printed."""
    out, csv = tmp_path / "m.npz", tmp_path / "m.csv"
    proc = subprocess.Popen([sys.executable, "main.py", "train", *QUICK, "--out", str(out),
                             "--metrics-csv", str(csv)], cwd=ROOT, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("finished:"):
                proc.send_signal(signal.SIGINT)
                break
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0, stderr
    assert out.is_file() and csv.is_file() and "Traceback" not in stderr
    assert nn.load_model(out).parameter_count > 0


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT to a child needs POSIX")
def test_ctrl_c_during_the_shutdown_after_the_last_line_keeps_exit_code_0(tmp_path):
    """After the last line the interpreter shuts down (tenths of a second under load) and
    resets Ctrl-C to the system default: a Ctrl-C there killed the process, so a run whose
    files were all written ended with 130. An exit hook holds main.py in its shutdown here."""
    argv = ["main.py", "train", *QUICK, "--out", str(tmp_path / "m.npz")]
    code = ("import atexit, runpy, sys, time; atexit.register(time.sleep, 2); "
            f"sys.argv = {argv!r}; runpy.run_path('main.py', run_name='__main__')")
    proc = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, env=cli_env(),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        for line in proc.stdout:
            if line.startswith("model saved to"):
                time.sleep(0.3)  # past run_cli, into the exit hook
                proc.send_signal(signal.SIGINT)
                break
        _, stderr = proc.communicate(timeout=60)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == 0 and "KeyboardInterrupt" not in stderr, stderr
    assert (tmp_path / "m.npz").is_file()


# ------------------------------------------------- point 2: outputs checked before training
def test_an_unwritable_output_is_reported_before_training_naming_the_users_path(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    bad = blocker / "old.npz"
    start = time.perf_counter()
    proc = run_main("train", "--preset", "simple_convnet", "--epochs", "50", "--out", bad)
    message = assert_one_line_error(proc, 1)
    assert time.perf_counter() - start < 30  # not 50 epochs
    assert message.startswith(f"--out: cannot write model file {bad}: {blocker} is not a "
                              "folder")
    assert ".tmp" not in proc.stderr and "epoch" not in proc.stdout


@pytest.mark.parametrize(("option", "value", "needle"), [
    ("--out", "", "--out: the model file name is empty"),
    ("--metrics-csv", ".", "--metrics-csv: cannot write metrics file .: it is a folder"),
    ("--experiment", "{blocker}/e.json", "is not a folder"),
    ("--checkpoint", "{blocker}/c.npz", "--checkpoint: cannot write checkpoint file"),
])
def test_every_output_option_is_checked_first(tmp_path, capsys, option, value, needle):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = cli(capsys, "train", *QUICK, option, value.format(blocker=blocker))
    assert needle in one_error(code, err) and "epoch" not in out


def test_two_options_naming_one_file_are_refused(tmp_path, capsys):
    code, _, err = cli(capsys, "train", *QUICK, "--out", tmp_path / "a", "--metrics-csv",
                       tmp_path / "a")
    assert "--out and --metrics-csv name the same file" in one_error(code, err, 2)


def test_compare_and_search_check_their_outputs_first(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    code, out, err = cli(capsys, "compare", "--png", blocker / "c.png", "-q")
    assert "--png: cannot write plot" in one_error(code, err) and "comparing" not in out
    code, out, err = cli(capsys, "search", "--csv", tmp_path, "-q", "--no-png")
    assert "--csv: cannot write ranking" in one_error(code, err) and "random search" not in out


def test_a_full_disk_at_the_end_names_the_file_and_still_writes_the_others(tmp_path, capsys,
                                                                          monkeypatch):
    def full(*args, **kwargs):
        raise FileWriteError(f"cannot write model file {tmp_path / 'm.npz'}: no space left on "
                             "device", errno.ENOSPC)

    monkeypatch.setattr(nn, "save_model", full)
    code, out, err = cli(capsys, "train", *QUICK, "--out", tmp_path / "m.npz",
                         "--metrics-csv", tmp_path / "m.csv")
    message = one_error(code, err)
    assert message == f"cannot write model file {tmp_path / 'm.npz'}: no space left on device"
    assert (tmp_path / "m.csv").is_file()


# ----------------------------------------------- point 3: a failed checkpoint is a warning
def test_a_failing_checkpoint_warns_and_training_goes_on(tmp_path, capsys, monkeypatch):
    ckpt = tmp_path / "run.ckpt"

    def fail(trainer, path, extra=None):
        raise FileWriteError(f"cannot write checkpoint file {path}: no space left on device",
                             errno.ENOSPC)

    monkeypatch.setattr("workbench.cli.train.save_checkpoint", fail)
    code, out, err = cli(capsys, "train", *QUICK, "--epochs", "3", "--checkpoint", ckpt,
                         "--out", tmp_path / "m.npz")
    assert code == 0, err
    warnings = [line for line in err.splitlines() if line.startswith("warning:")]
    assert len(warnings) == 3 and all("training goes on" in w for w in warnings)
    assert f"checkpoint not saved (cannot write checkpoint file {ckpt}: no space left" in err
    assert "epoch 3/3" in out and (tmp_path / "m.npz").is_file()


# --------------------------------------------------------- point 10: config files, schema
def _write(tmp_path: Path, doc) -> Path:
    path = tmp_path / "run.json"
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.parametrize(("doc", "needle"), [
    ({"data": {"data_dir": 5}}, "data.data_dir must be text or null, not 5"),
    ({"data": {"augment": {"max_shift": "far"}}}, "data.augment: Invalid max_shift: 'far'"),
    ({"model": {"preset": "simple_convnet", "options": [1]}},
     "model.options must be an object"),
    ({"model": {"config": [1, 2]}}, "model.config must be an object"),
    ({"model": []}, "model must be an object"),
    ({"optimiser": {"name": "sgd"}}, "unknown key 'optimiser' in the run configuration; did "
                                     "you mean 'optimizer'?"),
    ({"trainng": {"epochs": 1}}, "did you mean 'training'?"),
    ({"training": {"epoch": 1}}, "unknown key 'epoch' in training; did you mean 'epochs'?"),
    ({"training": {"batch_size": "100"}}, "Invalid batch_size: '100'"),
    ({"optimizer": {"name": "sgd", "momentum": 0.9}}, "unknown key 'momentum' in optimizer"),
    ({"model": {"preset": "multi_layer_net_extend", "options": {"use_batchnorm": "maybe"}}},
     "option 'use_batchnorm' must be true or false, not 'maybe'"),
    ({"model": {"preset": "multi_layer_net", "options": {"hidden_sizes": [28.7]}}},
     "must be a list of whole numbers"),
    ({"format": "nn-workbench-experiment", "version": 1}, 'has no "config" object'),
    ({"format": "nn-workbench-experiment", "version": 1, "config": {"base": [1]}},
     "config.base must be an object"),
    ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
    ('{"a": ' * 100 + "1" + "}" * 100, "nested more than 64 levels"),
    ([1, 2], "must be a JSON object"),
])
def test_config_files_are_validated_field_by_field(tmp_path, capsys, doc, needle):
    path = _write(tmp_path, doc)
    code, _, err = cli(capsys, "train", "--config", path, "-q")
    message = one_error(code, err)
    assert needle in message and str(path) in message and "unexpected" not in message


@pytest.mark.parametrize(("variants", "needle"), [
    ('[{"label": "a", "overrides": {"training": {"batch_size": -1}}}]',
     "variant 'a': training: Invalid batch_size: -1"),
    ('{"bn": {"model": {"preset": "multi_layer_net_extend", "options": '
     '{"use_batchnorm": "maybe"}}}}', "must be true or false"),
    ('[{"label": "x", "overides": {}}]', "did you mean 'overrides'?"),
    ('{"x": {"optimizer": {"name": "sgd", "lr": "fast"}}}', "Invalid learning rate: 'fast'"),
    ('[' * 5000 + ']' * 5000, "nested"),
    ('[{"label": "a", "overrides": [1, 2]}]',
     "the overrides of variant 'a' must be an object ({...}), not a list"),
    ('{"x": 5}', "the overrides of variant 'x' must be an object ({...}), not 5"),
    ('[["a", "b"]]', "variant 1 must be an object ({...}), not a list"),
    ("5", "expected [{\"label\": ..., \"overrides\": {...}}, ...] or {label: overrides}, "
          "not 5"),
])
def test_compare_variants_are_validated(capsys, variants, needle):
    code, out, err = cli(capsys, "compare", "--variants-json", variants, "--no-png", "-q")
    assert needle in one_error(code, err, 2) and "comparing" not in out


def test_a_variants_training_overrides_are_used(tmp_path):
    """They were silently replaced by the seed before (batch_size 50 ran with the base 128)."""
    from nn.compare import Comparison, Variant
    from nn.experiment import DataConfig, ModelSpec, RunConfig
    from nn.training import TrainSettings

    base = RunConfig(ModelSpec("two_layer_net"), DataConfig("digits", train_size=200,
                                                            val_fraction=0.0),
                     {"name": "sgd", "lr": 0.1}, TrainSettings(batch_size=100, epochs=1))
    comparison = Comparison(base, [Variant("b50", {"training": {"batch_size": 50}})], (3,))
    trainer = comparison.trainers[0][0]
    assert trainer.settings.batch_size == 50 and trainer.settings.seed == 3


# -------------------------------------------------------- point 11: no silent acceptance
def test_search_with_too_few_images_for_a_validation_set(capsys):
    code, out, err = cli(capsys, "search", "--train-size", "5", "--trials", "1", "--no-png",
                         "-q")
    assert "leave no validation set" in one_error(code, err) and "trial" not in out


@pytest.mark.parametrize(("args", "needle"), [
    (["--dataset", "spiral", "--toy-noise", "nan"], "--toy-noise: 'nan' is not a finite number"),
    (["--lr", "inf"], "'inf' is not a finite number"),
    (["--preset", "multi_layer_net_extend", "--preset-option", "use_batchnorm=maybe"],
     "option 'use_batchnorm' must be true or false, not 'maybe'"),
    (["--preset-option", "hidden_size=28.7"], "'hidden_size' must be a whole number ≥ 1, not "
                                              "28.7"),
    (["--seed", "-1"], "--seed: '-1': seeds are whole numbers ≥ 0"),
    (["--preset-option", "hidden_sizes=100000000", "--preset", "multi_layer_net"],
     "needs 78,500,000,000 parameters"),
])
def test_bad_options_are_one_line_naming_the_option(capsys, args, needle):
    code, out, err = cli(capsys, "train", *args, "-q")
    assert needle in one_error(code, err, code) and "epoch" not in out
    assert code in (1, 2)


def test_float_labels_in_an_idx_file_are_refused(tmp_path, capsys):
    from nn.datasets.idx import write_idx

    folder = tmp_path / "mnist"
    folder.mkdir()
    for split, n in (("train", 20), ("t10k", 10)):
        write_idx(folder / f"{split}-images-idx3-ubyte", np.zeros((n, 28, 28), np.uint8))
        write_idx(folder / f"{split}-labels-idx1-ubyte", np.full(n, 3.7, np.float32))
    code, _, err = cli(capsys, "train", "--dataset", "mnist", "--data-dir", folder, "-q")
    assert "the labels are float32 numbers; a label file holds whole class numbers" in \
        one_error(code, err)


def test_a_folder_or_fifo_named_like_a_data_file_is_named(tmp_path, capsys):
    (tmp_path / "train-images-idx3-ubyte.gz").mkdir()
    code, _, err = cli(capsys, "train", "--dataset", "mnist", "--data-dir", tmp_path, "-q")
    assert "train-images-idx3-ubyte.gz: named like a mnist data file, but it is a folder" in \
        one_error(code, err)
    if hasattr(os, "mkfifo"):
        fifo = tmp_path / "fifo"
        fifo.mkdir()
        os.mkfifo(fifo / "t10k-labels-idx1-ubyte")
        code, _, err = cli(capsys, "train", "--dataset", "mnist", "--data-dir", fifo, "-q")
        assert "t10k-labels-idx1-ubyte: named like a mnist data file, but it is not a regular " \
               "file" in one_error(code, err)


def test_a_blank_image_gets_a_notice_not_a_prediction(tmp_path, capsys):
    from PIL import Image

    model = tmp_path / "m.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=4), model)
    Image.new("L", (40, 40), 255).save(tmp_path / "white.png")
    Image.new("RGBA", (30, 30), (0, 0, 0, 0)).save(tmp_path / "clear.png")
    ink = np.full((40, 40), 255, np.uint8)
    ink[8:32, 18:22] = 0
    Image.fromarray(ink).save(tmp_path / "one.png")
    code, out, err = cli(capsys, "predict", model, tmp_path / "white.png", tmp_path / "one.png")
    assert code == 0 and "white.png: no ink found" in err and "white.png" not in out
    assert "one.png:" in out
    code, out, err = cli(capsys, "predict", model, tmp_path / "clear.png")
    assert "nothing to classify: the image is blank" in one_error(code, err) and out == ""


# ------------------------------------------------------- point 12: the subject is named
def test_an_empty_test_split_is_named(tmp_path, capsys):
    from nn.datasets.idx import write_idx

    folder = tmp_path / "mnist"
    folder.mkdir()
    for split, n in (("train", 20), ("t10k", 0)):
        write_idx(folder / f"{split}-images-idx3-ubyte", np.zeros((n, 28, 28), np.uint8))
        write_idx(folder / f"{split}-labels-idx1-ubyte", np.zeros(n, np.uint8))
    model = tmp_path / "m.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=4), model)
    code, _, err = cli(capsys, "eval", model, "--dataset", "mnist", "--data-dir", folder)
    assert one_error(code, err) == "the mnist test split is empty: there is nothing to evaluate"


# ------------------------------------------------------------ point 9 through the CLI
def test_eval_and_predict_refuse_a_model_with_nan_weights(tmp_path, capsys):
    model = nn.presets.build("two_layer_net", hidden_size=4)
    model.named_parameters()["0.b"][:] = np.nan
    path = tmp_path / "nan.npz"
    nn.save_model(model, path)
    code, _, err = cli(capsys, "eval", path)
    assert "array '0.b' holds 4 NaN or infinite values" in one_error(code, err)
    code, _, err = cli(capsys, "predict", path, path)
    assert "array '0.b' holds 4 NaN" in one_error(code, err)


def test_predict_with_weights_that_overflow_names_the_model_not_nan(tmp_path, capsys,
                                                                  monkeypatch):
    """Finite weights load, but 3e38 overflows float32 to NaN: that was "0 (nan %)" and then
    "cannot convert float NaN to integer"."""
    from PIL import Image

    model = nn.presets.build("two_layer_net", hidden_size=4)
    model.named_parameters()["0.W"][:] = 3e38
    path = tmp_path / "huge.npz"
    nn.save_model(model, path)
    ink = np.full((40, 40), 255, np.uint8)
    ink[8:32, 18:22] = 0
    for name in ("a.png", "b.png"):
        Image.fromarray(ink).save(tmp_path / name)
    code, out, err = cli(capsys, "predict", path, tmp_path / "a.png")
    assert one_error(code, err) == (f"{path}: the model's outputs are not numbers (the "
                                    "computation overflowed: its weights are too large); it "
                                    f"cannot classify {tmp_path / 'a.png'}")
    assert out == "" and "nan" not in err
    real = nn.Sequential.predict_proba  # one image of two overflowing: the other is shown

    def first_row_nan(self, x):
        probs = real(self, x).copy()
        probs[0] = np.nan
        return probs

    good = tmp_path / "good.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=4), good)
    monkeypatch.setattr(nn.Sequential, "predict_proba", first_row_nan)
    code, out, err = cli(capsys, "predict", good, tmp_path / "a.png", tmp_path / "b.png",
                         "--json")
    assert code == 0 and f"{tmp_path / 'a.png'}: not classified: the model's outputs" in err
    assert [r["file"] for r in json.loads(out)] == [str(tmp_path / "b.png")]


# ---------------------------------------- point 14: RuntimeWarnings once, stale temp files
def test_overflow_warnings_are_one_line_of_our_own(tmp_path, capsys):
    model = nn.presets.build("two_layer_net", hidden_size=4)
    model.named_parameters()["0.W"][:] = 3e38
    path = tmp_path / "huge.npz"
    nn.save_model(model, path)
    code, out, err = cli(capsys, "eval", path, "--json")
    assert code == 0, err
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith("warning: the numbers overflowed"), err
    assert "RuntimeWarning" not in err
    assert json.loads(out)["samples"] == 2000


def test_stale_temporary_files_are_cleaned_by_the_next_save(tmp_path, capsys):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"],
                          capture_output=True, text=True).stdout.strip()
    orphans = [tmp_path / f".m.npz.nnwb-{dead}-0123abcd.tmp",
               tmp_path / f".old.csv.nnwb-{dead}-deadbeef.tmp"]
    for orphan in orphans:
        orphan.write_bytes(bytes(1000))
    code, _, err = cli(capsys, "train", *QUICK, "--out", tmp_path / "m.npz")
    assert code == 0, err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


# ----------------------------------------------------------- issue 15 point 3 in the CLI
def test_the_readmes_sgd_lr_10_stops_with_exit_code_3():
    proc = run_main("train", "--optimizer", "sgd", "--lr", "10", "--epochs", "2", "-q")
    assert proc.returncode == 3, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("diverged: The loss jumped to ")
    assert "The learning rate (10) is too high" in lines[0] and "times smaller" in lines[0]
    assert "finished:" not in proc.stdout


def test_a_non_digit_is_called_so_when_the_model_is_calibrated(tmp_path, capsys):
    from PIL import Image

    from nn import ood

    model = nn.presets.build("simple_convnet")
    plain, calibrated = tmp_path / "plain.npz", tmp_path / "calibrated.npz"
    nn.save_model(model, plain)
    cal = ood.OodCalibration(threshold=1e9, flag_rate=0.02, max_flag_rate=0.02, count=100,
                             source="MNIST test")  # everything scores below it
    nn.save_model(model, calibrated, {"ood": ood.to_metadata(cal)})
    ink = np.full((40, 40), 255, np.uint8)
    ink[18:22, 6:34] = 0  # a dash
    Image.fromarray(ink).save(tmp_path / "dash.png")
    code, out, err = cli(capsys, "predict", calibrated, tmp_path / "dash.png")
    assert code == 0 and "this doesn't look like a digit" in out and "ch. 3.5" in out
    code, out, err = cli(capsys, "predict", plain, tmp_path / "dash.png")
    assert code == 0 and "doesn't look like a digit" not in out
    code, out, err = cli(capsys, "predict", calibrated, tmp_path / "dash.png", "--json")
    result = json.loads(out)[0]
    assert result["verdict"] == "not a digit" and result["ood_threshold"] == 1e9
