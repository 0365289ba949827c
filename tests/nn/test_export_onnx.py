"""ONNX export: ONNX Runtime computes what ``predict_proba`` computes, for every preset and every
layer type; the graph's interface and metadata; the errors."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import onnx
import onnxruntime as ort
import pytest

import nn
from nn import layers as L
from nn.export import ExportError, onnx_export, to_onnx
from tests.nn.export_cases import CASES, assert_close, digit_inputs, toy_model, trained


def run_onnx(path, x: np.ndarray) -> np.ndarray:
    session = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"])
    (output,) = session.run(None, {"input": x.astype(np.float32)})
    return output


@pytest.mark.parametrize("case", CASES)
def test_onnx_runtime_equals_predict_proba(case, tmp_path):
    model = trained(case)
    x = digit_inputs()
    path = to_onnx(model, tmp_path / f"{case}.onnx")
    assert_close(run_onnx(path, x), model.predict_proba(x), case)


@pytest.mark.parametrize("case", ["every_layer", "draw_model"])
def test_scores_output_equals_the_raw_forward_pass(case, tmp_path):
    model = trained(case)
    x = digit_inputs()
    path = to_onnx(model, tmp_path / "scores.onnx", probabilities=False)
    assert onnx.load(str(path)).graph.output[0].name == "scores"
    scores = model.forward(x)
    error = np.abs(run_onnx(path, x) - scores).max() / np.abs(scores).max()
    assert error < 1e-5


@pytest.mark.parametrize("loss", ["mse", "sigmoid_bce"])
def test_the_other_output_functions(loss, tmp_path):
    model, x = toy_model(loss)
    path = to_onnx(model, tmp_path / "toy.onnx")
    assert_close(run_onnx(path, x), model.predict_proba(x), loss)


def test_float64_model_is_exported_in_float32(tmp_path):
    model = trained("simple_convnet").copy(dtype="float64")
    x = digit_inputs()
    path = to_onnx(model, tmp_path / "f64.onnx")
    assert_close(run_onnx(path, x), model.predict_proba(x), "float64 model")
    props = {p.key: p.value for p in onnx.load(str(path)).metadata_props}
    assert props["engine_dtype"] == "float64"


def test_graph_interface_opset_and_metadata(tmp_path):
    model = trained("draw_model")
    path = to_onnx(model, tmp_path / "draw.onnx")
    proto = onnx.load(str(path))
    onnx.checker.check_model(proto, full_check=True)
    assert proto.opset_import[0].version >= 17
    (inp,) = proto.graph.input
    assert inp.name == "input"
    dims = inp.type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [1, 28, 28]
    (out,) = proto.graph.output
    assert out.name == "probabilities"
    assert [d.dim_value for d in out.type.tensor_type.shape.dim[1:]] == [10]
    props = {p.key: p.value for p in proto.metadata_props}
    assert json.loads(props["class_names"]) == [str(d) for d in range(10)]
    assert props["model_name"] == "deep_convnet" and props["loss"] == "softmax_cross_entropy"
    assert json.loads(props["workbench_metadata"])["test_acc"] == model.metadata["test_acc"]
    assert json.loads(props["workbench_config"]) == model.to_config()
    assert props["dataset"] == "digits" and props["workbench_version"] == nn.__version__
    # batches of any size, including one image
    x = digit_inputs()
    assert run_onnx(path, x[:1]).shape == (1, 10) and run_onnx(path, x[:7]).shape == (7, 10)


def test_dropout_and_identity_add_no_nodes(tmp_path):
    proto = onnx_export.build_onnx(trained("every_layer"))
    ops = [node.op_type for node in proto.graph.node]
    assert "Dropout" not in ops
    assert ops.count("BatchNormalization") == 2 and ops.count("AveragePool") == 2
    assert ops.count("Identity") == 1  # only the one naming the output


def test_a_layer_without_export_is_an_error_naming_it(tmp_path):
    class Doubling(L.Identity):  # a subclass may compute something else: not exported
        def forward(self, x, training=False):
            return 2 * x

    model = nn.Sequential([L.Dense(4), Doubling(), L.Dense(2)], (3,))
    with pytest.raises(ExportError, match=r"Layer 1 \(Doubling\(\)\) cannot be exported"):
        to_onnx(model, tmp_path / "x.onnx")
    assert not (tmp_path / "x.onnx").exists()


def test_missing_onnx_says_how_to_install_it(monkeypatch, tmp_path):
    monkeypatch.setitem(sys.modules, "onnx", None)  # makes "import onnx" fail
    with pytest.raises(ExportError, match=r"pip install .*nn-workbench\[export\]"):
        to_onnx(trained("two_layer_net"), tmp_path / "x.onnx")


def test_import_nn_does_not_import_onnx_or_onnxruntime():
    code = ("import sys, nn, nn.export; "
            "bad = [m for m in sys.modules if m.split('.')[0] in ('onnx', 'onnxruntime', "
            "'torch', 'PIL')]; print(bad); sys.exit(1 if bad else 0)")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          timeout=60)
    assert proc.returncode == 0, proc.stdout + proc.stderr
