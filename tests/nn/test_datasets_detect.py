"""Which full image set a folder holds: MNIST and Fashion-MNIST told apart by their test labels."""

from __future__ import annotations

import dataclasses
import hashlib
import os
from pathlib import Path

import numpy as np
import pytest

import nn.datasets.mnist as mnist_module
from nn.datasets import FASHION_MNIST, MNIST, detect_idx_sets, identify_idx_folder, write_idx

SHARED_MNIST = Path(os.environ.get("NN_WORKBENCH_DATA") or
                    Path(__file__).resolve().parents[3] / "shared" / "data" / "mnist")
HAVE_MNIST = (SHARED_MNIST / "t10k-labels-idx1-ubyte.gz").is_file()
needs_mnist = pytest.mark.skipif(not HAVE_MNIST, reason=f"no full MNIST in {SHARED_MNIST}")


def make_set(folder: Path, labels_seed: int = 1) -> np.ndarray:
    """Four tiny IDX files (the standard names) in ``folder``; returns the test labels."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(labels_seed)
    test_labels = rng.integers(0, 10, 4).astype(np.uint8)
    for prefix, labels in (("train", np.arange(6, dtype=np.uint8)), ("t10k", test_labels)):
        write_idx(folder / f"{prefix}-images-idx3-ubyte.gz",
                  rng.integers(0, 256, (len(labels), 28, 28), dtype=np.uint8))
        write_idx(folder / f"{prefix}-labels-idx1-ubyte.gz", labels)
    return test_labels


def link_mnist(folder: Path) -> Path:
    """The real MNIST files, symlinked into ``folder`` (never copied into the project)."""
    folder.mkdir(parents=True, exist_ok=True)
    for spec in MNIST.files:
        (folder / f"{spec.name}.gz").symlink_to(SHARED_MNIST / f"{spec.name}.gz")
    return folder


def test_unknown_files_in_the_folder_itself_are_not_guessed(tmp_path: Path) -> None:
    make_set(tmp_path / "data")
    assert identify_idx_folder(tmp_path / "data") is None
    assert detect_idx_sets(tmp_path / "data") == ([], [tmp_path / "data"])


def test_a_set_named_subfolder_is_recognised_by_its_name(tmp_path: Path) -> None:
    make_set(tmp_path / "data" / "fashion-mnist")
    matches, unknown = detect_idx_sets(tmp_path / "data")
    assert [(m.dataset, m.folder, m.evidence) for m in matches] == [
        (FASHION_MNIST, tmp_path / "data" / "fashion-mnist", "folder name")]
    assert unknown == []


def test_both_subfolders_give_two_matches(tmp_path: Path) -> None:
    make_set(tmp_path / "data" / "mnist")
    make_set(tmp_path / "data" / "fashion-mnist", labels_seed=2)
    matches, _ = detect_idx_sets(tmp_path / "data")
    assert [m.dataset.name for m in matches] == ["mnist", "fashion-mnist"]


def test_test_labels_win_over_the_folder_name(tmp_path: Path,
                                              monkeypatch: pytest.MonkeyPatch) -> None:
    labels = make_set(tmp_path / "data" / "mnist")
    digest = hashlib.sha256(labels.tobytes()).hexdigest()
    fashion = dataclasses.replace(FASHION_MNIST, test_labels_sha256=digest)
    monkeypatch.setitem(mnist_module.IDX_SETS, "fashion-mnist", fashion)
    assert identify_idx_folder(tmp_path / "data" / "mnist") is fashion
    matches, _ = detect_idx_sets(tmp_path / "data")
    assert [(m.dataset.name, m.evidence) for m in matches] == [("fashion-mnist", "test labels")]


def test_missing_or_empty_folder_holds_nothing(tmp_path: Path) -> None:
    assert detect_idx_sets(tmp_path / "absent") == ([], [])
    (tmp_path / "empty").mkdir()
    assert detect_idx_sets(tmp_path / "empty") == ([], [])
    assert identify_idx_folder(tmp_path / "empty") is None


def test_unreadable_test_labels_are_unknown(tmp_path: Path) -> None:
    make_set(tmp_path / "data")
    (tmp_path / "data" / "t10k-labels-idx1-ubyte.gz").write_bytes(b"not an idx file")
    assert identify_idx_folder(tmp_path / "data") is None


@needs_mnist
def test_real_mnist_is_recognised_wherever_it_is(tmp_path: Path) -> None:
    assert identify_idx_folder(SHARED_MNIST) is MNIST
    link_mnist(tmp_path / "plain")
    matches, unknown = detect_idx_sets(tmp_path / "plain")
    assert [(m.dataset, m.folder, m.evidence) for m in matches] == [
        (MNIST, tmp_path / "plain", "test labels")] and unknown == []
    # In a folder named for the other set, the labels still say MNIST.
    link_mnist(tmp_path / "odd" / "fashion-mnist")
    matches, _ = detect_idx_sets(tmp_path / "odd")
    assert [(m.dataset, m.evidence) for m in matches] == [(MNIST, "test labels")]
