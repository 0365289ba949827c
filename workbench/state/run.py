"""The live run as the training view sees it: metrics history fed by worker snapshots.

Qt-free; the plots redraw from it on a timer when :attr:`RunState.dirty` is set.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from nn.training import EpochEnd, History, StepEnd
from workbench.observable import Signal

STATUSES = ("idle", "running", "paused", "finished", "stopped", "diverged", "failed")


@dataclass
class RunState:
    history: History = field(default_factory=History)
    status: str = "idle"
    message: str = ""
    last_step: StepEnd | None = None
    total_epochs: int = 0
    steps_per_epoch: int = 0
    #: Latest probe payloads by name (e.g. "boundary"), as sent by the worker (already copies).
    probes: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    _baseline: tuple[float, int] | None = field(default=None, repr=False)
    changed: Signal = field(default_factory=Signal, repr=False)  # status or message changed

    def reset(self, total_epochs: int = 0, steps_per_epoch: int = 0) -> None:
        self.history = History()
        self.last_step, self.probes = None, {}
        self.total_epochs, self.steps_per_epoch = total_epochs, steps_per_epoch
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
        total = self.total_epochs * self.steps_per_epoch
        return max(0, total - step.iteration) * seconds / steps
