"""Pages built on their first visit, so the window opens fast."""

from __future__ import annotations

import importlib
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtWidgets import QHBoxLayout, QWidget

from workbench.shell.context import AppContext
from workbench.ui.view import View


class LazyPage:
    """How to build a page later: module and class name, imported on first use, and the
    constructor's arguments (by default the app context alone)."""

    def __init__(self, module: str, name: str, args: tuple | None = None) -> None:
        self.module, self.name, self.args = module, name, args

    def build(self, context: AppContext) -> View:
        module = importlib.import_module(self.module)
        return getattr(module, self.name)(*(self.args if self.args is not None else (context,)))


def when_exposed(window: QWidget, callback: Callable[[], None], fallback_ms: int = 1000) -> None:
    """Call ``callback`` once, from the event loop, right after the just-shown top-level
    ``window`` is on the screen (exposed, hence painted and flushed) — or after ``fallback_ms``
    if the window system never exposes it (a minimised start). ``callback`` must be idempotent."""
    handle = window.windowHandle()
    if handle is None or handle.isExposed():
        QTimer.singleShot(0, callback)
        return

    class _Watch(QObject):
        def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
            if event.type() == QEvent.Type.Expose and handle.isExposed():
                handle.removeEventFilter(self)
                QTimer.singleShot(0, callback)  # after this expose has painted the window
            return False

    watch = _Watch(window)
    handle.installEventFilter(watch)
    QTimer.singleShot(fallback_ms, callback)


class PageSlot(QWidget):
    """Holds the place of a page in the stack until it is first shown, then contains it."""

    def __init__(self, lazy: LazyPage, context: AppContext) -> None:
        super().__init__()
        self.lazy, self.context = lazy, context
        self.page: View | None = None
        self._building = False
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    def ensure_built(self) -> View:
        if self.page is None:
            if self._building:  # e.g. a signal sent while the page is built asks for it
                raise RuntimeError(f"{self.lazy.name} was asked for while it is being built")
            self._building = True
            self.setCursor(Qt.CursorShape.WaitCursor)
            try:
                self.page = self.lazy.build(self.context)
            finally:
                self._building = False
                self.unsetCursor()
            self.layout().addWidget(self.page)
        return self.page

    def shutdown(self) -> None:
        """The page's :meth:`~workbench.ui.view.View.shutdown`, if it was ever built."""
        if self.page is not None:
            self.page.shutdown()
