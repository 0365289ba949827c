"""The one latest-request-wins service: views that recompute on every input change.

The 2-D optimizer paths, the initializer histograms and Draw's forward pass are asked for
again and again while the user drags a slider or moves the pen. :class:`LatestWins` computes one
request at a time in a worker thread (through a
:class:`~workbench.concurrency.runner.JobRunner`); while it computes, newer requests replace
each other in one waiting slot and only the newest is computed next, so the view is never more
than one computation behind the input and never computes a request nobody waits for. A result
older than one already shown (or withdrawn with :meth:`LatestWins.discard`) is dropped.

With a ``budget`` the service also measures how long its work takes per unit (steps,
inputs…) and runs a request inline on the GUI thread when the predicted time is under the
budget: a few milliseconds of work then feels instant, while a large request, or a busy
machine (multithreaded BLAS slows down sharply under load), stays off the GUI thread.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from workbench.concurrency.runner import JobRunner
from workbench.core.errors import error_message

BUDGET = 0.03  # seconds a request may take on the GUI thread


def _timed(fn: Callable[[], Any]) -> tuple[float, Any]:
    t0 = time.perf_counter()
    result = fn()
    return time.perf_counter() - t0, result


class LatestWins(QObject):
    """Deliver ``fn()`` of the latest :meth:`submit` through :attr:`done`.

    ``fn`` must be Qt-free and return fresh data; an exception becomes :attr:`failed` with a
    one-line message. Requests never run concurrently with each other, so ``fn`` may use an
    object that only one computation at a time may touch (Draw's model writes its layers'
    caches during a forward pass).

    Parameters
    ----------
    budget : float
        Seconds a request may take inline on the GUI thread (0: always in a worker thread).
    show_superseded : bool
        Also deliver a result whose request was replaced while it was computed (the newer one
        then follows): for live views that must follow a continuous input, like Draw's bars
        while the pen moves. By default only the newest request's result is delivered.
    """

    done = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QObject | None = None, budget: float = BUDGET,
                 show_superseded: bool = False) -> None:
        super().__init__(parent)
        self.budget, self.show_superseded = budget, show_superseded
        self.seconds_per_unit: float | None = None  # learned from every run
        self.runner = JobRunner(self)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self._generation = 0  # of the latest request
        self._floor = 0  # results of this generation or older are dropped
        self._inflight: tuple[int, float] | None = None  # (generation, units)
        self._pending: tuple[int, Callable[[], Any], float] | None = None
        self.inline_runs = 0
        self.background_runs = 0

    @property
    def busy(self) -> bool:
        """A request is being computed in the worker thread (another may wait)."""
        return self._inflight is not None

    def predicted(self, units: float) -> float | None:
        """Predicted seconds for ``units`` of work (None until something was measured)."""
        return None if self.seconds_per_unit is None else self.seconds_per_unit * units

    def submit(self, fn: Callable[[], Any], units: float = 1.0) -> None:
        """Compute ``fn()`` now, inline or in the worker thread, or after the request being
        computed (replacing any request waiting for it)."""
        self._generation += 1
        gen = self._generation
        guess = self.predicted(units)
        if guess is not None and guess < self.budget:
            self._pending = None
            self._floor = gen  # anything still computing is older than this
            self.inline_runs += 1
            try:
                elapsed, result = _timed(fn)
            except Exception as exc:  # noqa: BLE001 — shown as a message, never a crash
                self.failed.emit(error_message(exc))
                return
            self._learn(elapsed, units)
            self.done.emit(result)
            return
        if self._inflight is not None:
            self._pending = (gen, fn, units)
            return
        self._start(gen, fn, units)
        self.busyChanged.emit(True)

    def discard(self) -> None:
        """Withdraw every request made so far: the waiting one is never computed and the
        result being computed is dropped."""
        self._pending = None
        self._floor = self._generation

    def shutdown(self) -> None:
        """Discard everything and stop the worker thread (joined within a bounded wait)."""
        self.discard()
        self.runner.shutdown()
        if self._inflight is not None:
            self._inflight = None
            self.busyChanged.emit(False)

    def _start(self, gen: int, fn: Callable[[], Any], units: float) -> None:
        self._inflight = (gen, units)
        self.background_runs += 1
        self.runner.start_task(lambda _token: _timed(fn))

    def _learn(self, elapsed: float, units: float) -> None:
        rate = elapsed / max(units, 1e-9)
        old = self.seconds_per_unit
        self.seconds_per_unit = rate if old is None else 0.5 * (old + rate)

    def _deliverable(self, gen: int) -> bool:
        if gen <= self._floor:
            return False
        return gen == self._generation or self.show_superseded

    def _finish(self) -> tuple[int, float] | None:
        """The computed request ended: start the waiting one, if any."""
        inflight, self._inflight = self._inflight, None
        if self._pending is not None:
            gen, fn, units = self._pending
            self._pending = None
            self._start(gen, fn, units)  # stays busy: no busyChanged
        else:
            self.busyChanged.emit(False)
        return inflight

    def _on_done(self, payload: tuple[float, Any]) -> None:
        elapsed, result = payload
        inflight = self._finish()
        if inflight is None:
            return
        gen, units = inflight
        self._learn(elapsed, units)
        if self._deliverable(gen):
            self._floor = gen
            self.done.emit(result)

    def _on_failed(self, message: str) -> None:
        inflight = self._finish()
        if inflight is not None and self._deliverable(inflight[0]):
            self._floor = inflight[0]
            self.failed.emit(message)
