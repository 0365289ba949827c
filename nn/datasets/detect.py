"""Which full image set a folder holds — MNIST or Fashion-MNIST — told apart by its test labels.

Both sets come as the same four file names with the same shapes (60,000 + 10,000 images of
28×28, uint8), and repackaged copies (Debian's, re-gzipped mirrors) have other file checksums
than the originals, so neither names, shapes nor checksums tell them apart. The test labels'
content does: :attr:`IdxSet.test_labels_sha256` is the SHA-256 of the 10,000 labels as bytes,
the same for every copy of a published set (reading them costs ~10 KB and a millisecond).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from nn.datasets.idx import read_idx
from nn.datasets.mnist import IDX_SETS, IdxSet, _file_in
from nn.errors import DatasetError

__all__ = ["FolderMatch", "detect_idx_sets", "identify_idx_folder"]


@dataclass(frozen=True)
class FolderMatch:
    """A folder holding the four files of ``dataset``.

    ``evidence`` says how it was recognised: ``"test labels"`` (their content is the published
    set's) or ``"folder name"`` (files of another content in a folder named after the set).
    """

    dataset: IdxSet
    folder: Path
    evidence: str


def _has_files(folder: Path, dataset: IdxSet) -> bool:
    return all(_file_in(folder, f) is not None for f in dataset.files)


def identify_idx_folder(folder: str | os.PathLike[str]) -> IdxSet | None:
    """The published set whose test labels ``folder`` holds, or ``None`` (no such file, an
    unreadable one, or labels of another content)."""
    for dataset in IDX_SETS.values():
        path = _file_in(Path(folder), dataset.files[3])
        if path is None:
            continue
        try:
            labels = read_idx(path)
        except (DatasetError, OSError):
            return None
        digest = hashlib.sha256(np.ascontiguousarray(labels, dtype=np.uint8).tobytes())
        for known in IDX_SETS.values():
            if known.test_labels_sha256 == digest.hexdigest():
                return known
        return None
    return None


def detect_idx_sets(data_dir: str | os.PathLike[str]) -> tuple[list[FolderMatch], list[Path]]:
    """The full image sets in ``data_dir``, looking where :func:`nn.datasets.load` would: each
    set's own subfolder (``mnist/``, ``fashion-mnist/``), then the folder itself.

    Returns
    -------
    matches : list of FolderMatch
        At most one per set, in the order looked at.
    unknown : list of pathlib.Path
        Folders holding the four files that are recognised neither by their test labels nor by
        the folder's name.
    """
    base = Path(data_dir).expanduser()
    by_subdir = {s.subdir: s for s in IDX_SETS.values()}
    folders = [base / s.subdir for s in IDX_SETS.values()] + [base]
    matches: list[FolderMatch] = []
    unknown: list[Path] = []
    for folder in folders:
        if not any(_has_files(folder, s) for s in IDX_SETS.values()):
            continue
        known = identify_idx_folder(folder)
        if known is not None:
            match = FolderMatch(known, folder, "test labels")
        elif folder.name in by_subdir:
            match = FolderMatch(by_subdir[folder.name], folder, "folder name")
        else:
            unknown.append(folder)
            continue
        if all(m.dataset is not match.dataset for m in matches):
            matches.append(match)
    return matches, unknown
