"""File menu operations: sessions, models, figure and metrics export, recent files.

Every failure (corrupt, foreign, pickled or mismatched file; a write error) becomes a dialog that
says what is wrong; nothing here raises into Qt's event loop. Writes are atomic (the engine's
``write_archive`` / ``write_text_atomic``), so a failed save never damages the previous file.
"""

from __future__ import annotations

import os
from pathlib import Path

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
        return [p for p in (value or []) if isinstance(p, str)]

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


def read_session(parent: QWidget, path: str) -> Session | None:
    try:
        return load_session(path)
    except nn.ModelFileError as exc:
        error_dialog(parent, tr("Could not open the session"), str(exc))
    except OSError as exc:
        error_dialog(parent, tr("Could not open the session"), f"{path}: {exc}")
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
        return nn.load_model(path)
    except nn.ModelFileError as exc:
        error_dialog(parent, tr("Could not open the model"), str(exc))
    except OSError as exc:
        error_dialog(parent, tr("Could not open the model"), f"{path}: {exc}")
    return None


def export_csv(parent: QWidget, history: nn.training.History, path: str) -> bool:
    """Per-epoch metrics, or per-iteration loss when the file name ends in ``_iterations.csv``."""
    kind = "iterations" if path.endswith("_iterations.csv") else "epochs"
    try:
        history.write_csv(path, kind=kind)
    except OSError as exc:
        error_dialog(parent, tr("Could not export the metrics"), f"{path}\n\n{exc}")
        return False
    return True
