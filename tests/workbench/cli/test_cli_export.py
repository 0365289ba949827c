"""``main.py export``: the Draw model's ONNX file runs in ONNX Runtime where this project cannot
be imported; the NumPy script reads image files exactly as ``main.py predict`` does; the error
contract (one line, non-zero exit)."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pytest
from PIL import Image

import nn
from nn.export import ops as export_ops
from nn.export import standalone
from tests.nn.export_cases import (
    BLOCKED,
    DEMO_MODEL,
    assert_close,
    digit_inputs,
    json_probabilities,
    load_generated,
)
from tests.workbench.cli.test_cli import assert_one_line_error, run_main
from workbench.cli import run_cli
from workbench.core import imageio

#: ONNX Runtime on x.npy → probabilities.npy, with this project unimportable.
ORT_DRIVER = (
    "import sys; sys.modules.update(nn=None, workbench=None, tests=None); "
    "import json, numpy as np, onnxruntime as ort; "
    "s = ort.InferenceSession('draw.onnx', providers=['CPUExecutionProvider']); "
    "(p,) = s.run(None, {'input': np.load('x.npy')}); np.save('probabilities.npy', p); "
    "print(json.dumps(s.get_modelmeta().custom_metadata_map))"
)


def test_draw_model_onnx_opens_in_onnx_runtime_without_this_project(tmp_path):
    proc = run_main("export", DEMO_MODEL, "--format", "onnx", "--out", tmp_path / "draw.onnx")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith(f"wrote {tmp_path / 'draw.onnx'} (ONNX opset 17)")
    x = digit_inputs()
    np.save(tmp_path / "x.npy", x)
    ort_run = subprocess.run([sys.executable, "-I", "-c", ORT_DRIVER], cwd=tmp_path,
                             capture_output=True, text=True, timeout=120)
    assert ort_run.returncode == 0, ort_run.stderr
    metadata = json.loads(ort_run.stdout)
    assert json.loads(metadata["class_names"]) == [str(d) for d in range(10)]
    model = nn.load_model(DEMO_MODEL)
    assert_close(np.load(tmp_path / "probabilities.npy"), model.predict_proba(x), "draw model")


def _digit_images(folder) -> list:
    """Test digits drawn as files of several kinds: dark ink on white RGB, light on black
    grey, RGBA with transparency, a palette GIF, a JPEG photo, a 16-bit PNG, 32-bit integer and
    float TIFFs (every branch of the luminance conversion)."""
    digits = digit_inputs()[:8, 0]
    paths = []
    for k, digit in enumerate(digits):
        big = np.kron(digit, np.ones((5, 5)))
        canvas = np.zeros((180, 160))
        canvas[20:160, 10:150] = big
        ink = (canvas * 255).round().astype(np.uint8)
        paper = 255 - ink
        kind, image = [
            ("rgb.png", Image.fromarray(np.repeat(paper[..., None], 3, axis=2))),
            ("grey.png", Image.fromarray(ink)),
            ("rgba.png", Image.fromarray(np.dstack([np.zeros_like(ink)] * 3 + [ink]))),
            ("palette.gif", Image.fromarray(paper).convert("P")),
            ("photo.jpg", Image.fromarray(np.repeat(paper[..., None], 3, axis=2))),
            ("deep.png", Image.fromarray(paper.astype(np.uint16) * 257)),
            ("int32.tif", Image.fromarray(paper.astype(np.int32) * 257)),
            ("float.tif", Image.fromarray(paper.astype(np.float32) / 255)),
        ][k]
        path = folder / f"{k}_{kind}"
        image.save(path)
        paths.append(path)
    return paths


def test_script_reads_images_exactly_as_the_workbench(tmp_path):
    paths = _digit_images(tmp_path)
    proc = run_main("export", DEMO_MODEL, "--format", "numpy", "--out", tmp_path / "np")
    assert proc.returncode == 0, proc.stderr
    module = load_generated(tmp_path / "np")
    for path in paths:
        np.testing.assert_array_equal(standalone.load_grayscale(path),
                                      imageio.load_grayscale(path), str(path))
        np.testing.assert_array_equal(module.load_for_model(path),
                                      imageio.load_for_model(path), str(path))


def test_script_predicts_image_files_as_main_py_predict(tmp_path):
    paths = _digit_images(tmp_path)
    assert run_main("export", DEMO_MODEL, "--format", "numpy", "--out",
                    tmp_path / "np").returncode == 0
    script = subprocess.run([sys.executable, "-I", "-c", BLOCKED, "predict.py", "--json",
                             *map(str, paths)], cwd=tmp_path / "np", capture_output=True,
                            text=True, timeout=120)
    assert script.returncode == 0, script.stderr
    workbench = run_main("predict", DEMO_MODEL, "--json", *paths)
    assert workbench.returncode == 0, workbench.stderr
    ours, theirs = json.loads(script.stdout), json.loads(workbench.stdout)
    assert [r["class"] for r in ours] == [r["class"] for r in theirs]
    assert_close(json_probabilities(script.stdout), json_probabilities(workbench.stdout),
                 "images")
    text = subprocess.run([sys.executable, "-I", "-c", BLOCKED, "predict.py", "--top", "3",
                           str(paths[0])], cwd=tmp_path / "np", capture_output=True,
                          text=True, timeout=120)
    reference = run_main("predict", DEMO_MODEL, "--top", "3", paths[0])
    assert text.stdout == reference.stdout  # the same lines, bars and marks


def test_pytorch_format_writes_the_module_and_its_weights(tmp_path):
    proc = run_main("export", DEMO_MODEL, "--format", "pytorch", "--out", tmp_path / "pt")
    assert proc.returncode == 0, proc.stderr
    assert sorted(p.name for p in (tmp_path / "pt").iterdir()) == ["model.py", "weights.npz"]
    with np.load(tmp_path / "pt" / "weights.npz", allow_pickle=False) as archive:
        assert archive["layers.15.weight"].shape == (50, 1024)  # Dense W (1024, 50) transposed


def test_default_out_is_next_to_the_model(tmp_path):
    model = tmp_path / "mine.npz"
    nn.save_model(nn.presets.build("two_layer_net"), model)
    assert run_cli(["export", str(model)]) == 0
    assert (tmp_path / "mine.onnx").is_file()
    assert run_cli(["export", str(model), "--format", "numpy"]) == 0
    assert (tmp_path / "mine_numpy" / "predict.py").is_file()


def test_help_and_usage_errors(capsys, tmp_path):
    assert run_cli(["export", "--help"]) == 0
    assert "--format {onnx,numpy,pytorch}" in capsys.readouterr().out
    proc = run_main("export", DEMO_MODEL, "--format", "numpy", "--scores")
    assert "--scores applies to --format onnx only" in assert_one_line_error(proc, 2)
    proc = run_main("export", DEMO_MODEL, "--format", "keras")
    assert "invalid choice: 'keras'" in assert_one_line_error(proc, 2)
    proc = run_main("export", tmp_path / "missing.npz")
    assert "no such file" in assert_one_line_error(proc, 1)


@pytest.mark.parametrize("fmt", ["onnx", "numpy", "pytorch"])
def test_a_layer_without_export_is_one_error_line_naming_it(fmt, tmp_path, monkeypatch,
                                                             capsys):
    model = tmp_path / "m.npz"
    nn.save_model(nn.Sequential([nn.Dense(3), nn.Tanh(), nn.Dense(2)], (4,)), model)
    monkeypatch.delitem(export_ops.KINDS, nn.Tanh)  # as if Tanh had no export
    assert run_cli(["export", str(model), "--format", fmt, "--out", str(tmp_path / "x")]) == 1
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("error: Layer 1 (Tanh()) cannot be exported")
    assert not (tmp_path / "x").exists()
