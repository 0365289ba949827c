"""Exceptions the engine raises: each message names the problem in words a user can act on."""

from __future__ import annotations


class NNError(Exception):
    """Base class of every error the engine raises on purpose."""


class ModelBuildError(NNError, ValueError):
    """A layer stack that cannot be built: the message names the layer, its index and the shapes."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.index = index


class ModelFileError(NNError, ValueError):
    """A model, session, checkpoint or experiment file that is missing, truncated, foreign,
    pickled, too new, too large, inconsistent or mismatched; the message names the file."""


class FileWriteError(NNError, OSError):
    """A file that cannot be written: the message names the user's path and the reason."""

    def __init__(self, message: str, errno: int | None = None) -> None:
        super().__init__(message)
        self.errno = errno


class DatasetError(NNError, OSError):
    """A dataset that is missing, truncated, foreign or fails verification."""


class DownloadError(DatasetError):
    """A download that failed or could not be verified; no partial file is left behind."""


class DownloadCancelled(DownloadError):
    """The user cancelled a download; no partial file is left behind."""


class LayerUsageError(NNError, RuntimeError):
    """A layer used out of order, e.g. ``backward`` before any ``forward``; the message names
    the layer and says what to call first."""


class TrainingError(NNError, RuntimeError):
    """Training that cannot proceed (e.g. a Step activation, which has no useful gradient)."""
