"""The one job runner: a function or a generator in a worker thread, with one cancel token.

Every background computation of the workbench goes through :class:`JobRunner` — compare runs,
Inspect jobs, model loading, downloads, exports, and (through
:class:`~workbench.concurrency.latest.LatestWins` and
:class:`~workbench.concurrency.training.TrainingController`) the quick views, Draw's inference
and training. A job is given a :class:`~workbench.core.cancel.CancelToken`; what it reports or
yields reaches the GUI thread in batches, its return value as :attr:`JobRunner.done`, an
exception as a one-line message in :attr:`JobRunner.failed`. Everything it sends must be fresh
data (copies), never arrays the job keeps changing.

Ending a job is the same everywhere:

- :meth:`JobRunner.stop` — the job ends early at its next check; what it sends on the way out
  (a stopped comparison's partial results, an Inspect view's ``Cancelled``) still arrives.
- :meth:`JobRunner.cancel` — the job ends early and everything it still sends is dropped; the
  runner is free at once (starting a new job cancels the running one this way).
- :meth:`JobRunner.shutdown` — cancel, then join the thread within a bounded wait. At exit
  :func:`~workbench.concurrency.registry.stop_all` does the same for every running job.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from workbench.concurrency import registry
from workbench.core.cancel import CancelToken
from workbench.core.errors import error_message

Job = Callable[[CancelToken], Any]


class _Worker(QObject):
    """Runs ``job(token)`` in its thread; events reported through the token are sent in
    batches at most every ``emit_interval`` seconds (0: each at once). An event is sent at once
    when the interval has passed since the last batch, else with the next one (or at the end)."""

    events = Signal(int, object)  # run id, list of events
    done = Signal(int, object)  # run id, the job's return value
    failed = Signal(int, str)  # run id, message
    ended = Signal()  # last signal of the run: the thread quits

    def __init__(self, run_id: int, job: Job, emit_interval: float) -> None:
        super().__init__()
        self.run_id, self.job, self.emit_interval = run_id, job, emit_interval
        self.token = CancelToken(self._report)
        self._batch: list[Any] = []
        self._last = -math.inf  # the first event goes at once

    def _report(self, event: Any) -> None:
        self._batch.append(event)
        now = time.perf_counter()
        if now - self._last >= self.emit_interval:
            self._flush()
            self._last = now

    def _flush(self) -> None:
        if self._batch:
            batch, self._batch = self._batch, []
            self.events.emit(self.run_id, batch)

    @Slot()
    def run(self) -> None:
        try:
            result = self.job(self.token)
        except Exception as exc:  # noqa: BLE001 — reported to the user, never a crash
            self._flush()
            self.failed.emit(self.run_id, error_message(exc))
        else:
            self._flush()
            self.done.emit(self.run_id, result)
        finally:
            self.ended.emit()


def _drain(make: Callable[[CancelToken], Iterable[Any]]) -> Job:
    """A job that reports every event of the generator ``make(token)``."""

    def job(token: CancelToken) -> None:
        for event in make(token):
            token.report(event)

    return job


class JobRunner(QObject):
    """Runs one background job at a time; a new start cancels the running job (its late
    results are dropped). Use :meth:`start_generator` for event streams (comparisons,
    searches, Inspect scans) and :meth:`start_task` for one-shot computations. Signals are
    delivered in the GUI thread, only for the current job."""

    events = Signal(object)  # list of events (reported or yielded)
    done = Signal(object)  # the job's return value (None for generators)
    failed = Signal(str)  # an exception's one-line message
    runningChanged = Signal(bool)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QObject | None = None, emit_interval: float = 0.05) -> None:
        super().__init__(parent)
        self.emit_interval = emit_interval
        self._run_id = 0
        self._thread: QThread | None = None
        self._worker: _Worker | None = None

    @property
    def running(self) -> bool:
        """True from a start until the job's thread ends or the job is cancelled."""
        return self._thread is not None

    def start_task(self, job: Job) -> int:
        """Run ``job(token)`` in a worker thread; its return value arrives as :attr:`done`."""
        return self._start(job)

    def start_generator(self, make: Callable[[CancelToken], Iterable[Any]]) -> int:
        """Iterate ``make(token)`` in a worker thread; its events arrive as :attr:`events`,
        then :attr:`done` with None."""
        return self._start(_drain(make))

    def _start(self, job: Job) -> int:
        self.cancel()
        self._run_id += 1
        worker = _Worker(self._run_id, job, self.emit_interval)
        worker.events.connect(self._on_events)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._worker = worker
        self._thread = registry.launch(worker, worker.token, f"job-{self._run_id}",
                                       self._on_thread_done)
        self.runningChanged.emit(True)
        return self._run_id

    def stop(self) -> None:
        """Ask the job to end early; what it sends while ending still arrives."""
        if self._worker is not None:
            self._worker.token.set()

    def cancel(self) -> None:
        """Ask the job to end early and drop everything it still sends (the thread ends in
        the background; the registry joins it at exit)."""
        if self._worker is None:
            return
        self._run_id += 1
        self._worker.token.set()
        self._release()

    def shutdown(self, timeout_ms: int = registry.STOP_WAIT_MS) -> bool:
        """Cancel the job and wait for its thread; True if it ended in time."""
        thread = self._thread
        self.cancel()
        return thread is None or bool(thread.wait(timeout_ms))

    def _release(self) -> None:
        self._thread = self._worker = None
        self.runningChanged.emit(False)

    # Worker signals arrive queued in the GUI thread (bound methods of this object).
    def _on_events(self, run_id: int, events: list) -> None:
        if run_id == self._run_id:
            self.events.emit(events)

    def _on_done(self, run_id: int, result: Any) -> None:
        if run_id == self._run_id:
            self.done.emit(result)

    def _on_failed(self, run_id: int, message: str) -> None:
        if run_id == self._run_id:
            self.failed.emit(message)

    def _on_thread_done(self) -> None:
        thread = self._thread
        if thread is not None and thread.isFinished():
            thread.wait()
            self._release()
