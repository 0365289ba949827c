"""A modal dialog that downloads full MNIST or Fashion-MNIST in a worker thread.

The download itself is :func:`nn.datasets.download_dataset` (verified, resumable, cancellable);
it runs in a :class:`_DownloadWorker` moved to a :class:`QThread`, which reports progress by
signals so the GUI thread never blocks. Cancel (or closing the window) sets the worker's cancel
flag: the download code raises :class:`~nn.errors.DownloadCancelled` at its next chunk and
deletes its partial file, and the dialog closes when the worker confirms. Threads are kept by a
small registry until they have finished, so a dialog that is deleted early never destroys a
running thread.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, Qt, QThread, Signal, Slot
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QApplication,
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
from workbench import i18n
from workbench.i18n import tr
from workbench.widgets.common import ErrorLabel
from workbench.widgets.setup.fields import ElidedLabel, connect_weak, muted_label

Job = Callable[[Callable[[int, "int | None"], None], Callable[[], bool]], Path]

_MB = 1e6
_EMIT_EVERY = 0.05  # seconds between progress signals (style §11)


class _DownloadWorker(QObject):
    """Runs one download job in its thread; talks to the GUI only through signals."""

    progress = Signal(float, float)  # bytes done, bytes in total (floats: no 2 GiB limit)
    succeeded = Signal(str)  # the folder holding the files
    failed = Signal(str)  # the engine's message
    cancelled = Signal()

    def __init__(self, job: Job) -> None:
        super().__init__()
        self._job = job
        self._cancel = threading.Event()
        self._last_emit = 0.0

    def cancel(self) -> None:
        """Ask the download to stop (thread-safe; called from the GUI thread)."""
        self._cancel.set()

    @Slot()
    def run(self) -> None:
        try:
            folder = self._job(self._report, self._cancel.is_set)
        except DownloadCancelled:
            self.cancelled.emit()
        except Exception as exc:  # noqa: BLE001 — any failure is shown, never crashes the app
            message = str(exc) or type(exc).__name__
            self.failed.emit(message)
        else:
            self.succeeded.emit(str(folder))

    def _report(self, done: int, total: int | None) -> None:
        now = time.monotonic()
        if now - self._last_emit >= _EMIT_EVERY or (total is not None and done >= total):
            self._last_emit = now
            self.progress.emit(float(done), float(total or 0))


class _Threads(QObject):
    """Keeps download threads alive until they finish; cancels and joins them at quit."""

    def __init__(self, app: QApplication) -> None:
        super().__init__(app)
        self._jobs: dict[QThread, _DownloadWorker] = {}
        app.aboutToQuit.connect(self.shutdown)

    def add(self, thread: QThread, worker: _DownloadWorker) -> None:
        self._jobs[thread] = worker
        thread.finished.connect(self._reap)

    @Slot()
    def _reap(self) -> None:
        for thread in [t for t in self._jobs if t.isFinished() or t is self.sender()]:
            thread.wait()  # `finished` comes just before the thread really ends
            del self._jobs[thread]

    @Slot()
    def shutdown(self, timeout_ms: int = 5000) -> None:
        for worker in self._jobs.values():
            worker.cancel()
        for thread in list(self._jobs):
            thread.quit()
            thread.wait(timeout_ms)
        self._jobs.clear()


_REGISTRY: list[_Threads] = []


def _registry() -> _Threads:
    """The application's thread registry (created with the QApplication as its parent)."""
    if not _REGISTRY or not shiboken6.isValid(_REGISTRY[0]):
        _REGISTRY[:] = [_Threads(QApplication.instance())]
    return _REGISTRY[0]


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
        self._worker: _DownloadWorker | None = None
        self._thread: QThread | None = None
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
        return self._thread is not None and self._thread.isRunning()

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

        worker = _DownloadWorker(self._job())
        thread = QThread()
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        worker.progress.connect(self._on_progress)
        worker.succeeded.connect(self._on_succeeded)
        worker.failed.connect(self._on_failed)
        worker.cancelled.connect(self._on_cancelled)
        for signal in (worker.succeeded, worker.failed, worker.cancelled):
            signal.connect(thread.quit)
        _registry().add(thread, worker)
        self._worker, self._thread = worker, thread
        self.retranslate()
        thread.start()

    def _job(self) -> Job:
        name, data_dir, dataset, mirrors = self._name, self._data_dir, self._dataset, self._mirrors
        if not self._custom:
            return lambda progress, cancel: nn.datasets.download_dataset(
                name, data_dir, progress=progress, should_cancel=cancel)
        dest = self.destination()
        return lambda progress, cancel: download_idx_set(
            dataset, dest, progress=progress, should_cancel=cancel, mirrors=mirrors)

    def cancel(self) -> None:
        """Ask the worker to stop; the dialog closes once it has."""
        if self._worker is not None and self._busy:
            self._cancelling = True
            self._worker.cancel()
            self.cancel_button.setEnabled(False)
            self.status.setText(tr("Cancelling… removing the partial file"))

    def reject(self) -> None:
        """Cancel, Esc or the window's close button: stop a running download first."""
        if self._busy and not self._cancelling:
            self.cancel()
            return  # closes in _on_cancelled (or when the worker ends otherwise)
        super().reject()  # not running, or a second request while cancelling

    # ------------------------------------------------------------------- worker callbacks
    @Slot(float, float)
    def _on_progress(self, done: float, total: float) -> None:
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

    @Slot(str)
    def _on_succeeded(self, folder: str) -> None:
        self._busy = False
        self._folder = Path(folder)
        self.bar.setValue(1000)
        self.status.setText(tr("Done: the files are verified and ready."))
        if self._cancelling:
            super().reject()
        else:
            self.accept()

    @Slot(str)
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

    @Slot()
    def _on_cancelled(self) -> None:
        self._busy = False
        self.status.setText(tr("Cancelled; no partial file was left behind."))
        super().reject()
