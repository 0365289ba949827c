"""The standalone NumPy script: each building block equals the engine's layer; the generated
``predict.py`` run without this project (isolated, ``nn`` unimportable, and in a fresh venv
with only NumPy and Pillow) gives ``predict_proba``'s classes and probabilities to 1e-5."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import numpy as np
import pytest

import nn
from nn import layers as L
from nn.export import ExportError, standalone, to_numpy_script
from nn.export.numpy_script import numpy_script_source
from tests.nn.export_cases import (
    CASES,
    assert_close,
    digit_inputs,
    json_probabilities,
    load_generated,
    run_script,
    toy_model,
    trained,
)


# ------------------------------------------------------------------------ building blocks
def _layer(layer: L.Layer, shape: tuple[int, ...], seed: int = 0) -> tuple[L.Layer, np.ndarray]:
    rng = np.random.default_rng(seed)
    layer.build(shape, rng, np.float64)
    for array in (*layer.params.values(), *layer.buffers.values()):
        array[...] = rng.normal(size=array.shape)
    if isinstance(layer, L.BatchNorm):
        layer.buffers["running_var"][...] = rng.uniform(0.2, 2.0, size=shape[0])
    return layer, rng.normal(size=(3, *shape))


@pytest.mark.parametrize("layer, shape, call", [
    (L.Conv2D(4, 3, stride=2, pad=1), (3, 9, 8),
     lambda x, w: standalone.conv2d(x, w["W"], w["b"], 2, 1)),
    (L.Conv2D(2, (2, 4), stride=1, pad=2), (2, 5, 6),
     lambda x, w: standalone.conv2d(x, w["W"], w["b"], 1, 2)),
    (L.MaxPool2D(3, stride=2, pad=1), (2, 7, 6), lambda x, w: standalone.max_pool2d(x, 3, 3, 2, 1)),
    (L.MaxPool2D((2, 3), stride=1), (2, 5, 6), lambda x, w: standalone.max_pool2d(x, 2, 3, 1, 0)),
    (L.AvgPool2D(3, stride=2, pad=2), (2, 7, 6), lambda x, w: standalone.avg_pool2d(x, 3, 3, 2, 2)),
    (L.Dense(5), (2, 3, 4), lambda x, w: standalone.dense(x, w["W"], w["b"])),
    (L.Dense(5, use_bias=False), (6,), lambda x, w: standalone.dense(x, w["W"])),
    (L.BatchNorm(eps=1e-3), (4,), lambda x, w: standalone.batch_norm(
        x, w["gamma"], w["beta"], w["running_mean"], w["running_var"], 1e-3)),
    (L.BatchNorm(), (3, 4, 5), lambda x, w: standalone.batch_norm(
        x, w["gamma"], w["beta"], w["running_mean"], w["running_var"], 1e-6)),
    (L.Flatten(), (2, 3, 4), lambda x, w: standalone.flatten(x)),
    (L.ReLU(), (7,), lambda x, w: standalone.relu(x)),
    (L.LeakyReLU(0.2), (7,), lambda x, w: standalone.leaky_relu(x, 0.2)),
    (L.Sigmoid(), (7,), lambda x, w: standalone.sigmoid(x)),
    (L.Tanh(), (7,), lambda x, w: standalone.tanh(x)),
    (L.Step(), (7,), lambda x, w: standalone.step(x)),
], ids=lambda v: v.describe() if isinstance(v, L.Layer) else None)
def test_each_block_equals_the_engine_layer(layer, shape, call):
    layer, x = _layer(layer, shape)
    arrays = {**layer.params, **layer.buffers}
    np.testing.assert_allclose(call(x, arrays), layer.forward(x), rtol=1e-12, atol=1e-12)


def test_output_blocks_equal_the_losses():
    y = np.random.default_rng(1).normal(size=(6, 4)) * 30
    np.testing.assert_allclose(standalone.softmax(y), nn.functions.softmax(y), rtol=1e-12)
    bce = nn.losses.get("sigmoid_bce")
    np.testing.assert_allclose(standalone.sigmoid_pair(y[:, :1]), bce.probabilities(y[:, :1]),
                               rtol=1e-12)


# ------------------------------------------------------------------------ generated script
@pytest.mark.parametrize("case", CASES)
def test_script_without_this_project_equals_predict_proba(case, tmp_path):
    model = trained(case)
    x = digit_inputs()
    folder = to_numpy_script(model, tmp_path / "out")
    assert sorted(p.name for p in folder.iterdir()) == ["predict.py", "weights.npz"]
    np.save(tmp_path / "x.npy", x)
    proc = run_script(folder, "--json", tmp_path / "x.npy")
    assert proc.returncode == 0, proc.stderr
    assert_close(json_probabilities(proc.stdout), model.predict_proba(x), case)


@pytest.mark.parametrize("loss", ["mse", "sigmoid_bce"])
def test_script_of_a_toy_model_reads_arrays_and_refuses_images(loss, tmp_path):
    model, x = toy_model(loss)
    folder = to_numpy_script(model, tmp_path / "toy")
    np.save(tmp_path / "points.npy", x)
    proc = run_script(folder, "--json", tmp_path / "points.npy")
    assert proc.returncode == 0, proc.stderr
    assert_close(json_probabilities(proc.stdout), model.predict_proba(x), loss)
    assert "def prepare_image" not in (folder / "predict.py").read_text()
    proc = run_script(folder, tmp_path / "digit.png")
    assert proc.returncode == 1 and proc.stderr.startswith("error: ") and ".npy" in proc.stderr


def test_script_is_readable_and_importable(tmp_path):
    model = trained("every_layer")
    folder = to_numpy_script(model, tmp_path)
    text = (folder / "predict.py").read_text()
    assert not re.search(r"^\s*(import|from)\s+(nn|workbench|tests)\b", text, re.M)
    assert "allow_pickle=False" in text and "def im2col" in text
    assert "# 13: Dropout(rate=0.3) -> 32" in text  # every layer has its comment line
    assert 'x = conv2d(x, w["4.W"], w["4.b"], stride=2, pad=1)' in text
    assert "x = avg_pool2d(x, 3, 3, stride=2, pad=1)" in text
    module = load_generated(folder)
    x = digit_inputs()[:10]
    assert_close(module.predict_proba(x.reshape(10, -1)), model.predict_proba(x), "flat rows")
    assert [str(d) for d in range(10)] == module.CLASS_NAMES
    with np.load(folder / "weights.npz", allow_pickle=False) as archive:
        assert set(archive.files) == set(model.state_dict())


def test_script_text_output_and_bad_input(tmp_path):
    folder = to_numpy_script(trained("draw_model"), tmp_path / "s")
    np.save(tmp_path / "x.npy", digit_inputs()[:2])
    proc = run_script(folder, "--top", "3", tmp_path / "x.npy")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'x.npy'}[0]: ") and lines[1].endswith(" <")
    assert len(lines) == 9  # two blocks of 1 + 3 lines, a blank line between
    np.save(tmp_path / "bad.npy", np.zeros((2, 5), np.float32))
    for bad in (tmp_path / "missing.png", tmp_path / "bad.npy"):
        proc = run_script(folder, bad)
        assert proc.returncode == 1 and proc.stderr.startswith("error: "), proc.stderr
        assert "Traceback" not in proc.stderr


def test_unknown_layer_is_an_error_naming_it():
    class Custom(L.ReLU):
        pass

    with pytest.raises(ExportError, match=r"Layer 0 \(Custom\(\)\) cannot be exported"):
        numpy_script_source(nn.Sequential([Custom(), L.Dense(2)], (3,)))


def test_a_file_where_the_folder_should_be_is_an_error(tmp_path):
    (tmp_path / "taken").write_text("")
    with pytest.raises(ExportError, match="a file is in the way"):
        to_numpy_script(trained("two_layer_net"), tmp_path / "taken")


# ------------------------------------------------------------------------------ fresh venv
@pytest.fixture(scope="session")
def fresh_python(tmp_path_factory):
    """A new venv holding only NumPy and Pillow (from pip's configured index or cache); skips
    when they cannot be installed, e.g. offline with an empty cache."""
    venv = tmp_path_factory.mktemp("fresh_venv")
    base = getattr(sys, "_base_executable", sys.executable)
    subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300)
    python = venv / ("Scripts/python.exe" if sys.platform == "win32" else "bin/python")
    install = subprocess.run([str(python), "-m", "pip", "install", "-q",
                              "--disable-pip-version-check", "numpy", "pillow"],
                             capture_output=True, text=True, timeout=600)
    if install.returncode != 0:
        pytest.skip(f"cannot install numpy and pillow into a fresh venv: {install.stderr[-300:]}")
    listed = subprocess.run([str(python), "-m", "pip", "list", "--format", "json"],
                            capture_output=True, text=True, timeout=120, check=True)
    names = {p["name"].lower() for p in json.loads(listed.stdout)}
    assert names <= {"numpy", "pillow", "pip", "setuptools", "wheel"}, names
    return python


@pytest.mark.parametrize("case", ["draw_model", "every_layer", "step_first"])
def test_script_in_a_fresh_venv_with_only_numpy_and_pillow(case, tmp_path, fresh_python):
    model = trained(case)
    x = digit_inputs()
    folder = to_numpy_script(model, tmp_path / "out")
    np.save(tmp_path / "x.npy", x)
    proc = subprocess.run([str(fresh_python), "predict.py", "--json", str(tmp_path / "x.npy")],
                          cwd=folder, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr
    assert_close(json_probabilities(proc.stdout), model.predict_proba(x), case)
    check = subprocess.run([str(fresh_python), "-c", "import nn"], cwd=tmp_path,
                           capture_output=True, text=True, timeout=60)
    assert check.returncode != 0  # the project really is absent there
