"""Background training: a QObject worker in its own QThread iterates a trainer generator.

The worker never touches widgets. It batches step events and emits them at most every
``emit_interval`` seconds (0.1 s: the plots redraw at ~7 Hz anyway, and every delivery makes
the GUI thread take the GIL from training) as :class:`StepBatch` snapshots of plain floats,
forwards epoch and terminal events, and runs *probes* — functions of the trainer evaluated in
the worker thread at most every ``interval`` seconds (decision boundaries, activation
histograms) — whose results are copies before they cross threads. Each run has an id; the
controller drops anything from a run that is no longer current. Generic jobs live in
:mod:`workbench.concurrency.jobs`, thread ownership in :mod:`workbench.concurrency.threads`.
"""

from __future__ import annotations

import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QObject, Signal, Slot

from nn.errors import NNError
from nn.training import TERMINAL, EpochEnd, Event, Paused, Resumed, StepEnd, Trainer
from workbench.concurrency.threads import ThreadHost
from workbench.core.probes import Probe


@dataclass(frozen=True)
class StepBatch:
    """Steps since the previous snapshot."""

    run_id: int
    iterations: list[int]
    losses: list[float]
    lrs: list[float]
    last: StepEnd


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
                if self._cancelled.is_set():  # also a stop that came before run() began:
                    self.trainer.stop()  # run() clears the trainer's flag when it starts
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


class TrainingController(ThreadHost):
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
