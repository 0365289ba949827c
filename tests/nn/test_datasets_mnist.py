"""Full MNIST / Fashion-MNIST: folder lookup, file variants, error messages, the real files."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets import FASHION_MNIST, MNIST, write_idx
from nn.datasets.embedded import load_digits_arrays
from nn.errors import DatasetError

SHARED_MNIST = Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist"
HAVE_MNIST = (SHARED_MNIST / "train-images-idx3-ubyte.gz").is_file()


@pytest.fixture(autouse=True)
def _isolated_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real cache or data folder leaks in: the cache is an empty temporary folder."""
    monkeypatch.delenv("NN_WORKBENCH_DATA", raising=False)
    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "cache"))


def make_set(folder: Path, *, n_train: int = 6, n_test: int = 4, gz: bool = True) -> Path:
    """Four tiny but well-formed IDX files in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(1)
    ext = ".gz" if gz else ""
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        write_idx(
            folder / f"{prefix}-images-idx3-ubyte{ext}",
            rng.integers(0, 256, (n, 28, 28), dtype=np.uint8),
        )
        write_idx(folder / f"{prefix}-labels-idx1-ubyte{ext}", (np.arange(n) % 10).astype(np.uint8))
    return folder


@pytest.mark.parametrize("gz", [True, False])
def test_load_from_explicit_folder(tmp_path: Path, gz: bool) -> None:
    folder = make_set(tmp_path / "data", gz=gz)
    data = ds.load("mnist", data_dir=folder)
    assert data.x_train.shape == (6, 1, 28, 28)
    assert data.x_test.shape == (4, 1, 28, 28)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    assert data.x_train.min() >= 0.0 and data.x_train.max() <= 1.0
    np.testing.assert_array_equal(data.y_test, [0, 1, 2, 3])
    assert ds.mnist_available(folder)
    assert ds.find_mnist_dir(folder) == folder


def test_subfolder_per_dataset(tmp_path: Path) -> None:
    make_set(tmp_path / "data" / "mnist", n_train=3)
    make_set(tmp_path / "data" / "fashion-mnist", n_train=5)
    assert ds.load("mnist", data_dir=tmp_path / "data").x_train.shape[0] == 3
    assert ds.load("fashion-mnist", data_dir=tmp_path / "data").x_train.shape[0] == 5


def test_dotted_file_names(tmp_path: Path) -> None:
    folder = make_set(tmp_path / "d", gz=False)
    for f in folder.iterdir():
        f.rename(folder / f.name.replace("-idx", ".idx"))
    assert ds.load("mnist", data_dir=folder).x_train.shape[0] == 6


def test_missing_folder_message(tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    with pytest.raises(DatasetError) as info:
        ds.load("mnist", data_dir=empty)
    message = str(info.value)
    assert str(empty) in message
    assert "--data-dir" in message
    assert "NN_WORKBENCH_DATA" in message
    assert "download" in message
    assert "train-images-idx3-ubyte" in message
    assert not ds.mnist_available(empty)


def test_default_lookup_lists_env_and_cache(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NN_WORKBENCH_DATA", str(tmp_path / "envdir"))
    with pytest.raises(DatasetError) as info:
        ds.load("fashion-mnist")
    message = str(info.value)
    assert str(tmp_path / "envdir") in message
    assert str(tmp_path / "cache" / "fashion-mnist") in message
    assert "/usr/share/datasets/fashion-mnist" in message  # Debian's dataset-fashion-mnist


def test_env_var_lookup(tmp_path: Path, monkeypatch) -> None:
    make_set(tmp_path / "envdir", n_train=7)
    assert not ds.mnist_available()
    monkeypatch.setenv("NN_WORKBENCH_DATA", str(tmp_path / "envdir"))
    assert ds.mnist_available()
    assert ds.find_mnist_dir() == tmp_path / "envdir"
    assert ds.load("mnist").x_train.shape[0] == 7


def test_explicit_folder_beats_env_and_env_beats_cache(tmp_path: Path, monkeypatch) -> None:
    make_set(tmp_path / "cache" / "mnist", n_train=2)
    assert ds.load("mnist").x_train.shape[0] == 2  # the cache
    make_set(tmp_path / "envdir", n_train=3)
    monkeypatch.setenv("NN_WORKBENCH_DATA", str(tmp_path / "envdir"))
    assert ds.load("mnist").x_train.shape[0] == 3
    make_set(tmp_path / "arg", n_train=4)
    assert ds.load("mnist", data_dir=tmp_path / "arg").x_train.shape[0] == 4


def test_cache_dir_follows_xdg(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("NN_WORKBENCH_CACHE")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    if os.name == "posix" and os.uname().sysname == "Linux":
        assert ds.cache_dir() == tmp_path / "xdg" / "nn-workbench"
    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "mine"))
    assert ds.cache_dir() == tmp_path / "mine"


def test_inconsistent_files(tmp_path: Path) -> None:
    folder = make_set(tmp_path / "d")
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.zeros(3, np.uint8))
    with pytest.raises(DatasetError, match="do not match the 4 images"):
        ds.load("mnist", data_dir=folder)
    write_idx(folder / "t10k-labels-idx1-ubyte.gz", np.full(4, 12, np.uint8))
    with pytest.raises(DatasetError, match=r"labels outside 0\.\.9"):
        ds.load("mnist", data_dir=folder)
    write_idx(folder / "t10k-images-idx3-ubyte.gz", np.zeros((4, 20, 20), np.uint8))
    with pytest.raises(DatasetError, match=r"\(N, 28, 28\)"):
        ds.load("mnist", data_dir=folder)


def test_fashion_class_names_and_description(tmp_path: Path) -> None:
    data = ds.load("fashion-mnist", data_dir=make_set(tmp_path / "f"))
    assert data.class_names == (
        "T-shirt/top",
        "Trouser",
        "Pullover",
        "Dress",
        "Coat",
        "Sandal",
        "Shirt",
        "Sneaker",
        "Bag",
        "Ankle boot",
    )
    assert data.num_classes == 10
    assert "Fashion-MNIST" in data.description
    assert FASHION_MNIST.system_dirs == ("/usr/share/datasets/fashion-mnist",)


def test_known_checksums() -> None:
    assert [f.md5 for f in MNIST.files] == [
        "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "d53e105ee54ea40749a09fcbcd1e9432",
        "9fb629c4189551a2d022fa330f9573f3",
        "ec29112dd5afa0611ce80d1b7f02629c",
    ]
    assert MNIST.mirrors[0].startswith("https://")


@pytest.mark.mnist
@pytest.mark.skipif(not HAVE_MNIST, reason=f"full MNIST not found in {SHARED_MNIST}")
def test_real_mnist_files(monkeypatch) -> None:
    for spec in MNIST.files:
        assert ds.file_digest(SHARED_MNIST / (spec.name + ".gz")) == spec.md5
        assert (SHARED_MNIST / (spec.name + ".gz")).stat().st_size == spec.size
    monkeypatch.setenv("NN_WORKBENCH_DATA", str(SHARED_MNIST))
    data = ds.load("mnist")
    assert data.x_train.shape == (60000, 1, 28, 28)
    assert data.x_test.shape == (10000, 1, 28, 28)
    assert data.x_train.dtype == np.float32 and data.y_train.dtype == np.int64
    np.testing.assert_array_equal(
        np.bincount(data.y_test), [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    )
    # the embedded digits are the first 10,000 training images, labels included
    x_first = np.rint(data.x_train[:10000, 0] * 255).astype(np.uint8)
    first = {img.tobytes(): int(y) for img, y in zip(x_first, data.y_train[:10000], strict=True)}
    xd, yd, xd_test, yd_test = load_digits_arrays()
    for images, labels in ((xd, yd), (xd_test, yd_test)):
        assert [first.get(img.tobytes()) for img in images] == labels.tolist()
