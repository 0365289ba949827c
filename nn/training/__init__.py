"""Training runtime: the event-yielding trainer, its metrics history and checkpoint files."""

from nn.fileio import write_text_atomic
from nn.training.checkpoint import load_checkpoint, save_checkpoint
from nn.training.events import (
    TERMINAL,
    Diverged,
    EpochEnd,
    Event,
    Finished,
    Paused,
    Resumed,
    StepEnd,
    Stopped,
)
from nn.training.history import History
from nn.training.trainer import Trainer, TrainSettings

__all__ = [
    "TERMINAL", "Diverged", "EpochEnd", "Event", "Finished", "History", "Paused", "Resumed",
    "StepEnd", "Stopped", "TrainSettings", "Trainer", "load_checkpoint", "save_checkpoint",
    "write_text_atomic",
]
