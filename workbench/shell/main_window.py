"""The main window: a sidebar of pages, menus, status bar, settings and session handling."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSettings, QSize, Qt, Signal
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
    tr,
)
from workbench.core.resources_locator import resource_path
from workbench.shell import dialogs, file_actions
from workbench.shell.context import AppContext
from workbench.shell.lazy import LazyPage, PageSlot
from workbench.shell.window_files import FileMenuMixin
from workbench.shell.window_settings import WindowSettingsMixin
from workbench.state import BuilderState, TrainingSetup
from workbench.ui.theme import THEMES
from workbench.ui.view import View


class MainWindow(WindowSettingsMixin, FileMenuMixin, QMainWindow):
    """``defer_pages=True`` (the app): the window opens with its sidebar, menus and status bar,
    and :meth:`fill_pages` builds the pages once it is on the screen — Matplotlib and the
    pages' modules load after the window is shown. By default (tests, the self-test) the
    constructor fills it at once."""

    pagesReady = Signal()  # noqa: N815 (Qt naming) — the start pages are built

    def __init__(self, settings: QSettings | None = None, *, defer_pages: bool = False) -> None:
        super().__init__()
        self.settings = settings or QSettings()
        self.recent = file_actions.RecentFiles(self.settings)
        self.session_path: str | None = None
        self.builder = BuilderState()
        self.setup = TrainingSetup()
        self._restore_choices()
        self.context = AppContext(self.setup, self, builder=self.builder)
        self.context.pageRequested.connect(self.show_page)
        self.pages: list[tuple[str, View | PageSlot]] = []
        self._filled = False
        self._train = None  # the Train page once built (TrainPage)
        self._build_ui()
        self.add_page("train", LazyPage("workbench.pages.train.page", "TrainPage",
                                        (self.builder, self.setup, self.context)), "train.svg")
        self.add_page("inspect", LazyPage("workbench.pages.inspect", "InspectPage"),
                      "inspect.svg")
        self.add_page("draw", LazyPage("workbench.pages.draw", "DrawPage"), "draw.svg")
        self.add_page("compare", LazyPage("workbench.pages.compare", "ComparePage"), "compare.svg")
        self.add_page("fundamentals", LazyPage("workbench.pages.fundamentals", "FundamentalsPage"),
                      "fundamentals.svg")
        self._build_actions()
        self._build_menus()
        self.builder.changed.connect(self._update_edit_actions)
        language_changed.connect(self.retranslate)
        self.retranslate()
        self._restore_geometry()
        if not defer_pages:
            self.fill_pages()

    def fill_pages(self) -> None:
        """Build Train, Inspect (it registers live-training probes before the first run) and
        the remembered page; once."""
        if self._filled:
            return
        self._filled = True
        self.train_page  # noqa: B018 — builds and wires it
        self.page("inspect")
        self._show_row(self.sidebar.currentRow())
        self._update_status()
        self.take_baseline()
        self.pagesReady.emit()

    @property
    def train_page(self):
        """The Build & Train page (built on first use; :class:`~workbench.pages.train.page.
        TrainPage`)."""
        if self._train is None:
            page = self.page("train")
            page.statusChanged.connect(self._update_status)
            page.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
            self._train = page
        return self._train

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
        if isinstance(widget, PageSlot) and self._filled:
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
        self.a_train = self._action(lambda: self.train_page.start_training(), "Ctrl+Return")
        self.a_pause = self._action(lambda: self.train_page.pause_button.toggle(), "Ctrl+P")
        self.a_stop = self._action(lambda: self.train_page.controller.stop(), "Ctrl+.")
        self.a_more = self._action(lambda: self.train_page.continue_training(), "Ctrl+E")
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
        running = self._train is not None and self._train.controller.running
        self.a_undo.setEnabled(b.can_undo and not running)
        self.a_redo.setEnabled(b.can_redo and not running)
        if b.can_undo:
            self.a_undo.setText(tr("&Undo — {edit}").format(edit=b.undo_text))
        if b.can_redo:
            self.a_redo.setText(tr("&Redo — {edit}").format(edit=b.redo_text))

    def _update_status(self) -> None:
        if self._train is None:  # the pages come right after the window is shown
            for action in (self.a_train, self.a_pause, self.a_stop, self.a_more):
                action.setEnabled(False)
            return
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

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 — Qt override
        super().showEvent(event)
        if self.restore_notice and not self._notice_shown:  # once the status bar is visible
            self._notice_shown = True
            self.statusBar().showMessage(self.restore_notice, 30000)

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 — Qt override
        if not self._filled:  # closed before the pages were built: nothing to save or stop
            event.accept()
            return
        if not self.confirm_discard(tr("Save the session before closing?"), closing=True):
            event.ignore()
            return
        self.save_settings()
        for _key, page in self.pages:
            page.shutdown()  # every page is a View (or the slot of one not built yet)
        event.accept()
