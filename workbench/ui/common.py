"""Small shared widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QLabel, QWidget

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
