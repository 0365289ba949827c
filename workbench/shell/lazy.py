"""Pages built on their first visit, so the window opens fast."""

from __future__ import annotations

import importlib

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.shell.context import AppContext
from workbench.ui.view import View


class LazyPage:
    """How to build a page later: module and class name, imported on first use."""

    def __init__(self, module: str, name: str) -> None:
        self.module, self.name = module, name

    def build(self, context: AppContext) -> View:
        module = importlib.import_module(self.module)
        return getattr(module, self.name)(context)


class PageSlot(QWidget):
    """Holds the place of a page in the stack until it is first shown, then contains it."""

    def __init__(self, lazy: LazyPage, context: AppContext) -> None:
        super().__init__()
        self.lazy, self.context = lazy, context
        self.page: View | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> View:
        if self.page is None:
            self.setCursor(Qt.CursorShape.WaitCursor)
            self.page = self.lazy.build(self.context)
            self.layout().addWidget(self.page)
            self.unsetCursor()
        return self.page

    def shutdown(self) -> None:
        """The page's :meth:`~workbench.ui.view.View.shutdown`, if it was ever built."""
        if self.page is not None:
            self.page.shutdown()
