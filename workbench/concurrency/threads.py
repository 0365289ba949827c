"""Worker threads that outlive nobody: one QThread per job, owned by Python references only.

:class:`ThreadHost` launches a worker object in its own ``QThread``, releases it when the thread
finishes and shuts it down on demand. Every launched thread is also kept in a module registry
until it has finished, because a ``QThread`` destroyed while running aborts the process and the
object that launched it (a page, a dialog) may be deleted first; at exit all are stopped.
"""

from __future__ import annotations

import atexit

from PySide6.QtCore import QObject, QThread, Signal

#: Every launched (thread, worker) pair, kept referenced until a later sweep on the GUI thread
#: finds the thread finished: a QThread destroyed while running aborts the process, and the
#: object that launched it (a page, a dialog) may be deleted first.
_LAUNCHED: list[tuple[QThread, QObject]] = []


def _keep_until_finished(thread: QThread, worker: QObject) -> None:
    _LAUNCHED[:] = [(t, w) for t, w in _LAUNCHED if not t.isFinished()]
    _LAUNCHED.append((thread, worker))


def stop_all_threads(timeout_ms: int = 10000) -> None:
    """At exit: ask every launched worker to stop, and wait for the threads to end."""
    for thread, worker in list(_LAUNCHED):
        stop = getattr(worker, "request_stop", None)
        if stop is not None:
            stop()
        thread.quit()
    for thread, _worker in list(_LAUNCHED):
        thread.wait(timeout_ms)
    _LAUNCHED.clear()


atexit.register(stop_all_threads)


class ThreadHost(QObject):
    """Owns one worker thread at a time: launch, release when finished, shut down on demand.

    Lifetimes are held by Python references only (no Qt parent, no ``deleteLater``): mixing
    the two makes PySide delete the objects twice. Threads are also registered in
    ``_LAUNCHED`` so none is destroyed while running, even if this host is. Worker signals
    must be connected to *bound methods* of this GUI-thread object, so Qt delivers them queued
    in the GUI thread.
    """

    runningChanged = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._run_id = 0
        self._thread: QThread | None = None
        self._worker: QObject | None = None

    @property
    def running(self) -> bool:
        """True from the start of a run until it is released (``runningChanged(False)``)."""
        return self._thread is not None

    def _current(self, run_id: int) -> bool:
        return run_id == self._run_id

    def _launch(self, worker: QObject, name: str, *ends: Signal) -> None:
        thread = QThread()
        thread.setObjectName(name)
        worker.moveToThread(thread)
        thread.started.connect(worker.run)
        for end in ends:
            end.connect(thread.quit)
        thread.finished.connect(self._on_thread_done)
        self._thread, self._worker = thread, worker
        _keep_until_finished(thread, worker)
        thread.start()
        self.runningChanged.emit(True)

    def _request_stop(self) -> None:
        """Ask the current worker to end (subclasses know how)."""

    def _released(self) -> None:
        """Drop per-run references (subclasses extend)."""
        self._thread = self._worker = None

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        """Stop the run and wait for its thread; True if it ended in time. Anything the run
        still sends is dropped."""
        self._run_id += 1
        thread = self._thread
        if thread is None:
            return True
        self._request_stop()
        thread.quit()
        done = bool(thread.wait(timeout_ms))  # if not, _LAUNCHED keeps it until it ends
        self._released()
        self.runningChanged.emit(False)
        return done

    def _on_thread_done(self) -> None:
        thread = self._thread
        if thread is not None and thread.isFinished():
            thread.wait()
            self._released()
            self.runningChanged.emit(False)
