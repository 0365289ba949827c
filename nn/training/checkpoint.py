"""Checkpoint files: everything needed to resume a run exactly where it stopped.

One ``.npz`` (format ``nn-workbench-checkpoint``) holding the model, the optimizer's state
(velocities, moments, step count), the trainer's progress (epoch, position in the current
epoch's shuffled order, random-generator states), the best-validation weights and the metrics.
The data themselves are not stored: the caller passes the same arrays again (``extra`` may record
how to rebuild them, e.g. an experiment's data settings).
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
from nn.training.history import History
from nn.training.trainer import Arrays, Trainer, TrainSettings

FORMAT = "nn-workbench-checkpoint"
VERSION = 1


def save_checkpoint(
    trainer: Trainer, path: str | os.PathLike, extra: Mapping[str, Any] | None = None
) -> None:
    """Atomically write ``trainer``'s full state to ``path``."""
    model, opt = trainer.model, trainer.optimizer
    config = {
        "format": FORMAT,
        "version": VERSION,
        "model": model.to_config(),
        "optimizer": opt.get_config(),
        "optimizer_iterations": opt.iterations,
        "settings": trainer.settings.to_dict(),
        "progress": {
            "epoch": trainer.epoch,
            "iteration": trainer.iteration,
            "target_epochs": trainer.target_epochs,
            "position": trainer._pos,
            "best_val_acc": trainer.best_val_acc if trainer.best_epoch else None,
            "best_epoch": trainer.best_epoch,
            "diverged": trainer.diverged,
            "elapsed": trainer.elapsed,
            "rng": trainer.rng.bit_generator.state,
            "augment_rng": trainer.augment_rng.bit_generator.state,
            "model_rng": model.rng.bit_generator.state,
        },
        "history": trainer.history.to_dict(),
        "extra": dict(extra or {}),
    }
    arrays: dict[str, NDArray] = {f"model/{k}": v for k, v in model.state_dict().items()}
    arrays.update({f"optim/{k}": v for k, v in opt.state_arrays().items()})
    if trainer.best_state is not None:
        arrays.update({f"best/{k}": v for k, v in trainer.best_state.items()})
    if trainer._perm is not None:
        arrays["perm"] = trainer._perm
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
        opt = optimizers.get(config["optimizer"])
        opt.load_state_arrays(
            {k[6:]: v for k, v in arrays.items() if k.startswith("optim/")},
            config["optimizer_iterations"],
        )
        settings = TrainSettings.from_dict(config["settings"])
        progress = config["progress"]
        trainer = Trainer(model, opt, train, val, test, settings, augment)
        n = len(trainer.train[0])
        perm = arrays.get("perm")
        if perm is not None and (perm.shape != (n,) or not np.array_equal(np.sort(perm),
                                                                          np.arange(n))):
            raise ValueError(f"the checkpoint was made on {perm.size} training samples, not {n}")
        trainer._perm = None if perm is None else perm.astype(np.int64)
        trainer._pos = int(progress["position"])
        trainer.epoch = int(progress["epoch"])
        trainer.iteration = int(progress["iteration"])
        trainer.target_epochs = int(progress["target_epochs"])
        trainer.best_epoch = int(progress["best_epoch"])
        best = progress["best_val_acc"]
        trainer.best_val_acc = -np.inf if best is None else float(best)
        trainer.diverged = progress["diverged"]
        trainer.elapsed = float(progress["elapsed"])
        trainer.rng.bit_generator.state = progress["rng"]
        trainer.augment_rng.bit_generator.state = progress["augment_rng"]
        model.rng.bit_generator.state = progress["model_rng"]
        best_arrays = {k[5:]: v for k, v in arrays.items() if k.startswith("best/")}
        trainer.best_state = best_arrays or None
        trainer.history = History.from_dict(config["history"])
    except ModelFileError:
        raise
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelFileError(f"{path}: damaged or incompatible checkpoint ({exc})") from None
    return trainer, dict(config.get("extra") or {})


__all__ = ["load_checkpoint", "save_checkpoint"]
