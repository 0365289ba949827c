"""The download thread of :class:`workbench.shell.download_dialog.DownloadDialog`.

The download itself is :func:`nn.datasets.download_dataset` (verified, resumable, cancellable);
it runs in a :class:`DownloadWorker` moved to a :class:`QThread`, which reports progress by
signals so the GUI thread never blocks. Threads are kept by a small registry until they have
finished, so a dialog that is deleted early never destroys a running thread.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import shiboken6
from PySide6.QtCore import QObject, QThread, Signal, Slot
from PySide6.QtWidgets import QApplication

from nn.errors import DownloadCancelled

#: ``job(progress, should_cancel) -> folder``: the download, with its progress callback
Job = Callable[[Callable[[int, "int | None"], None], Callable[[], bool]], Path]

_EMIT_EVERY = 0.05  # seconds between progress signals (style §11)


class DownloadWorker(QObject):
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
        self._jobs: dict[QThread, DownloadWorker] = {}
        app.aboutToQuit.connect(self.shutdown)

    def add(self, thread: QThread, worker: DownloadWorker) -> None:
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


def registry() -> _Threads:
    """The application's thread registry (created with the QApplication as its parent)."""
    if not _REGISTRY or not shiboken6.isValid(_REGISTRY[0]):
        _REGISTRY[:] = [_Threads(QApplication.instance())]
    return _REGISTRY[0]


def start_download(job: Job) -> tuple[DownloadWorker, QThread]:
    """A worker for ``job`` in a new thread, registered; the caller connects the worker's
    signals, then calls ``thread.start()``. The thread quits when the job ends, however."""
    worker = DownloadWorker(job)
    thread = QThread()
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    for signal in (worker.succeeded, worker.failed, worker.cancelled):
        signal.connect(thread.quit)
    registry().add(thread, worker)
    return worker, thread
