"""Small frozen events the trainer yields; plain data, safe to hand to another thread."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StepEnd:
    """After one optimizer step."""

    iteration: int  # 1-based count of steps since the run began
    epoch: int  # 1-based epoch this step belongs to
    epoch_progress: float  # fraction of the epoch done, in (0, 1]
    loss: float
    lr: float
    images_per_second: float


@dataclass(frozen=True)
class EpochEnd:
    """After each epoch: metrics on the training subset, validation and test sets.

    A metric is ``nan`` when its set is empty or not evaluated.
    """

    epoch: int
    iteration: int
    train_loss: float
    train_acc: float
    val_loss: float
    val_acc: float
    test_loss: float
    test_acc: float
    elapsed: float  # seconds since the run began, pauses excluded
    is_best: bool  # best validation accuracy so far (the checkpoint was updated)


@dataclass(frozen=True)
class Diverged:
    """Training stopped because the loss or a weight became NaN or infinite."""

    iteration: int
    epoch: int
    reason: str  # a full sentence for the user: what, where, and what to try


@dataclass(frozen=True)
class Paused:
    iteration: int
    epoch: int


@dataclass(frozen=True)
class Resumed:
    iteration: int
    epoch: int


@dataclass(frozen=True)
class Stopped:
    """The user stopped the run; it can be resumed with another ``run()``."""

    iteration: int
    epoch: int
    elapsed: float


@dataclass(frozen=True)
class Finished:
    """Every requested epoch is done."""

    iteration: int
    epochs: int
    elapsed: float
    best_epoch: int  # 0 when there is no validation set
    best_val_acc: float
    test_acc: float  # on the whole test set at the end (NaN without one)
    train_acc: float  # on the training-metrics subset at the end


Event = StepEnd | EpochEnd | Diverged | Paused | Resumed | Stopped | Finished
TERMINAL = (Diverged, Stopped, Finished)

__all__ = [
    "TERMINAL", "Diverged", "EpochEnd", "Event", "Finished", "Paused", "Resumed", "StepEnd",
    "Stopped",
]
