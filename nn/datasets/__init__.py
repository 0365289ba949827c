"""Data sets for the workbench: embedded digits, full MNIST, Fashion-MNIST and 2-D toy sets.

``load(name)`` returns a :class:`Dataset` of float32 inputs and int64 labels. Image sets have
inputs ``(N, 1, 28, 28)`` in ``[0, 1]`` (book ch. 3.6, ``load_mnist(normalize=True,
flatten=False)``); toy sets have ``(N, 2)``.

======================  =====================================================================
``"digits"``            10,000 MNIST digits shipped in ``resources/digits/`` (8,000 / 2,000)
``"mnist"``             full MNIST, 60,000 / 10,000, from a folder or downloaded on request
``"fashion-mnist"``     Fashion-MNIST, 60,000 / 10,000, likewise (also Debian's package folder)
``"xor"`` ... ``"blobs"``  generated 2-D toy sets (see :mod:`nn.datasets.toy`)
======================  =====================================================================
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn.datasets.augment import DRAW_AUGMENT, Augmenter, AugmentParams, dilate, erode
from nn.datasets.detect import FolderMatch, detect_idx_sets, identify_idx_folder
from nn.datasets.download import CancelFn, ProgressFn, cache_dir, download_file, file_digest
from nn.datasets.embedded import DIGITS_DESCRIPTION, digits_path, load_digits_arrays
from nn.datasets.idx import read_idx, write_idx
from nn.datasets.mnist import (
    DATA_ENV,
    FASHION_MNIST,
    IDX_SETS,
    MNIST,
    IdxSet,
    download_idx_set,
    find_idx_dir,
    find_mnist_dir,
    idx_set_available,
    load_idx_set,
    mnist_available,
)
from nn.datasets.toy import (
    TOY_DEFAULT_NOISE,
    TOY_GENERATORS,
    make_blobs,
    make_circles,
    make_moons,
    make_spiral,
    make_xor,
)
from nn.datasets.transforms import (
    batch_indices,
    fit_standardize,
    one_hot,
    shuffle_arrays,
    split_indices,
    standardize,
    to_unit_range,
    train_val_split,
)
from nn.errors import DatasetError, DownloadCancelled, DownloadError

__all__ = [
    "DATA_ENV",
    "FASHION_MNIST",
    "IDX_SETS",
    "IMAGE_DATASETS",
    "MNIST",
    "TOY_DATASETS",
    "TOY_DEFAULT_N",
    "TOY_DEFAULT_NOISE",
    "TOY_GENERATORS",
    "AugmentParams",
    "DatasetError",
    "DownloadCancelled",
    "DownloadError",
    "Augmenter",
    "DRAW_AUGMENT",
    "Dataset",
    "FolderMatch",
    "IdxSet",
    "batch_indices",
    "cache_dir",
    "digits_path",
    "detect_idx_sets",
    "dilate",
    "download_dataset",
    "download_file",
    "download_idx_set",
    "erode",
    "file_digest",
    "find_dataset_dir",
    "find_idx_dir",
    "find_mnist_dir",
    "fit_standardize",
    "identify_idx_folder",
    "idx_set_available",
    "is_available",
    "load",
    "load_idx_set",
    "make_blobs",
    "make_circles",
    "make_moons",
    "make_spiral",
    "make_xor",
    "mnist_available",
    "names",
    "one_hot",
    "read_idx",
    "shuffle_arrays",
    "split_indices",
    "standardize",
    "to_unit_range",
    "train_val_split",
    "write_idx",
]

IMAGE_DATASETS: tuple[str, ...] = ("digits", "mnist", "fashion-mnist")
TOY_DATASETS: tuple[str, ...] = tuple(TOY_GENERATORS)
#: Training points per toy set when ``n`` is not given; the test set has half as many.
TOY_DEFAULT_N = 400

_TOY_DESCRIPTIONS = {
    "xor": "XOR gate: four noisy clusters at the unit square's corners (book ch. 2.5)",
    "circles": "two concentric noisy circles",
    "moons": "two interleaving half moons",
    "spiral": "three interleaved spiral arms (CS231n)",
    "blobs": "three Gaussian blobs",
}


@dataclass(frozen=True, eq=False)
class Dataset:
    """A labelled train/test pair.

    Attributes
    ----------
    name : str
        One of :func:`names`.
    x_train, x_test : numpy.ndarray
        float32; images ``(N, 1, 28, 28)`` in ``[0, 1]``, toy sets ``(N, 2)``.
    y_train, y_test : numpy.ndarray
        int64 ``(N,)`` class indices.
    class_names : tuple of str
        Display name of each class index.
    description : str
        One line for the GUI, including source and licence.
    """

    name: str
    x_train: NDArray[np.float32]
    y_train: NDArray[np.int64]
    x_test: NDArray[np.float32]
    y_test: NDArray[np.int64]
    class_names: tuple[str, ...]
    description: str

    @property
    def input_shape(self) -> tuple[int, ...]:
        """Shape of one input, e.g. ``(1, 28, 28)`` or ``(2,)``."""
        return tuple(self.x_train.shape[1:])

    @property
    def num_classes(self) -> int:
        """Number of classes (``len(class_names)``)."""
        return len(self.class_names)

    @property
    def is_image(self) -> bool:
        """Whether inputs are images ``(1, H, W)``."""
        return self.x_train.ndim == 4

    def __repr__(self) -> str:
        return (
            f"Dataset({self.name!r}, train={self.x_train.shape}, test={self.x_test.shape}, "
            f"classes={self.num_classes})"
        )


def names() -> tuple[str, ...]:
    """Every name :func:`load` accepts: image sets first, then toy sets."""
    return IMAGE_DATASETS + TOY_DATASETS


def _images(x: NDArray[np.uint8]) -> NDArray[np.float32]:
    """uint8 (N, 28, 28) -> float32 (N, 1, 28, 28) in [0, 1]."""
    return to_unit_range(x)[:, None, :, :]


def _check_name(name: str) -> str:
    key = name.strip().lower()
    if key not in names():
        raise DatasetError(f"unknown data set {name!r}; valid names: {', '.join(names())}")
    return key


def find_dataset_dir(name: str, data_dir: str | os.PathLike[str] | None = None) -> Path | None:
    """The folder ``"mnist"`` or ``"fashion-mnist"`` would be read from, or ``None``."""
    key = _check_name(name)
    if key not in IDX_SETS:
        raise DatasetError(f"{name!r} is not read from a folder; only {', '.join(IDX_SETS)} are")
    return find_idx_dir(IDX_SETS[key], data_dir)


def is_available(name: str, data_dir: str | os.PathLike[str] | None = None) -> bool:
    """Whether :func:`load` can return ``name`` without downloading (always true but for the
    full image sets, which need their files)."""
    key = _check_name(name)
    if key in IDX_SETS:
        return idx_set_available(IDX_SETS[key], data_dir)
    return True


def download_dataset(
    name: str,
    data_dir: str | os.PathLike[str] | None = None,
    *,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
) -> Path:
    """Download ``"mnist"`` or ``"fashion-mnist"`` into ``data_dir`` (default: the cache).

    Returns the folder holding the verified files; see :func:`download_idx_set`.
    """
    key = _check_name(name)
    if key not in IDX_SETS:
        raise DatasetError(f"{name!r} is not downloaded; only {', '.join(IDX_SETS)} are")
    dataset = IDX_SETS[key]
    dest = None if data_dir is None else Path(data_dir).expanduser() / dataset.subdir
    return download_idx_set(dataset, dest, progress=progress, should_cancel=should_cancel)


def load(
    name: str,
    *,
    data_dir: str | os.PathLike[str] | None = None,
    download: bool = False,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    n: int | None = None,
    noise: float | None = None,
    seed: int = 0,
) -> Dataset:
    """Load a data set by name.

    Parameters
    ----------
    name : str
        One of :func:`names` (case-insensitive).
    data_dir : str or os.PathLike, optional
        Folder of the full ``"mnist"`` / ``"fashion-mnist"`` files; when given, the only place
        looked in (see :mod:`nn.datasets.mnist` for the search order otherwise).
    download : bool
        Download a missing full image set (into ``data_dir`` if given, else the user cache).
    progress : callable, optional
        ``progress(done_bytes, total_bytes)`` during a download.
    should_cancel : callable, optional
        Polled during a download; true cancels it (:class:`DownloadCancelled`).
    n : int, optional
        Image sets: keep only the first ``n`` training images (the stored orders are mixed).
        Toy sets: number of training points (default :data:`TOY_DEFAULT_N`); the test set has
        ``max(n // 2, 4)`` points.
    noise : float, optional
        Toy sets only: the generator's noise (default per set, :data:`TOY_DEFAULT_NOISE`).
        Ignored for image sets.
    seed : int
        Toy sets only: the training and test points are successive draws from
        ``numpy.random.default_rng(seed)``, so the same seed gives the same data.

    Returns
    -------
    Dataset

    Raises
    ------
    DatasetError
        Unknown name (the message lists the valid ones), missing or malformed files.
    DownloadError, DownloadCancelled
        A requested download failed or was cancelled.
    """
    key = _check_name(name)
    if n is not None and n < 1:
        raise ValueError(f"Invalid n: {n} (must be >= 1)")
    if key in TOY_DATASETS:
        generator = TOY_GENERATORS[key]
        level = TOY_DEFAULT_NOISE[key] if noise is None else float(noise)
        rng = np.random.default_rng(seed)
        n_train = TOY_DEFAULT_N if n is None else n
        n_classes = 2 if key in ("xor", "circles", "moons") else 3
        x_train, y_train = generator(max(n_train, 4), noise=level, seed=rng)
        x_test, y_test = generator(max(n_train // 2, 4), noise=level, seed=rng)
        return Dataset(
            key,
            x_train[:n_train],
            y_train[:n_train],
            x_test,
            y_test,
            tuple(str(k) for k in range(n_classes)),
            f"{_TOY_DESCRIPTIONS[key]}; generated (n={n_train}, noise={level:g}, seed={seed})",
        )
    if key == "digits":
        xtr, ytr, xte, yte = load_digits_arrays()
        class_names = tuple(str(d) for d in range(10))
        description = DIGITS_DESCRIPTION
    else:
        dataset = IDX_SETS[key]
        xtr, ytr, xte, yte = load_idx_set(
            dataset, data_dir, download=download, progress=progress, should_cancel=should_cancel
        )
        class_names, description = dataset.class_names, dataset.description
    if n is not None:
        xtr, ytr = xtr[:n], ytr[:n]
    return Dataset(
        key, _images(xtr), ytr.copy(), _images(xte), yte.copy(), class_names, description
    )
