"""Reading and writing IDX files, the format MNIST and Fashion-MNIST are distributed in.

An IDX file is a 4-byte magic number ``00 00 TT NN`` (``TT`` the element type, ``NN`` the number of
dimensions), ``NN`` big-endian ``uint32`` sizes, then the elements in C order, big-endian
(http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE"). Files may be gzipped;
a file is treated as gzip when it starts with the gzip magic bytes, whatever its name.
"""

from __future__ import annotations

import gzip
import os
import struct
import zlib
from pathlib import Path
from typing import BinaryIO

import numpy as np
from numpy.typing import NDArray

from nn.errors import DatasetError
from nn.fileio import write_bytes_atomic

__all__ = ["IDX_DTYPES", "read_idx", "write_idx"]

#: IDX element-type byte -> big-endian NumPy dtype.
IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype("u1"),
    0x09: np.dtype("i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"
_MAX_NDIM = 8
_MAX_BYTES = 1 << 32  # 4 GiB: far above any real IDX file, below an accidental huge allocation


def _is_gzip(path: Path) -> bool:
    with open(path, "rb") as f:
        return f.read(2) == _GZIP_MAGIC


def _read_exact(stream: BinaryIO, size: int, path: Path, what: str) -> bytes:
    data = stream.read(size)
    if len(data) != size:
        raise DatasetError(
            f"{path}: truncated IDX file: the {what} needs {size} bytes but only {len(data)} remain"
        )
    return data


def _parse_header(stream: BinaryIO, path: Path) -> tuple[np.dtype, tuple[int, ...], int]:
    """Read the magic number and sizes; return ``(dtype, shape, header_bytes)``."""
    magic = _read_exact(stream, 4, path, "magic number")
    if magic[:2] != b"\x00\x00":
        raise DatasetError(
            f"{path}: not an IDX file: the magic number {magic.hex()} should start with 0000 "
            "(is this the right file, or a gzip file that lost its header?)"
        )
    type_code, ndim = magic[2], magic[3]
    if type_code not in IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in IDX_DTYPES)
        raise DatasetError(
            f"{path}: unknown IDX element type 0x{type_code:02X} (known types: {known})"
        )
    if not 1 <= ndim <= _MAX_NDIM:
        raise DatasetError(
            f"{path}: IDX header claims {ndim} dimensions; expected between 1 and {_MAX_NDIM}"
        )
    shape = struct.unpack(f">{ndim}I", _read_exact(stream, 4 * ndim, path, "dimension sizes"))
    return IDX_DTYPES[type_code], tuple(int(s) for s in shape), 4 + 4 * ndim


def read_idx(path: str | os.PathLike[str]) -> NDArray:
    """Read an IDX file, raw or gzipped, into a NumPy array.

    Parameters
    ----------
    path : str or os.PathLike
        The file. Gzip is detected from the content, not the name.

    Returns
    -------
    numpy.ndarray
        A writable array of the shape in the header, e.g. ``(60000, 28, 28)`` ``uint8`` for the
        MNIST training images or ``(60000,)`` for its labels, in native byte order.

    Raises
    ------
    DatasetError
        The file is missing, not IDX (wrong magic number, unknown element type, implausible
        dimensions), truncated, longer than its header says, or a corrupt gzip stream. The message
        names the file and what is wrong.
    """
    path = Path(path)
    try:
        compressed = _is_gzip(path)
    except FileNotFoundError:
        raise DatasetError(f"{path}: no such file") from None
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc
    try:
        opener = gzip.open if compressed else open
        with opener(path, "rb") as stream:
            return _read_stream(stream, path, compressed)
    except (EOFError, gzip.BadGzipFile, zlib.error) as exc:
        raise DatasetError(f"{path}: corrupt or truncated gzip data ({exc})") from exc
    except DatasetError:
        raise
    except OSError as exc:
        raise DatasetError(f"{path}: cannot be read ({exc.strerror or exc})") from exc


def _read_stream(stream: BinaryIO, path: Path, compressed: bool) -> NDArray:
    dtype, shape, header = _parse_header(stream, path)
    count = int(np.prod(shape, dtype=np.int64))
    nbytes = count * dtype.itemsize
    shape_text = "x".join(str(s) for s in shape)
    if nbytes > _MAX_BYTES:
        raise DatasetError(
            f"{path}: IDX header claims shape {shape_text} ({nbytes} bytes), which is implausible"
        )
    if not compressed:
        actual = path.stat().st_size - header
        if actual != nbytes:
            problem = "truncated" if actual < nbytes else "longer than its header says"
            raise DatasetError(
                f"{path}: {problem}: shape {shape_text} of {dtype.name} needs {nbytes} data bytes "
                f"but the file has {actual}"
            )
    out = np.empty(shape, dtype=dtype)
    view = memoryview(out.reshape(-1).view(np.uint8))
    got = 0
    while got < nbytes:
        n = stream.readinto(view[got:])
        if not n:
            break
        got += n
    if got != nbytes:
        raise DatasetError(
            f"{path}: truncated: shape {shape_text} of {dtype.name} needs {nbytes} data bytes "
            f"but only {got} are present"
        )
    if stream.read(1):
        raise DatasetError(
            f"{path}: longer than its header says: shape {shape_text} of {dtype.name} is "
            f"{nbytes} data bytes, yet more data follows"
        )
    return out.astype(dtype.newbyteorder("="), copy=False)


def write_idx(
    path: str | os.PathLike[str], array: NDArray, *, compress: bool | None = None
) -> Path:
    """Write ``array`` as an IDX file (the inverse of :func:`read_idx`).

    Parameters
    ----------
    path : str or os.PathLike
        Destination, written atomically (:func:`nn.fileio.atomic_write`). Gzipped when
        ``compress`` is true, or when it is ``None`` and the name ends in ``.gz``.
    array : numpy.ndarray
        Any shape with 1 to 8 dimensions, of dtype uint8, int8, int16, int32, float32 or float64.
    compress : bool or None
        Force gzip on or off.

    Returns
    -------
    pathlib.Path
        The path written.
    """
    path = Path(path)
    array = np.asarray(array)
    code = next((c for c, dt in IDX_DTYPES.items() if dt.newbyteorder("=") == array.dtype), None)
    if code is None:
        raise ValueError(f"IDX cannot store dtype {array.dtype}")
    if not 1 <= array.ndim <= _MAX_NDIM:
        raise ValueError(f"IDX stores 1 to {_MAX_NDIM} dimensions, not {array.ndim}")
    header = bytes([0, 0, code, array.ndim]) + struct.pack(f">{array.ndim}I", *array.shape)
    payload = header + np.ascontiguousarray(array, dtype=IDX_DTYPES[code]).tobytes()
    if compress is None:
        compress = path.suffix == ".gz"
    write_bytes_atomic(path, gzip.compress(payload, mtime=0) if compress else payload, "IDX file")
    return path
