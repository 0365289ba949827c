"""The embedded digits and the ``load``/``names`` entry points."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets.embedded import digits_path, load_digits_arrays
from nn.errors import DatasetError

# 20 % of each digit, fixed by scripts/convert_npm_digits.py
TEST_COUNTS = [200, 225, 198, 206, 196, 173, 203, 214, 189, 196]
ALL_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978]


@pytest.fixture(scope="module")
def digits() -> ds.Dataset:
    return ds.load("digits")


def test_file_is_shipped_and_compact() -> None:
    path = digits_path()
    assert path.is_file()
    assert 1_000_000 < path.stat().st_size < 2_000_000
    assert (path.parent / "ATTRIBUTION.md").is_file()


def test_shapes_dtypes_range(digits: ds.Dataset) -> None:
    assert digits.name == "digits"
    assert digits.x_train.shape == (8000, 1, 28, 28)
    assert digits.x_test.shape == (2000, 1, 28, 28)
    assert digits.x_train.dtype == digits.x_test.dtype == np.float32
    assert digits.y_train.dtype == digits.y_test.dtype == np.int64
    assert digits.x_train.min() == 0.0
    assert digits.x_train.max() == 1.0
    assert digits.input_shape == (1, 28, 28)
    assert digits.num_classes == 10
    assert digits.class_names == tuple("0123456789")
    assert "CC BY-SA 3.0" in digits.description
    assert digits.is_image


def test_class_balance_and_fixed_split(digits: ds.Dataset) -> None:
    np.testing.assert_array_equal(np.bincount(digits.y_test, minlength=10), TEST_COUNTS)
    np.testing.assert_array_equal(
        np.bincount(digits.y_train, minlength=10) + TEST_COUNTS, ALL_COUNTS
    )
    # the split is stored, so a second load is identical
    again = ds.load("digits")
    np.testing.assert_array_equal(again.y_train, digits.y_train)
    np.testing.assert_array_equal(again.x_test, digits.x_test)
    # stored shuffled: the first 100 training digits already mix every class
    assert len(np.unique(digits.y_train[:100])) == 10


def test_split_is_disjoint() -> None:
    with np.load(digits_path(), allow_pickle=False) as data:
        train, test = data["index_train"], data["index_test"]
    assert len(np.intersect1d(train, test)) == 0
    np.testing.assert_array_equal(np.sort(np.concatenate([train, test])), np.arange(10000))
    x_train, _, x_test, _ = load_digits_arrays()
    train_rows = {row.tobytes() for row in x_train}
    assert not any(row.tobytes() in train_rows for row in x_test)


def test_loads_fast() -> None:
    start = time.thread_time()  # CPU time: what loading costs, not how busy the machine is
    ds.load("digits")
    assert time.thread_time() - start < 0.3


def test_n_keeps_a_training_prefix(digits: ds.Dataset) -> None:
    small = ds.load("digits", n=500)
    assert small.x_train.shape == (500, 1, 28, 28)
    np.testing.assert_array_equal(small.x_train, digits.x_train[:500])
    assert small.x_test.shape == digits.x_test.shape


def test_bad_file_is_a_dataset_error(tmp_path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(DatasetError, match="bad.npz"):
        load_digits_arrays(bad)
    with pytest.raises(DatasetError, match="missing"):
        load_digits_arrays(tmp_path / "gone.npz")
    other = tmp_path / "other.npz"
    np.savez(other, a=np.zeros(3))
    with pytest.raises(DatasetError, match="no x_train"):
        load_digits_arrays(other)


def test_names_and_unknown_name() -> None:
    assert ds.names() == ds.IMAGE_DATASETS + ds.TOY_DATASETS
    assert set(ds.names()) == {
        "digits",
        "mnist",
        "fashion-mnist",
        "xor",
        "circles",
        "moons",
        "spiral",
        "blobs",
    }
    with pytest.raises(DatasetError, match="valid names: digits, mnist") as info:
        ds.load("cifar10")
    assert "spiral" in str(info.value)
    assert ds.load("Digits", n=10).name == "digits"


def test_engine_imports_no_gui_library() -> None:
    code = (
        "import sys, nn.datasets; "
        "bad = [m for m in sys.modules if m.split('.')[0] in ('PySide6', 'matplotlib', 'PIL')]; "
        "sys.exit(str(bad) if bad else 0)"
    )
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, check=False
    )
    assert result.returncode == 0, result.stderr


def test_digits_come_from_the_engines_own_resource_package() -> None:
    """``nn.resources`` (the repository's resources/digits/): loading them imports no
    ``workbench`` module, so the engine keeps its layer even for its data."""
    code = (
        "import sys, nn.datasets as ds; ds.load('digits'); print(ds.digits_path()); "
        "bad = [m for m in sys.modules if m.split('.')[0] == 'workbench']; "
        "sys.exit(str(bad) if bad else 0)"
    )
    repo = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=repo, check=False
    )
    assert result.returncode == 0, result.stderr
    assert Path(result.stdout.strip()).parent.name in ("digits", "resources")  # checkout, wheel


def test_a_missing_resource_package_is_a_dataset_error(monkeypatch: pytest.MonkeyPatch) -> None:
    import nn.datasets.embedded as embedded

    monkeypatch.setattr(embedded, "DIGITS_PACKAGE", "nn.no_such_resources")
    with pytest.raises(DatasetError, match="embedded digits are not installed"):
        ds.load("digits")
