"""Which network classifies the drawing: the shipped demo, the Build & Train model (live while
it trains) or a model file.

The picker always holds a private copy of the chosen model, so the page can run it in the GUI
thread while the training thread updates the original in place.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QPushButton,
    QSizePolicy,
    QWidget,
)

import nn
from workbench.core.draw.inference import DIGITS, class_names, model_problem
from workbench.core.i18n import language_changed, tr
from workbench.core.resources_locator import resource_path
from workbench.shell.context import AppContext
from workbench.shell.file_actions import guarded_load
from workbench.ui import theme
from workbench.ui.view import connect_weak

#: The pretrained demo model shipped with the app.
DEMO_MODEL = resource_path("models", "digits_deep_convnet.npz")
RECENT_KEY = "draw/recentModels"
MAX_RECENT = 6
DEMO, CURRENT = "demo", "current"


class ModelPicker(QWidget):
    """A combo box of model sources, "Open model…", and a line describing the chosen model.

    After :attr:`modelChanged`, :attr:`model` is the chosen model (a private copy) or None, and
    :attr:`problem` says why there is none (missing demo, incompatible model, …).
    """

    modelChanged = Signal()

    def __init__(self, context: AppContext, settings: QSettings, parent: QWidget | None = None,
                 demo_path: Path | str = DEMO_MODEL) -> None:
        super().__init__(parent)
        self.context, self.settings = context, settings
        self.demo_path = Path(demo_path)
        self.model: nn.Sequential | None = None
        self.names: list[str] = list(DIGITS)
        self.problem: str | None = None
        self.source: str | None = None  # DEMO, CURRENT or a file path
        self._demo_cache: nn.Sequential | None = None
        self._file_cache: dict[str, nn.Sequential] = {}

        self.label = QLabel()
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(26)
        self.label.setBuddy(self.combo)
        self.open_button = QPushButton()
        self.info = QLabel()
        self.info.setStyleSheet(f"color: {theme.muted_color()};")
        self.info.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        self.combo.setMinimumWidth(320)
        self.info.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.combo)
        layout.addWidget(self.open_button)
        layout.addSpacing(8)
        layout.addWidget(self.info, 1)

        self.combo.addItem("", DEMO)
        self.combo.addItem("", CURRENT)
        for path in self._recent():
            self._add_file_item(path)
        self.combo.activated.connect(lambda _i: self._choose(self.combo.currentData()))
        self.open_button.clicked.connect(self.open_dialog)
        # Several context signals arrive together (model, snapshot): refresh once after them.
        self._current_timer = QTimer(self)
        self._current_timer.setSingleShot(True)
        self._current_timer.timeout.connect(self._current_changed)
        context.modelChanged.connect(self._schedule_current)
        context.snapshotChanged.connect(self._schedule_current)
        context.trainingChanged.connect(self._schedule_current)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        self._choose(self._initial_source())

    def retranslate(self) -> None:
        self.label.setText(tr("&Model:"))
        self.open_button.setText(tr("Open model…"))
        self.open_button.setToolTip(tr("Classify with a model saved from Build & Train or by "
                                       "`main.py train` (.npz). It must take 28×28 images and "
                                       "output 10 classes."))
        self.combo.setToolTip(tr(
            "The network that reads your drawing: the pretrained demo (the book's deep ConvNet, "
            "ch. 8.1), the model on Build & Train — updated live while it trains — or a model "
            "file you opened."))
        self._update_items()
        self._describe()
        if self.problem is not None and self.source is not None:
            self._choose(self.source)  # explain the problem again, in the new language

    # ------------------------------------------------------------------------------ items
    def _recent(self) -> list[str]:
        value = self.settings.value(RECENT_KEY, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, (list, tuple)):
            return []  # a foreign or damaged setting: no recent models
        return [p for p in value if isinstance(p, str) and p][:MAX_RECENT]

    def _remember(self, path: str) -> None:
        paths = [path] + [p for p in self._recent() if p != path]
        self.settings.setValue(RECENT_KEY, paths[:MAX_RECENT])

    def _forget(self, path: str) -> None:
        self.settings.setValue(RECENT_KEY, [p for p in self._recent() if p != path])
        index = self.combo.findData(path)
        if index >= 0:
            self.combo.removeItem(index)
        self._file_cache.pop(path, None)

    def _add_file_item(self, path: str) -> int:
        index = self.combo.findData(path)
        if index < 0:
            self.combo.addItem(Path(path).name, path)
            index = self.combo.count() - 1
            self.combo.setItemData(index, path, Qt.ItemDataRole.ToolTipRole)
        return index

    def _update_items(self) -> None:
        demo = self.combo.findData(DEMO)
        if not self.demo_path.exists():
            text = tr("Pretrained demo (missing)")
        elif self._demo_cache is not None:
            text = tr("Pretrained demo: {name}").format(name=self._demo_cache.name)
        else:
            text = tr("Pretrained demo")
        self.combo.setItemText(demo, text)
        current = self.combo.findData(CURRENT)
        if self.context.model is None:
            text = tr("Current model from Build & Train (none yet)")
        elif self.context.training:
            text = tr("Current model from Build & Train (training, live)")
        else:
            text = tr("Current model from Build & Train")
        self.combo.setItemText(current, text)
        item = self.combo.model()
        if isinstance(item, QStandardItemModel):
            entry = item.item(current)
            flags = entry.flags()
            entry.setFlags(flags | Qt.ItemFlag.ItemIsEnabled if self.context.model is not None
                           else flags & ~Qt.ItemFlag.ItemIsEnabled)

    def _initial_source(self) -> str:
        if self.demo_path.exists():
            return DEMO
        if self.context.model is not None and model_problem(self.context.model) is None:
            return CURRENT
        return DEMO  # explains that the demo is missing

    # ----------------------------------------------------------------------------- choose
    def _choose(self, source: str | None) -> None:
        """Load and adopt ``source``; on failure keep the previous model."""
        if source is None:
            return
        if source == DEMO:
            model, problem = self._load_demo()
        elif source == CURRENT:
            model, problem = self._current_copy()
        else:
            model = self._load_file(source)
            if model is None:  # explained in a dialog; the previous choice stays
                self._select(self.source)
                return
            problem = None
        self.source = source
        self._select(source)
        self._adopt(model, problem)

    def _select(self, source: str | None) -> None:
        index = self.combo.findData(source) if source is not None else -1
        if index >= 0:
            self.combo.setCurrentIndex(index)

    def _adopt(self, model: nn.Sequential | None, problem: str | None) -> None:
        if model is not None and problem is None:
            problem = model_problem(model)
        self.model = model if problem is None else None
        self.problem = problem
        fallback = None
        if self.source == CURRENT and self.context.data is not None:
            fallback = tuple(self.context.data.class_names)
        self.names = class_names(model, fallback) if self.model is not None else list(DIGITS)
        self._describe()
        self.modelChanged.emit()

    def _load_demo(self) -> tuple[nn.Sequential | None, str | None]:
        if not self.demo_path.exists():
            return None, tr("The demo model {path} is missing. Train a model on the digits in "
                            "Build & Train, or open one with “Open model…”.").format(
                                path=self.demo_path)
        if self._demo_cache is None:
            try:
                self._demo_cache = nn.load_model(self.demo_path)
            except (nn.ModelFileError, OSError) as exc:
                return None, tr("The demo model could not be read: {error}").format(error=exc)
            self._update_items()
        return self._demo_cache, None

    def _current_copy(self) -> tuple[nn.Sequential | None, str | None]:
        ctx = self.context
        source = ctx.readable_model  # while training: a snapshot, never the live model
        if source is None:
            if ctx.model is not None:
                return None, tr("Waiting for the first snapshot of the model in training…")
            return None, tr("There is no model on Build & Train yet: build and train one there, "
                            "or choose another model here.")
        problem = model_problem(source)
        return (None, problem) if problem else (source.copy(), None)

    def _load_file(self, path: str) -> nn.Sequential | None:
        if path in self._file_cache:
            return self._file_cache[path]
        try:
            model = guarded_load(nn.load_model, path, "model file")
        except nn.ModelFileError as exc:
            self._error(tr("Could not open the model"), str(exc))
            self._forget(path)
            return None
        problem = model_problem(model)
        if problem is not None:
            self._error(tr("This model cannot classify drawings"), f"{path}\n\n{problem}")
            self._forget(path)
            return None
        self._file_cache[path] = model
        return model

    def _error(self, title: str, message: str) -> None:
        box = QMessageBox(QMessageBox.Icon.Warning, title, message, QMessageBox.StandardButton.Ok,
                          self)
        box.setObjectName("drawModelError")
        box.exec()

    def open_dialog(self) -> None:
        from PySide6.QtWidgets import QFileDialog

        start = str(Path(self._recent()[0]).parent) if self._recent() else str(Path.home())
        path, _ = QFileDialog.getOpenFileName(self, tr("Open model"), start,
                                              tr("Models (*.npz);;All files (*)"))
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> bool:
        """Load the model file ``path`` and use it; a bad file is explained in a dialog."""
        path = str(path)
        self._file_cache.pop(path, None)
        model = self._load_file(path)
        if model is None:
            return False
        self._add_file_item(path)
        self._remember(path)
        self.source = path
        self._select(path)
        self._adopt(model, None)
        return True

    def _schedule_current(self, *_args) -> None:
        self._current_timer.start(0)

    def _current_changed(self) -> None:
        self._update_items()
        follow = self.source == CURRENT or (
            self.model is None and self.context.model is not None
            and model_problem(self.context.model) is None)
        if not follow:
            self._describe()
            return
        model, problem = self._current_copy()
        if model is None and self.source == CURRENT and self.model is not None \
                and self.context.training:
            self._describe()  # keep answering with the last copy until a snapshot arrives
            return
        self.source = CURRENT
        self._select(CURRENT)
        self._adopt(model, problem)

    def _describe(self) -> None:
        model = self.model
        if model is None:
            self.info.setText(tr("No model: the drawing cannot be classified."))
            return
        shape = "×".join(map(str, model.input_shape))
        text = tr("{name} · {shape} → {k} classes · {params:,} parameters").format(
            name=model.name, shape=shape, k=model.num_classes, params=model.parameter_count)
        acc = model.metadata.get("test_acc") if isinstance(model.metadata, dict) else None
        if isinstance(acc, (int, float)):
            text += " · " + tr("test accuracy {acc:.1f} %").format(acc=100 * acc)
        if self.source == CURRENT and self.context.training:
            text += " · " + tr("snapshot of the training run")
        self.info.setText(text)
