"""IDX reader: good files (raw and gzipped, every element type) and every kind of bad file."""

from __future__ import annotations

import gzip
import struct
from pathlib import Path

import numpy as np
import pytest

from nn.datasets import read_idx, write_idx
from nn.errors import DatasetError


def _images(n: int = 3) -> np.ndarray:
    return np.random.default_rng(0).integers(0, 256, (n, 28, 28), dtype=np.uint8)


@pytest.mark.parametrize("name", ["imgs-idx3-ubyte", "imgs-idx3-ubyte.gz"])
def test_roundtrip_raw_and_gz(tmp_path: Path, name: str) -> None:
    x = _images()
    path = write_idx(tmp_path / name, x)
    assert (path.read_bytes()[:2] == b"\x1f\x8b") == name.endswith(".gz")
    got = read_idx(path)
    assert got.dtype == np.uint8
    assert got.shape == (3, 28, 28)
    np.testing.assert_array_equal(got, x)
    assert got.flags.writeable


def test_gzip_detected_by_content_not_name(tmp_path: Path) -> None:
    labels = np.arange(10, dtype=np.uint8)
    path = write_idx(tmp_path / "labels-idx1-ubyte", labels, compress=True)
    np.testing.assert_array_equal(read_idx(path), labels)


@pytest.mark.parametrize("dtype", ["u1", "i1", "i2", "i4", "f4", "f8"])
def test_every_element_type(tmp_path: Path, dtype: str) -> None:
    x = (np.arange(24).reshape(2, 3, 4) - 5).astype(dtype)
    if dtype == "u1":
        x = np.arange(24, dtype=np.uint8).reshape(2, 3, 4)
    got = read_idx(write_idx(tmp_path / "a.idx", x))
    assert got.dtype == np.dtype(dtype)  # native byte order
    np.testing.assert_array_equal(got, x)


def test_header_bytes_are_standard(tmp_path: Path) -> None:
    path = write_idx(tmp_path / "l.idx", np.zeros(60000, np.uint8))
    assert path.read_bytes()[:8] == bytes([0, 0, 8, 1]) + struct.pack(">I", 60000)


@pytest.mark.parametrize("compressed", [False, True])
def test_truncated_file(tmp_path: Path, compressed: bool) -> None:
    raw = bytes([0, 0, 8, 3]) + struct.pack(">3I", 3, 28, 28) + _images().tobytes()
    data = raw[:-100]
    path = tmp_path / ("cut-idx3-ubyte" + (".gz" if compressed else ""))
    path.write_bytes(gzip.compress(data) if compressed else data)
    with pytest.raises(DatasetError, match="truncated") as info:
        read_idx(path)
    assert str(path) in str(info.value)
    assert "2352" in str(info.value)  # the bytes the header asks for


def test_truncated_gzip_stream(tmp_path: Path) -> None:
    blob = gzip.compress(bytes([0, 0, 8, 1, 0, 0, 0, 200]) + bytes(range(200)))
    path = tmp_path / "x.gz"
    path.write_bytes(blob[: len(blob) // 2])
    with pytest.raises(DatasetError, match="gzip|truncated") as info:
        read_idx(path)
    assert str(path) in str(info.value)


def test_truncated_header(tmp_path: Path) -> None:
    path = tmp_path / "short"
    path.write_bytes(bytes([0, 0, 8, 3, 0, 0]))
    with pytest.raises(DatasetError, match="truncated.*dimension sizes"):
        read_idx(path)


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty"
    path.write_bytes(b"")
    with pytest.raises(DatasetError, match="magic number"):
        read_idx(path)


def test_wrong_magic_foreign_file(tmp_path: Path) -> None:
    path = tmp_path / "photo.png"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    with pytest.raises(DatasetError, match="not an IDX file") as info:
        read_idx(path)
    assert "photo.png" in str(info.value)


def test_unknown_element_type(tmp_path: Path) -> None:
    path = tmp_path / "t"
    path.write_bytes(bytes([0, 0, 0x0A, 1, 0, 0, 0, 1, 7]))
    with pytest.raises(DatasetError, match="unknown IDX element type 0x0A"):
        read_idx(path)


@pytest.mark.parametrize("ndim", [0, 200])
def test_implausible_dimension_count(tmp_path: Path, ndim: int) -> None:
    path = tmp_path / "d"
    path.write_bytes(bytes([0, 0, 8, ndim]) + bytes(64))
    with pytest.raises(DatasetError, match="dimensions"):
        read_idx(path)


def test_dims_disagree_with_length(tmp_path: Path) -> None:
    # header says 4 images but holds 3
    path = tmp_path / "d"
    path.write_bytes(bytes([0, 0, 8, 3]) + struct.pack(">3I", 4, 28, 28) + _images().tobytes())
    with pytest.raises(DatasetError, match="truncated.*4x28x28"):
        read_idx(path)


@pytest.mark.parametrize("compressed", [False, True])
def test_trailing_data(tmp_path: Path, compressed: bool) -> None:
    raw = bytes([0, 0, 8, 1]) + struct.pack(">I", 5) + bytes(9)
    path = tmp_path / "long"
    path.write_bytes(gzip.compress(raw) if compressed else raw)
    with pytest.raises(DatasetError, match="longer than its header says"):
        read_idx(path)


def test_huge_claimed_size_is_rejected_without_allocating(tmp_path: Path) -> None:
    path = tmp_path / "huge.gz"
    path.write_bytes(gzip.compress(bytes([0, 0, 8, 3]) + struct.pack(">3I", 2**31, 2**16, 16)))
    with pytest.raises(DatasetError, match="implausible"):
        read_idx(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(DatasetError, match="no such file"):
        read_idx(tmp_path / "nope.gz")


def test_write_rejects_unsupported_dtype(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="dtype"):
        write_idx(tmp_path / "x", np.zeros(3, np.uint16))
