"""Model files: exact round trips, atomic writes, and a clear error for every kind of bad file."""

from __future__ import annotations

import json
import pickle
import zipfile

import numpy as np
import pytest

import nn
from nn.serialization import CONFIG_KEY, write_archive


@pytest.mark.parametrize("name", nn.presets.NAMES)
def test_round_trip_is_exact_for_every_preset(name, tmp_path):
    model = nn.presets.build(name, seed=3)
    path = tmp_path / f"{name}.npz"
    nn.save_model(model, path, metadata={"epochs": 2, "note": "test"})
    loaded = nn.load_model(path)
    assert loaded.to_config() == model.to_config()
    assert loaded.metadata == {"epochs": 2, "note": "test"}
    original, restored = model.state_dict(), loaded.state_dict()
    assert original.keys() == restored.keys()
    for key in original:
        assert restored[key].dtype == original[key].dtype
        np.testing.assert_array_equal(restored[key], original[key])
    x = np.random.default_rng(0).random((2, 1, 28, 28), dtype=np.float32)
    np.testing.assert_array_equal(loaded.predict_proba(x), model.predict_proba(x))


def test_round_trip_after_training_keeps_batchnorm_buffers(tmp_path):
    model = nn.presets.build("multi_layer_net_extend", use_batchnorm=True, use_dropout=True,
                             hidden_sizes=[8], dtype="float64")
    x = np.random.default_rng(0).random((16, 1, 28, 28))
    model.train_step(x, np.arange(16) % 10, nn.optimizers.get("adam"))
    nn.save_model(model, tmp_path / "m.npz")
    loaded = nn.load_model(tmp_path / "m.npz")
    assert loaded.dtype == np.float64
    np.testing.assert_array_equal(loaded.named_buffers()["1.running_mean"],
                                  model.named_buffers()["1.running_mean"])


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "model.npz"
    nn.save_model(nn.presets.build("two_layer_net"), path)
    return path


def expect_error(path, *fragments):
    with pytest.raises(nn.ModelFileError) as info:
        nn.load_model(path)
    message = str(info.value)
    for fragment in fragments:
        assert fragment in message, message
    assert str(path) in message
    return message


def test_missing_file(tmp_path):
    expect_error(tmp_path / "nope.npz", "no such file")


def test_truncated_file(saved, tmp_path):
    data = saved.read_bytes()
    bad = tmp_path / "truncated.npz"
    bad.write_bytes(data[: len(data) // 2])
    expect_error(bad, "truncated or damaged")


def test_empty_and_text_files(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    expect_error(tmp_path / "empty.npz", "empty")
    (tmp_path / "notes.npz").write_text("hello, this is not a model")
    expect_error(tmp_path / "notes.npz", "not a model file")


def test_foreign_npz(tmp_path):
    path = tmp_path / "foreign.npz"
    np.savez(path, weights=np.zeros(3), bias=np.ones(2))
    expect_error(path, "foreign .npz archive", "weights")


def test_bare_npy(tmp_path):
    path = tmp_path / "array.npy"
    np.save(path, np.zeros(3))
    expect_error(path, "bare NumPy array")


def test_pickled_files_are_refused(tmp_path):
    plain = tmp_path / "model.pkl"
    plain.write_bytes(pickle.dumps({"W": np.zeros(3)}))
    expect_error(plain, "pickled data", "refusing")
    with_objects = tmp_path / "objects.npz"
    config = np.frombuffer(json.dumps({"format": "nn-workbench-model", "version": 1}).encode(),
                           np.uint8)
    np.savez(with_objects, **{CONFIG_KEY: config, "0.W": np.array([{"evil": 1}], dtype=object)})
    expect_error(with_objects, "pickled")


def test_newer_version_and_other_format(saved, tmp_path):
    config, arrays = nn.serialization.read_archive(saved, "nn-workbench-model", 1)
    newer = tmp_path / "newer.npz"
    write_archive(newer, {**config, "version": 99}, arrays)
    expect_error(newer, "newer version", "format version 99")
    other = tmp_path / "session.npz"
    write_archive(other, {**config, "format": "nn-workbench-session"}, arrays)
    expect_error(other, "nn-workbench-session file, not a model file")


def test_shape_mismatch_and_bad_architecture(saved, tmp_path):
    config, arrays = nn.serialization.read_archive(saved, "nn-workbench-model", 1)
    wrong = tmp_path / "wrong.npz"
    write_archive(wrong, config, {**arrays, "0.W": np.zeros((3, 3), np.float32)})
    expect_error(wrong, "weights do not match", "'0.W' has shape (3, 3)")
    missing = tmp_path / "missing.npz"
    write_archive(missing, config, {k: v for k, v in arrays.items() if k != "2.b"})
    expect_error(missing, "missing 2.b")
    bad_arch = tmp_path / "arch.npz"
    broken = {**config, "layers": [{"type": "Conv2D", "config": {"filters": 4}}, *config["layers"]]}
    write_archive(bad_arch, {**broken, "input_shape": [784]}, arrays)
    expect_error(bad_arch, "invalid architecture", "Layer 0")
    damaged = tmp_path / "damaged.npz"
    with zipfile.ZipFile(damaged, "w") as zf:
        zf.writestr(f"{CONFIG_KEY}.npy", b"\x93NUMPY garbage")
    expect_error(damaged, "damaged")


def test_atomic_write_keeps_the_old_file_on_failure(saved, monkeypatch):
    before = saved.read_bytes()

    def explode(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(np, "savez_compressed", explode)
    with pytest.raises(OSError, match="disk full"):
        nn.save_model(nn.presets.build("two_layer_net", seed=9), saved)
    assert saved.read_bytes() == before
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]  # no temp file left


def test_archive_refuses_object_arrays(tmp_path):
    with pytest.raises(ValueError, match="pickle"):
        write_archive(tmp_path / "x.npz", {"format": "x", "version": 1},
                      {"a": np.array([None], dtype=object)})


def test_written_files_get_normal_permissions(tmp_path):
    import os
    import stat

    path = tmp_path / "m.npz"
    nn.save_model(nn.presets.build("two_layer_net"), path)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask  # not mkstemp's 0o600
    os.chmod(path, 0o640)
    nn.save_model(nn.presets.build("two_layer_net"), path)  # overwriting keeps the mode
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
