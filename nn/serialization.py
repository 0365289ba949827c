"""Model files: one ``.npz`` holding a JSON config and named arrays — never pickle.

Layout: the member ``__config__`` is the UTF-8 JSON of ``{"format", "version", ...}`` stored as
a ``uint8`` array; every other member is a named float array (``"2.W"``). Files are written
atomically (temporary file in the same folder, ``fsync``, ``os.replace``), so a crash never
leaves a half-written file where a good one was, and read with ``allow_pickle=False``.

:func:`write_archive` / :func:`read_archive` are generic (the GUI's session files use them too);
:func:`save_model` / :func:`load_model` add the model-specific checks.
"""

from __future__ import annotations

import json
import os
import zipfile
import zlib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.errors import ModelBuildError, ModelFileError
from nn.fileio import atomic_write
from nn.model import FORMAT, FORMAT_VERSION, Sequential

CONFIG_KEY = "__config__"
_ZIP_MAGIC = b"PK\x03\x04"
_NPY_MAGIC = b"\x93NUMPY"


def write_archive(
    path: str | os.PathLike, config: Mapping[str, Any], arrays: Mapping[str, NDArray],
    compress: bool = True, what: str = "file",
) -> None:
    """Atomically write ``config`` (JSON-able) and ``arrays`` to the ``.npz`` at ``path``
    (:func:`nn.fileio.atomic_write`; a failure is a ``FileWriteError`` naming ``path``)."""
    path = Path(path)
    if CONFIG_KEY in arrays:
        raise ValueError(f"{CONFIG_KEY!r} is reserved")
    payload = {CONFIG_KEY: np.frombuffer(json.dumps(config).encode("utf-8"), dtype=np.uint8)}
    for key, value in arrays.items():
        value = np.asarray(value)
        if value.dtype == object:
            raise ValueError(f"Array {key!r} has dtype object, which would need pickle")
        payload[key] = value
    save = np.savez_compressed if compress else np.savez
    atomic_write(path, lambda f: save(f, **payload), what)


def read_archive(
    path: str | os.PathLike, expected_format: str, max_version: int, what: str = "model file"
) -> tuple[dict[str, Any], dict[str, NDArray]]:
    """Read and validate an archive written by :func:`write_archive`.

    Raises
    ------
    ModelFileError
        Saying which problem: missing, not a file, pickled data, a bare array, not an archive,
        truncated/damaged, foreign (no config or another format), or written by a newer version.
    """
    path = Path(path)
    if not path.exists():
        raise ModelFileError(f"{path}: no such file")
    if not path.is_file():
        raise ModelFileError(f"{path}: not a file")
    with open(path, "rb") as f:
        head = f.read(8)
    if not head.startswith(_ZIP_MAGIC):
        if head.startswith(_NPY_MAGIC):
            raise ModelFileError(f"{path}: a bare NumPy array (.npy), not a {what}")
        if head[:1] == b"\x80" or head[:1] in (b"(", b"]", b"}"):
            raise ModelFileError(
                f"{path}: contains pickled data; refusing to load it "
                f"(a {what} never uses pickle, and pickle can run arbitrary code)"
            )
        if not head:
            raise ModelFileError(f"{path}: the file is empty")
        raise ModelFileError(f"{path}: not a {what} (not a NumPy .npz archive)")
    try:
        with np.load(path, allow_pickle=False) as archive:
            names = list(archive.files)
            if CONFIG_KEY not in names:
                shown = ", ".join(names[:5]) + (", …" if len(names) > 5 else "")
                raise ModelFileError(
                    f"{path}: a foreign .npz archive, not a {what} "
                    f"(it has no {CONFIG_KEY} entry; arrays: {shown or 'none'})"
                )
            raw = archive[CONFIG_KEY]
            arrays = {k: archive[k] for k in names if k != CONFIG_KEY}
    except ModelFileError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc).lower():
            raise ModelFileError(
                f"{path}: contains pickled (object) arrays; refusing to load it "
                f"(a {what} never uses pickle)"
            ) from None
        raise ModelFileError(f"{path}: damaged archive ({exc})") from None
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, KeyError) as exc:
        raise ModelFileError(f"{path}: truncated or damaged file ({exc})") from None
    try:
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError("not a byte string")
        config = json.loads(raw.tobytes().decode("utf-8"))
        if not isinstance(config, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ModelFileError(f"{path}: damaged configuration ({exc})") from None
    fmt, version = config.get("format"), config.get("version")
    if fmt != expected_format:
        raise ModelFileError(
            f"{path}: a {fmt or 'foreign'} file, not a {what} (expected format {expected_format})"
        )
    if not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{path}: missing or invalid format version {version!r}")
    if version > max_version:
        raise ModelFileError(
            f"{path}: written by a newer version of the workbench (format version {version}; "
            f"this version reads up to {max_version}); please update"
        )
    return config, arrays


def save_model(
    model: Sequential, path: str | os.PathLike, metadata: Mapping[str, Any] | None = None
) -> None:
    """Save architecture, dtype, weights, buffers and optional JSON-able ``metadata``."""
    config = model.to_config()
    config["metadata"] = dict(metadata if metadata is not None else model.metadata)
    write_archive(path, config, model.state_dict(), what="model file")


def model_from_archive(
    path: str | os.PathLike, config: Mapping[str, Any], arrays: Mapping[str, NDArray]
) -> Sequential:
    """Rebuild a model from an archive's config and arrays, with clear errors."""
    try:
        model = Sequential.from_config(config)
    except (ModelBuildError, ValueError, TypeError) as exc:
        raise ModelFileError(f"{path}: invalid architecture ({exc})") from None
    try:
        model.load_state_dict(arrays, strict=True)
    except ValueError as exc:
        raise ModelFileError(f"{path}: weights do not match the architecture ({exc})") from None
    metadata = config.get("metadata", {})
    model.metadata = dict(metadata) if isinstance(metadata, dict) else {}
    return model


def load_model(path: str | os.PathLike) -> Sequential:
    """Load a model saved by :func:`save_model` (``allow_pickle=False``)."""
    config, arrays = read_archive(path, FORMAT, FORMAT_VERSION, "model file")
    return model_from_archive(path, config, arrays)


__all__ = ["load_model", "model_from_archive", "read_archive", "save_model", "write_archive"]
