"""Damaged files get the project's own error, quickly (issue 14, the fuzz module).

A valid model, session, checkpoint and experiment file are damaged in many ways — truncated at
every 1/16th, bytes flipped, ZIP members removed, emptied or replaced (random bytes, pickles,
object arrays, headers claiming terabytes, NaN, wrong shapes and dtypes), extra and duplicate
members, the JSON configuration replaced, retyped key by key or nested up to 100,000 deep — and
each damaged file is loaded the way the application loads it. Only two outcomes are allowed: it
loads (and the result works), or the project's own error comes out (``ModelFileError`` from the
loaders, ``CliError`` from ``train --config``). Every case must take < 1 s of CPU and < 200 MB
(peak traced by ``tracemalloc``).
"""

from __future__ import annotations

import io
import json
import pickle
import time
import tracemalloc
import warnings
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import nn
from nn.errors import ModelFileError
from nn.experiment import DataConfig, ModelSpec, RunConfig, save_experiment
from nn.training import StepEnd, Trainer, TrainSettings, load_checkpoint, save_checkpoint
from workbench.cli.common import CliError
from workbench.cli.config import load_config_file
from workbench.core.session import Session, load_session, save_session

TIME_LIMIT = 1.0  # s of CPU time per case
MEMORY_LIMIT = 200.0  # MB per case
JUNK_VALUES: tuple[Any, ...] = (None, 5, -1, 2.5, "x", [], [1, "a"], {}, {"a": [1]}, True,
                                10**30, float("nan"))

Case = tuple[str, bytes]


# --------------------------------------------------------------------------- valid files
def _blobs() -> tuple[np.ndarray, np.ndarray]:
    ds = nn.datasets.load("blobs", n=120, seed=0)
    return ds.x_train, ds.y_train


def _trainer() -> Trainer:
    model = nn.presets.build("multi_layer_net_extend", hidden_sizes=[6], input_shape=(2,),
                             classes=3, use_batchnorm=True)
    trainer = Trainer(model, nn.optimizers.get("adam", lr=0.01), _blobs(), _blobs(),
                      settings=TrainSettings(batch_size=20, epochs=3))
    for event in trainer.run():
        if isinstance(event, StepEnd) and event.iteration == 8:
            trainer.stop()
    return trainer


def valid_files(folder: Path) -> dict[str, Path]:
    """One valid file of each kind, written by the project's own writers."""
    trainer = _trainer()
    paths = {"model": folder / "model.npz", "session": folder / "session.nnwb",
             "checkpoint": folder / "checkpoint.npz", "experiment": folder / "experiment.json"}
    nn.save_model(trainer.model, paths["model"], {"dataset": "blobs", "note": "valid"})
    builder = {"layers": [nn.layers.to_config(layer) for layer in trainer.model.layers],
               "input_shape": [2], "init": "he", "preset": "multi_layer_net_extend"}
    setup = {"data": DataConfig("blobs").__dict__, "optimizer": {"name": "adam", "lr": 0.01},
             "schedule": {"name": "step", "every": 2, "gamma": 0.5},
             "training": TrainSettings(batch_size=20, epochs=3).to_dict(), "dtype": "float32"}
    save_session(Session(builder, setup, trainer.history, trainer.model, "stopped", "",
                         trainer.state_dict()), paths["session"])
    save_checkpoint(trainer, paths["checkpoint"], {"run_config": RunConfig().to_dict()})
    run = RunConfig(ModelSpec("multi_layer_net", {"hidden_sizes": [8]}), DataConfig("blobs"),
                    {"name": "sgd", "lr": 0.1}, TrainSettings(epochs=2), "fuzz")
    save_experiment(paths["experiment"], "train", run.to_dict(),
                    {"test_acc": 0.9, "history": trainer.history})
    return paths


# -------------------------------------------------------------------------- the loaders
def _use_model(model: nn.Sequential) -> None:
    x = np.zeros((2, *model.input_shape), model.dtype)
    assert model.predict_proba(x).shape == (2, model.num_classes)


def load_as(kind: str, path: Path) -> None:
    """Load ``path`` as the application does and use the result a little."""
    if kind == "model":
        _use_model(nn.load_model(path))
    elif kind == "session":
        session = load_session(path)
        if session.model is not None:
            _use_model(session.model)
    elif kind == "checkpoint":
        trainer, _ = load_checkpoint(path, _BLOBS, _BLOBS)
        _use_model(trainer.model)
    else:
        assert isinstance(load_config_file(str(path)), RunConfig)


_BLOBS = _blobs()
OWN_ERRORS: dict[str, tuple[type[Exception], ...]] = {
    "model": (ModelFileError,), "session": (ModelFileError,),
    "checkpoint": (ModelFileError,), "experiment": (CliError, ModelFileError),
}


# ------------------------------------------------------------------------------ damage
def truncations(data: bytes) -> Iterator[Case]:
    for k in range(16):
        yield f"truncated at {k}/16", data[: len(data) * k // 16]


def flips(data: bytes, count: int = 48) -> Iterator[Case]:
    rng = np.random.default_rng(len(data))
    for position in rng.choice(len(data), size=min(count, len(data)), replace=False):
        damaged = bytearray(data)
        damaged[position] ^= 0xFF
        yield f"byte {position} flipped", bytes(damaged)
    for start in rng.choice(len(data) - 16, size=8, replace=False):
        damaged = bytearray(data)
        damaged[start:start + 16] = rng.integers(0, 256, 16, dtype=np.uint8).tobytes()
        yield f"16 random bytes at {start}", bytes(damaged)


def _npy_header(descr: str, shape: tuple[int, ...]) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array_header_1_0(buf, {"descr": descr, "fortran_order": False,
                                               "shape": shape})
    return buf.getvalue()


def _npy(array: np.ndarray) -> bytes:
    buf = io.BytesIO()
    np.lib.format.write_array(buf, array, allow_pickle=False)
    return buf.getvalue()


def _rezip(members: dict[str, bytes], extra: list[tuple[str, bytes]] = ()) -> bytes:
    buf = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "Duplicate name"
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for name, data in [*members.items(), *extra]:
                zf.writestr(name, data)
    return buf.getvalue()


def _members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {name: zf.read(name) for name in zf.namelist()}


def _shape_of(member: bytes) -> tuple[int, ...]:
    return np.load(io.BytesIO(member), allow_pickle=False).shape


def member_damage(data: bytes) -> Iterator[Case]:
    members = _members(data)
    for name, member in members.items():
        shape = _shape_of(member)
        others = {k: v for k, v in members.items() if k != name}
        replacements = {
            "removed": None, "emptied": b"", "random bytes": bytes(range(64)),
            "a pickle": pickle.dumps({"evil": 1}),
            "an object array": _npy_header("|O", (1,)) + pickle.dumps([1]),
            "a header claiming 8 TB": _npy_header("<f8", (10**12,)) + b"\0" * 8,
            "NaN": _npy(np.full(shape, np.nan, np.float32)),
            "another shape": _npy(np.zeros(tuple(s + 1 for s in shape) or (2,), np.float32)),
            "int8": _npy(np.zeros(shape, np.int8)), "complex": _npy(np.zeros(shape, complex)),
            "a 0-d array": _npy(np.array(3.0)),
        }
        for label, value in replacements.items():
            body = dict(others) if value is None else {**others, name: value}
            yield f"{name} {label}", _rezip(body)
    yield "an extra member claiming 8 TB", _rezip(
        members, [("junk.npy", _npy_header("<f4", (2 * 10**12,)) + b"\0" * 64)])
    yield "an extra pickle member", _rezip(members, [("evil.npy", pickle.dumps(print))])
    for name in list(members)[:3]:
        yield f"{name} twice", _rezip(members, [(name, members[name])])


def _nested(depth: int) -> Any:
    value: Any = 0
    for _ in range(depth):
        value = [value]
    return value


def _json_variants(config: dict[str, Any], keys: Iterator[str]) -> Iterator[tuple[str, Any]]:
    """The config with one entry (a top-level key, or one level down) replaced by junk."""
    for key in keys:
        for junk in JUNK_VALUES:
            yield f"{key} = {junk!r}"[:60], {**config, key: junk}
        value = config.get(key)
        if isinstance(value, dict):
            for sub in list(value)[:8]:
                for junk in (None, "x", [], -1, {"deep": _nested(50)}):
                    yield f"{key}.{sub} = {junk!r}"[:60], {**config, key: {**value, sub: junk}}
        if isinstance(value, list) and value and isinstance(value[0], dict):
            for junk in ("x", [3], {"type": "Dense", "config": {"units": "many"}},
                         {"type": "Dense", "config": {"units": 10**9}}):
                yield f"{key}[0] = {junk!r}"[:60], {**config, key: [junk, *value[1:]]}
    for depth in (10, 100, 1_000, 100_000):
        yield f"nested {depth} deep", {**config, "nested": "[" * depth + "]" * depth}


def config_damage(data: bytes) -> Iterator[Case]:
    members = _members(data)
    config = json.loads(np.load(io.BytesIO(members["__config__.npy"])).tobytes())

    def encode(value: Any) -> bytes:
        if isinstance(value, dict) and isinstance(value.get("nested"), str):
            text = json.dumps({k: v for k, v in value.items() if k != "nested"})
            text = text[:-1] + ', "nested": ' + value["nested"] + "}"
        else:
            text = json.dumps(value)
        return _npy(np.frombuffer(text.encode(), np.uint8))

    whole: list[tuple[str, Any]] = [("a list", [1, 2]), ("text", "x"), ("null", None),
                                    ("version 99", {**config, "version": 99}),
                                    ("version '1'", {**config, "version": "1"}),
                                    ("another format", {**config, "format": "other"})]
    for label, value in [*whole, *_json_variants(config, iter(list(config)))]:
        yield f"config: {label}", _rezip({**members, "__config__.npy": encode(value)})
    yield "config: invalid UTF-8", _rezip({**members, "__config__.npy": _npy(
        np.frombuffer(b"\xff\xfe{" * 10, np.uint8))})


def experiment_damage(data: bytes) -> Iterator[Case]:
    doc = json.loads(data)
    yield from truncations(data)
    yield from flips(data, 32)
    for label, value in _json_variants(doc, iter(list(doc))):
        if isinstance(value, dict) and isinstance(value.get("nested"), str):
            text = json.dumps({k: v for k, v in value.items() if k != "nested"})
            yield label, (text[:-1] + ', "nested": ' + value["nested"] + "}").encode()
        else:
            yield label, json.dumps(value).encode()
    for label, value in _json_variants(doc["config"], iter(list(doc["config"]))):
        if not (isinstance(value, dict) and isinstance(value.get("nested"), str)):
            yield f"config.{label}", json.dumps({**doc, "config": value}).encode()
    yield "deeply nested file", ("[" * 100_000 + "]" * 100_000).encode()
    yield "UTF-16", data.decode().encode("utf-16")


def cases(kind: str, path: Path) -> Iterator[Case]:
    data = path.read_bytes()
    if kind == "experiment":
        yield from experiment_damage(data)
        return
    yield from truncations(data)
    yield from flips(data)
    yield from member_damage(data)
    yield from config_damage(data)


# -------------------------------------------------------------------------------- check
def run_case(kind: str, path: Path) -> tuple[str, float, float]:
    """Load ``path``; returns the outcome ("ok" or the error type), seconds and peak MB."""
    tracemalloc.start()
    start = time.thread_time()  # CPU time: what loading costs, however busy the machine is
    try:
        load_as(kind, path)
        outcome = "ok"
    except OWN_ERRORS[kind] as exc:
        outcome = type(exc).__name__
        assert str(path) in str(exc), f"the message does not name the file: {exc}"
    finally:
        elapsed = time.thread_time() - start
        peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    return outcome, elapsed, peak


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, Path]:
    return valid_files(tmp_path_factory.mktemp("valid"))


@pytest.mark.parametrize("kind", ["model", "session", "checkpoint", "experiment"])
def test_the_valid_file_loads(valid, kind):
    assert run_case(kind, valid[kind])[0] == "ok"


@pytest.mark.parametrize("kind", ["model", "session", "checkpoint", "experiment"])
def test_every_damaged_file_gets_our_own_error_quickly(valid, tmp_path, kind):
    results: list[tuple[str, str, float, float]] = []
    target = tmp_path / valid[kind].name
    for label, data in cases(kind, valid[kind]):
        target.write_bytes(data)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            try:
                outcome, elapsed, peak = run_case(kind, target)
            except Exception as exc:  # noqa: BLE001 - reported below with the case's name
                pytest.fail(f"{kind}, {label}: {type(exc).__name__}: {exc}")
        results.append((label, outcome, elapsed, peak))
    slow = [r for r in results if r[2] >= TIME_LIMIT or r[3] >= MEMORY_LIMIT]
    assert not slow, slow[:5]
    refused = sum(1 for r in results if r[1] != "ok")
    assert len(results) >= 100 and refused >= 0.8 * len(results), (len(results), refused)


def summary(folder: Path) -> dict[str, tuple[int, int, float, float]]:
    """Per kind: cases, refusals, worst seconds and worst MB (for the README's figures)."""
    out = {}
    for kind, path in valid_files(folder).items():
        rows = []
        target = folder / f"damaged-{path.name}"
        for _, data in cases(kind, path):
            target.write_bytes(data)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                rows.append(run_case(kind, target))
        out[kind] = (len(rows), sum(r[0] != "ok" for r in rows), max(r[1] for r in rows),
                     max(r[2] for r in rows))
    return out
