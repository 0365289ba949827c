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
from nn.archive import Archive, open_archive
from nn.errors import ModelFileError
from nn.serialization import model_from_archive, write_archive
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
    with open_archive(path, FORMAT, VERSION, "checkpoint file") as archive:
        config = archive.config
        try:
            model = model_from_archive(archive, config.get("model"), "model/")
            arrays = archive.read(_state_members(archive, model), finite=True)
            state = {**from_archive(config, arrays), "model": None}  # weights loaded above
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
            raise ModelFileError(f"{path}: damaged or incompatible checkpoint "
                                 f"({detail})") from None
    return trainer, dict(extra)


def _state_members(archive: Archive, model: Any) -> list[str]:
    """The checkpoint's optimizer-state, best-weight and order members, checked by header
    against the model before any is read (other members are ignored, never read)."""
    params = model.named_parameters()
    names = []
    for key, member in archive.members.items():
        if key.startswith("optim/"):
            pname = key[6:].rpartition("/")[0]
            if pname not in params or member.shape != params[pname].shape:
                raise ModelFileError(f"{archive.path}: optimizer state {key[6:]!r} does not "
                                     "match the model")
            names.append(key)
    best = {k: m for k, m in archive.members.items() if k.startswith("best/")}
    if best:
        own = {**params, **model.named_buffers()}
        archive.check_arrays({k: v.shape for k, v in own.items()}, "best/",
                             "best-validation weights")
        names += list(best)
    if "perm" in archive.members:
        member = archive.members["perm"]
        if len(member.shape) != 1 or member.dtype.kind not in "iu":
            raise ModelFileError(f"{archive.path}: damaged batch order (perm)")
        names.append("perm")
    return names


__all__ = ["load_checkpoint", "save_checkpoint"]
