"""ONNX export: the inference graph of a model, built and checked with the ``onnx`` package.

Each :class:`~nn.export.ops.Op` becomes the ONNX operator that computes the same thing
(opset 17, https://onnx.ai/onnx/operators/):

=============  ==================================================================================
Dense          ``Flatten(axis=1)`` when the input has several axes, then ``Gemm`` (``x·W + b``;
               ``W`` kept as (in, units)) or ``MatMul`` without a bias
Conv2D         ``Conv`` (cross-correlation, as the engine) with ``strides`` and symmetric ``pads``
MaxPool2D      ``MaxPool``: ONNX ignores padded cells, as the engine's ``-inf`` padding does
AvgPool2D      ``AveragePool`` with ``count_include_pad=1``: the engine's zero padding counts
BatchNorm      ``BatchNormalization`` with the running mean and variance and the layer's ``eps``
Dropout        nothing: inverted dropout is the identity at inference
Step           ``Cast(Greater(x, 0))``, 1 where ``x > 0`` else 0
activations    ``Relu``, ``LeakyRelu(alpha)``, ``Sigmoid``, ``Tanh``; ``Identity`` is dropped
output         ``Softmax(axis=1)`` for softmax cross-entropy, ``[1 − σ, σ]`` for sigmoid BCE,
               the raw scores for MSE: exactly ``Sequential.predict_proba``
=============  ==================================================================================

The input is called ``input``, shape ``(batch, *input_shape)`` with a symbolic batch axis; the
output ``probabilities`` (or ``scores`` when ``probabilities=False``). Weights are stored in
float32. Class names, the architecture and the model's metadata go into ``metadata_props``.

``onnx`` is imported only when a function here runs, so ``import nn`` never needs it.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import numpy as np

from nn.export.ops import ExportError, ExportPlan, Op, plan
from nn.fileio import write_bytes_atomic
from nn.model import Sequential

OPSET = 17
#: ONNX IR version 8 is the one that goes with opset 17: older runtimes can still load the file.
IR_VERSION = 8
INPUT_NAME = "input"
BATCH_AXIS = "batch"
INSTALL_HINT = 'pip install "nn-workbench[export]" (in a checkout: pip install -e ".[export]")'


def import_onnx() -> Any:
    """The ``onnx`` module, or an :class:`ExportError` saying how to install it."""
    try:
        import onnx
    except ImportError:
        raise ExportError(
            f"ONNX export needs the 'onnx' package, which is not installed: {INSTALL_HINT}"
        ) from None
    return onnx


class _Graph:
    """Nodes and initializers under construction; tensor names follow the layer indices."""

    def __init__(self, onnx: Any) -> None:
        self.onnx = onnx
        self.nodes: list[Any] = []
        self.initializers: list[Any] = []

    def constant(self, name: str, array: np.ndarray) -> str:
        arr = np.ascontiguousarray(array, dtype=np.float32)
        self.initializers.append(self.onnx.numpy_helper.from_array(arr, name))
        return name

    def node(self, op_type: str, inputs: list[str], output: str, **attrs: Any) -> str:
        self.nodes.append(self.onnx.helper.make_node(op_type, inputs, [output], name=output,
                                                     **attrs))
        return output


def _add_op(g: _Graph, op: Op, x: str) -> str:
    """Append the nodes of ``op`` reading tensor ``x``; return the name of its output."""
    i, a, arr = op.index, op.attrs, op.arrays
    out = f"{i}.{op.kind}"
    if op.kind == "dense":
        if op.flattens:
            x = g.node("Flatten", [x], f"{i}.flatten", axis=1)
        w = g.constant(f"{i}.W", arr["W"])
        if "b" in arr:
            return g.node("Gemm", [x, w, g.constant(f"{i}.b", arr["b"])], out)
        return g.node("MatMul", [x, w], out)
    if op.kind == "conv":
        p, s = a["pad"], a["stride"]
        inputs = [x, g.constant(f"{i}.W", arr["W"]), g.constant(f"{i}.b", arr["b"])]
        return g.node("Conv", inputs, out, kernel_shape=list(a["kernel"]), strides=[s, s],
                      pads=[p, p, p, p], dilations=[1, 1], group=1)
    if op.kind in ("maxpool", "avgpool"):
        p, s = a["pad"], a["stride"]
        pool = {"kernel_shape": list(a["pool"]), "strides": [s, s], "pads": [p, p, p, p],
                "ceil_mode": 0}
        if op.kind == "maxpool":
            return g.node("MaxPool", [x], out, **pool)
        return g.node("AveragePool", [x], out, count_include_pad=1, **pool)
    if op.kind == "flatten":
        return g.node("Flatten", [x], out, axis=1)
    if op.kind == "batchnorm":
        names = [g.constant(f"{i}.{k}", arr[k])
                 for k in ("gamma", "beta", "running_mean", "running_var")]
        return g.node("BatchNormalization", [x, *names], out, epsilon=float(a["eps"]))
    if op.kind in ("dropout", "identity"):
        return x
    if op.kind == "step":
        positive = g.node("Greater", [x, g.constant(f"{i}.zero", np.zeros((), np.float32))],
                          f"{i}.positive")
        return g.node("Cast", [positive], out, to=g.onnx.TensorProto.FLOAT)
    if op.kind == "leaky_relu":
        return g.node("LeakyRelu", [x], out, alpha=float(a["alpha"]))
    simple = {"relu": "Relu", "sigmoid": "Sigmoid", "tanh": "Tanh"}
    if op.kind in simple:
        return g.node(simple[op.kind], [x], out)
    raise ExportError(f"Layer {op.index} ({op.description}) has no ONNX form")  # unreachable


def _add_head(g: _Graph, p: ExportPlan, x: str) -> str:
    if p.head == "softmax":
        return g.node("Softmax", [x], "softmax", axis=1)
    if p.head == "sigmoid_pair":  # [1 − σ(y), σ(y)], class 1 the positive class
        flat = g.node("Flatten", [x], "head.flatten", axis=1)
        positive = g.node("Sigmoid", [flat], "head.sigmoid")
        one = g.constant("head.one", np.ones((), np.float32))
        negative = g.node("Sub", [one, positive], "head.complement")
        return g.node("Concat", [negative, positive], "head.concat", axis=1)
    return x


def metadata_props(p: ExportPlan, output: str) -> dict[str, str]:
    """The strings stored in the ONNX file's ``metadata_props``."""
    from nn import __version__

    props = {
        "class_names": json.dumps(p.class_names, ensure_ascii=False),
        "model_name": p.name,
        "input_shape": json.dumps(list(p.input_shape)),
        "output": output,
        "loss": p.loss,
        "engine_dtype": p.dtype,
        "preprocessing": (
            "28x28 grey images, ink high in [0, 1], cropped, scaled to 20 px and centred by "
            "mass as MNIST (nn.preprocess.prepare_image)" if p.takes_digit_images
            else "none: the arrays the model was trained on"),
        "workbench_version": __version__,
        "workbench_config": json.dumps(p.config, ensure_ascii=False),
        "workbench_metadata": json.dumps(p.metadata, ensure_ascii=False),
    }
    for key, value in p.metadata.items():  # scalars also on their own, for quick reading
        if isinstance(value, (str, int, float, bool)) and key not in props:
            props[key] = str(value)
    return props


def build_onnx(model: Sequential, probabilities: bool = True) -> Any:
    """The checked ``onnx.ModelProto`` of ``model`` (see the module notes).

    Raises
    ------
    ExportError
        When ``onnx`` is missing, a layer or the loss has no export, or the checker rejects the
        graph.
    """
    onnx = import_onnx()
    p = plan(model)
    g = _Graph(onnx)
    x = INPUT_NAME
    for op in p.ops:
        x = _add_op(g, op, x)
    output = "probabilities" if probabilities else "scores"
    if probabilities:
        x = _add_head(g, p, x)
        out_shape = [BATCH_AXIS, 2] if p.head == "sigmoid_pair" else [BATCH_AXIS, *p.output_shape]
    else:
        out_shape = [BATCH_AXIS, *p.output_shape]
    g.node("Identity", [x], output)  # names the result whatever the last node was
    helper, tensor = onnx.helper, onnx.TensorProto.FLOAT
    graph = helper.make_graph(
        g.nodes, p.name or "model",
        [helper.make_tensor_value_info(INPUT_NAME, tensor, [BATCH_AXIS, *p.input_shape])],
        [helper.make_tensor_value_info(output, tensor, out_shape)],
        g.initializers, doc_string="\n".join(p.summary_lines()))
    proto = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)],
                              producer_name="nn-workbench", ir_version=IR_VERSION,
                              doc_string=f"{p.name}: exported by Neural Network Workbench")
    helper.set_model_props(proto, metadata_props(p, output))
    try:
        onnx.checker.check_model(proto, full_check=True)
    except (onnx.checker.ValidationError, onnx.shape_inference.InferenceError) as exc:
        raise ExportError(f"The ONNX checker rejected the exported graph: {exc}") from None
    return proto


def to_onnx(model: Sequential, path: str | os.PathLike, probabilities: bool = True) -> Path:
    """Write ``model`` as an ONNX file at ``path`` (atomically); return the path.

    With ``probabilities`` the graph ends in the model's output function (softmax…) and its
    output is named ``probabilities``; otherwise it returns the raw ``scores``.
    """
    proto = build_onnx(model, probabilities)
    path = Path(path)
    write_bytes_atomic(path, proto.SerializeToString())
    return path


__all__ = ["INPUT_NAME", "OPSET", "build_onnx", "import_onnx", "metadata_props", "to_onnx"]
