"""Session files: the whole workbench state in one ``.nnwb`` archive (a ``.npz``, no pickle).

Holds the builder's layer stack, the training set-up, the metrics history and — when there is
one — the current model's weights. Written atomically by :func:`nn.serialization.write_archive`
and read back with :func:`nn.serialization.read_archive`, so a truncated, foreign or pickled
file gives a clear :class:`nn.ModelFileError`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import nn
from nn.archive import open_archive
from nn.errors import ModelFileError
from nn.serialization import model_from_archive, write_archive
from nn.training import History

FORMAT = "nn-workbench-session"
VERSION = 1
SUFFIX = ".nnwb"


@dataclass
class Session:
    builder: dict[str, Any]  # {"layers": [...], "input_shape": [...], "init": str, "preset": str?}
    setup: dict[str, Any]  # TrainingSetup.to_dict()
    history: History = field(default_factory=History)
    model: nn.Sequential | None = None
    status: str = "idle"
    message: str = ""


def save_session(session: Session, path: str | os.PathLike) -> None:
    config = {
        "format": FORMAT,
        "version": VERSION,
        "builder": session.builder,
        "setup": session.setup,
        "history": session.history.to_dict(),
        "status": session.status,
        "message": session.message,
        "model": None if session.model is None else {
            **session.model.to_config(), "metadata": session.model.metadata},
    }
    arrays = {} if session.model is None else {
        f"model/{k}": v for k, v in session.model.state_dict().items()}
    write_archive(path, config, arrays, what="session file")


def load_session(path: str | os.PathLike) -> Session:
    """Read a session; raises :class:`nn.ModelFileError` saying what is wrong."""
    with open_archive(path, FORMAT, VERSION, "session file") as archive:
        config = archive.config
        try:
            builder = dict(config["builder"])
            if not isinstance(builder.get("layers"), list) or "input_shape" not in builder:
                raise ValueError("the model builder section is incomplete")
            setup = dict(config["setup"])
            history = History.from_dict(config.get("history") or {})
            model = None
            if config.get("model"):
                model = model_from_archive(archive, config["model"], "model/")
            return Session(builder, setup, history, model, str(config.get("status", "idle")),
                           str(config.get("message", "")))
        except ModelFileError:
            raise
        except (KeyError, TypeError, ValueError) as exc:
            raise ModelFileError(f"{path}: damaged session file ({exc})") from None
