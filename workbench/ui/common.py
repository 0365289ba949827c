"""Small shared widgets."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from workbench.ui import theme


class ErrorLabel(QLabel):
    """Inline message under a control: red text naming the problem, hidden when empty."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.hide()

    def show_error(self, message: str | None) -> None:
        if message:
            self.setStyleSheet(f"color: {theme.error_color()};")
            self.setText(message)
            self.show()
        else:
            self.clear()
            self.hide()


class StatusLine(QLabel):
    """One line of status that never changes height: an information text, replaced by an
    error while there is one, or briefly by a confirmation (:meth:`flash`).

    A text too long for the line is elided in the middle (file paths keep both ends); the
    whole text is in the tooltip and :meth:`full_text`. The height is one line even when the
    line is empty, so nothing below it moves when a message appears, wraps or goes.
    """

    FLASH_MS = 2500

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._info = ""
        self._error: str | None = None
        self._flash: str | None = None
        self._flash_timer = QTimer(self)
        self._flash_timer.setSingleShot(True)
        self._flash_timer.timeout.connect(self._end_flash)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setProperty("elideOk", True)  # elided on purpose; the tooltip has it all
        self._fix_height()

    # ------------------------------------------------------------------------ messages
    def full_text(self) -> str:
        """What the line says, unelided."""
        return self._flash or self._error or self._info

    @property
    def is_error(self) -> bool:
        return self._error is not None and self._flash is None

    @property
    def is_flashing(self) -> bool:
        return self._flash is not None

    def show_info(self, text: str) -> None:
        self._info = text
        self._show()

    def show_error(self, message: str | None) -> None:
        """Show ``message`` in the error colour instead of the information (None: no error)."""
        self._error = message or None
        self._show()

    def flash(self, text: str, ms: int | None = None) -> None:
        """Show ``text`` as a highlighted confirmation for ``ms`` milliseconds."""
        self._flash = text
        self._flash_timer.start(self.FLASH_MS if ms is None else ms)
        self._show()

    def _end_flash(self) -> None:
        self._flash = None
        self._show()

    # -------------------------------------------------------------------------- display
    def _show(self) -> None:
        if self._flash is not None:
            style = (f"color: {theme.ok_color()}; background: {theme.flash_color()}; "
                     "border-radius: 3px;")
        elif self._error is not None:
            style = f"color: {theme.error_color()};"
        else:
            style = f"color: {theme.muted_color()};"
        if style != self.styleSheet():  # (a new style sheet sends a palette change itself)
            self.setStyleSheet(style)
        self.setToolTip(self.full_text())
        self._elide()

    def _elide(self) -> None:
        self.setText(self.fontMetrics().elidedText(
            self.full_text(), Qt.TextElideMode.ElideMiddle, max(self.contentsRect().width(), 40)))

    def _fix_height(self) -> None:
        margins = self.contentsMargins()
        self.setFixedHeight(self.fontMetrics().lineSpacing() + 4 + margins.top()
                            + margins.bottom())

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._fix_height()
        elif event.type() == QEvent.Type.PaletteChange:
            self._show()
