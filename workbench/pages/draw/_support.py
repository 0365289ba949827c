"""Small helpers shared by the Draw page's widgets."""

from __future__ import annotations

from PySide6.QtWidgets import QWidget

from workbench.core.i18n import language_changed


def follow_language(widget: QWidget) -> None:
    """Call ``widget.retranslate()`` now and after every language switch (the language signal
    holds the widget weakly and forgets it when it is destroyed)."""
    widget.retranslate()
    language_changed.connect(widget.retranslate)
