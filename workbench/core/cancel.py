"""The one cancel token of every background job (Qt-free, so the jobs' code can take it).

A job — a function or a generator run by :class:`workbench.concurrency.runner.JobRunner` —
receives a :class:`CancelToken`. The GUI thread sets it (Stop, Cancel, a newer request, closing
the window); the job reads it between steps, or *attaches* the ``stop()`` of an engine runner it
built, which is then called the moment the token is set. A job that wants to tell the GUI how
far it got while it blocks in one call (a download) sends events through :meth:`report`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any


class CancelToken(threading.Event):
    """A :class:`threading.Event` that also stops attached runners and forwards reports.

    ``set()`` asks the job to end; ``is_set()`` and ``wait(timeout)`` are the Event's own (a
    paced loop sleeps with ``token.wait(pause)`` and still wakes at once when cancelled), so a
    token goes wherever a stop Event or a ``should_cancel`` callable (``token.is_set``) is
    expected. Thread-safe.

    Parameters
    ----------
    report : callable, optional
        Receives every :meth:`report` event, in the job's thread (the runner batches them to
        the GUI thread). Default: reports are dropped.
    """

    def __init__(self, report: Callable[[Any], None] | None = None) -> None:
        super().__init__()
        self._lock = threading.Lock()
        self._stops: list[Callable[[], None]] = []
        self._report = report

    def set(self) -> None:
        """Cancel: set the flag and call every attached stop (each once)."""
        with self._lock:
            super().set()
            stops, self._stops = self._stops, []
        for stop in stops:
            stop()

    def attach(self, stop: Callable[[], None]) -> None:
        """Call ``stop`` when the token is set — at once if it already is."""
        with self._lock:
            if not self.is_set():
                self._stops.append(stop)
                return
        stop()

    def report(self, event: Any) -> None:
        """Send ``event`` towards the GUI thread (call it from the job's own thread)."""
        if self._report is not None:
            self._report(event)
