"""File → Export model as…: the model as an ONNX file, a standalone NumPy script or PyTorch code.

One dialog asks for the format (each explained) and the destination, then runs
:mod:`nn.export` in a worker thread (an ONNX export takes about a second) and stays open with
an error dialog if it fails. :func:`export_model_dialog` is the whole interface; the window
only adds a menu action calling it.
"""

from __future__ import annotations

import copy
import importlib.util
from pathlib import Path

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.export import FORMATS
from nn.export.onnx_export import INSTALL_HINT
from workbench.concurrency.runner import JobRunner
from workbench.core.i18n import tr
from workbench.shell import file_actions

#: Files each folder format writes (the ONNX format writes the chosen file itself).
FOLDER_FILES = {"numpy": ("predict.py", "weights.npz"), "pytorch": ("model.py", "weights.npz")}
_SUFFIX = {"onnx": ".onnx", "numpy": "_numpy", "pytorch": "_pytorch"}


def onnx_available() -> bool:
    """Whether the ``onnx`` package can be imported (it is an optional extra)."""
    return importlib.util.find_spec("onnx") is not None


def confirm_replace(parent: QWidget, files: list[Path]) -> bool:
    """Ask before overwriting ``files``; True to go ahead."""
    box = QMessageBox(QMessageBox.Icon.Question, tr("Replace files?"),
                      tr("These files exist and will be replaced:\n{files}").format(
                          files="\n".join(map(str, files))), parent=parent)
    replace = box.addButton(tr("Replace"), QMessageBox.ButtonRole.AcceptRole)
    box.setDefaultButton(box.addButton(tr("Cancel"), QMessageBox.ButtonRole.RejectRole))
    box.exec()
    return box.clickedButton() is replace


class ExportDialog(QDialog):
    """Format radio buttons, a destination field with Browse…, and Export / Cancel."""

    def __init__(self, parent: QWidget | None, model: nn.Sequential, start_dir: str,
                 note: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("exportDialog")
        self.setWindowTitle(tr("Export model"))
        self.model = model
        self.start_dir = Path(start_dir)
        self.result_path: str | None = None
        self._suggested = ""
        self.runner = JobRunner()  # no Qt parent: its lifetime is this Python reference
        self.runner.done.connect(self._finished)
        self.runner.failed.connect(self._failed)
        self._build(note)
        self._format_changed()

    # ---------------------------------------------------------------------------- layout
    def _build(self, note: str | None) -> None:
        layout = QVBoxLayout(self)
        intro = QLabel(tr("Take the model to other tools: the same network, the same weights, "
                          "the same answers (equal to within 1e-5 in the workbench's tests)."))
        intro.setWordWrap(True)
        layout.addWidget(intro)
        if note:
            self.note = QLabel(note)
            self.note.setWordWrap(True)
            self.note.setObjectName("exportNote")
            layout.addWidget(self.note)
        self.group = QButtonGroup(self)
        self.radios: dict[str, QRadioButton] = {}
        texts = {
            "onnx": (tr("ONNX file (.onnx)"),
                     tr("For ONNX Runtime and the tools that read ONNX (C++, C#, Java, "
                        "JavaScript, phones): the network ending in its softmax, the input "
                        "`input` of shape batch × channels × height × width, the class names "
                        "in the file's metadata. Opset 17.")),
            "numpy": (tr("Standalone NumPy script (a folder: predict.py + weights.npz)"),
                      tr("A readable forward pass in plain NumPy, one commented line per "
                         "layer, convolutions by im2col as in the book (ch. 7.4). `python "
                         "predict.py digit.png` prepares and classifies an image like the "
                         "Draw page. Needs only NumPy and Pillow.")),
            "pytorch": (tr("PyTorch code (a folder: model.py + weights.npz)"),
                        tr("An nn.Module with the same layers and these trained weights, and "
                           "the loss it was trained with: keep training in PyTorch, e.g. on a "
                           "GPU or with more data.")),
        }
        for key, (text, tip) in texts.items():
            radio = QRadioButton(text)
            radio.setObjectName(f"export_{key}")
            radio.setToolTip(tip)
            self.group.addButton(radio)
            self.radios[key] = radio
            layout.addWidget(radio)
        if not onnx_available():
            self.radios["onnx"].setEnabled(False)
            self.radios["onnx"].setToolTip(
                tr("The onnx package is not installed. To export ONNX files: {command}")
                .format(command=INSTALL_HINT))
            self.radios["numpy"].setChecked(True)
        else:
            self.radios["onnx"].setChecked(True)
        self.group.buttonToggled.connect(lambda *_: self._format_changed())
        row = QHBoxLayout()
        row.addWidget(QLabel(tr("Write to:")))
        self.path_edit = QLineEdit()
        self.path_edit.setObjectName("exportPath")
        self.path_edit.setToolTip(tr("Where to write: the .onnx file, or the folder for the "
                                     "script and its weights (created if needed)."))
        self.browse_button = QPushButton(tr("Browse…"))
        self.browse_button.setToolTip(tr("Choose the file or folder in a file dialog"))
        self.browse_button.clicked.connect(self.browse)
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        layout.addLayout(row)
        self.writes = QLabel()
        self.writes.setWordWrap(True)
        layout.addWidget(self.writes)
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)  # busy indicator while the worker exports
        self.progress.setVisible(False)
        layout.addWidget(self.progress)
        self.buttons = QDialogButtonBox()
        self.cancel_button = self.buttons.addButton(tr("Cancel"),
                                                    QDialogButtonBox.ButtonRole.RejectRole)
        self.cancel_button.setToolTip(tr("Close without exporting"))
        self.export_button = self.buttons.addButton(tr("Export"),
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.export_button.setToolTip(tr("Write the export and close this dialog"))
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout.addWidget(self.buttons)
        self.resize(560, self.sizeHint().height())

    # ------------------------------------------------------------------------------ state
    def selected_format(self) -> str:
        return next(key for key, radio in self.radios.items() if radio.isChecked())

    def _format_changed(self) -> None:
        fmt = self.selected_format()
        suggestion = str(self.start_dir / f"{self.model.name or 'model'}{_SUFFIX[fmt]}")
        if not self.path_edit.text().strip() or self.path_edit.text() == self._suggested:
            self.path_edit.setText(suggestion)
        self._suggested = suggestion
        if fmt == "onnx":
            self.writes.setText(tr("Writes one .onnx file."))
        else:
            self.writes.setText(tr("Writes {files} into this folder, replacing files of those "
                                   "names.").format(files=" + ".join(FOLDER_FILES[fmt])))

    def target(self) -> Path | None:
        text = self.path_edit.text().strip()
        if not text:
            return None
        path = Path(text).expanduser()
        if self.selected_format() == "onnx" and path.suffix.lower() != ".onnx":
            path = path.with_name(path.name + ".onnx")
        return path

    def browse(self) -> None:
        current = self.path_edit.text().strip() or str(self.start_dir)
        if self.selected_format() == "onnx":
            path, _ = QFileDialog.getSaveFileName(self, tr("Export model as ONNX"), current,
                                                  tr("ONNX models (*.onnx)"))
        else:
            path = QFileDialog.getExistingDirectory(self, tr("Folder for the exported code"),
                                                    current)
        if path:
            self.path_edit.setText(path)

    def _replaced(self, path: Path) -> list[Path]:
        fmt = self.selected_format()
        candidates = [path] if fmt == "onnx" else [path / name for name in FOLDER_FILES[fmt]]
        return [p for p in candidates if p.exists()]

    # ----------------------------------------------------------------------------- export
    def accept(self) -> None:
        if self.runner.running:
            return
        path = self.target()
        if path is None:
            file_actions.error_dialog(self, tr("Could not export the model"),
                                      tr("Choose where to write the export."))
            return
        replaced = self._replaced(path)
        if replaced and not confirm_replace(self, replaced):
            return
        fmt, model = self.selected_format(), self.model.copy()  # a snapshot for the worker
        model.metadata = copy.deepcopy(self.model.metadata)  # class names, training record
        self._set_busy(True)
        self.runner.start_task(lambda _token: str(FORMATS[fmt](model, path)))

    def reject(self) -> None:
        if not self.runner.running:  # an export is not interrupted: it ends within seconds
            super().reject()

    def _set_busy(self, busy: bool) -> None:
        self.progress.setVisible(busy)
        for widget in (self.export_button, self.browse_button, self.path_edit,
                       *self.radios.values()):
            widget.setEnabled(not busy)
        self.cancel_button.setEnabled(not busy)
        if not busy and not onnx_available():
            self.radios["onnx"].setEnabled(False)

    def _finished(self, path: str) -> None:
        self._set_busy(False)
        self.result_path = path
        super().accept()

    def _failed(self, message: str) -> None:
        self._set_busy(False)
        file_actions.error_dialog(self, tr("Could not export the model"), message)

    def done(self, result: int) -> None:  # noqa: D102 — also on close
        self.runner.shutdown()
        super().done(result)


def export_model_dialog(parent: QWidget | None, model: nn.Sequential, start_dir: str,
                        note: str | None = None) -> str | None:
    """Ask for a format and a destination, export ``model`` there; the written path, or None
    when cancelled. Failures are shown in an error dialog (the dialog then stays open)."""
    dialog = ExportDialog(parent, model, start_dir, note)
    try:
        dialog.exec()
        return dialog.result_path
    finally:
        dialog.deleteLater()
