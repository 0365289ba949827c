"""Checking a whole session before any of it is applied (Qt-free, pure functions).

A session — from a ``.nnwb`` file or restored from the settings at start-up — is applied to the
builder, the training set-up and the Train page. Applying half of it and then failing leaves the
window in a state nobody chose, so :func:`check_session_parts` checks *everything* first: the
builder's layer stack (each layer's type and settings, the input shape, the initializer, and the
shapes and parameter count it implies, without allocating), the data, optimizer, schedule and
training settings (types, ranges, unknown keys with the closest known one), the metrics history
and the status. It raises :class:`nn.schema.SettingsError` naming the field, e.g.
``builder.layers: Layer 2: Invalid units: 'many' (must be an integer ≥ 1)`` or
``setup.data.augment: Invalid max_shift: 'far' (must be a number)``; it returns normalised copies
that can be applied without further checks.
"""

from __future__ import annotations

import copy
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from nn import initializers, schedules
from nn.blueprint import blueprint
from nn.errors import ModelBuildError
from nn.experiment import DataConfig, check_optimizer
from nn.model import DTYPES
from nn.schema import (
    SettingsError,
    check_int,
    check_keys,
    check_list,
    check_number,
    check_object,
    check_text,
)
from nn.training import History, TrainSettings

BUILDER_KEYS = ("layers", "input_shape", "init", "preset")
SETUP_KEYS = ("data", "optimizer", "schedule", "training", "dtype")
STATUSES = ("idle", "finished", "stopped", "diverged", "failed")
#: The schedule settings of the Training panel, in epochs (workbench.state.setup).
SCHEDULE_KEYS = {"constant": (), "step": ("every", "gamma"), "exponential": ("gamma",),
                 "cosine": ("min_factor",)}


@dataclass(frozen=True)
class CheckedSession:
    """Normalised, checked parts of a session, safe to apply."""

    builder: dict[str, Any]
    setup: dict[str, Any]
    history: History
    status: str
    message: str


def check_builder(value: Any, where: str = "builder") -> dict[str, Any]:
    """The builder section: ``{"layers": [...], "input_shape": [...], "init", "preset"}``."""
    doc = check_object(value, where, BUILDER_KEYS)
    for key in ("layers", "input_shape"):
        if key not in doc:
            raise SettingsError(f"{where}: the {key!r} entry is missing")
    layers = check_list(doc["layers"], f"{where}.layers")
    for index, spec in enumerate(layers):
        check_object(spec, f"{where}.layers[{index}]", ("type", "config"))
        check_object(spec.get("config") or {}, f"{where}.layers[{index}].config")
    try:
        plan = blueprint(layers, doc["input_shape"])
    except ModelBuildError as exc:
        raise SettingsError(f"{where}.layers: {exc}") from None
    init = check_text(doc.get("init", "he"), f"{where}.init")
    try:
        init = initializers.get(init).name
    except ValueError as exc:
        raise SettingsError(f"{where}.init: {exc}") from None
    preset = check_text(doc.get("preset"), f"{where}.preset", optional=True)
    return {"layers": copy.deepcopy(layers), "input_shape": list(plan.input_shape),
            "init": init, "preset": preset}


def check_schedule(value: Any, where: str = "setup.schedule") -> dict[str, Any]:
    """The Training panel's schedule, in epochs (``every``, ``gamma``, ``min_factor``)."""
    doc = check_object(value, where)
    name = check_text(doc.get("name", "constant"), f"{where}.name",
                      choices=tuple(schedules.SCHEDULES))
    check_keys(doc, ("name", *SCHEDULE_KEYS.get(name, ())), where)
    if "every" in doc:
        check_int(doc["every"], f"{where}.every", 1, 100_000)
    if "gamma" in doc:
        check_number(doc["gamma"], f"{where}.gamma", 0.0, 1.0, low_open=True)
    if "min_factor" in doc:
        check_number(doc["min_factor"], f"{where}.min_factor", 0.0, 1.0)
    return {"name": name, **{k: v for k, v in doc.items() if k != "name"}}


def check_setup(value: Any, where: str = "setup") -> dict[str, Any]:
    """The training set-up (``TrainingSetup.to_dict()``): data, optimizer, schedule,
    training, dtype."""
    doc = check_object(value, where, SETUP_KEYS)
    data = DataConfig.from_dict(doc.get("data") or {}, f"{where}.data")
    optimizer = check_optimizer(doc.get("optimizer") or {"name": "adam", "lr": 0.001},
                                f"{where}.optimizer")
    schedule = check_schedule(doc.get("schedule") or {"name": "constant"}, f"{where}.schedule")
    training = check_object(doc.get("training") or {}, f"{where}.training",
                            TrainSettings.__dataclass_fields__)
    try:
        training = TrainSettings.from_dict(training).to_dict()
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{where}.training: {exc}") from None
    dtype = check_text(doc.get("dtype", "float32"), f"{where}.dtype", choices=DTYPES)
    return {"data": dict(data.__dict__), "optimizer": copy.deepcopy(optimizer),
            "schedule": schedule, "training": training, "dtype": dtype}


def check_history(value: Any, where: str = "history") -> History:
    doc = check_object(value if value is not None else {}, where,
                       ("iterations", "losses", "lrs", "epochs"))
    for key in doc:
        check_list(doc[key], f"{where}.{key}")
    for index, row in enumerate(doc.get("epochs", [])):
        check_object(row, f"{where}.epochs[{index}]")
    try:
        return History.from_dict(doc)
    except ValueError as exc:
        raise SettingsError(f"{where}: {exc}") from None


def check_comparisons(value: Any, where: str = "comparisons") -> dict[str, dict[str, Any]]:
    """The Compare page's saved results: ``{tab key: {"kind", "config", "results"}}``.

    Checks the structure only; the page checks the results themselves before showing any
    (``workbench.pages.compare.session_results``)."""
    doc = check_object(value if value is not None else {}, where)
    out = {}
    for key, entry in doc.items():
        entry = check_object(entry, f"{where}.{key}", ("kind", "config", "results"))
        kind = check_text(entry.get("kind"), f"{where}.{key}.kind")
        config = check_object(entry.get("config"), f"{where}.{key}.config")
        results = check_object(entry.get("results"), f"{where}.{key}.results")
        out[key] = {"kind": kind, "config": copy.deepcopy(config),
                    "results": copy.deepcopy(results)}
    return out


def check_session_parts(builder: Any, setup: Any, history: Any = None, status: Any = "idle",
                        message: Any = "") -> CheckedSession:
    """Check every part of a session before anything is applied; see the module docstring.

    Raises
    ------
    SettingsError
        Naming the first invalid field by its path.
    """
    checked_builder = check_builder(builder)
    checked_setup = check_setup(setup)
    checked_history = history if isinstance(history, History) else check_history(history)
    status = check_text(status, "status")
    if status not in STATUSES:
        status = "idle"  # e.g. "running" from a session saved mid-run
    message = check_text(message, "message")
    return CheckedSession(checked_builder, checked_setup, checked_history, status, message)


def check_restored(state: Mapping[str, Any]) -> CheckedSession:
    """Check a session remembered in the settings (``{"builder", "setup", ...}``)."""
    doc = check_object(state, "the remembered session",
                       ("builder", "setup", "history", "status", "message"))
    return check_session_parts(doc.get("builder"), doc.get("setup"), doc.get("history"),
                               doc.get("status", "idle"), doc.get("message", ""))


__all__ = ["CheckedSession", "check_builder", "check_comparisons", "check_history",
           "check_restored", "check_schedule", "check_session_parts", "check_setup"]
