"""Model files: one ``.npz`` holding a JSON config and named arrays — never pickle.

Layout: the member ``__config__`` is the UTF-8 JSON of ``{"format", "version", ...}`` stored as
a ``uint8`` array; every other member is a named float array (``"2.W"``). Files are written
atomically (temporary file in the same folder, ``fsync``, ``os.replace``), so a crash never
leaves a half-written file where a good one was, and read with ``allow_pickle=False``.

:func:`write_archive` is generic (sessions and checkpoints use it too) and
:mod:`nn.archive` reads such files safely; :func:`save_model` / :func:`load_model` add the
model-specific checks: the architecture and its sizes are checked, and the stored arrays' shapes
compared with it, before anything is allocated; only the model's own arrays are read; NaN or
infinite weights are refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn import initializers, losses
from nn.archive import CONFIG_KEY, Archive, open_archive
from nn.blueprint import Blueprint, config_blueprint
from nn.errors import ModelBuildError, ModelFileError
from nn.fileio import atomic_write
from nn.model import DTYPES, FORMAT, FORMAT_VERSION, Sequential


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
    """The config and *every* array of an archive written by :func:`write_archive`.

    Prefer :func:`nn.archive.open_archive`, which reads only the members asked for.

    Raises
    ------
    ModelFileError
        As :func:`nn.archive.open_archive`, or naming a damaged array.
    """
    with open_archive(path, expected_format, max_version, what) as archive:
        return archive.config, archive.read(archive.members)


def save_model(
    model: Sequential, path: str | os.PathLike, metadata: Mapping[str, Any] | None = None
) -> None:
    """Save architecture, dtype, weights, buffers and optional JSON-able ``metadata``."""
    config = model.to_config()
    config["metadata"] = dict(metadata if metadata is not None else model.metadata)
    write_archive(path, config, model.state_dict(), what="model file")


def check_model_config(path: str | os.PathLike, config: Any) -> Blueprint:
    """Check a stored model configuration without building it: its layers, input shape,
    dtype, loss, initializer and seed, and the sizes they imply. Returns the blueprint."""
    if not isinstance(config, Mapping):
        raise ModelFileError(f"{path}: invalid architecture (the model section is "
                             f"{type(config).__name__}, not an object)")
    try:
        plan = config_blueprint(config)
        dtype = config.get("dtype", "float32")
        if dtype not in DTYPES:
            raise ValueError(f"invalid dtype {dtype!r} (float32 or float64)")
        seed = config.get("seed", 0)
        if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
            raise ValueError(f"invalid seed {seed!r} (a whole number ≥ 0)")
        for key in ("loss", "init", "name"):
            if key in config and not isinstance(config[key], str):
                raise ValueError(f"{key!r} must be text, not {config[key]!r}")
        losses.get(config.get("loss", "softmax_cross_entropy"))
        initializers.get(config.get("init", "he"))
    except (ModelBuildError, ValueError, TypeError) as exc:
        raise ModelFileError(f"{path}: invalid architecture ({exc})") from None
    return plan


def model_from_archive(
    archive: Archive, config: Mapping[str, Any], prefix: str = "model/"
) -> Sequential:
    """Rebuild the model ``config`` describes from the arrays under ``prefix`` in ``archive``.

    Checks come before any allocation: the architecture and its sizes
    (:func:`check_model_config`), then the stored arrays' names and shapes from their headers.
    Only those arrays are read, and NaN or infinite weights are refused, naming the array.
    """
    path = archive.path
    plan = check_model_config(path, config)
    archive.check_arrays(plan.arrays, prefix)
    try:
        model = Sequential.from_config(config)
    except (ModelBuildError, ValueError, TypeError) as exc:
        raise ModelFileError(f"{path}: invalid architecture ({exc})") from None
    except MemoryError:
        raise ModelFileError(f"{path}: not enough memory to build its model "
                             f"({plan.parameter_count:,} parameters)") from None
    arrays = archive.read([prefix + k for k in plan.arrays], finite=True)
    try:
        model.load_state_dict({k[len(prefix):]: v for k, v in arrays.items()}, strict=True)
    except ValueError as exc:
        raise ModelFileError(f"{path}: weights do not match the architecture ({exc})") from None
    metadata = config.get("metadata", {})
    model.metadata = dict(metadata) if isinstance(metadata, dict) else {}
    return model


def load_model(path: str | os.PathLike) -> Sequential:
    """Load a model saved by :func:`save_model` (no pickle; only its own arrays are read)."""
    with open_archive(path, FORMAT, FORMAT_VERSION, "model file") as archive:
        return model_from_archive(archive, archive.config, prefix="")


__all__ = ["CONFIG_KEY", "check_model_config", "load_model", "model_from_archive",
           "read_archive", "save_model", "write_archive"]
