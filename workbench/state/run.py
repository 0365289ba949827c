"""The live run as the training view sees it: metrics history fed by worker snapshots.

Qt-free; the plots redraw from it on a timer when :attr:`RunState.dirty` is set.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Any

from nn.training import EpochEnd, History, StepEnd
from workbench.core.i18n import tr
from workbench.core.observable import Signal

STATUSES = ("idle", "running", "paused", "finished", "stopped", "diverged", "failed")


@dataclass
class RunState:
    history: History = field(default_factory=History)
    status: str = "idle"
    message: str = ""
    last_step: StepEnd | None = None
    total_epochs: int = 0
    steps_per_epoch: int = 0
    #: Steps the run will take (:attr:`nn.training.Trainer.planned_steps`); 0 when unknown.
    planned_steps: int = 0
    #: Latest probe payloads by name (e.g. "boundary"), as sent by the worker (already copies).
    probes: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    _baseline: tuple[float, int] | None = field(default=None, repr=False)
    changed: Signal = field(default_factory=Signal, repr=False)  # status or message changed

    def reset(self, total_epochs: int = 0, steps_per_epoch: int = 0) -> None:
        self.history = History()
        self.last_step, self.probes = None, {}
        self.total_epochs, self.steps_per_epoch = total_epochs, steps_per_epoch
        self.planned_steps = total_epochs * steps_per_epoch
        self.dirty = True
        self.set_status("idle")

    def add_steps(self, iterations: list[int], losses: list[float], lrs: list[float],
                  last: StepEnd) -> None:
        h = self.history
        h.iterations.extend(iterations)
        h.losses.extend(losses)
        h.lrs.extend(lrs)
        self.last_step = last
        self.dirty = True

    def add_epoch(self, event: EpochEnd) -> None:
        self.history.epochs.append(event)
        self.dirty = True

    def set_probe(self, name: str, payload: Any) -> None:
        self.probes[name] = payload
        self.dirty = True

    def set_status(self, status: str, message: str = "") -> None:
        if status not in STATUSES:
            raise ValueError(f"Unknown run status {status!r}")
        self.status, self.message = status, message
        self.changed.emit()

    def mark_speed_baseline(self) -> None:
        """Restart the ETA's speed measurement (at start and after a pause)."""
        self._baseline = None

    def eta_seconds(self) -> float | None:
        """Remaining time at the speed measured since the last baseline, or None if unknown."""
        step = self.last_step
        if step is None or not self.steps_per_epoch or not self.total_epochs:
            return None
        now = time.monotonic()
        baseline = self._baseline
        if baseline is None:
            self._baseline = (now, step.iteration)
            return None
        seconds, steps = now - baseline[0], step.iteration - baseline[1]
        if steps <= 0 or seconds <= 0:
            return None
        total = self.planned_steps or self.total_epochs * self.steps_per_epoch
        return max(0, total - step.iteration) * seconds / steps

    def describe(self) -> str:
        """One line for the status bar: state, epoch, iteration, speed, time left, accuracy."""
        run, step = self, self.last_step
        if run.status == "idle":
            return tr("Ready — press Train to start.")
        if run.status == "running" and step is None:
            return run.message or tr("Starting…")
        parts = [{"running": tr("Training"), "paused": tr("Paused"), "finished": tr("Finished"),
                  "stopped": tr("Stopped"), "diverged": tr("Diverged"),
                  "failed": tr("Failed")}[run.status]]
        if step is not None:
            parts.append(tr("epoch {e}/{n}").format(e=step.epoch, n=run.total_epochs))
            parts.append(tr("iteration {i}").format(i=step.iteration))
            parts.append(tr("{v:,.0f} images/s").format(v=step.images_per_second))
        if run.status == "running":
            eta = run.eta_seconds()
            if eta is not None:
                parts.append(tr("{m}:{s:02d} left").format(m=int(eta // 60), s=int(eta % 60)))
        if run.history.epochs:
            last = run.history.epochs[-1]
            if not math.isnan(last.test_acc):
                parts.append(tr("test accuracy {a:.2%}").format(a=last.test_acc))
        return " · ".join(parts)
