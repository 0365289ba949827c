"""``export``: a saved model as an ONNX file, a standalone NumPy script or PyTorch code.

``python main.py export MODEL.npz --format onnx --out model.onnx`` (ONNX Runtime, any language);
``--format numpy --out folder`` (``predict.py`` + ``weights.npz``, needs only NumPy and Pillow);
``--format pytorch --out folder`` (``model.py`` + ``weights.npz``, an ``nn.Module`` to keep
training). A layer or option that cannot be exported is one ``error:`` line naming it.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import nn
from nn.export import FORMATS, plan
from workbench.cli.common import EXIT_OK, UsageError, out

#: Format → what ``--out`` names when it is not given, from the model file's name.
DEFAULT_OUT = {"onnx": "{stem}.onnx", "numpy": "{stem}_numpy", "pytorch": "{stem}_pytorch"}


def add_export_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "export", help="take a model elsewhere: ONNX, a standalone NumPy script, PyTorch code",
        description="Export a saved model: an ONNX file for ONNX Runtime (opset 17, input "
                    "'input' with a free batch axis, class names in the metadata), a folder "
                    "with predict.py + weights.npz that needs only NumPy and Pillow, or a "
                    "folder with model.py + weights.npz defining a PyTorch nn.Module.")
    p.add_argument("model", metavar="MODEL.npz")
    p.add_argument("--format", choices=tuple(FORMATS), default="onnx",
                   help="onnx (a file), numpy or pytorch (a folder) (default: onnx)")
    p.add_argument("--out", metavar="PATH",
                   help="the ONNX file or the folder to write (default: next to the model, "
                        "MODEL.onnx, MODEL_numpy/ or MODEL_pytorch/)")
    p.add_argument("--scores", action="store_true",
                   help="ONNX only: output the raw scores (logits) instead of ending the graph "
                        "in the model's softmax")


def _describe(model: nn.Sequential, fmt: str, path: Path, scores: bool) -> list[str]:
    p = plan(model)
    shape = ", ".join(map(str, p.input_shape))
    if fmt == "onnx":
        output = "scores" if scores else "probabilities"
        return [f"wrote {path} (ONNX opset 17): input 'input' (batch, {shape}) -> "
                f"'{output}' (batch, {p.num_classes})",
                f"classes: {', '.join(p.class_names)}"]
    if fmt == "numpy":
        what = "IMAGE.png" if p.takes_digit_images else f"INPUTS.npy (N, {shape})"
        return [f"wrote {path / 'predict.py'} and {path / 'weights.npz'} (needs NumPy"
                + (" and Pillow)" if p.takes_digit_images else ")"),
                f"run: python {path / 'predict.py'} {what}"]
    return [f"wrote {path / 'model.py'} and {path / 'weights.npz'} (needs PyTorch and NumPy)",
            f"use: from model import load_model; net = load_model()  (in {path})"]


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``export`` command."""
    if args.scores and args.format != "onnx":
        raise UsageError(f"--scores applies to --format onnx only, not {args.format}")
    model = nn.load_model(args.model)
    target = Path(args.out) if args.out else Path(args.model).with_name(
        DEFAULT_OUT[args.format].format(stem=Path(args.model).stem))
    if args.format == "onnx":
        path = FORMATS["onnx"](model, target, probabilities=not args.scores)
    else:
        path = FORMATS[args.format](model, target)
    for line in _describe(model, args.format, path, args.scores):
        out(line)
    return EXIT_OK
