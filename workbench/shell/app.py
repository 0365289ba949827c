"""Start the desktop application."""

from __future__ import annotations

import sys
import traceback

from PySide6.QtCore import QCoreApplication, QLibraryInfo, QLocale, QSettings, Qt, QTranslator
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from nn.runtime import share_malloc_arena
from workbench.core import i18n
from workbench.core.desktop_entry import APP_ID
from workbench.core.resources_locator import resource_path
from workbench.shell import startup_probe
from workbench.shell.lazy import when_exposed
from workbench.ui import fonts, theme

APP_NAME = "Neural Network Workbench"
ORG_NAME = "nn-workbench"


def create_application(argv: list[str] | None = None) -> QApplication:
    """The QApplication with names (for QSettings), icon and the remembered language."""
    share_malloc_arena()  # before any worker thread: training there as fast as in the main one
    app = QApplication.instance() or QApplication(argv if argv is not None else sys.argv)
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORG_NAME)
    app.setApplicationDisplayName(APP_NAME)
    app.setDesktopFileName(APP_ID)  # matches the menu entry of --install-desktop-entry
    app.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))
    app.setAttribute(Qt.ApplicationAttribute.AA_DontShowIconsInMenus, False)
    settings = QSettings()
    # A CJK fallback font for Matplotlib, whatever the language: set before the first figure
    # (by PlotCanvas; Matplotlib loads only then) and again after a language change.
    i18n.language_changed.connect(fonts.configure_if_loaded)
    i18n.language_changed.connect(install_qt_translations)
    language = settings.value("language") or i18n.system_language(QLocale.system().name())
    i18n.set_language(str(language))
    theme.apply_theme(str(settings.value("theme") or "system"))
    return app


_qt_translators: list[QTranslator] = []


def install_qt_translations() -> None:
    """Qt's own texts (standard dialog buttons, file dialogs, text-field menus) in the current
    language, from the translations shipped with Qt; English needs none."""
    app = QCoreApplication.instance()
    if app is None:
        return
    for translator in _qt_translators:
        app.removeTranslator(translator)
    _qt_translators.clear()
    code = i18n.current_language()
    if code == "en":
        return
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    translator = QTranslator(app)
    if translator.load(f"qtbase_{code}", folder):
        app.installTranslator(translator)
        _qt_translators.append(translator)


def install_excepthook(parent_getter) -> None:
    """Show unexpected errors in a dialog instead of letting the app die silently."""

    def hook(exc_type, exc, tb) -> None:
        text = "".join(traceback.format_exception(exc_type, exc, tb))
        sys.stderr.write(text)
        QMessageBox.critical(parent_getter(), i18n.tr("Unexpected error"),
                             i18n.tr("Something went wrong; your work is unchanged.") +
                             f"\n\n{exc_type.__name__}: {exc}")

    sys.excepthook = hook


def run_app(argv: list[str] | None = None) -> int:
    app = create_application(argv)
    from workbench.shell.main_window import MainWindow

    window = MainWindow(defer_pages=True)  # the pages are built once the window is shown
    install_excepthook(lambda: window)
    window.show()
    when_exposed(window, window.fill_pages)
    startup_probe.watch_if_asked(window)  # benchmarks/bench_startup.py's measuring hook
    return app.exec()
