"""What the script exporters share: the weights file, the folder, the text of the header."""

from __future__ import annotations

import io
import os
import textwrap
from collections.abc import Mapping
from datetime import datetime, timezone
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn.export.ops import ExportError, ExportPlan
from nn.fileio import write_bytes_atomic, write_text_atomic

WEIGHTS_FILE = "weights.npz"


def prepare_folder(folder: str | os.PathLike) -> Path:
    """``folder`` as a :class:`Path`, created if needed; an existing file there is an error."""
    folder = Path(folder)
    if folder.exists() and not folder.is_dir():
        raise ExportError(f"{folder}: a file is in the way; the export needs a folder there")
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"{folder}: cannot create the folder ({exc.strerror or exc})") from None
    return folder


def write_weights(path: Path, arrays: Mapping[str, NDArray]) -> None:
    """A plain ``.npz`` of named numeric arrays (readable with ``allow_pickle=False``),
    written atomically."""
    for key, value in arrays.items():
        if np.asarray(value).dtype == object:
            raise ExportError(f"Array {key!r} has dtype object, which would need pickle")
    buffer = io.BytesIO()
    np.savez(buffer, **{k: np.ascontiguousarray(v) for k, v in arrays.items()})
    write_bytes_atomic(path, buffer.getvalue())


def write_script(path: Path, text: str) -> None:
    compile(text, str(path), "exec")  # a generator bug must never leave a broken script
    write_text_atomic(path, text)


def provenance(p: ExportPlan) -> str:
    """``Exported by Neural Network Workbench 0.1.0 on 2026-01-02 from 'name'.`` and the recorded
    training result, wrapped for the header of a generated file."""
    from nn import __version__

    when = datetime.now(timezone.utc).strftime("%Y-%m-%d")
    line = f"Exported by Neural Network Workbench {__version__} on {when} from '{p.name}'."
    meta = p.metadata
    parts = []
    if isinstance(meta.get("dataset"), str):
        parts.append(f"trained on {meta['dataset']}")
    if isinstance(meta.get("epochs"), int):
        parts.append(f"{meta['epochs']} epochs")
    if isinstance(meta.get("test_acc"), float):
        parts.append(f"test accuracy {100 * meta['test_acc']:.2f} %")
    if parts:
        line += f" It was {', '.join(parts)}."
    return textwrap.fill(line, width=96)


def architecture_lines(p: ExportPlan, indent: str = "    ") -> str:
    """The layer list for a docstring, one ``index  description  -> shape`` line per layer."""
    shape = "x".join(map(str, p.input_shape))
    return "\n".join([f"{indent}in  input -> {shape}", *(indent + s for s in p.summary_lines())])


__all__ = ["WEIGHTS_FILE", "architecture_lines", "prepare_folder", "provenance", "write_script",
           "write_weights"]
