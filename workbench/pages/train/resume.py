"""Continuing a run after the session was saved and reopened, and stopping one cleanly.

A session saves the trainer's state (``Trainer.state_dict``: optimizer moments and step count,
the epoch's shuffled order and position, every random generator, epoch and step counters) next
to the weights. :func:`resumed_trainer` rebuilds the trainer around the reopened model on the
data the run was made with and loads that state, so "+1 epoch" gives bit for bit the weights an
uninterrupted run would have (``tests/workbench/shell/test_session_resume.py``).
:func:`stop_and_wait` ends a running training before its work is saved or discarded.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEventLoop, QTimer

import nn
from nn.errors import NNError
from nn.experiment import DataConfig, ModelSpec, PreparedData, make_trainer
from nn.training import Trainer
from workbench.core.i18n import tr
from workbench.state import TrainingSetup


@dataclass(frozen=True)
class ResumePoint:
    """Where a reopened session's run stopped: the trainer's state without the weights (they
    are the reopened model's) and the set-up the run was made with (its data, optimizer)."""

    trainer: dict[str, Any]
    setup: dict[str, Any]

    @property
    def diverged(self) -> bool:
        progress = self.trainer.get("progress")
        return isinstance(progress, dict) and bool(progress.get("diverged"))


class ResumeError(NNError):
    """A saved run that cannot continue here (e.g. the data set has another size now)."""


def resumed_trainer(point: ResumePoint, model: nn.Sequential,
                    load_data: Any) -> tuple[Trainer, PreparedData]:
    """The saved run's trainer around ``model``, set to train exactly one more epoch.

    ``load_data(DataConfig) -> PreparedData`` prepares the data (the page's cache); slow, so
    call this in the worker thread. Raises :class:`ResumeError` naming the mismatch when the
    state does not fit (another number of training samples, another optimizer).
    """
    setup = TrainingSetup()
    setup.load_dict(point.setup)
    data = load_data(DataConfig(**point.setup["data"]))
    steps = math.ceil(len(data.train[0]) / setup.training.batch_size)
    run = setup.run_config(ModelSpec(config=model.to_config()), steps)
    trainer = make_trainer(run, data, model=model)
    try:
        trainer.load_state_dict({**point.trainer, "model": None})  # the weights are model's
    except ValueError as exc:
        raise ResumeError(tr("The saved run cannot continue on this data: {error}").format(
            error=exc)) from None
    trainer.add_epochs(1)
    return trainer, data


def stop_and_wait(controller: Any, timeout_ms: int = 15000) -> bool:
    """Stop ``controller``'s running training and wait, taking no user input, until its last
    steps and its Stopped event have been delivered; True if it ended in time (otherwise it is
    shut down and its late results dropped)."""
    if not controller.running:
        return True
    loop, timer = QEventLoop(), QTimer()
    timer.setSingleShot(True)
    timer.timeout.connect(loop.quit)
    controller.runningChanged.connect(loop.quit)
    controller.stop()
    timer.start(timeout_ms)
    if controller.running:
        loop.exec(QEventLoop.ProcessEventsFlag.ExcludeUserInputEvents)
    timer.stop()
    controller.runningChanged.disconnect(loop.quit)
    if controller.running:
        controller.shutdown()
        return False
    return True


__all__ = ["ResumeError", "ResumePoint", "resumed_trainer", "stop_and_wait"]
