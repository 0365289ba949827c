"""A modal dialog that downloads full MNIST or Fashion-MNIST in a worker thread.

The download itself is :func:`nn.datasets.download_dataset` (verified, resumable, cancellable);
it runs as a job of a :class:`~workbench.concurrency.runner.JobRunner`, reporting its progress
through the job's cancel token, so the GUI thread never blocks. Cancel (or closing the window)
sets the token: the download code raises :class:`~nn.errors.DownloadCancelled` at its next
chunk and deletes its partial file, and the dialog closes when the job confirms.
"""

from __future__ import annotations

import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QProgressBar,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import nn.datasets
from nn.datasets import IDX_SETS, IdxSet, cache_dir, download_idx_set
from nn.datasets.mnist import _file_in  # the same "is this file present" test the download uses
from nn.errors import DownloadCancelled
from workbench.concurrency.runner import JobRunner
from workbench.core import i18n
from workbench.core.cancel import CancelToken
from workbench.core.i18n import tr
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import ElidedLabel, muted_label
from workbench.ui.view import connect_weak

_MB = 1e6

#: ``job(progress, should_cancel) -> folder``: the download, with its progress callback
Job = Callable[[Callable[[int, "int | None"], None], Callable[[], bool]], Path]


def _download(job: Job, token: CancelToken) -> str | None:
    """Run ``job`` in the worker thread: its progress goes out as ``(done, total)`` reports;
    the folder on success, None once a cancellation has removed the partial file."""
    try:
        return str(job(lambda done, total: token.report((float(done), float(total or 0))),
                       token.is_set))
    except DownloadCancelled:
        return None


class DownloadDialog(QDialog):
    """Download ``name`` (``"mnist"`` or ``"fashion-mnist"``) into ``data_dir`` or the cache.

    Parameters
    ----------
    name : str
        A full image set of :data:`nn.datasets.IDX_SETS`.
    data_dir : str or Path, optional
        The data folder; files go to its ``<name>/`` subfolder, as with
        :func:`nn.datasets.download_dataset`. Default: the per-user cache.
    parent : QWidget, optional
    mirrors : tuple of str, optional
        Base URLs to fetch from instead of the official mirrors (tests, local mirrors); the
        download then goes through :func:`nn.datasets.download_idx_set`, which accepts them.
    idx_set : IdxSet, optional
        The file list (names, sizes, checksums) to fetch instead of ``IDX_SETS[name]`` (tests).

    The download starts when the dialog is first shown (or on :meth:`start`). On success the
    dialog is accepted and :attr:`folder` is the folder holding the files; a failure is shown
    in the dialog with a Retry button.
    """

    def __init__(self, name: str, data_dir: str | Path | None = None,
                 parent: QWidget | None = None, *, mirrors: tuple[str, ...] | None = None,
                 idx_set: IdxSet | None = None) -> None:
        super().__init__(parent)
        if idx_set is None and name not in IDX_SETS:
            raise ValueError(f"{name!r} is not downloaded; only {', '.join(IDX_SETS)} are")
        self.setModal(True)
        self._name = name
        self._dataset = idx_set or IDX_SETS[name]
        self._data_dir = None if data_dir is None else Path(data_dir).expanduser()
        self._mirrors = mirrors
        self._custom = mirrors is not None or idx_set is not None
        self._folder: Path | None = None
        self._error: str | None = None
        self.runner = JobRunner(self)
        self.runner.events.connect(self._on_progress)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self._cancelling = False
        self._busy = False  # a download was started and has not reported its end yet
        self._todo: list[tuple[str, int]] = []
        self._samples: deque[tuple[float, float]] = deque(maxlen=40)
        self._started = False

        self._headline = QLabel(self)
        self._headline.setWordWrap(True)
        self._destination = ElidedLabel(self)
        self._destination.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.bar = QProgressBar(self)
        self.bar.setRange(0, 1000)
        self.bar.setValue(0)
        self.status = muted_label(self)
        self.error_label = ErrorLabel(self)
        self.error_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.buttons = QDialogButtonBox(self)
        self.cancel_button = self.buttons.addButton(QDialogButtonBox.StandardButton.Cancel)
        self.retry_button = QPushButton(self)
        self.buttons.addButton(self.retry_button, QDialogButtonBox.ButtonRole.ActionRole)
        self.retry_button.hide()
        self.cancel_button.clicked.connect(self.reject)
        self.retry_button.clicked.connect(self.start)

        layout = QVBoxLayout(self)
        layout.addWidget(self._headline)
        layout.addWidget(self._destination)
        layout.addSpacing(6)
        layout.addWidget(self.bar)
        layout.addWidget(self.status)
        layout.addWidget(self.error_label)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        self.setMinimumWidth(460)

        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)

    # ------------------------------------------------------------------------------- queries
    @property
    def folder(self) -> Path | None:
        """The folder holding the verified files after a successful download."""
        return self._folder

    @property
    def error(self) -> str | None:
        """The last failure's message (``None`` if there was none)."""
        return self._error

    @property
    def running(self) -> bool:
        """Whether the worker thread is still running."""
        return self.runner.running

    def destination(self) -> Path:
        """The folder the files are written to."""
        if self._data_dir is None:
            return cache_dir() / self._dataset.subdir
        return self._data_dir / self._dataset.subdir

    # ------------------------------------------------------------------------------ texts
    def retranslate(self) -> None:
        title = tr("Download {name}").format(name=self._display_name())
        self.setWindowTitle(title)
        size = sum(f.size for f in self._dataset.files) / _MB
        self._headline.setText(tr("{name}: four files, {size:.1f} MB in all, each verified by "
                                  "its checksum. Saved in:").format(name=self._display_name(),
                                                                    size=size))
        self._destination.set_full_text(str(self.destination()))
        self._destination.setToolTip(str(self.destination()))
        self.bar.setToolTip(tr("Share of the missing files downloaded so far"))
        if self._error and not self._busy:
            self.cancel_button.setText(tr("Close"))
            self.cancel_button.setToolTip(tr("Close this window; nothing is left half-written"))
        else:
            self.cancel_button.setText(tr("Cancel"))
            self.cancel_button.setToolTip(tr("Stop the download; the partly downloaded file is "
                                             "deleted"))
        self.retry_button.setText(tr("Retry"))
        self.retry_button.setToolTip(tr("Try the download again (files already downloaded "
                                        "and verified are kept)"))

    def _display_name(self) -> str:
        return {"mnist": "MNIST", "fashion-mnist": "Fashion-MNIST"}.get(self._name, self._name)

    # ----------------------------------------------------------------------------- control
    def showEvent(self, event) -> None:  # noqa: N802 (Qt override)
        super().showEvent(event)
        if not self._started:
            self.start()

    @Slot()
    def start(self) -> None:
        """Start (or retry) the download in a worker thread."""
        if self._busy:
            return
        self._started, self._cancelling, self._error = True, False, None
        self._busy = True
        self.error_label.show_error(None)
        self.retry_button.hide()
        self.cancel_button.setEnabled(True)
        dest = self.destination()
        self._todo = [(f.name + ".gz", f.size) for f in self._dataset.files
                      if _file_in(dest, f) is None]
        self._samples.clear()
        self.bar.setValue(0)
        self.status.setText(tr("Connecting…"))

        job = self._job()
        self.runner.start_task(lambda token: _download(job, token))
        self.retranslate()

    def _job(self) -> Job:
        name, data_dir, dataset, mirrors = self._name, self._data_dir, self._dataset, self._mirrors
        if not self._custom:
            return lambda progress, cancel: nn.datasets.download_dataset(
                name, data_dir, progress=progress, should_cancel=cancel)
        dest = self.destination()
        return lambda progress, cancel: download_idx_set(
            dataset, dest, progress=progress, should_cancel=cancel, mirrors=mirrors)

    def cancel(self) -> None:
        """Ask the download to stop; the dialog closes once it has."""
        if self._busy:
            self._cancelling = True
            self.runner.stop()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("Cancelling… removing the partial file"))

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: stop a running download first."""
        if self._busy and not self._cancelling:
            self.cancel()
            return  # closes in _on_cancelled (or when the worker ends otherwise)
        super().reject()  # not running, or a second request while cancelling

    # ------------------------------------------------------------------- worker callbacks
    def _on_progress(self, reports: list[tuple[float, float]]) -> None:
        done, total = reports[-1]  # bytes so far and in all, the latest of this batch
        now = time.monotonic()
        self._samples.append((now, done))
        if total > 0:
            self.bar.setValue(int(1000 * min(done / total, 1.0)))
        speed = 0.0
        if len(self._samples) > 1:
            (t0, d0), (t1, d1) = self._samples[0], self._samples[-1]
            speed = (d1 - d0) / max(t1 - t0, 1e-6) / _MB
        if self._cancelling:
            return
        text = tr("{done:.1f} of {total:.1f} MB at {speed:.1f} MB/s").format(
            done=done / _MB, total=total / _MB, speed=speed)
        current = self._current_file(done)
        self.status.setText(f"{current} — {text}" if current else text)

    def _current_file(self, done: float) -> str:
        end = 0
        for file_name, size in self._todo:
            end += size
            if done < end:
                return file_name
        return self._todo[-1][0] if self._todo else ""

    def _on_done(self, folder: str | None) -> None:
        if folder is None:
            self._on_cancelled()
            return
        self._busy = False
        self._folder = Path(folder)
        self.bar.setValue(1000)
        self.status.setText(tr("Done: the files are verified and ready."))
        if self._cancelling:
            super().reject()
        else:
            self.accept()

    def _on_failed(self, message: str) -> None:
        self._busy = False
        self._error = message
        self.status.setText(tr("The download failed:"))
        self.error_label.show_error(message)
        self.retry_button.show()
        self.cancel_button.setEnabled(True)
        if self._cancelling:
            super().reject()
            return
        self.retranslate()  # Cancel becomes Close

    def _on_cancelled(self) -> None:
        self._busy = False
        self.status.setText(tr("Cancelled; no partial file was left behind."))
        super().reject()
