"""The main window: a sidebar of pages, menus, status bar, settings and session handling."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray, QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QIcon, QKeySequence, QShowEvent
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMainWindow,
    QProgressBar,
    QStackedWidget,
    QWidget,
)

from workbench.core.i18n import (
    LANGUAGES,
    current_language,
    language_changed,
    set_language,
    tr,
    tr_noop,
)
from workbench.core.resources_locator import resource_path
from workbench.core.restore import BUILDER_KEY, SETUP_KEY, read_remembered
from workbench.pages.inspect import InspectPage
from workbench.pages.train.page import TrainPage
from workbench.shell import dialogs, file_actions
from workbench.shell.context import AppContext
from workbench.shell.lazy import LazyPage, PageSlot
from workbench.shell.window_files import FileMenuMixin
from workbench.state import BuilderState, TrainingSetup
from workbench.ui.theme import THEMES, apply_theme
from workbench.ui.view import View


class MainWindow(FileMenuMixin, QMainWindow):
    def __init__(self, settings: QSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.recent = file_actions.RecentFiles(self.settings)
        self.session_path: str | None = None
        self.builder = BuilderState()
        self.setup = TrainingSetup()
        self._restore_choices()
        self.context = AppContext(self.setup, self, builder=self.builder)
        self.context.pageRequested.connect(self.show_page)
        self.train_page = TrainPage(self.builder, self.setup, self.context)
        self.pages: list[tuple[str, View | PageSlot]] = []
        self._build_ui()
        self.add_page("train", self.train_page, "train.svg")
        # Inspect is built now: it registers live-training probes before the first run.
        self.add_page("inspect", InspectPage(self.context), "inspect.svg")
        self.add_page("draw", LazyPage("workbench.pages.draw", "DrawPage"), "draw.svg")
        self.add_page("compare", LazyPage("workbench.pages.compare", "ComparePage"), "compare.svg")
        self.add_page("fundamentals", LazyPage("workbench.pages.fundamentals", "FundamentalsPage"),
                      "fundamentals.svg")
        self._build_actions()
        self._build_menus()
        self.train_page.statusChanged.connect(self._update_status)
        self.train_page.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.builder.changed.connect(self._update_edit_actions)
        language_changed.connect(self.retranslate)
        self.retranslate()
        self._restore_geometry()
        self._update_edit_actions()
        self.take_baseline()

    # ------------------------------------------------------------------------------ layout
    def _build_ui(self) -> None:
        self.sidebar = QListWidget()
        self.sidebar.setIconSize(QSize(28, 28))
        self.sidebar.setFixedWidth(150)
        self.sidebar.setSpacing(2)
        self.stack = QStackedWidget()
        self.sidebar.currentRowChanged.connect(self._show_row)
        central = QWidget()
        layout = QHBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(self.sidebar)
        layout.addWidget(self.stack, 1)
        self.setCentralWidget(central)
        self.status_text = QLabel()
        self.status_progress = QProgressBar()
        self.status_progress.setMaximumWidth(200)
        self.status_progress.setTextVisible(False)
        self.statusBar().addWidget(self.status_text, 1)
        self.statusBar().addPermanentWidget(self.status_progress)

    def add_page(self, key: str, widget: QWidget | LazyPage, icon: str) -> None:
        """Append a page to the sidebar; a :class:`LazyPage` is built on its first visit."""
        if isinstance(widget, LazyPage):
            widget = PageSlot(widget, self.context)
        item = QListWidgetItem(QIcon(str(resource_path("icons", icon))), "")
        item.setData(Qt.ItemDataRole.UserRole, key)
        item.setSizeHint(QSize(140, 52))
        self.sidebar.addItem(item)
        self.stack.addWidget(widget)
        self.pages.append((key, widget))
        if self.sidebar.currentRow() < 0:
            self.sidebar.setCurrentRow(0)

    def _show_row(self, row: int) -> None:
        widget = self.stack.widget(row)
        if isinstance(widget, PageSlot):
            widget.ensure_built()
        self.stack.setCurrentIndex(row)

    def page(self, key: str) -> QWidget | None:
        """The page widget for ``key`` (built now if it was still lazy)."""
        for k, widget in self.pages:
            if k == key:
                return widget.ensure_built() if isinstance(widget, PageSlot) else widget
        return None

    def show_page(self, key: str) -> None:
        for row, (k, _w) in enumerate(self.pages):
            if k == key:
                self.sidebar.setCurrentRow(row)

    # ----------------------------------------------------------------------------- actions
    def _action(self, slot, shortcut=None) -> QAction:
        action = QAction(self)
        if shortcut is not None:
            action.setShortcut(QKeySequence(shortcut))
        action.triggered.connect(slot)
        self.addAction(action)
        return action

    def _build_actions(self) -> None:
        p = self.train_page
        self.a_new = self._action(self.new_session, QKeySequence.StandardKey.New)
        self.a_open = self._action(self.open_session_dialog, QKeySequence.StandardKey.Open)
        self.a_save = self._action(self.save_session, QKeySequence.StandardKey.Save)
        self.a_save_as = self._action(self.save_session_as, QKeySequence.StandardKey.SaveAs)
        self.a_open_model = self._action(self.open_model_dialog, "Ctrl+Shift+O")
        self.a_save_model = self._action(self.save_model_dialog, "Ctrl+Shift+M")
        self.a_export_model = self._action(self.export_model)
        self.a_export_fig = self._action(self.export_figure, "Ctrl+Shift+E")
        self.a_export_csv = self._action(self.export_metrics)
        self.a_quit = self._action(self.close, QKeySequence.StandardKey.Quit)
        self.a_undo = self._action(self.builder.undo, QKeySequence.StandardKey.Undo)
        self.a_redo = self._action(self.builder.redo, QKeySequence.StandardKey.Redo)
        self.a_train = self._action(p.start_training, "Ctrl+Return")
        self.a_pause = self._action(p.pause_button.toggle, "Ctrl+P")
        self.a_stop = self._action(p.controller.stop, "Ctrl+.")
        self.a_more = self._action(p.continue_training, "Ctrl+E")
        self.a_shortcuts = self._action(lambda: dialogs.shortcuts(self), "F1")
        self.a_chapters = self._action(lambda: dialogs.chapters(
            self, lambda page, view: dialogs.open_destination(self, page, view)))
        self.a_about = self._action(lambda: dialogs.about(self))
        self.theme_actions = {}
        for name in THEMES:
            action = self._action(lambda _=False, n=name: self.change_theme(n))
            action.setCheckable(True)
            self.theme_actions[name] = action
        self.language_actions = {}
        for code in LANGUAGES:
            action = self._action(lambda _=False, c=code: self.change_language(c))
            action.setCheckable(True)
            self.language_actions[code] = action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        self.m_file = bar.addMenu("")
        for a in (self.a_new, self.a_open, self.a_save, self.a_save_as):
            self.m_file.addAction(a)
        self.m_recent = self.m_file.addMenu("")
        self.m_recent.aboutToShow.connect(self._fill_recent)
        self.m_file.addSeparator()
        self.m_file.addAction(self.a_open_model)
        self.m_file.addAction(self.a_save_model)
        self.m_file.addAction(self.a_export_model)
        self.m_file.addSeparator()
        self.m_file.addAction(self.a_export_fig)
        self.m_file.addAction(self.a_export_csv)
        self.m_file.addSeparator()
        self.m_file.addAction(self.a_quit)
        self.m_edit = bar.addMenu("")
        self.m_edit.addAction(self.a_undo)
        self.m_edit.addAction(self.a_redo)
        self.m_train = bar.addMenu("")
        for a in (self.a_train, self.a_pause, self.a_stop, self.a_more):
            self.m_train.addAction(a)
        self.m_view = bar.addMenu("")
        self.m_pages = self.m_view.addMenu("")
        self.m_theme = self.m_view.addMenu("")
        for action in self.theme_actions.values():
            self.m_theme.addAction(action)
        self.m_language = self.m_view.addMenu("")
        for action in self.language_actions.values():
            self.m_language.addAction(action)
        self.m_help = bar.addMenu("")
        for a in (self.a_shortcuts, self.a_chapters, self.a_about):
            self.m_help.addAction(a)

    def retranslate(self) -> None:
        self.setWindowTitle(self._title())
        names = {"train": tr("Build && Train"), "inspect": tr("Inspect"), "draw": tr("Draw"),
                 "compare": tr("Compare"), "fundamentals": tr("Fundamentals")}
        self.m_pages.clear()
        for row, (key, _w) in enumerate(self.pages):
            item = self.sidebar.item(row)
            item.setText(names.get(key, key).replace("&&", "&"))
            action = self.m_pages.addAction(names.get(key, key))
            action.setToolTip(tr("Show the {page} page").format(
                page=names.get(key, key).replace("&&", "&")))
            action.setShortcut(QKeySequence(f"Ctrl+{row + 1}"))
            action.triggered.connect(lambda _=False, k=key: self.show_page(k))
        self.sidebar.setToolTip(tr("Pages: one per activity (Ctrl+1, Ctrl+2, …)."))
        texts = {
            self.a_new: (tr("&New session"), tr("Start over with the default model and settings "
                                                "(asks first if there is unsaved work)")),
            self.a_open: (tr("&Open session…"), tr("Open a saved session: model, settings, "
                                                   "weights, curves and Compare results (asks "
                                                   "first if there is unsaved work)")),
            self.a_save: (tr("&Save session"), tr(
                "Save everything to the session file: model, settings, weights, curves, the "
                "run's state (so '+1 epoch' continues after reopening) and Compare results. "
                "Not while training runs.")),
            self.a_save_as: (tr("Save session &as…"), tr("Save everything to a new file (not "
                                                         "while training runs)")),
            self.a_open_model: (tr("Open &model…"), tr("Load a trained model (.npz)")),
            self.a_save_model: (tr("Save m&odel as…"), tr("Save the current model's "
                                                          "architecture and weights (.npz)")),
            self.a_export_model: (tr("E&xport model as…"), tr(
                "Take the model elsewhere: an ONNX file, a standalone NumPy script or PyTorch "
                "code, with the same weights and answers")),
            self.a_export_fig: (tr("Export &figure…"), tr("Save the training plots as PNG, SVG "
                                                          "or PDF")),
            self.a_export_csv: (tr("Export metrics &CSV…"), tr("Save per-epoch metrics or "
                                                               "per-iteration loss as CSV")),
            self.a_quit: (tr("&Quit"), tr("Close the workbench (asks first if there is unsaved "
                                          "work; training stops cleanly)")),
            self.a_undo: (tr("&Undo"), tr("Undo the last change to the model")),
            self.a_redo: (tr("&Redo"), tr("Redo the change you undid")),
            self.a_train: (tr("&Train"), tr("Train from fresh weights")),
            self.a_pause: (tr("&Pause / resume"), tr("Pause or resume training")),
            self.a_stop: (tr("&Stop"), tr("Stop training")),
            self.a_more: (tr("+1 &epoch"), tr("Continue the last run for one epoch")),
            self.a_shortcuts: (tr("&Keyboard shortcuts"), tr("List every shortcut")),
            self.a_chapters: (tr("&Book chapters"), tr("Where each concept is explained in "
                                                      "the book")),
            self.a_about: (tr("&About"), tr("Version, licences and credits")),
        }
        for action, (text, tip) in texts.items():
            action.setText(text)
            action.setStatusTip(tip)
            action.setToolTip(tip)
        for code, action in self.language_actions.items():
            action.setText(LANGUAGES[code])
            action.setToolTip({"en": tr("Show the interface in English"),
                               "zh_CN": tr("Show the interface in Simplified Chinese, with the "
                                           "terms of the book's Chinese edition")}[code])
            action.setChecked(code == current_language())
        self.m_file.setTitle(tr("&File"))
        self.m_recent.setTitle(tr("Open &recent"))
        self.m_edit.setTitle(tr("&Edit"))
        self.m_train.setTitle(tr("&Training"))
        self.m_view.setTitle(tr("&View"))
        self.m_pages.setTitle(tr("&Pages"))
        self.m_language.setTitle(tr("&Language"))
        self.m_theme.setTitle(tr("&Theme"))
        current_theme = str(self.settings.value("theme") or "system")
        theme_texts = {
            "system": (tr("&System"), tr("Follow the operating system's light or dark theme")),
            "light": (tr("&Light"), tr("Light window and plots")),
            "dark": (tr("&Dark"), tr("Dark window and plots, easier on the eyes at night")),
        }
        for name, action in self.theme_actions.items():
            action.setText(theme_texts[name][0])
            action.setToolTip(theme_texts[name][1])
            action.setChecked(name == current_theme)
        self.m_help.setTitle(tr("&Help"))
        self._update_edit_actions()
        self._update_status()

    def _title(self) -> str:
        name = Path(self.session_path).name if self.session_path else tr("untitled")
        return f"{name} — {tr('Neural Network Workbench')}"

    def _update_edit_actions(self) -> None:
        b = self.builder
        self.a_undo.setEnabled(b.can_undo and not self.train_page.controller.running)
        self.a_redo.setEnabled(b.can_redo and not self.train_page.controller.running)
        if b.can_undo:
            self.a_undo.setText(tr("&Undo — {edit}").format(edit=b.undo_text))
        if b.can_redo:
            self.a_redo.setText(tr("&Redo — {edit}").format(edit=b.redo_text))

    def _update_status(self) -> None:
        page = self.train_page
        self.status_text.setText(page.status_text())
        self.status_progress.setRange(page.progress.minimum(), page.progress.maximum())
        self.status_progress.setValue(page.progress.value())
        running = page.controller.running
        self.a_pause.setEnabled(running)
        self.a_stop.setEnabled(running)
        self.a_train.setEnabled(page.train_button.isEnabled())
        self.a_more.setEnabled(page.more_button.isEnabled())
        for action in (self.a_save, self.a_save_as):
            action.setEnabled(not running)
        self._update_edit_actions()

    def _fill_recent(self) -> None:
        self.m_recent.clear()
        for path in self.recent.paths():
            action = self.m_recent.addAction(Path(path).name)
            action.setToolTip(path)
            action.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if not self.recent.paths():
            self.m_recent.addAction(tr("(no recent files)")).setEnabled(False)
        else:
            self.m_recent.addSeparator()
            self.m_recent.addAction(tr("Clear list"), self.recent.clear)

    # ----------------------------------------------------------------------------- settings
    def _start_dir(self) -> str:
        return str(self.settings.value("lastDir", str(Path.home())))

    def change_theme(self, name: str) -> None:
        apply_theme(name)
        self.settings.setValue("theme", name)
        for n, action in self.theme_actions.items():
            action.setChecked(n == name)

    def change_language(self, code: str) -> None:
        set_language(code)
        self.settings.setValue("language", code)
        for c, action in self.language_actions.items():
            action.setChecked(c == code)

    def _restore_choices(self) -> None:
        """The model and set-up remembered at the last close, each checked whole first
        (:mod:`workbench.core.restore`); an invalid one is replaced by the defaults, and
        :attr:`restore_notice` says so in one line."""
        remembered = read_remembered(self.settings.value(BUILDER_KEY),
                                     self.settings.value(SETUP_KEY))
        problems = list(remembered.problems)
        if remembered.setup is not None:
            try:
                self.setup.load_dict(remembered.setup)
            except ValueError as exc:
                problems.append(("setup", str(exc)))
        if remembered.builder is not None:
            self.builder.load_dict(remembered.builder, label=tr_noop("Restore"))
            self.builder._undo.clear()
        self.restore_notice, self._notice_shown = "", False
        if problems:
            what = {"model": tr("the remembered model"),
                    "setup": tr("the remembered data and training settings")}
            self.restore_notice = tr("Could not restore {what} ({reason}); started with the "
                                     "defaults.").format(
                what=tr(" and ").join(what[part] for part, _ in problems),
                reason=problems[0][1])
            print(f"nn-workbench: {self.restore_notice}", file=sys.stderr)

    def _restore_geometry(self) -> None:
        geometry = self.settings.value("geometry")
        if isinstance(geometry, QByteArray) and not geometry.isEmpty():
            self.restoreGeometry(geometry)
        else:
            self.resize(1360, 860)
        page = self.settings.value("page")
        if isinstance(page, str):
            self.show_page(page)

    def save_settings(self) -> None:
        self.settings.setValue("geometry", self.saveGeometry())
        self.settings.setValue(SETUP_KEY, json.dumps(self.setup.to_dict()))
        self.settings.setValue(BUILDER_KEY, json.dumps(self.builder.to_dict()))
        row = self.sidebar.currentRow()
        if 0 <= row < len(self.pages):
            self.settings.setValue("page", self.pages[row][0])
        self.settings.sync()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 — Qt override
        super().showEvent(event)
        if self.restore_notice and not self._notice_shown:  # once the status bar is visible
            self._notice_shown = True
            self.statusBar().showMessage(self.restore_notice, 30000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt override
        if not self.confirm_discard(tr("Save the session before closing?"), closing=True):
            event.ignore()
            return
        self.save_settings()
        for _key, page in self.pages:
            page.shutdown()  # every page is a View (or the slot of one not built yet)
        event.accept()
