"""Loaders raise only ModelFileError, naming the file and the problem, and cheaply (issue 14
points 7, 8 and 9): every case below is refused (or loaded) in < 1 s and < 100 MB."""

from __future__ import annotations

import io
import json
import struct
import time
import tracemalloc
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import ModelFileError
from nn.serialization import CONFIG_KEY, write_archive

MB = 2**20


def measured(call: Callable[[], object]) -> tuple[object, float, float]:
    """``call()``'s result (or the exception it raised), its time in s and peak memory in MB."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        result = call()
    except Exception as exc:  # noqa: BLE001 - returned for the caller to check
        result = exc
    elapsed = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1] / MB
    tracemalloc.stop()
    return result, elapsed, peak


def refused(path: Path, *fragments: str, loader: Callable = nn.load_model) -> str:
    """``loader(path)`` raises ModelFileError naming ``path`` and every fragment, quickly."""
    result, elapsed, peak = measured(lambda: loader(path))
    assert isinstance(result, ModelFileError), repr(result)
    message = str(result)
    assert str(path) in message, message
    for fragment in fragments:
        assert fragment in message, message
    assert elapsed < 1.0 and peak < 100, (elapsed, peak)
    return message


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, np.asarray(array), allow_pickle=False)
    return buf.getvalue()


def _config_bytes(config: dict) -> bytes:
    return _npy(np.frombuffer(json.dumps(config).encode(), np.uint8))


def _small_config() -> dict:
    model = nn.presets.build("two_layer_net", hidden_size=4)
    return {**model.to_config(), "metadata": {}}


def _write_zip(path: Path, members: dict[str, bytes],
               compression: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", compression) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


@pytest.fixture
def good(tmp_path: Path) -> Path:
    path = tmp_path / "good.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=4), path)
    return path


# ------------------------------------------------------------------ point 7: own error only
def test_a_config_stored_as_a_plain_member(tmp_path: Path) -> None:
    text = json.dumps(_small_config()).encode()
    refused(_write_zip(tmp_path / "a.npz", {f"{CONFIG_KEY}.npy": text}), "damaged")
    refused(_write_zip(tmp_path / "b.npz", {f"{CONFIG_KEY}.npy": _npy(np.arange(4.0))}),
            "damaged configuration (not a byte string)")
    refused(_write_zip(tmp_path / "c.npz", {f"{CONFIG_KEY}.npy": _npy(np.array("{}"))}),
            "unsupported dtype <U2")


def _patch_central_directory(path: Path, offset: int, fmt: str, value: int) -> None:
    """Change a field of every central-directory entry (offset from its signature)."""
    data = bytearray(path.read_bytes())
    start = 0
    while (start := data.find(b"PK\x01\x02", start)) >= 0:
        struct.pack_into(fmt, data, start + offset, value)
        start += 4
    path.write_bytes(bytes(data))


def test_encrypted_and_unknown_compression(good: Path) -> None:
    encrypted = good.with_name("enc.npz")
    encrypted.write_bytes(good.read_bytes())
    _patch_central_directory(encrypted, 8, "<H", 0x1)  # general-purpose flag: encrypted
    refused(encrypted, "is encrypted")
    squeezed = good.with_name("lzma.npz")
    squeezed.write_bytes(good.read_bytes())
    _patch_central_directory(squeezed, 10, "<H", 99)  # compression method 99
    refused(squeezed, "unsupported compression (method 99)")


@pytest.mark.parametrize("depth", [100, 100_000])
def test_json_nested_deep(tmp_path: Path, depth: int) -> None:
    text = json.dumps(_small_config())[:-1] + ', "metadata2": ' + "[" * depth + "]" * depth + "}"
    path = _write_zip(tmp_path / "deep.npz",
                      {f"{CONFIG_KEY}.npy": _npy(np.frombuffer(text.encode(), np.uint8))})
    refused(path, "nested")


def test_a_header_claiming_8_tb(tmp_path: Path) -> None:
    config = _small_config()
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "<f4", "fortran_order": False,
                                                  "shape": (2 * 10**12,)})
    members = {f"{CONFIG_KEY}.npy": _config_bytes(config), "0.W.npy": header.getvalue() + b"x"}
    refused(_write_zip(tmp_path / "8tb.npz", members), "claims 8,000,000,000,000 bytes")


@pytest.mark.parametrize(("layers", "fragment"), [
    ([{"type": "Dense", "config": {"units": 10**7}}], "past the 50,000,000 allowed"),
    ([{"type": "Dense", "config": {"units": 10**9}}], "1,000,000,000 values per sample"),
    ([{"type": "Conv2D", "config": {"filters": 2, "kernel_size": 3, "pad": 10**6}},
      {"type": "Flatten"}, {"type": "Dense", "config": {"units": 10}}], "values per sample"),
    ([{"type": "Dense", "config": {"units": "many"}}], "Invalid units: 'many'"),
    ([{"type": "Dense", "config": [3]}], "'config' must be an object"),
    (["Dense"], "Layer 0: expected an object"),
    ([{"type": "Warp"}], "Unknown layer type 'Warp'"),
])
def test_absurd_architectures_are_refused_before_building(tmp_path: Path, layers, fragment):
    config = {**_small_config(), "layers": layers}
    path = _write_zip(tmp_path / "arch.npz", {f"{CONFIG_KEY}.npy": _config_bytes(config)})
    refused(path, "invalid architecture", fragment)


@pytest.mark.parametrize(("key", "value", "fragment"), [
    ("input_shape", 5, "Invalid input shape 5"),
    ("input_shape", [1, 28.7, 28], "not 28.7"),
    ("dtype", "float16", "invalid dtype 'float16'"),
    ("seed", -1, "invalid seed -1"),
    ("layers", {"0": {}}, "The layers must be a list"),
])
def test_bad_model_fields_are_named(tmp_path: Path, key, value, fragment) -> None:
    config = {**_small_config(), key: value}
    path = _write_zip(tmp_path / "f.npz", {f"{CONFIG_KEY}.npy": _config_bytes(config)})
    refused(path, fragment)


def test_permission_denied(good: Path, monkeypatch) -> None:
    def deny(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("nn.archive.open", deny, raising=False)
    refused(good, "permission denied")


def test_a_folder_and_a_fifo_are_named_for_what_they_are(tmp_path: Path) -> None:
    folder = tmp_path / "model.npz"
    folder.mkdir()
    refused(folder, "a folder, not a file")


# --------------------------------------------------------------- point 8: cheap refusals
def test_a_small_file_declaring_a_huge_layer_never_builds_it(tmp_path: Path) -> None:
    """Dense(60000) on 784 inputs is 47 million parameters (188 MB), inside the limit: the
    stored arrays (tiny) are compared with it from their headers, before anything is built."""
    model = nn.presets.build("two_layer_net", hidden_size=4)
    config = {**model.to_config(), "metadata": {},
              "layers": [{"type": "Dense", "config": {"units": 60_000}},
                         {"type": "ReLU", "config": {}},
                         {"type": "Dense", "config": {"units": 10}}]}
    path = tmp_path / "liar.npz"
    write_archive(path, config, model.state_dict())
    assert path.stat().st_size < 0.1 * MB
    refused(path, "weights do not match the architecture", "'0.W' has shape (784, 4)",
            "(784, 60000)")
    too_big = {**config, "layers": [{"type": "Dense", "config": {"units": 100_000}},
                                    {"type": "Dense", "config": {"units": 10}}]}
    write_archive(path, too_big, model.state_dict())
    refused(path, "needs 78,500,000 parameters")


def test_an_extra_huge_member_is_never_read(good: Path) -> None:
    """A valid model plus a 400 MB member of zeros (0.4 MB compressed): it loads, and the extra
    member is not decompressed."""
    size = 400 * MB
    header = io.BytesIO()
    np.lib.format.write_array_header_1_0(header, {"descr": "|u1", "fortran_order": False,
                                                  "shape": (size,)})
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    chunk = bytes(MB)
    body = [compressor.compress(header.getvalue())]
    body += [compressor.compress(chunk) for _ in range(size // MB)]
    body.append(compressor.flush())
    data = b"".join(body)
    info = zipfile.ZipInfo("junk.npy")
    info.compress_type = zipfile.ZIP_DEFLATED
    info.file_size = len(header.getvalue()) + size
    info.compress_size = len(data)
    info.CRC = zlib.crc32(bytes(size), zlib.crc32(header.getvalue()))
    with zipfile.ZipFile(good, "a") as zf:  # write the precompressed member as it is
        zf.fp.seek(zf.start_dir)
        info.header_offset = zf.fp.tell()
        zf.fp.write(info.FileHeader())
        zf.fp.write(data)
        zf.start_dir = zf.fp.tell()
        zf.filelist.append(info)
        zf.NameToInfo[info.filename] = info
        zf._didModify = True
    assert good.stat().st_size < 2 * MB
    model, elapsed, peak = measured(lambda: nn.load_model(good))
    assert isinstance(model, nn.Sequential), model
    assert elapsed < 1.0 and peak < 100, (elapsed, peak)


# ------------------------------------------------------------------- point 9: NaN weights
@pytest.mark.parametrize("bad", [np.nan, np.inf])
def test_nan_or_inf_weights_are_refused_naming_the_array(tmp_path: Path, bad: float) -> None:
    model = nn.presets.build("two_layer_net", hidden_size=4)
    model.named_parameters()["2.W"][1, 3] = bad
    model.named_parameters()["2.W"][0, 0] = bad
    path = tmp_path / "nan.npz"
    nn.save_model(model, path)
    refused(path, "array '2.W' holds 2 NaN or infinite values; refusing to load it")


def test_a_good_file_still_loads_cheaply(good: Path) -> None:
    model, elapsed, peak = measured(lambda: nn.load_model(good))
    assert isinstance(model, nn.Sequential) and elapsed < 1.0 and peak < 10
