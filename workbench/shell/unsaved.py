"""Unsaved work: what the session holds that no file has, and the Save / Discard / Cancel question.

:class:`WorkMarks` are cheap fingerprints of the parts of a session — the builder's stack, the
training set-up, the training run (its model and how far its curves go) and the Compare page's
results. The window takes a baseline whenever the session matches a file or a fresh start (at
start-up, after New, Open and Save); :func:`unsaved_parts` compares the present with it, so "dirty"
is true exactly when something was done since. A fresh start with nothing done asks nothing.

:func:`ask` is the question a document application asks before closing or replacing unsaved
work (Qt's standard Save / Discard / Cancel buttons, Save the default, Escape cancels).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from PySide6.QtWidgets import QMessageBox, QWidget

from workbench.core.i18n import tr

SAVE, DISCARD, CANCEL = "save", "discard", "cancel"


@dataclass(frozen=True)
class WorkMarks:
    """Fingerprints of a session's parts (compared with ``==``, never shown)."""

    model: str  # the builder's stack, input shape and initializer
    setup: str  # the training set-up
    training: tuple[int, int, int]  # id of the trained model, iterations and epochs recorded
    comparisons: tuple[Any, ...]  # per Compare tab with results: its key and state version


def marks(builder: Any, setup: Any, model: Any, history: Any,
          comparisons: tuple[Any, ...] = ()) -> WorkMarks:
    stack = json.dumps([builder.layers, list(builder.input_shape), builder.init],
                       sort_keys=True, default=str)
    return WorkMarks(stack, json.dumps(setup.to_dict(), sort_keys=True, default=str),
                     (0 if model is None else id(model), len(history.iterations),
                      len(history.epochs)), tuple(comparisons))


def unsaved_parts(baseline: WorkMarks | None, now: WorkMarks) -> list[str]:
    """Which parts changed since ``baseline``: any of "training", "comparisons", "model",
    "setup" (in that order of importance)."""
    if baseline is None:
        return []
    parts = []
    if now.training != baseline.training and (now.training[1] or now.training[0]):
        parts.append("training")
    if now.comparisons != baseline.comparisons and now.comparisons:
        parts.append("comparisons")
    if now.model != baseline.model:
        parts.append("model")
    if now.setup != baseline.setup:
        parts.append("setup")
    return parts


def describe(parts: list[str], running: bool) -> str:
    """One sentence per unsaved part, for the question's informative text."""
    texts = {
        "training": tr("The trained model and its curves are not saved."),
        "comparisons": tr("The Compare page's results are not saved."),
        "model": tr("Changes to the model's layers are not saved."),
        "setup": tr("Changes to the data and training settings are not saved."),
    }
    lines = [texts[p] for p in parts if p in texts]
    if running:
        lines.append(tr("Training is running: Save or Discard stops it cleanly first."))
    return "\n".join(lines)


def ask(parent: QWidget, question: str, details: str) -> str:
    """Save / Discard / Cancel; returns :data:`SAVE`, :data:`DISCARD` or :data:`CANCEL`."""
    buttons = QMessageBox.StandardButton
    box = QMessageBox(QMessageBox.Icon.Question, tr("Unsaved work"), question,
                      buttons.Save | buttons.Discard | buttons.Cancel, parent)
    box.setObjectName("unsavedWork")
    box.setInformativeText(details)
    box.setDefaultButton(buttons.Save)
    box.setEscapeButton(buttons.Cancel)
    box.button(buttons.Save).setToolTip(tr("Save the session to its file first (you choose a "
                                           "file if it has none), then go on."))
    box.button(buttons.Discard).setToolTip(tr("Go on without saving: the unsaved work is "
                                              "lost."))
    box.button(buttons.Cancel).setToolTip(tr("Do nothing: keep working on this session."))
    answer = box.exec()
    if answer == buttons.Save:
        return SAVE
    if answer == buttons.Discard:
        return DISCARD
    return CANCEL


__all__ = ["CANCEL", "DISCARD", "SAVE", "WorkMarks", "ask", "describe", "marks",
           "unsaved_parts"]
