"""Background training: a QObject worker in its own QThread iterates a trainer generator.

The worker never touches widgets. It batches step events and emits them at most every
``emit_interval`` seconds (0.1 s: the plots redraw at ~7 Hz anyway, and every delivery makes
the GUI thread take the GIL from training) as :class:`StepBatch` snapshots (plain floats and copied arrays),
forwards epoch and terminal events, and runs *probes* — functions of the model evaluated in the
worker thread at most every ``interval`` seconds (decision boundaries, activation histograms) —
whose results are copied before they cross threads. Each run has an id; the controller drops
anything from a run that is no longer current.
"""

from __future__ import annotations

import atexit
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from nn.errors import NNError
from nn.training import TERMINAL, EpochEnd, Event, Paused, Resumed, StepEnd, Trainer


@dataclass(frozen=True)
class StepBatch:
    """Steps since the previous snapshot."""

    run_id: int
    iterations: list[int]
    losses: list[float]
    lrs: list[float]
    last: StepEnd


@dataclass
class Probe:
    """``compute(trainer)`` in the worker thread, at most every ``interval`` seconds; its result
    must be freshly allocated (copied) data, or None for nothing to send."""

    name: str
    compute: Callable[[Any], Any]
    interval: float = 0.5
    last: float = field(default=0.0, repr=False)


class TrainingWorker(QObject):
    """Runs ``trainer.run()`` in a worker thread; all communication is by signals."""

    prepared = Signal(int, object)  # run id, Trainer (built in this thread by the factory)
    steps = Signal(object)  # StepBatch
    epochEnded = Signal(int, object)  # run id, EpochEnd
    stateChanged = Signal(int, object)  # run id, Paused | Resumed
    probed = Signal(int, str, object)  # run id, probe name, payload
    finished = Signal(int, object)  # run id, Finished | Stopped | Diverged
    failed = Signal(int, str)  # run id, message (an unexpected exception)

    def __init__(self, run_id: int, trainer: Trainer | Callable[[], Trainer],
                 epochs: int | None = None, probes: list[Probe] | None = None,
                 emit_interval: float = 0.1) -> None:
        super().__init__()
        self.run_id, self.epochs = run_id, epochs
        self.factory = trainer if callable(trainer) and not isinstance(trainer, Trainer) else None
        self.trainer: Trainer | None = None if self.factory else trainer
        self.probes = list(probes or [])
        self.emit_interval = emit_interval
        self._cancelled = threading.Event()

    def request_stop(self) -> None:
        """Thread-safe: stop the run, including one whose trainer is still being prepared."""
        self._cancelled.set()
        trainer = self.trainer
        if trainer is not None:
            trainer.stop()

    @Slot()
    def run(self) -> None:
        batch: list[StepEnd] = []
        last_emit = time.perf_counter()
        try:
            if self.factory is not None:  # load data and build the model off the GUI thread
                self.trainer = self.factory()
            if self._cancelled.is_set():
                self.trainer.stop()
            self.prepared.emit(self.run_id, self.trainer)
            self._run_probes(force=True)
            for event in self.trainer.run(self.epochs):
                if isinstance(event, StepEnd):
                    batch.append(event)
                    now = time.perf_counter()
                    if now - last_emit >= self.emit_interval:
                        self._flush(batch)
                        batch, last_emit = [], now
                        self._run_probes()
                    continue
                self._flush(batch)
                batch = []
                if isinstance(event, EpochEnd):
                    self.epochEnded.emit(self.run_id, event)
                    self._run_probes(force=True)
                elif isinstance(event, (Paused, Resumed)):
                    self.stateChanged.emit(self.run_id, event)
                elif isinstance(event, TERMINAL):
                    self._run_probes(force=True)
                    self.finished.emit(self.run_id, event)
                    return
        except NNError as exc:  # the engine's own, user-facing messages
            self.failed.emit(self.run_id, str(exc))
        except Exception as exc:  # noqa: BLE001 — reported to the user, never a crash
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            self.failed.emit(self.run_id, detail)

    def _flush(self, batch: list[StepEnd]) -> None:
        if batch:
            self.steps.emit(StepBatch(self.run_id, [e.iteration for e in batch],
                                      [e.loss for e in batch], [e.lr for e in batch], batch[-1]))

    def _run_probes(self, force: bool = False) -> None:
        now = time.perf_counter()
        for probe in self.probes:
            if force or now - probe.last >= probe.interval:
                probe.last = now
                payload = probe.compute(self.trainer)
                if payload is not None:
                    self.probed.emit(self.run_id, probe.name, payload)


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


class _ThreadHost(QObject):
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


class TrainingController(_ThreadHost):
    """GUI-thread owner of the current run's thread and worker.

    Re-emits the worker's signals only for the current run id, so a late event from a run the
    user already replaced is dropped.
    """

    prepared = Signal(object)  # the Trainer, once built
    steps = Signal(object)
    epochEnded = Signal(object)
    stateChanged = Signal(object)
    probed = Signal(str, object)
    finished = Signal(object)
    failed = Signal(str)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer: Trainer | None = None

    def start(self, trainer: Trainer | Callable[[], Trainer], epochs: int | None = None,
              probes: list[Probe] | None = None) -> int:
        """Train ``trainer`` in a new thread: an existing one (to continue it) or a factory
        called in the worker thread (loading data and building the model there)."""
        if self.running:
            raise RuntimeError("A training run is already in progress")
        self._run_id += 1
        self.trainer = trainer if isinstance(trainer, Trainer) else None
        worker = TrainingWorker(self._run_id, trainer, epochs, probes)
        worker.prepared.connect(self._on_prepared)
        worker.steps.connect(self._on_steps)
        worker.epochEnded.connect(self._on_epoch)
        worker.stateChanged.connect(self._on_state)
        worker.probed.connect(self._on_probe)
        worker.finished.connect(self._on_finished)
        worker.failed.connect(self._on_failed)
        self._launch(worker, f"training-{self._run_id}", worker.finished, worker.failed)
        return self._run_id

    def pause(self) -> None:
        if self.trainer is not None:
            self.trainer.pause()

    def resume(self) -> None:
        if self.trainer is not None:
            self.trainer.resume()

    def stop(self) -> None:
        if self._worker is not None:
            self._worker.request_stop()  # also honoured while the trainer is being prepared

    def set_hyperparameters(self, **values: float) -> None:
        """Queue optimizer changes for the running trainer (validated; may raise ValueError)."""
        if self.trainer is not None:
            self.trainer.set_hyperparameters(**values)

    def _request_stop(self) -> None:
        if self._worker is not None:
            self._worker.request_stop()

    def shutdown(self, timeout_ms: int = 10000) -> bool:
        done = super().shutdown(timeout_ms)
        self.trainer = None
        return done

    # Signals from the worker arrive queued in the GUI thread.
    def _on_prepared(self, run_id: int, trainer: Trainer) -> None:
        if self._current(run_id):
            self.trainer = trainer
            self.prepared.emit(trainer)

    def _on_steps(self, batch: StepBatch) -> None:
        if self._current(batch.run_id):
            self.steps.emit(batch)

    def _on_epoch(self, run_id: int, event: EpochEnd) -> None:
        if self._current(run_id):
            self.epochEnded.emit(event)

    def _on_state(self, run_id: int, event: Event) -> None:
        if self._current(run_id):
            self.stateChanged.emit(event)

    def _on_probe(self, run_id: int, name: str, payload: Any) -> None:
        if self._current(run_id):
            self.probed.emit(name, payload)

    def _on_finished(self, run_id: int, event: Event) -> None:
        if self._current(run_id):
            self.finished.emit(event)

    def _on_failed(self, run_id: int, message: str) -> None:
        if self._current(run_id):
            self.failed.emit(message)


# --------------------------------------------------------------------------- generic jobs
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


class JobRunner(_ThreadHost):
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
        let it end in the background (``_LAUNCHED`` keeps its thread alive until then)."""
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
