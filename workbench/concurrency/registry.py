"""The one owner of worker threads: every background job's ``QThread`` is made and ended here.

:func:`launch` moves a worker object to a new thread and keeps (thread, worker, token)
referenced until the thread has finished: a ``QThread`` destroyed while running aborts the
process, and the page or dialog that asked for the job may be deleted first. Lifetimes are held
by Python references only (no Qt parent, no ``deleteLater``): mixing the two makes PySide delete
the objects twice.

At exit (the application's ``aboutToQuit``, and ``atexit`` for anything later) :func:`stop_all`
stops every running job the same way: its cancel token is set — the job ends at its next check,
or at once through an attached ``stop()`` — and its thread is joined within one bounded wait.
"""

from __future__ import annotations

import atexit
import time
from collections.abc import Callable
from dataclasses import dataclass

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, Qt, QThread

from workbench.core.cancel import CancelToken

#: How long :func:`stop_all` waits, in all, for the running jobs to end (milliseconds).
STOP_WAIT_MS = 10_000


@dataclass
class _Running:
    thread: QThread
    worker: QObject
    token: CancelToken


_RUNNING: list[_Running] = []
_HOOKED: list[QCoreApplication] = []  # the application whose aboutToQuit calls stop_all


def launch(worker: QObject, token: CancelToken, name: str,
           on_finished: Callable[[], None]) -> QThread:
    """Run ``worker.run()`` in a new thread named ``name``; the thread quits when the worker
    emits ``ended``, then ``on_finished`` (a bound method of a GUI-thread object, so it runs
    queued in the GUI thread) is called. ``token`` is what :func:`stop_all` sets."""
    _sweep()
    _hook_quit()
    thread = QThread()
    thread.setObjectName(name)
    worker.moveToThread(thread)
    thread.started.connect(worker.run)
    # Quit from the worker's own thread: a queued quit would wait for the GUI thread, which
    # may itself be waiting for this thread to end.
    worker.ended.connect(thread.quit, Qt.ConnectionType.DirectConnection)
    thread.finished.connect(on_finished)
    _RUNNING.append(_Running(thread, worker, token))
    thread.start()
    return thread


def running_count() -> int:
    """How many launched threads have not finished yet."""
    _sweep()
    return len(_RUNNING)


def stop_all(timeout_ms: int = STOP_WAIT_MS) -> bool:
    """Cancel every running job and join its thread, waiting ``timeout_ms`` at most in all.
    True if every thread ended in time (one that did not stays referenced)."""
    jobs = list(_RUNNING)
    for job in jobs:
        job.token.set()
    deadline = time.monotonic() + timeout_ms / 1000
    ended = True
    for job in jobs:
        if not shiboken6.isValid(job.thread):  # already gone at interpreter exit
            continue
        left = max(0, int((deadline - time.monotonic()) * 1000))
        ended = bool(job.thread.wait(left)) and ended
    _sweep()
    return ended


def _sweep() -> None:
    """Drop the threads that have finished (``wait`` returns at once for them)."""
    alive = []
    for job in _RUNNING:
        if shiboken6.isValid(job.thread) and not job.thread.isFinished():
            alive.append(job)
        elif shiboken6.isValid(job.thread):
            job.thread.wait()  # `finished` is emitted just before the thread really ends
    _RUNNING[:] = alive


def _hook_quit() -> None:
    app = QCoreApplication.instance()
    if app is not None and not any(a is app and shiboken6.isValid(a) for a in _HOOKED):
        app.aboutToQuit.connect(stop_all)
        _HOOKED[:] = [app]


atexit.register(stop_all)
