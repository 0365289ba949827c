"""File menu operations: sessions, models, figure and metrics export, recent files.

Every failure (corrupt, foreign, pickled or mismatched file; a write error) becomes a dialog that
says what is wrong; nothing here raises into Qt's event loop. Writes are atomic (the engine's
``write_archive`` / ``write_text_atomic``), so a failed save never damages the previous file.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

import nn
from workbench.core.i18n import tr
from workbench.core.session import SUFFIX, Session, load_session, save_session

MAX_RECENT = 8


class RecentFiles:
    """Most-recently-used paths in QSettings (newest first)."""

    def __init__(self, settings: QSettings, key: str = "recentFiles") -> None:
        self.settings, self.key = settings, key

    def paths(self) -> list[str]:
        value = self.settings.value(self.key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []  # a foreign or damaged setting: no recent files
        return [p for p in value if isinstance(p, str) and p]

    def add(self, path: str | os.PathLike) -> None:
        path = str(Path(path).resolve())
        paths = [path] + [p for p in self.paths() if p != path]
        self.settings.setValue(self.key, paths[:MAX_RECENT])

    def remove(self, path: str) -> None:
        self.settings.setValue(self.key, [p for p in self.paths() if p != path])

    def clear(self) -> None:
        self.settings.setValue(self.key, [])


def error_dialog(parent: QWidget, title: str, message: str) -> None:
    box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                      parent)
    box.setObjectName("errorDialog")
    box.exec()


def ask_save_path(parent: QWidget, title: str, start: str, filters: str) -> str | None:
    path, _ = QFileDialog.getSaveFileName(parent, title, start, filters)
    return path or None


def ask_open_path(parent: QWidget, title: str, start: str, filters: str) -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, title, start, filters)
    return path or None


def session_filters() -> str:
    return tr("Workbench sessions (*{suffix});;All files (*)").format(suffix=SUFFIX)


def model_filters() -> str:
    return tr("Models (*.npz);;All files (*)")


def write_session(parent: QWidget, session: Session, path: str) -> bool:
    try:
        save_session(session, path)
    except (OSError, ValueError) as exc:
        error_dialog(parent, tr("Could not save the session"), f"{path}\n\n{exc}")
        return False
    return True


def guarded_load(load: Callable[[str], Any], path: str, what: str) -> Any:
    """``load(path)``, with every failure a :class:`nn.ModelFileError` naming ``path``.

    The loaders raise ``ModelFileError`` for every damage they know; an error of any other
    kind (a full memory, a bug) must still reach the user as a dialog, never as a traceback
    in the event loop, so it is converted here, keeping its kind and message."""
    try:
        return load(path)
    except nn.ModelFileError:
        raise
    except OSError as exc:
        raise nn.ModelFileError(f"{path}: {exc.strerror or exc}") from None
    except MemoryError:
        raise nn.ModelFileError(f"{path}: not enough memory to read this {what}") from None
    except RecursionError:
        raise nn.ModelFileError(f"{path}: the {what} is nested too deeply") from None
    except Exception as exc:  # noqa: BLE001 — see the docstring
        raise nn.ModelFileError(f"{path}: could not read this {what} "
                                f"({type(exc).__name__}: {exc})") from None


def read_session(parent: QWidget, path: str) -> Session | None:
    try:
        return guarded_load(load_session, path, "session file")
    except nn.ModelFileError as exc:
        error_dialog(parent, tr("Could not open the session"), str(exc))
    return None


def write_model(parent: QWidget, model: nn.Sequential, path: str) -> bool:
    try:
        nn.save_model(model, path)
    except (OSError, ValueError) as exc:
        error_dialog(parent, tr("Could not save the model"), f"{path}\n\n{exc}")
        return False
    return True


def read_model(parent: QWidget, path: str) -> nn.Sequential | None:
    try:
        return guarded_load(nn.load_model, path, "model file")
    except nn.ModelFileError as exc:
        error_dialog(parent, tr("Could not open the model"), str(exc))
    return None
