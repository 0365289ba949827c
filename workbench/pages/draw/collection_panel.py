"""Collect: save the drawing under its true label, and measure a model on all saved drawings."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import numpy as np
from PySide6.QtCore import QSettings, QStandardPaths, Qt, QUrl, Signal
from PySide6.QtGui import QDesktopServices, QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import nn
from workbench.concurrency.runner import JobRunner
from workbench.core.draw.inference import NUM_CLASSES
from workbench.core.i18n import language_changed, tr
from workbench.pages.draw.evaluation import EvaluationDialog
from workbench.state.draw.collection import DrawingsFolder, Evaluation, evaluate
from workbench.ui.common import StatusLine
from workbench.ui.view import connect_weak

FOLDER_KEY = "draw/drawingsFolder"
CLEAR_KEY = "draw/clearAfterSaving"


def default_folder() -> Path:
    """``<per-user app data>/drawings`` (QStandardPaths.AppDataLocation)."""
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppDataLocation)
    return Path(base or Path.home() / ".nn-workbench") / "drawings"


class CollectionPanel(QWidget):
    """Ten "save as" buttons, the folder, and "Evaluate".

    ``ink()`` returns the canvas to save (None when blank); ``model()`` returns the model to
    evaluate with its class names, or None.
    """

    saved = Signal(object)  # Path of the new file
    drawingChosen = Signal(str)  # a misclassified drawing to open on the canvas

    def __init__(self, settings: QSettings, ink: Callable[[], np.ndarray | None],
                 model: Callable[[], tuple[nn.Sequential, list[str]] | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self._ink, self._model = ink, model
        stored = settings.value(FOLDER_KEY, "")
        self.folder = DrawingsFolder(Path(str(stored)) if stored else default_folder())
        self.runner = JobRunner(self)
        self.runner.done.connect(self._evaluated)
        self.runner.failed.connect(self._failed)
        self.runner.runningChanged.connect(lambda _r: self.refresh())
        self._evaluating: tuple[str, list[str]] = ("", [])
        self.dialog: EvaluationDialog | None = None
        self._counts: list[int] | None = None

        self.heading = QLabel()
        bold = QFont(self.heading.font())
        bold.setBold(True)
        self.heading.setFont(bold)
        self.save_label = QLabel()
        self.save_buttons: list[QPushButton] = []
        save_row = QHBoxLayout()
        save_row.setSpacing(3)
        save_row.addWidget(self.save_label)
        for digit in range(NUM_CLASSES):
            button = QPushButton(str(digit))
            button.setMinimumWidth(26)
            button.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
            button.setFocusPolicy(Qt.FocusPolicy.TabFocus)  # the canvas keeps its keys
            button.clicked.connect(lambda _=False, d=digit: self.save(d))
            self.save_buttons.append(button)
            save_row.addWidget(button)
        self.clear_after = QCheckBox()
        self.clear_after.setChecked(str(settings.value(CLEAR_KEY, "true")).lower() != "false")
        self.clear_after.toggled.connect(lambda on: settings.setValue(CLEAR_KEY, bool(on)))
        #: How many drawings the folder holds; errors and the "saved" confirmation show here
        #: too, in one line of fixed height, so the buttons above never move.
        self.status_line = StatusLine()
        self.folder_button = QPushButton()
        self.open_folder_button = QPushButton()
        self.evaluate_button = QPushButton()
        self.folder_button.clicked.connect(self.choose_folder)
        self.open_folder_button.clicked.connect(self.open_folder)
        self.evaluate_button.clicked.connect(self._evaluate_clicked)
        tools = QHBoxLayout()
        tools.addWidget(self.clear_after)
        tools.addStretch(1)
        for w in (self.folder_button, self.open_folder_button, self.evaluate_button):
            tools.addWidget(w)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(self.heading)
        layout.addLayout(save_row)
        layout.addLayout(tools)
        layout.addWidget(self.status_line)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.heading.setText(tr("My drawings"))
        self.save_label.setText(tr("Save as:"))
        for digit, button in enumerate(self.save_buttons):
            button.setToolTip(tr("Save this drawing as a “{d}” (its true label) in your drawings "
                                 "set, to measure models on your own handwriting.").format(d=digit))
        self.clear_after.setText(tr("Clear after saving"))
        self.clear_after.setToolTip(tr("Start a fresh canvas after each save, to collect many "
                                       "drawings quickly."))
        self.folder_button.setText(tr("Folder…"))
        self.folder_button.setToolTip(tr("Choose the folder your drawings are saved in (one PNG "
                                         "per drawing, named <label>_<time>.png)."))
        self.open_folder_button.setText(tr("Show files"))
        self.open_folder_button.setToolTip(tr("Open the drawings folder in the file manager "
                                              "(to delete or rename a drawing, for instance)."))
        self.refresh()

    def showEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().showEvent(event)
        self.refresh(rescan=True)  # files may have been added or deleted meanwhile

    # ------------------------------------------------------------------------------ state
    def refresh(self, rescan: bool = False) -> None:
        """Update the buttons and the evaluate action; with ``rescan``, count the drawings in
        the folder again (only after a save or a folder change: the folder may be large)."""
        if rescan or self._counts is None:
            self._counts = self.folder.counts()
        counts = self._counts
        total = sum(counts)
        detail = ", ".join(f"{d}: {n}" for d, n in enumerate(counts) if n)
        if total == 0:
            text = tr("No drawings yet in {folder}").format(folder=self.folder.path)
        elif total == 1:
            text = tr("1 drawing in {folder}").format(folder=self.folder.path)
        else:
            text = tr("{n} drawings in {folder}").format(n=total, folder=self.folder.path)
        self.status_line.show_info(text + (f" ({detail})" if detail else ""))
        blank = self._ink() is None
        for button in self.save_buttons:
            button.setEnabled(not blank)
        running = self.runner.running
        self.evaluate_button.setText(tr("Cancel evaluation") if running else tr("Evaluate model"))
        self.evaluate_button.setEnabled(running or (total > 0 and self._model() is not None))
        self.evaluate_button.setToolTip(
            tr("Stop the evaluation.") if running else
            tr("Classify every saved drawing with the chosen model: accuracy overall and per "
               "class, and the drawings it gets wrong — how well it reads your handwriting."))

    def set_folder(self, path: str | Path) -> None:
        self.folder = DrawingsFolder(path)
        self.settings.setValue(FOLDER_KEY, str(path))
        self.refresh(rescan=True)

    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, tr("Drawings folder"), str(self.folder.path))
        if path:
            self.set_folder(path)

    def open_folder(self) -> None:
        try:
            self.folder.path.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            self.status_line.show_error(tr("Cannot create {folder}: {error}").format(
                folder=self.folder.path, error=exc))
            return
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.folder.path)))

    # ------------------------------------------------------------------------------- save
    def save(self, label: int) -> Path | None:
        """Save the canvas as a drawing of ``label``; the file, or None if nothing was saved."""
        ink = self._ink()
        if ink is None:
            return None
        try:
            path = self.folder.save(ink, label)
        except (OSError, ValueError) as exc:
            self.status_line.show_error(tr("Could not save the drawing: {error}").format(error=exc))
            return None
        self.status_line.show_error(None)
        self.refresh(rescan=True)
        self.status_line.flash(tr("Saved as a “{label}”: {name}").format(label=label,
                                                                          name=path.name))
        self.saved.emit(path)
        return path

    # --------------------------------------------------------------------------- evaluate
    def _evaluate_clicked(self) -> None:
        if self.runner.running:
            self.runner.stop()  # the drawings evaluated so far are still shown
        else:
            self.evaluate()

    def evaluate(self) -> bool:
        """Start evaluating the chosen model on the drawings in a worker thread."""
        chosen = self._model()
        drawings = self.folder.drawings()
        self._counts = None
        if chosen is None or not drawings:
            return False
        model, names = chosen
        twin = model.copy()  # the worker's own: the GUI thread keeps using the original
        self._evaluating = (model.name, list(names))
        self.status_line.show_error(None)
        self.runner.start_task(lambda token: evaluate(twin, drawings, token))
        self.refresh()
        return True

    def _evaluated(self, result: Evaluation) -> None:
        name, names = self._evaluating
        if self.dialog is None:
            self.dialog = EvaluationDialog(self)
            self.dialog.drawingChosen.connect(self.drawingChosen)
        self.dialog.show_result(result, names, name)
        self.dialog.show()
        self.dialog.raise_()
        self.refresh(rescan=True)

    def _failed(self, message: str) -> None:
        self.status_line.show_error(tr("Evaluation failed: {error}").format(error=message))
        self.refresh()

    def shutdown(self) -> None:
        self.runner.shutdown()
