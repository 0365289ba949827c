"""Run a short computation inline when it is known to be quick, in a worker thread otherwise.

The 2-D paths and the initializer histograms usually take a few milliseconds, and doing them
inline makes the views feel instant; but a few thousand steps, many inputs or a busy machine
(multithreaded BLAS slows down sharply under load) can take far longer. :class:`QuickJob`
measures how long its work takes per unit (steps, inputs…) and runs a request on the GUI thread
only when the predicted time is under ``budget`` seconds, else through a
:class:`~workbench.concurrency.jobs.JobRunner`. Only the latest request's result is delivered.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from nn.errors import NNError
from workbench.concurrency.jobs import JobRunner

BUDGET = 0.03  # seconds allowed on the GUI thread


def _timed(fn: Callable[[], Any]) -> Callable[[], tuple[float, Any]]:
    def run() -> tuple[float, Any]:
        t0 = time.perf_counter()
        result = fn()
        return time.perf_counter() - t0, result
    return run


class QuickJob(QObject):
    """Deliver ``fn()``'s result through :attr:`done` — inline if quick, else in a thread.

    ``fn`` must be Qt-free and return fresh data. A ``ValueError`` or engine error becomes
    :attr:`failed` with its message.
    """

    done = Signal(object)
    failed = Signal(str)
    busyChanged = Signal(bool)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QObject | None = None, budget: float = BUDGET) -> None:
        super().__init__(parent)
        self.budget = budget
        self.seconds_per_unit: float | None = None  # learned from every run
        self.runner = JobRunner(self)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self._generation = 0
        self._inflight: tuple[int, float] | None = None  # (generation, units)
        self._pending: tuple[int, Callable[[], Any], float] | None = None
        self.inline_runs = 0
        self.background_runs = 0

    @property
    def busy(self) -> bool:
        return self._inflight is not None

    def predicted(self, units: float) -> float | None:
        """Predicted seconds for ``units`` of work (None until something was measured)."""
        return None if self.seconds_per_unit is None else self.seconds_per_unit * units

    def submit(self, fn: Callable[[], Any], units: float = 1.0) -> None:
        """Compute ``fn()``; any earlier request's result will be dropped."""
        self._generation += 1
        gen = self._generation
        guess = self.predicted(units)
        if guess is not None and guess < self.budget:
            self._pending = None
            self.inline_runs += 1
            try:
                elapsed, result = _timed(fn)()
            except (ValueError, NNError) as exc:
                self.failed.emit(str(exc))
                return
            self._learn(elapsed, units)
            self.done.emit(result)
            return
        if self._inflight is not None:  # let the running job finish; start the latest next
            self._pending = (gen, fn, units)
            return
        self._start(gen, fn, units)

    def _start(self, gen: int, fn: Callable[[], Any], units: float) -> None:
        self._inflight = (gen, units)
        self.background_runs += 1
        self.busyChanged.emit(True)
        self.runner.start_task(_timed(fn))

    def _learn(self, elapsed: float, units: float) -> None:
        rate = elapsed / max(units, 1e-9)
        old = self.seconds_per_unit
        self.seconds_per_unit = rate if old is None else 0.5 * (old + rate)

    def _finish(self) -> tuple[int, float] | None:
        inflight, self._inflight = self._inflight, None
        if self._pending is not None:
            gen, fn, units = self._pending
            self._pending = None
            self._start(gen, fn, units)
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
        if gen == self._generation:
            self.done.emit(result)

    def _on_failed(self, message: str) -> None:
        inflight = self._finish()
        if inflight is not None and inflight[0] == self._generation:
            self.failed.emit(message)

    def shutdown(self) -> None:
        """Drop pending work and wait for a running job (results are discarded)."""
        self._generation += 1
        self._pending = None
        self.runner.shutdown()
        if self._inflight is not None:
            self._inflight = None
            self.busyChanged.emit(False)
