"""``--data-dir`` never silently trains on the embedded digits: alone it picks the set in the
folder (or says which ``--dataset`` to add); with digits or a toy set it warns it is ignored."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.nn.test_datasets_detect import SHARED_MNIST, link_mnist, make_set
from tests.workbench.cli.test_cli import assert_one_line_error, final_accuracy, run_main

needs_mnist = pytest.mark.skipif(not (SHARED_MNIST / "t10k-labels-idx1-ubyte.gz").is_file(),
                                 reason=f"no full MNIST in {SHARED_MNIST}")
pytestmark = pytest.mark.usefixtures("private_data_folders")  # an empty download cache


@needs_mnist
def test_data_dir_alone_trains_on_the_mnist_it_holds():
    """The issue's acceptance command (shortened by --train-size / --max-iterations)."""
    proc = run_main("train", "--preset", "simple_convnet", "--epochs", "1", "--data-dir",
                    SHARED_MNIST, "--train-size", "1000", "--max-iterations", "10", "-q")
    assert proc.returncode == 0, proc.stderr
    first = proc.stdout.splitlines()[0]
    assert first == f"data: mnist, 900 train / 100 validation / 10,000 test, from {SHARED_MNIST}"
    assert f"--data-dir {SHARED_MNIST} holds mnist, recognised by its test labels" in proc.stderr
    assert "on 10,000 test samples" in proc.stdout and 0 < final_accuracy(proc.stdout) <= 100


@needs_mnist
def test_mnist_in_a_subfolder_is_found_and_named(tmp_path: Path):
    link_mnist(tmp_path / "data" / "mnist")
    proc = run_main("train", "--preset", "two_layer_net", "--data-dir", tmp_path / "data",
                    "--train-size", "200", "--max-iterations", "2", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("data: mnist, 180 train")
    assert f"(in {tmp_path / 'data' / 'mnist'})" in proc.stderr


@needs_mnist
def test_asking_for_the_other_set_warns(tmp_path: Path):
    link_mnist(tmp_path / "data")
    proc = run_main("train", "--dataset", "fashion-mnist", "--preset", "two_layer_net",
                    "--data-dir", tmp_path / "data", "--train-size", "200", "--max-iterations",
                    "1", "-q")
    assert proc.returncode == 0, proc.stderr
    assert f"warning: {tmp_path / 'data'} holds mnist (recognised by its test labels), not " \
           "fashion-mnist" in proc.stderr


def test_digits_with_data_dir_warns_that_it_is_ignored(tmp_path: Path):
    proc = run_main("train", "--dataset", "digits", "--preset", "two_layer_net", "--data-dir",
                    tmp_path, "--train-size", "200", "--max-iterations", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("data: digits, 180 train")
    assert f"warning: --data-dir {tmp_path} ignored: digits ships with the app" in proc.stderr


def test_toy_set_with_data_dir_warns_that_it_is_ignored(tmp_path: Path):
    proc = run_main("train", "--dataset", "moons", "--data-dir", tmp_path, "--epochs", "1", "-q")
    assert proc.returncode == 0, proc.stderr
    assert f"warning: --data-dir {tmp_path} ignored: moons is generated" in proc.stderr


@pytest.mark.parametrize("layout, expected", [
    ("empty", "holds no MNIST or Fashion-MNIST files"),
    ("absent", "does not exist"),
    ("unknown", "their test labels are neither MNIST's nor Fashion-MNIST's: add --dataset mnist"),
    ("both", "holds more than one data set (mnist in "),
])
def test_data_dir_without_one_clear_set_says_what_to_add(tmp_path: Path, layout: str,
                                                        expected: str):
    folder = tmp_path / "data"
    if layout == "empty":
        folder.mkdir()
    elif layout == "unknown":
        make_set(folder)
    elif layout == "both":
        make_set(folder / "mnist")
        make_set(folder / "fashion-mnist", labels_seed=2)
    proc = run_main("train", "--data-dir", folder, "--epochs", "1")
    message = assert_one_line_error(proc, 1)
    assert expected in message and "--dataset mnist" in message
    assert proc.stdout == ""  # nothing trained


def test_a_named_subfolder_of_unknown_files_is_used_by_its_name(tmp_path: Path):
    make_set(tmp_path / "data" / "fashion-mnist")
    proc = run_main("train", "--preset", "two_layer_net", "--data-dir", tmp_path / "data",
                    "--epochs", "1", "--val-fraction", "0", "-q")
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[0].startswith("data: fashion-mnist, 6 train / 4 test")
    assert "recognised by its folder name" in proc.stderr


@needs_mnist
def test_info_does_not_claim_fashion_mnist_in_an_mnist_folder():
    proc = run_main("info", "--data-dir", SHARED_MNIST)
    assert proc.returncode == 0, proc.stderr
    rows = {line.split()[0]: line for line in proc.stdout.splitlines() if "mnist " in line}
    assert f"available in {SHARED_MNIST}" in rows["mnist"]
    assert f"not found ({SHARED_MNIST} holds mnist)" in rows["fashion-mnist"]
