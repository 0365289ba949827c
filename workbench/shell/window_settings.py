"""What the main window remembers between launches (QSettings): the model and set-up, the
window's geometry and page, the theme and the language."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from PySide6.QtCore import QByteArray

from workbench.core.i18n import set_language, tr, tr_noop
from workbench.core.restore import BUILDER_KEY, SETUP_KEY, read_remembered
from workbench.ui.theme import apply_theme


class WindowSettingsMixin:
    """For :class:`~workbench.shell.main_window.MainWindow` (``settings``, ``builder``,
    ``setup``, ``sidebar``, ``pages``, the theme and language actions)."""

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
