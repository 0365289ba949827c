"""Full MNIST and Fashion-MNIST (60,000 train / 10,000 test) from the four standard IDX files.

A folder holds ``train-images-idx3-ubyte``, ``train-labels-idx1-ubyte``, ``t10k-images-idx3-ubyte``
and ``t10k-labels-idx1-ubyte``, each gzipped (``.gz``) or not. Where the files are looked for, in
order:

1. the folder given explicitly (a setting or ``--data-dir``) — if given, *only* there;
2. the folder in ``$NN_WORKBENCH_DATA``;
3. the per-user cache (:func:`nn.datasets.download.cache_dir`), where downloads go;
4. for Fashion-MNIST, where Debian's ``dataset-fashion-mnist`` package installs it,
   ``/usr/share/datasets/fashion-mnist``.

In folders 1 and 2 the data set's own subfolder (``mnist/`` or ``fashion-mnist/``) is tried before
the folder itself, so one data folder can hold both sets.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn.datasets.download import CancelFn, ProgressFn, cache_dir, download_file
from nn.datasets.idx import read_idx
from nn.errors import DatasetError

__all__ = [
    "DATA_ENV",
    "FASHION_MNIST",
    "IDX_SETS",
    "MNIST",
    "IdxFile",
    "IdxSet",
    "download_idx_set",
    "find_idx_dir",
    "find_mnist_dir",
    "idx_set_available",
    "load_idx_set",
    "mnist_available",
]

DATA_ENV = "NN_WORKBENCH_DATA"
ROLES = ("train_images", "train_labels", "test_images", "test_labels")


@dataclass(frozen=True)
class IdxFile:
    """One of the four files: standard name (without ``.gz``), gzip md5 and gzip size in bytes."""

    name: str
    md5: str
    size: int


@dataclass(frozen=True)
class IdxSet:
    """A data set distributed as four IDX files (MNIST layout)."""

    name: str
    subdir: str
    files: tuple[IdxFile, IdxFile, IdxFile, IdxFile]  # in the order of ROLES
    mirrors: tuple[str, ...]
    class_names: tuple[str, ...]
    description: str
    system_dirs: tuple[str, ...] = ()
    #: SHA-256 of the 10,000 test labels as uint8 bytes (header and gzip excluded): tells the
    #: published sets apart whatever copy or packaging (see :mod:`nn.datasets.detect`).
    test_labels_sha256: str = ""


MNIST = IdxSet(
    name="mnist",
    subdir="mnist",
    files=(
        IdxFile("train-images-idx3-ubyte", "f68b3c2dcbeaaa9fbdd348bbdeb94873", 9912422),
        IdxFile("train-labels-idx1-ubyte", "d53e105ee54ea40749a09fcbcd1e9432", 28881),
        IdxFile("t10k-images-idx3-ubyte", "9fb629c4189551a2d022fa330f9573f3", 1648877),
        IdxFile("t10k-labels-idx1-ubyte", "ec29112dd5afa0611ce80d1b7f02629c", 4542),
    ),
    mirrors=(
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
        "http://yann.lecun.com/exdb/mnist/",
    ),
    class_names=tuple(str(d) for d in range(10)),
    description="MNIST handwritten digits, 60,000 train / 10,000 test; LeCun, Cortes and Burges, "
    "CC BY-SA 3.0",
    test_labels_sha256="ddeff807876a9661a1110d45c266c86239a3a1b7d37da0c3716a7a683c852ff5",
)

FASHION_MNIST = IdxSet(
    name="fashion-mnist",
    subdir="fashion-mnist",
    files=(
        IdxFile("train-images-idx3-ubyte", "8d4fb7e6c68d591d4c3dfef9ec88bf0d", 26421880),
        IdxFile("train-labels-idx1-ubyte", "25c81989df183df01b3e8a0aad5dffbe", 29515),
        IdxFile("t10k-images-idx3-ubyte", "bef4ecab320f06d8554ea6380940ec79", 4422102),
        IdxFile("t10k-labels-idx1-ubyte", "bb300cfdad3c16e7a12a480ee83cd310", 5148),
    ),
    mirrors=("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",),
    class_names=(
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
    ),
    description="Fashion-MNIST article images, 60,000 train / 10,000 test; Xiao, Rasul and "
    "Vollgraf (Zalando Research), MIT licence",
    system_dirs=("/usr/share/datasets/fashion-mnist",),
    test_labels_sha256="3d0e6c6ea990b53b6f8f500a41cac93881d981b315f84578b7d915342ade01e9",
)

IDX_SETS: dict[str, IdxSet] = {s.name: s for s in (MNIST, FASHION_MNIST)}


def _variants(name: str) -> tuple[str, ...]:
    """Accepted file names: gzipped, raw, and the ``train-images.idx3-ubyte`` spelling."""
    dotted = name.replace("-idx", ".idx")
    return (name + ".gz", name, dotted + ".gz", dotted)


def _file_in(folder: Path, spec: IdxFile) -> Path | None:
    return next((folder / n for n in _variants(spec.name) if (folder / n).is_file()), None)


def _candidates(dataset: IdxSet, data_dir: str | os.PathLike[str] | None) -> list[Path]:
    """Folders to search, in order (see the module docstring)."""
    if data_dir is not None:
        base = Path(data_dir).expanduser()
        return [base / dataset.subdir, base]
    folders: list[Path] = []
    env = os.environ.get(DATA_ENV)
    if env:
        base = Path(env).expanduser()
        folders += [base / dataset.subdir, base]
    folders.append(cache_dir() / dataset.subdir)
    folders += [Path(d) for d in dataset.system_dirs]
    return folders


def find_idx_dir(dataset: IdxSet, data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The first folder (see the module docstring) that holds all four files, or ``None``."""
    for folder in _candidates(dataset, data_dir):
        if all(_file_in(folder, f) is not None for f in dataset.files):
            return folder
    return None


def find_mnist_dir(data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder the full MNIST would be loaded from, or ``None`` if there is none."""
    return find_idx_dir(MNIST, data_dir)


def idx_set_available(dataset: IdxSet, data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether :func:`load_idx_set` would find the files without downloading."""
    return find_idx_dir(dataset, data_dir) is not None


def mnist_available(data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether the full MNIST is on this machine (for the GUI to offer it or a download)."""
    return find_mnist_dir(data_dir) is not None


def _blocked(dataset: IdxSet, data_dir: str | os.PathLike[str] | None) -> str | None:
    """A folder, FIFO or other non-file where a data file should be: the message, or None."""
    for folder in _candidates(dataset, data_dir):
        for spec in dataset.files:
            for name in _variants(spec.name):
                path = folder / name
                if path.exists() and not path.is_file():
                    kind = "a folder" if path.is_dir() else "not a regular file (a FIFO, a " \
                                                            "device…)"
                    return f"{path}: named like a {dataset.name} data file, but it is {kind}"
    return None


def _missing_message(dataset: IdxSet, data_dir: str | os.PathLike[str] | None) -> str:
    blocked = _blocked(dataset, data_dir)
    if blocked is not None:
        return blocked
    looked = "\n  ".join(str(p) for p in _candidates(dataset, data_dir))
    names = ", ".join(f.name + "[.gz]" for f in dataset.files)
    return (
        f"{dataset.name}: the four files ({names}) were not found. Looked in:\n  {looked}\n"
        f"Fix: pass --data-dir FOLDER (or set the data folder in the settings), set "
        f"{DATA_ENV}=FOLDER, or download them (download=True / the Download button)."
    )


def download_idx_set(
    dataset: IdxSet,
    dest: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    mirrors: tuple[str, ...] | None = None,
) -> Path:
    """Download the missing ones of the four files into ``dest`` (default: the cache folder).

    Parameters
    ----------
    dataset : IdxSet
        :data:`MNIST` or :data:`FASHION_MNIST`.
    dest : str or os.PathLike, optional
        Target folder; default ``cache_dir() / dataset.subdir``.
    progress : callable, optional
        ``progress(done_bytes, total_bytes)`` over all four files together.
    should_cancel, retries, backoff
        As in :func:`nn.datasets.download.download_file`.
    mirrors : tuple of str, optional
        Base URLs ending in ``/`` to use instead of ``dataset.mirrors`` (tests).

    Returns
    -------
    pathlib.Path
        The folder holding the four verified ``.gz`` files.
    """
    folder = Path(dest).expanduser() if dest is not None else cache_dir() / dataset.subdir
    bases = dataset.mirrors if mirrors is None else mirrors
    todo = [f for f in dataset.files if _file_in(folder, f) is None]
    grand_total = sum(f.size for f in todo)
    done_before = 0
    for spec in todo:
        report: Callable[[int, int | None], None] | None = None
        if progress is not None:

            def report(done: int, _total: int | None, _base: int = done_before) -> None:
                progress(_base + done, grand_total)

        download_file(
            [base + spec.name + ".gz" for base in bases],
            folder / (spec.name + ".gz"),
            md5=spec.md5,
            progress=report,
            should_cancel=should_cancel,
            retries=retries,
            backoff=backoff,
        )
        done_before += spec.size
    return folder


def load_idx_set(
    dataset: IdxSet,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    download: bool = False,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.uint8], NDArray[np.int64]]:
    """Find (or download) and read the four files.

    Parameters
    ----------
    dataset : IdxSet
        :data:`MNIST` or :data:`FASHION_MNIST`.
    data_dir : str or os.PathLike, optional
        Explicit folder; when given, the only place looked in (and where a download goes).
    download : bool
        Download the files if they are not found.
    progress, should_cancel
        Passed to :func:`download_idx_set`.

    Returns
    -------
    x_train : numpy.ndarray
        uint8 (60000, 28, 28).
    y_train : numpy.ndarray
        int64 (60000,).
    x_test : numpy.ndarray
        uint8 (10000, 28, 28).
    y_test : numpy.ndarray
        int64 (10000,).

    Raises
    ------
    DatasetError
        Files missing (the message lists where it looked and how to fix it), malformed, or with
        inconsistent shapes or labels. :class:`DownloadError` if a download fails.
    """
    folder = find_idx_dir(dataset, data_dir)
    if folder is None:
        if not download:
            raise DatasetError(_missing_message(dataset, data_dir))
        target = None if data_dir is None else Path(data_dir).expanduser() / dataset.subdir
        folder = download_idx_set(dataset, target, progress=progress, should_cancel=should_cancel)
    paths = [_file_in(folder, f) for f in dataset.files]
    if any(p is None for p in paths):
        raise DatasetError(_missing_message(dataset, data_dir))
    arrays = [read_idx(p) for p in paths]  # type: ignore[arg-type]
    n_classes = len(dataset.class_names)
    for images, labels, img_path, lbl_path in (
        (arrays[0], arrays[1], paths[0], paths[1]),
        (arrays[2], arrays[3], paths[2], paths[3]),
    ):
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise DatasetError(
                f"{img_path}: expected uint8 images of shape (N, 28, 28), got {images.dtype} "
                f"{images.shape}"
            )
        if labels.ndim != 1 or len(labels) != len(images):
            raise DatasetError(
                f"{lbl_path}: {labels.shape} labels do not match the {len(images)} images in "
                f"{img_path.name}"
            )
        if labels.dtype.kind not in "iu":
            raise DatasetError(f"{lbl_path}: the labels are {labels.dtype} numbers; a label "
                               "file holds whole class numbers (unsigned bytes)")
        if labels.size and (labels.min() < 0 or labels.max() >= n_classes):
            raise DatasetError(f"{lbl_path}: labels outside 0..{n_classes - 1}")
    x_train, y_train, x_test, y_test = arrays
    return x_train, y_train.astype(np.int64), x_test, y_test.astype(np.int64)
