"""Colours that read well on both light and dark system themes, for widgets and plots."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication


def palette() -> QPalette:
    app = QApplication.instance()
    return app.palette() if app is not None else QPalette()


def is_dark() -> bool:
    """True when the window background is dark (a dark system theme)."""
    return palette().color(QPalette.ColorRole.Window).lightness() < 128


def error_color() -> str:
    return "#ff7b72" if is_dark() else "#c62828"


def ok_color() -> str:
    return "#7ee787" if is_dark() else "#2e7d32"


def muted_color() -> str:
    return palette().color(QPalette.ColorRole.PlaceholderText).name()


def plot_colors() -> dict[str, str]:
    """Face, text and grid colours for Matplotlib figures matching the window."""
    pal = palette()
    face = pal.color(QPalette.ColorRole.Base)
    text = pal.color(QPalette.ColorRole.Text)
    grid = QColor(text)
    grid.setAlphaF(0.15)
    return {"face": face.name(), "text": text.name(), "grid": grid.name(QColor.NameFormat.HexArgb),
            "window": pal.color(QPalette.ColorRole.Window).name()}


#: Series colours (Okabe–Ito, colour-blind safe), readable on light and dark backgrounds.
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]
