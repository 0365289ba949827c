"""Session files: the whole workbench state in one ``.nnwb`` archive (a ``.npz``, no pickle).

Holds the builder's layer stack, the training set-up, the metrics history and — when there is
one — the current model's weights and the trainer's state (optimizer moments, data position,
random generators), so that continuing a reopened session gives the weights an uninterrupted
run would have. Written atomically by :func:`nn.serialization.write_archive` and read back
through :mod:`nn.archive`; the whole file is checked (:mod:`workbench.core.session_check`) before
anything is returned, so a truncated, foreign, pickled or inconsistent file gives one clear
:class:`nn.ModelFileError` naming the file and the field.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any

import nn
from nn.archive import Archive, NonFiniteArray, open_archive
from nn.errors import ModelFileError
from nn.experiment import jsonable
from nn.schema import SettingsError, check_object
from nn.serialization import model_from_archive, write_archive
from nn.training import History
from nn.training.state import check_trainer_state, from_archive, to_archive
from workbench.core.session_check import check_comparisons, check_session_parts

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
    #: ``Trainer.state_dict()`` without the weights (the optimizer's state, the position in the
    #: data, the random generators), so a reopened session continues exactly where it stopped;
    #: None when there is nothing to continue.
    trainer: dict[str, Any] | None = None
    #: The Compare page's results by tab key, each ``{"kind", "config", "results"}`` as in a
    #: comparison experiment file (:meth:`ComparisonTab.to_document`); checked in full by the
    #: window before it applies them.
    comparisons: dict[str, dict[str, Any]] = field(default_factory=dict)


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
    if session.comparisons:
        config["comparisons"] = jsonable(session.comparisons)
    arrays = {} if session.model is None else {
        f"model/{k}": v for k, v in session.model.state_dict().items()}
    if session.model is not None and session.trainer is not None:
        state = {**session.trainer, "model": {}}
        config["trainer"], trainer_arrays = to_archive(state)
        arrays.update({f"trainer/{k}": v for k, v in trainer_arrays.items()})
    write_archive(path, config, arrays, what="session file")


def load_session(path: str | os.PathLike) -> Session:
    """Read a session, checking all of it first (:mod:`workbench.core.session_check`).

    Raises
    ------
    ModelFileError
        Naming the file and the problem (for a bad field, its path: ``setup.data.augment``).
        Weights that are NaN or infinite are not an error: the session opens without its model
        and its message says why.
    """
    with open_archive(path, FORMAT, VERSION, "session file") as archive:
        config = archive.config
        try:
            checked = check_session_parts(config.get("builder"), config.get("setup"),
                                          config.get("history"), config.get("status", "idle"),
                                          config.get("message", ""))
            comparisons = check_comparisons(config.get("comparisons"))
        except SettingsError as exc:
            raise ModelFileError(f"{path}: damaged session file ({exc})") from None
        model, message, status, trainer = None, checked.message, checked.status, None
        if config.get("model") is not None:
            try:
                model = model_from_archive(archive, config["model"], "model/")
            except NonFiniteArray as exc:
                note = f"The saved model was not loaded: {str(exc).partition(': ')[2]}"
                message, status = (f"{message} {note}" if message else note), "diverged"
            else:
                trainer = _trainer_state(archive, config.get("trainer"), model)
        return Session(checked.builder, checked.setup, checked.history, model, status, message,
                       trainer, comparisons)


def _trainer_state(archive: Archive, part: Any, model: nn.Sequential) -> dict[str, Any] | None:
    """The saved trainer state, or None if absent; checked against the model's parameters."""
    if part is None:
        return None
    names = [k for k in archive.members if k.startswith("trainer/")]
    params = model.named_parameters()
    for key in names:
        member = archive.members[key]
        if key.startswith("trainer/optim/"):
            pname = key[len("trainer/optim/"):].rpartition("/")[0]
            if pname not in params or member.shape != params[pname].shape:
                raise ModelFileError(f"{archive.path}: damaged session file (optimizer state "
                                     f"{key[len('trainer/optim/'):]!r} does not match the "
                                     "model)")
    arrays = archive.read(names, finite=True)
    try:
        state = from_archive(check_object(part, "trainer"),
                             {k[len("trainer/"):]: v for k, v in arrays.items()})
        check_trainer_state(state, model)
    except (KeyError, TypeError, ValueError) as exc:
        detail = f"missing {exc}" if isinstance(exc, KeyError) else str(exc)
        raise ModelFileError(f"{archive.path}: damaged session file (trainer state: "
                             f"{detail})") from None
    return {**state, "model": None}
