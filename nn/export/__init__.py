"""Take a model elsewhere: an ONNX file, a standalone NumPy script, or PyTorch code.

>>> nn.export.to_onnx(model, "model.onnx")              # doctest: +SKIP
>>> nn.export.to_numpy_script(model, "digits_numpy")    # predict.py + weights.npz
>>> nn.export.to_pytorch_script(model, "digits_torch")  # model.py + weights.npz

Every exporter works from :func:`nn.export.ops.plan`, which says by name what cannot be
exported. Nothing here imports ``onnx`` (or anything but NumPy) until :func:`to_onnx` runs.
"""

from __future__ import annotations

from nn.export import ops
from nn.export.numpy_script import to_numpy_script
from nn.export.onnx_export import to_onnx
from nn.export.ops import ExportError, ExportPlan, Op, class_names, plan
from nn.export.pytorch_script import to_pytorch_script

#: Format name → exporter ``(model, path) -> Path`` (a file for ONNX, a folder for the scripts).
FORMATS = {"onnx": to_onnx, "numpy": to_numpy_script, "pytorch": to_pytorch_script}

__all__ = [
    "FORMATS", "ExportError", "ExportPlan", "Op", "class_names", "ops", "plan", "to_numpy_script",
    "to_onnx", "to_pytorch_script",
]
