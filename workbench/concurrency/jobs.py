"""Generic background jobs for the pages: an event stream or a one-shot computation in a worker
thread, with superseding, cancelling and results copied across (see :class:`JobRunner`)."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from nn.errors import NNError
from workbench.concurrency.threads import ThreadHost


class _JobWorker(QObject):
    """Iterates ``make()`` (a generator of events) in a worker thread, emitting the events in
    batches at most every ``emit_interval`` seconds; or, for a one-shot task, emits the return
    value of ``make()`` once."""

    events = Signal(int, object)  # run id, list of events
    done = Signal(int, object)  # run id, result (None for generators)
    failed = Signal(int, str)

    def __init__(self, run_id: int, make: Callable[[], Any], iterate: bool,
                 emit_interval: float) -> None:
        super().__init__()
        self.run_id, self.make, self.iterate = run_id, make, iterate
        self.emit_interval = emit_interval

    @Slot()
    def run(self) -> None:
        try:
            if not self.iterate:
                self.done.emit(self.run_id, self.make())
                return
            batch: list[Any] = []
            last = time.perf_counter()
            for event in self.make():
                batch.append(event)
                now = time.perf_counter()
                if now - last >= self.emit_interval:
                    self.events.emit(self.run_id, batch)
                    batch, last = [], now
            if batch:
                self.events.emit(self.run_id, batch)
            self.done.emit(self.run_id, None)
        except NNError as exc:
            self.failed.emit(self.run_id, str(exc))
        except Exception as exc:  # noqa: BLE001 — reported to the user, never a crash
            self.failed.emit(self.run_id,
                             traceback.format_exception_only(type(exc), exc)[-1].strip())


class JobRunner(ThreadHost):
    """Runs one background job at a time; a new :meth:`start` supersedes the previous job
    (its late results are dropped). Use :meth:`start_generator` for long event streams
    (comparisons, searches) and :meth:`start_task` for one-shot computations (confusion
    matrices, gradient checks). ``cancel`` is a thread-safe callable that makes the job end
    early (e.g. ``comparison.stop``)."""

    events = Signal(object)  # list of events (generator jobs)
    done = Signal(object)  # result (task jobs) or None (generator jobs)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None, emit_interval: float = 0.05) -> None:
        super().__init__(parent)
        self.emit_interval = emit_interval
        self._cancel: Callable[[], None] | None = None

    def start_generator(self, make: Callable[[], Any],
                        cancel: Callable[[], None] | None = None) -> int:
        return self._start(make, True, cancel)

    def start_task(self, make: Callable[[], Any],
                   cancel: Callable[[], None] | None = None) -> int:
        return self._start(make, False, cancel)

    def _start(self, make, iterate: bool, cancel) -> int:
        self._detach()
        self._run_id += 1
        worker = _JobWorker(self._run_id, make, iterate, self.emit_interval)
        worker.events.connect(self._on_events)
        worker.done.connect(self._on_done)
        worker.failed.connect(self._on_failed)
        self._cancel = cancel
        self._launch(worker, f"job-{self._run_id}", worker.done, worker.failed)
        return self._run_id

    def cancel(self) -> None:
        """Ask the current job to end early (its final events still arrive)."""
        if self._cancel is not None:
            self._cancel()

    def _request_stop(self) -> None:
        if self._cancel is not None:
            self._cancel()

    def _detach(self) -> None:
        """Supersede the current job without waiting for it: cancel it, drop its results and
        let it end in the background (``workbench.concurrency.threads`` keeps its thread alive
        until then)."""
        if self._thread is None:
            return
        self._run_id += 1
        self._request_stop()
        self._thread.quit()
        self._released()
        self.runningChanged.emit(False)

    def _released(self) -> None:
        super()._released()
        self._cancel = None

    def _on_events(self, run_id: int, events: list) -> None:
        if run_id == self._run_id:
            self.events.emit(events)

    def _on_done(self, run_id: int, result: Any) -> None:
        if run_id == self._run_id:
            self.done.emit(result)

    def _on_failed(self, run_id: int, message: str) -> None:
        if run_id == self._run_id:
            self.failed.emit(message)
