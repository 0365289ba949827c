"""The model and training set-up remembered in the settings, checked before the window uses them.

At close the window remembers the builder's stack and the training set-up (JSON texts in
``QSettings``); at the next start :func:`read_remembered` checks each part whole with
:mod:`workbench.core.session_check` — the same checks a session file gets, shape-only, so a
stack too large to allocate is refused without allocating it. A part that is damaged, foreign
or invalid is dropped (the window keeps its defaults for it) and named in
:attr:`Remembered.problems`, so the window can say in one line what it did instead. Whatever
the settings file holds, the app starts. Qt-free.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nn.archive import parse_json
from nn.schema import SettingsError
from workbench.core.session_check import check_builder, check_setup

BUILDER_KEY = "builder"
SETUP_KEY = "setup"


@dataclass(frozen=True)
class Remembered:
    """The checked parts (None: nothing usable remembered) and what was dropped and why."""

    builder: dict[str, Any] | None = None
    setup: dict[str, Any] | None = None
    #: ``(part, reason)`` per part that falls back to the defaults; part is "model" or "setup".
    problems: list[tuple[str, str]] = field(default_factory=list)


def _parse(text: Any, where: str) -> Any:
    if not isinstance(text, (str, bytes)):
        raise SettingsError(f"the {where}: expected JSON text, not {type(text).__name__}")
    try:
        return parse_json(text, where)
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _builder(text: Any) -> dict[str, Any]:
    doc = _parse(text, "remembered model")
    # Settings written before the builder had one document shape stored its preset as "name".
    if isinstance(doc, dict) and "name" in doc and "preset" not in doc:
        doc = {**{k: v for k, v in doc.items() if k != "name"}, "preset": doc["name"]}
    return check_builder(doc, "builder")


def _setup(text: Any) -> dict[str, Any]:
    return check_setup(_parse(text, "remembered settings"), "setup")


def read_remembered(builder_text: Any, setup_text: Any) -> Remembered:
    """Check the remembered builder and set-up texts (either may be None: nothing stored).

    Never raises: a part that fails any check is left out and its reason recorded, naming the
    field (``builder.layers[1] must be an object``, ``setup.data.augment: Invalid max_shift``).
    """
    parts: dict[str, Any] = {"builder": None, "setup": None}
    problems: list[tuple[str, str]] = []
    for key, text, check, part in (("builder", builder_text, _builder, "model"),
                                   ("setup", setup_text, _setup, "setup")):
        if text in (None, ""):
            continue
        try:
            parts[key] = check(text)
        except SettingsError as exc:
            problems.append((part, str(exc)))
        except Exception as exc:  # noqa: BLE001 — whatever the file holds, the app starts
            problems.append((part, f"{type(exc).__name__}: {exc}"[:200]))
    return Remembered(parts["builder"], parts["setup"], problems)


__all__ = ["BUILDER_KEY", "SETUP_KEY", "Remembered", "read_remembered"]
