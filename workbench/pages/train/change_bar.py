"""An inline bar on the Build & Train page that says what the page changed on its own (and
offers to undo it), or asks before it changes something of the user's.

Not a dialog: it never interrupts a choice in progress (a data set picked in a combo box), stays
until answered or closed, and its text can be read — and tested — like any label.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton, QWidget

from workbench.core.i18n import language_changed, tr
from workbench.ui.view import connect_weak


class ChangeBar(QFrame):
    """Message + up to two buttons + close. :meth:`tell` reports a change (with an optional
    undo), :meth:`ask` offers a choice; a button's action runs once and the bar hides."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.PlainText)
        self.first, self.second = QPushButton(), QPushButton()
        self.close_button = QToolButton()
        self.close_button.setText("×")
        self.close_button.setAutoRaise(True)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(8, 4, 4, 4)
        layout.addWidget(self.label, 1)
        for button in (self.first, self.second, self.close_button):
            layout.addWidget(button, 0, Qt.AlignmentFlag.AlignVCenter)
        self._actions: dict[QPushButton, Callable[[], None]] = {}
        self.first.clicked.connect(lambda: self._run(self.first))
        self.second.clicked.connect(lambda: self._run(self.second))
        self.close_button.clicked.connect(self.dismiss)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        self.hide()

    def retranslate(self) -> None:
        self.close_button.setToolTip(tr("Close this message; nothing is changed."))

    def tell(self, text: str, undo: Callable[[], None] | None = None,
             undo_text: str = "", undo_tip: str = "") -> None:
        """Show what was changed; with ``undo``, a button that reverts it."""
        self._show(text, [(undo_text or tr("Undo"), undo_tip, undo)] if undo else [])

    def ask(self, text: str, yes: tuple[str, str, Callable[[], None]],
            no: tuple[str, str, Callable[[], None]]) -> None:
        """Offer a choice: ``yes`` and ``no`` are (button text, tooltip, action)."""
        self._show(text, [yes, no])

    def dismiss(self) -> None:
        self._actions = {}
        self.hide()

    def _show(self, text: str, buttons: list) -> None:
        self.label.setText(text)
        self._actions = {}
        for button, spec in zip((self.first, self.second), (buttons + [None, None])[:2],
                                strict=True):
            button.setVisible(spec is not None)
            if spec is not None:
                label, tip, action = spec
                button.setText(label)
                button.setToolTip(tip)
                self._actions[button] = action
        self.show()

    def _run(self, button: QPushButton) -> None:
        action = self._actions.get(button)
        self.dismiss()
        if action is not None:
            action()


__all__ = ["ChangeBar"]
