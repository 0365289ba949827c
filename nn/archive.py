"""Reading ``.npz`` archives that may be hostile: cheap checks first, only named members read.

An archive written by :func:`nn.serialization.write_archive` is a ZIP of ``.npy`` members, one of
them ``__config__`` (UTF-8 JSON). :func:`open_archive` reads the ZIP directory, the JSON and only
the *headers* of the other members (shape and dtype), checking every declared size against
:data:`MAX_READ_BYTES` and the member's own size in the directory, so a 1 MB file claiming 8 TB,
an extra 1.2 GB member, an encrypted or unknown compression, pickled object arrays or JSON nested
100,000 deep is refused in milliseconds and a few MB. :meth:`Archive.read` then reads only the
members the caller names. Every failure is a :class:`~nn.errors.ModelFileError` naming the file
and the problem; nothing is ever unpickled.
"""

from __future__ import annotations

import json
import math
import os
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.lib import format as npy
from numpy.typing import NDArray

from nn.errors import ModelFileError

CONFIG_KEY = "__config__"
MAX_MEMBERS = 10_000
MAX_CONFIG_BYTES = 32 * 2**20
MAX_JSON_DEPTH = 64
#: The most array bytes one load may read (a checkpoint of a 50-million-parameter model with
#: Adam's two moments and the best weights is 1 GB in float32).
MAX_READ_BYTES = 2 * 2**30
_ZIP_MAGIC = b"PK\x03\x04"
_EMPTY_ZIP = b"PK\x05\x06"
_NPY_MAGIC = b"\x93NUMPY"
_WEIGHT_NAME = re.compile(r"^\d+\.\w+$")
_READ_ERRORS = (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, zlib.error,
                KeyError, ValueError, struct.error, NotImplementedError, RuntimeError,
                UnicodeDecodeError, OverflowError)


class NonFiniteArray(ModelFileError):
    """A stored array holding NaN or infinite values (weights saved after a divergence)."""


@dataclass(frozen=True)
class Member:
    """One stored array, known from its header: nothing of its data has been read."""

    name: str
    shape: tuple[int, ...]
    dtype: np.dtype
    nbytes: int


def _fail(path: Path, problem: str) -> ModelFileError:
    return ModelFileError(f"{path}: {problem}")


def json_depth(value: Any, limit: int) -> int:
    """Nesting depth of a parsed JSON value, counting up to ``limit + 1`` (iteratively)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return deepest


def parse_json(data: bytes | str, what: str) -> Any:
    """JSON text → value; ``ValueError`` for damage or nesting beyond :data:`MAX_JSON_DEPTH`."""
    try:
        value = json.loads(data)
    except RecursionError:
        raise ValueError(f"the {what} is nested too deeply") from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ValueError(f"the {what} is not valid JSON ({exc})") from None
    if json_depth(value, MAX_JSON_DEPTH) > MAX_JSON_DEPTH:
        raise ValueError(f"the {what} is nested more than {MAX_JSON_DEPTH} levels deep")
    return value


class Archive:
    """An opened archive: its config and member headers; arrays are read on request."""

    def __init__(self, path: Path, zf: zipfile.ZipFile, config: dict[str, Any],
                 members: dict[str, Member], infos: dict[str, zipfile.ZipInfo]) -> None:
        self.path, self._zip, self.config = path, zf, config
        self.members, self._infos = members, infos

    def __enter__(self) -> Archive:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    def check_arrays(self, expected: dict[str, tuple[int, ...]], prefix: str = "",
                     what: str = "weights") -> None:
        """The members under ``prefix`` must include ``expected`` (names and shapes), with
        floating-point dtypes, and no other weight-like name (``"5.W"``); raises
        ModelFileError naming the first mismatch. Other members are ignored."""
        stored = {k[len(prefix):]: m for k, m in self.members.items() if k.startswith(prefix)}
        missing = sorted(set(expected) - set(stored))
        # Other members are never read; only names of this model's kind ("5.W") are an error.
        unexpected = sorted(k for k in set(stored) - set(expected) if _WEIGHT_NAME.match(k))
        if missing or unexpected:
            parts = []
            if missing:
                parts.append("missing " + ", ".join(missing[:5]) + (" …" if len(missing) > 5
                                                                     else ""))
            if unexpected:
                parts.append("unexpected " + ", ".join(unexpected[:5])
                             + (" …" if len(unexpected) > 5 else ""))
            raise _fail(self.path, f"{what} do not match the architecture ({'; '.join(parts)})")
        for key, shape in expected.items():
            member = stored[key]
            if member.shape != tuple(shape):
                raise _fail(self.path, f"{what} do not match the architecture (array {key!r} "
                                       f"has shape {member.shape}; the model needs {shape})")
            if member.dtype.kind != "f":
                raise _fail(self.path, f"array {prefix + key!r} has dtype {member.dtype}; "
                                       "expected floating point")

    def read(self, names: Iterable[str], finite: bool = False) -> dict[str, NDArray]:
        """The named arrays (every member if ``names`` lists them all); ``finite`` refuses
        NaN or infinite values, naming the array."""
        names = list(names)
        unknown = [n for n in names if n not in self.members]
        if unknown:
            raise _fail(self.path, f"has no array {unknown[0]!r}")
        total = sum(self.members[n].nbytes for n in names)
        if total > MAX_READ_BYTES:
            raise _fail(self.path, f"its arrays would need {total / 2**30:.1f} GB, more than the "
                                   f"{MAX_READ_BYTES / 2**30:.0f} GB a file may hold")
        out = {}
        for name in names:
            try:
                with self._zip.open(self._infos[name]) as fp:
                    value = npy.read_array(fp, allow_pickle=False)
            except _READ_ERRORS as exc:
                raise _fail(self.path, f"truncated or damaged array {name!r} "
                                       f"({type(exc).__name__}: {exc})") from None
            except MemoryError:
                raise _fail(self.path, f"not enough memory to read array {name!r}") from None
            if value.shape != self.members[name].shape:
                raise _fail(self.path, f"damaged array {name!r}")
            if finite and value.dtype.kind == "f" and not np.isfinite(value).all():
                bad = int(np.count_nonzero(~np.isfinite(value)))
                raise NonFiniteArray(f"{self.path}: array {name!r} holds {bad:,} NaN or "
                                     f"infinite value{'s' if bad != 1 else ''}; refusing to "
                                     "load it (the model would predict nothing; it was "
                                     "probably saved after training diverged)")
            out[name] = value
        return out


def _member_header(path: Path, zf: zipfile.ZipFile, info: zipfile.ZipInfo, key: str) -> Member:
    if info.flag_bits & 0x1:
        raise _fail(path, f"member {info.filename!r} is encrypted")
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise _fail(path, f"member {info.filename!r} uses an unsupported compression "
                          f"(method {info.compress_type})")
    with zf.open(info) as fp:
        major, _ = npy.read_magic(fp)
        if major == 1:
            shape, fortran, dtype = npy.read_array_header_1_0(fp)
        elif major == 2:
            shape, fortran, dtype = npy.read_array_header_2_0(fp)
        else:
            raise ValueError(f"unsupported .npy version {major}")
        offset = fp.tell()
    if dtype.hasobject:
        raise _fail(path, "contains pickled (object) arrays; refusing to load it "
                          "(these files never use pickle)")
    if dtype.kind not in "biuf" or dtype.fields is not None:
        raise _fail(path, f"array {key!r} has an unsupported dtype {dtype}")
    if any(not isinstance(s, int) or s < 0 for s in shape):
        raise _fail(path, f"array {key!r} declares an invalid shape {shape}")
    nbytes = math.prod(shape) * dtype.itemsize
    if offset + nbytes != info.file_size:
        raise _fail(path, f"array {key!r} claims {nbytes:,} bytes (shape {shape}) but its "
                          f"member holds {max(info.file_size - offset, 0):,}: damaged file")
    return Member(key, tuple(shape), dtype, nbytes)


def open_archive(path: str | os.PathLike, expected_format: str, max_version: int,
                 what: str = "model file") -> Archive:
    """Open and check the archive at ``path`` (see the module docstring); close it after use.

    Raises
    ------
    ModelFileError
        Missing, not a file, unreadable, pickled, a bare array, not an archive, encrypted,
        truncated/damaged, over a size limit, foreign (no config or another format), or written
        by a newer version.
    """
    path = Path(path)
    try:
        if not path.exists():
            raise _fail(path, "no such file")
        if not path.is_file():
            raise _fail(path, "a folder, not a file" if path.is_dir() else "not a regular file")
        with open(path, "rb") as f:
            head = f.read(8)
    except PermissionError:
        raise _fail(path, "permission denied") from None
    except OSError as exc:
        raise _fail(path, f"cannot be read ({exc.strerror or exc})") from None
    if not head.startswith(_ZIP_MAGIC):
        if head.startswith(_NPY_MAGIC):
            raise _fail(path, f"a bare NumPy array (.npy), not a {what}")
        if head[:1] == b"\x80" or head[:1] in (b"(", b"]", b"}"):
            raise _fail(path, f"contains pickled data; refusing to load it (a {what} never "
                              "uses pickle, and pickle can run arbitrary code)")
        if not head:
            raise _fail(path, "the file is empty")
        if head.startswith(_EMPTY_ZIP):
            raise _fail(path, f"an empty archive, not a {what}")
        raise _fail(path, f"not a {what} (not a NumPy .npz archive)")
    try:
        zf = zipfile.ZipFile(path)
    except _READ_ERRORS as exc:
        raise _fail(path, f"truncated or damaged file ({type(exc).__name__}: {exc})") from None
    try:
        return _open(path, zf, expected_format, max_version, what)
    except BaseException:
        zf.close()
        raise


def _open(path: Path, zf: zipfile.ZipFile, expected_format: str, max_version: int,
          what: str) -> Archive:
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _fail(path, f"{len(infos):,} members; a {what} has far fewer")
    by_key: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        key = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
        if key in by_key:
            raise _fail(path, f"member {info.filename!r} appears twice: damaged file")
        by_key[key] = info
    if CONFIG_KEY not in by_key:
        shown = ", ".join(list(by_key)[:5]) + (", …" if len(by_key) > 5 else "")
        raise _fail(path, f"a foreign .npz archive, not a {what} (it has no {CONFIG_KEY} "
                          f"entry; arrays: {shown or 'none'})")
    try:
        members = {key: _member_header(path, zf, info, key) for key, info in by_key.items()}
    except ModelFileError:
        raise
    except _READ_ERRORS as exc:
        raise _fail(path, f"truncated or damaged file ({type(exc).__name__}: {exc})") from None
    config_member = members.pop(CONFIG_KEY)
    if config_member.dtype != np.uint8 or len(config_member.shape) != 1:
        raise _fail(path, "damaged configuration (not a byte string)")
    if config_member.nbytes > MAX_CONFIG_BYTES:
        raise _fail(path, f"its configuration claims {config_member.nbytes / 2**20:,.0f} MB; "
                          f"at most {MAX_CONFIG_BYTES // 2**20} MB are allowed")
    archive = Archive(path, zf, {}, members, by_key)
    raw = Archive(path, zf, {}, {CONFIG_KEY: config_member}, by_key).read([CONFIG_KEY])
    try:
        config = parse_json(raw[CONFIG_KEY].tobytes().decode("utf-8"), "configuration")
        if not isinstance(config, dict):
            raise ValueError("not a JSON object")
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail(path, f"damaged configuration ({exc})") from None
    fmt, version = config.get("format"), config.get("version")
    if fmt != expected_format:
        raise _fail(path, f"a {fmt if isinstance(fmt, str) and fmt else 'foreign'} file, not a "
                          f"{what} (expected format {expected_format})")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise _fail(path, f"missing or invalid format version {version!r}")
    if version > max_version:
        raise _fail(path, f"written by a newer version of the workbench (format version "
                          f"{version}; this version reads up to {max_version}); please update")
    archive.config = config
    total = sum(m.nbytes for m in members.values())
    if total > MAX_READ_BYTES * 8:  # even unread members this large mean a damaged file
        raise _fail(path, f"its arrays claim {total / 2**30:,.0f} GB: damaged or not ours")
    return archive


__all__ = ["CONFIG_KEY", "MAX_READ_BYTES", "Archive", "Member", "NonFiniteArray", "json_depth",
           "open_archive", "parse_json"]
