"""A standalone NumPy program of a trained model: ``predict.py`` plus ``weights.npz``.

The script needs NumPy (and Pillow for image files) and nothing from this project: its layer
functions are copied from :mod:`nn.export.standalone` (the book's im2col style), its image
preprocessing from :mod:`nn.preprocess` verbatim, so ``python predict.py image.png`` prepares an
image exactly as ``main.py predict`` does. The forward pass is one commented line per layer.
"""

from __future__ import annotations

import json
import os
import textwrap
from pathlib import Path

from nn import preprocess
from nn.export import standalone
from nn.export.ops import ExportPlan, Op, plan
from nn.export.predict_cli import MAIN_SOURCE
from nn.export.source import definitions, module_body
from nn.export.writing import (
    WEIGHTS_FILE,
    architecture_lines,
    prepare_folder,
    provenance,
    write_script,
    write_weights,
)
from nn.model import Sequential

SCRIPT_FILE = "predict.py"
_BASE_IMPORTS = ["import argparse", "import json", "import sys", "from pathlib import Path",
                 "import numpy as np"]
_HEAD_TEXT = {
    "softmax": "softmax probabilities of the classes",
    "sigmoid_pair": "the probabilities [1 - sigmoid(y), sigmoid(y)] of the two classes",
    "identity": "the raw outputs (the model was trained with mean squared error)",
}


def _call(op: Op) -> str | None:
    """The forward-pass statement of ``op``, or None when it does nothing at inference."""
    i, a = op.index, op.attrs
    w = f'w["{i}.W"]'
    if op.kind == "dense":
        bias = f', w["{i}.b"]' if "b" in op.arrays else ""
        return f"x = dense(x, {w}{bias})"
    if op.kind == "conv":
        return f'x = conv2d(x, {w}, w["{i}.b"], stride={a["stride"]}, pad={a["pad"]})'
    if op.kind in ("maxpool", "avgpool"):
        ph, pw = a["pool"]
        fn = "max_pool2d" if op.kind == "maxpool" else "avg_pool2d"
        return f"x = {fn}(x, {ph}, {pw}, stride={a['stride']}, pad={a['pad']})"
    if op.kind == "batchnorm":
        arrays = ", ".join(f'w["{i}.{k}"]' for k in ("gamma", "beta", "running_mean",
                                                      "running_var"))
        return f"x = batch_norm(x, {arrays}, eps={a['eps']!r})"
    if op.kind == "leaky_relu":
        return f"x = leaky_relu(x, alpha={a['alpha']!r})"
    if op.kind in ("dropout", "identity"):
        return None
    return f"x = {op.kind}(x)"  # flatten, relu, sigmoid, tanh, step


def _forward(p: ExportPlan) -> str:
    shape = ", ".join(map(str, p.input_shape))
    lines = [
        "def forward(x, w):",
        f'    """Scores (N, {p.output_shape[0]}) for inputs x (N, {shape}), in inference mode;',
        '    ``w`` is what load_weights() returns."""',
    ]
    for op in p.ops:
        out = "x".join(map(str, op.output_shape))
        lines.append(f"    # {op.index}: {op.description} -> {out}")
        call = _call(op)
        if call is None:
            why = ("inverted dropout is the identity at inference" if op.kind == "dropout"
                   else "passes its input through")
            lines.append(f"    # (nothing to compute: {why})")
        else:
            lines.append(f"    {call}")
    lines.append("    return x")
    return "\n".join(lines)


def _blocks(p: ExportPlan) -> str:
    names = [n for kind in sorted(p.used_kinds()) for n in standalone.BLOCKS_BY_KIND[kind]]
    names += standalone.BLOCKS_BY_HEAD[p.head]
    return definitions(standalone, names)


def _docstring(p: ExportPlan) -> str:
    shape = ", ".join(map(str, p.input_shape))
    classes = ", ".join(p.class_names[:12]) + (", ..." if p.num_classes > 12 else "")
    usage = [f"    python {SCRIPT_FILE} inputs.npy             # an array (N, {shape}), "
             "already preprocessed"]
    if p.takes_digit_images:
        usage.insert(0, f"    python {SCRIPT_FILE} digit.png [more.png ...]  # each prepared "
                        "like `main.py predict`")
    return "\n".join([
        f'"""{p.name}: a trained network as a standalone NumPy program.',
        "",
        provenance(p),
        "It needs only NumPy, and Pillow to read image files; nothing from the workbench. The",
        f"weights are in {WEIGHTS_FILE} next to this file, read with allow_pickle=False (plain",
        "arrays, never pickle).",
        "",
        "The network, in inference mode (Dropout does nothing, BatchNorm uses the running mean",
        "and variance recorded in training):",
        architecture_lines(p),
        f"Output: {_HEAD_TEXT[p.head]} {classes}.",
        "",
        "Usage:",
        *usage,
        f"    python {SCRIPT_FILE} --json --top 3 FILE ...  # machine-readable, 3 likeliest",
        "",
        "From Python:",
        "    from predict import predict_proba",
        f"    probabilities = predict_proba(x)   # x: (N, {shape}) -> (N, {p.num_classes})",
        '"""',
    ])


def _constants(p: ExportPlan) -> str:
    return "\n".join([
        "HERE = Path(__file__).resolve().parent",
        f"INPUT_SHAPE = {tuple(p.input_shape)!r}",
        f"CLASS_NAMES = {json.dumps(p.class_names, ensure_ascii=False)}",
        f"DTYPE = np.{p.dtype}  # the precision the network was trained in",
        f"TAKES_IMAGES = {p.takes_digit_images!r}  # a 28x28 input: image files are accepted",
    ])


def _output(p: ExportPlan) -> str:
    result = {"softmax": "softmax(scores)", "sigmoid_pair": "sigmoid_pair(scores)",
              "identity": "scores"}[p.head]
    return "\n".join([
        "def output(scores):",
        f'    """Scores -> what the workbench shows: {_HEAD_TEXT[p.head]}."""',
        f"    return {result}",
    ])


_LOAD_WEIGHTS = '''
def load_weights(path=None):
    """The weights by the workbench's names ("0.W", "0.b", ...): plain arrays, no pickle."""
    with np.load(HERE / "weights.npz" if path is None else path, allow_pickle=False) as archive:
        return {name: archive[name] for name in archive.files}
'''

_PREDICT = '''
def as_input(x):
    """``x`` as a batch (N, *INPUT_SHAPE) of DTYPE; flat rows (N, D) are reshaped."""
    x = np.asarray(x, dtype=DTYPE)
    if x.shape == INPUT_SHAPE:
        x = x[None]
    if x.shape[1:] != INPUT_SHAPE:
        if x.ndim < 2 or int(np.prod(x.shape[1:])) != int(np.prod(INPUT_SHAPE)):
            raise ValueError(f"inputs of shape {x.shape[1:]}; this network takes {INPUT_SHAPE}")
        x = x.reshape(x.shape[0], *INPUT_SHAPE)
    return x


def predict_proba(x, weights=None, batch_size=500):
    """Class probabilities (N, K) for inputs ``x`` (N, *INPUT_SHAPE) or flat (N, D)."""
    weights = load_weights() if weights is None else weights
    x = as_input(x)
    parts = []
    for start in range(0, x.shape[0], batch_size):
        parts.append(output(forward(x[start : start + batch_size], weights)))
    return np.concatenate(parts) if parts else np.zeros((0, len(CLASS_NAMES)), DTYPE)
'''


def _comment_block(text: str, width: int = 98) -> str:
    """``text`` as ``#`` comment lines, each paragraph re-filled to ``width`` columns (a heading
    and its underline are kept as they are)."""
    out = []
    for para in textwrap.dedent(text).strip().split("\n\n"):
        lines = para.splitlines()
        if len(lines) >= 2 and set(lines[1]) <= {"-", "="}:  # heading + underline
            out += lines[:2]
            lines = lines[2:]
        if lines:
            out += textwrap.wrap(" ".join(lines), width - 2)
        out.append("")
    return "\n".join(f"# {line}".rstrip() for line in out[:-1])


def _preprocessing() -> tuple[list[str], str]:
    imports, body = module_body(preprocess)
    body = f"{_comment_block(preprocess.__doc__ or '')}\n\n{body}"
    glue = '''

def load_for_model(path):
    """An image file as the network's input (28, 28): grey levels, then MNIST's preprocessing
    (either polarity, contrast stretched, cropped, scaled to 20 px, centre of mass at 14)."""
    return prepare_image(load_grayscale(path))'''
    section = "\n\n\n".join([definitions(standalone, standalone.IMAGE_BLOCKS), body]) + glue
    return imports, section


def numpy_script_source(model: Sequential) -> str:
    """The text of ``predict.py`` for ``model``."""
    p = plan(model)
    imports = list(_BASE_IMPORTS)
    sections = [
        ("the network's building blocks (book ch. 3, 5, 6 and 7)", _blocks(p)),
        ("the network", "\n\n\n".join([_LOAD_WEIGHTS.strip(), _forward(p), _output(p),
                                       _PREDICT.strip()])),
    ]
    if p.takes_digit_images:
        extra, section = _preprocessing()
        imports += [i for i in extra if i not in imports]
        sections.append(("reading images as `main.py predict` does (copied from the "
                         "workbench's nn/preprocess.py)", section))
    sections.append(("command line", MAIN_SOURCE.strip()))
    header = f"#!/usr/bin/env python3\n{_docstring(p)}\n\nfrom __future__ import annotations\n\n"
    parts = [header + "\n".join(_sorted_imports(imports)) + "\n\n" + _constants(p)]
    for title, text in sections:
        parts.append(f"# {'-' * (94 - len(title))} {title}\n{text}")
    return "\n\n\n".join(parts) + '\n\n\nif __name__ == "__main__":\n    sys.exit(main())\n'


def _sorted_imports(imports: list[str]) -> list[str]:
    """Standard library first, then NumPy; in each group ``import`` before ``from``, sorted."""
    def key(line: str) -> tuple[bool, str]:
        return line.startswith("from "), line

    third = [i for i in imports if "numpy" in i]
    return [*sorted((i for i in imports if i not in third), key=key), "",
            *sorted(third, key=key)]


def to_numpy_script(model: Sequential, folder: str | os.PathLike) -> Path:
    """Write ``predict.py`` and ``weights.npz`` (the model's parameters and buffers under its
    own names) into ``folder``, created if needed; return the folder."""
    text = numpy_script_source(model)
    folder = prepare_folder(folder)
    write_weights(folder / WEIGHTS_FILE, model.state_dict())
    write_script(folder / SCRIPT_FILE, text)
    return folder


__all__ = ["SCRIPT_FILE", "numpy_script_source", "to_numpy_script"]
