"""Checkpoint files: everything needed to resume a run exactly where it stopped.

One ``.npz`` (format ``nn-workbench-checkpoint``) holding the model's architecture and
:meth:`Trainer.state_dict() <nn.training.Trainer.state_dict>` — weights, the optimizer's state
(velocities, moments, step count), the trainer's progress (epoch, position in the current epoch's
shuffled order, random-generator states), the best-validation weights and the metrics. The data
themselves are not stored: the caller passes the same arrays again (``extra`` may record how to
rebuild them, e.g. an experiment's data settings). Resuming gives bit-identical weights to a run
that never stopped.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn import optimizers
from nn.errors import ModelFileError
from nn.serialization import model_from_archive, read_archive, write_archive
from nn.training.state import from_archive, to_archive
from nn.training.trainer import Arrays, Trainer, TrainSettings

FORMAT = "nn-workbench-checkpoint"
VERSION = 1


def save_checkpoint(
    trainer: Trainer, path: str | os.PathLike, extra: Mapping[str, Any] | None = None
) -> None:
    """Atomically write ``trainer``'s full state to ``path``."""
    state, arrays = to_archive(trainer.state_dict())
    config = {"format": FORMAT, "version": VERSION, "model": trainer.model.to_config(),
              **state, "extra": dict(extra or {})}
    write_archive(path, config, arrays, what="checkpoint file")


def load_checkpoint(
    path: str | os.PathLike,
    train: Arrays,
    val: Arrays | None = None,
    test: Arrays | None = None,
    augment: Callable[[NDArray, np.random.Generator], NDArray] | None = None,
) -> tuple[Trainer, dict[str, Any]]:
    """Rebuild the trainer saved at ``path`` on the given data; returns it and ``extra``."""
    config, arrays = read_archive(path, FORMAT, VERSION, "checkpoint file")
    try:
        part = {k[6:]: v for k, v in arrays.items() if k.startswith("model/")}
        model = model_from_archive(path, config["model"], part)
        state = from_archive(config, arrays)
        opt = optimizers.get(dict(state["optimizer"]))
        settings = TrainSettings.from_dict(dict(state["settings"]))
        trainer = Trainer(model, opt, train, val, test, settings, augment)
        trainer.load_state_dict(state)
        extra = config.get("extra") or {}
        if not isinstance(extra, dict):
            raise ValueError("'extra' is not a JSON object")
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ModelFileError(f"{path}: damaged or incompatible checkpoint ({detail})") from None
    return trainer, dict(extra)


__all__ = ["load_checkpoint", "save_checkpoint"]
