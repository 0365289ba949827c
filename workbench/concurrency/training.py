"""Background training: :func:`~workbench.core.training_events.training_events` run by a
:class:`~workbench.concurrency.runner.JobRunner`, its events re-emitted as typed signals.

The worker never touches widgets; what it sends are snapshots (see
:mod:`workbench.core.training_events`). Each run is a job of the runner, so a late event from
a run the user already replaced is dropped, Stop sets the run's cancel token (honoured even
while the trainer is still being built) and closing the window stops it cooperatively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, Signal

from nn.training import TERMINAL, EpochEnd, Paused, Resumed, Trainer
from workbench.concurrency import registry
from workbench.concurrency.runner import JobRunner
from workbench.core.training_events import Prepared, Probe, Probed, StepBatch, training_events


class TrainingController(QObject):
    """GUI-thread owner of the current training run."""

    prepared = Signal(object)  # the Trainer, once built
    steps = Signal(object)  # StepBatch
    epochEnded = Signal(object)  # noqa: N815 — EpochEnd
    stateChanged = Signal(object)  # noqa: N815 — Paused | Resumed
    probed = Signal(str, object)  # probe name, payload
    finished = Signal(object)  # Finished | Stopped | Diverged
    failed = Signal(str)  # an unexpected exception's message
    runningChanged = Signal(bool)  # noqa: N815

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.trainer: Trainer | None = None
        self._runner = JobRunner(self, emit_interval=0.0)  # training_events batches itself
        self._runner.events.connect(self._on_events)
        self._runner.failed.connect(self.failed)
        self._runner.runningChanged.connect(self.runningChanged)

    @property
    def running(self) -> bool:
        """True from the start of a run until its thread has ended."""
        return self._runner.running

    def start(self, trainer: Trainer | Callable[[], Trainer], epochs: int | None = None,
              probes: list[Probe] | None = None) -> int:
        """Train ``trainer`` in a new thread: an existing one (to continue it) or a factory
        called in the worker thread (loading data and building the model there)."""
        if self.running:
            raise RuntimeError("A training run is already in progress")
        self.trainer = trainer if isinstance(trainer, Trainer) else None
        return self._runner.start_generator(
            lambda token: training_events(trainer, token, epochs, probes))

    def pause(self) -> None:
        if self.trainer is not None:
            self.trainer.pause()

    def resume(self) -> None:
        if self.trainer is not None:
            self.trainer.resume()

    def stop(self) -> None:
        """End the run after the current step; its final events still arrive."""
        self._runner.stop()

    def set_hyperparameters(self, **values: float) -> None:
        """Queue optimizer changes for the running trainer (validated; may raise ValueError)."""
        if self.trainer is not None:
            self.trainer.set_hyperparameters(**values)

    def shutdown(self, timeout_ms: int = registry.STOP_WAIT_MS) -> bool:
        """Stop the run and wait for its thread; True if it ended in time. Anything the run
        still sends is dropped."""
        done = self._runner.shutdown(timeout_ms)
        self.trainer = None
        return done

    def _on_events(self, events: list[Any]) -> None:
        for event in events:
            if isinstance(event, StepBatch):
                self.steps.emit(event)
            elif isinstance(event, Prepared):
                self.trainer = event.trainer
                self.prepared.emit(event.trainer)
            elif isinstance(event, Probed):
                self.probed.emit(event.name, event.payload)
            elif isinstance(event, EpochEnd):
                self.epochEnded.emit(event)
            elif isinstance(event, (Paused, Resumed)):
                self.stateChanged.emit(event)
            elif isinstance(event, TERMINAL):
                self.finished.emit(event)
