"""Colours that read well on both light and dark system themes, for widgets and plots."""

from __future__ import annotations

from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from workbench.ui.contrast_style import ContrastStyle, faintest, readable


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


def flash_color() -> str:
    """Background of a confirmation that flashes (e.g. "Saved"), a light tint of ok_color."""
    return "#1e3a24" if is_dark() else "#dff3e2"


def muted_color() -> str:
    return palette().color(QPalette.ColorRole.PlaceholderText).name()


def plot_colors() -> dict[str, str]:
    """Face, text and grid colours for Matplotlib figures matching the window."""
    pal = palette()
    face = pal.color(QPalette.ColorRole.Base)
    text = pal.color(QPalette.ColorRole.Text)
    # Matplotlib reads "#RRGGBBAA" (Qt's HexArgb is "#AARRGGBB"): build it by hand.
    grid = f"{text.name()}{round(0.15 * 255):02x}"
    return {"face": face.name(), "text": text.name(), "grid": grid,
            "window": pal.color(QPalette.ColorRole.Window).name()}


#: Series colours (Okabe–Ito, colour-blind safe), readable on light and dark backgrounds.
SERIES = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#999999"]


def line_colors(color: str, face: str | None = None) -> tuple[str, str]:
    """A series drawn twice, raw and smoothed, on ``face`` (the plot background): the raw
    line as faint as it can be while keeping 3:1 contrast (WCAG 1.4.11), the smoothed line
    with at least 4.5:1. On the dark theme the Okabe–Ito blue is lightened for both."""
    face = face or plot_colors()["face"]
    return faintest(color, face, 3.0).name(), readable(color, face, 4.5).name()


THEMES = ("system", "light", "dark")
_system_palette: QPalette | None = None
_style_ref: list = []


def apply_theme(name: str) -> None:
    """Follow the system palette, or force a light or dark Fusion palette."""
    global _system_palette
    app = QApplication.instance()
    if app is None:
        return
    if _system_palette is None:
        _system_palette = QPalette(app.palette())
    if name in ("dark", "light"):
        if not isinstance(app.style(), ContrastStyle):
            _style_ref[:] = [ContrastStyle()]  # Python keeps a reference; Qt owns it
            app.setStyle(_style_ref[0])
        app.setPalette(_dark_palette() if name == "dark" else app.style().standardPalette())
    else:
        app.setPalette(_system_palette)


def _dark_palette() -> QPalette:
    p = QPalette()
    role, group = QPalette.ColorRole, QPalette.ColorGroup
    colors = {
        role.Window: "#2b2d30", role.WindowText: "#e6e6e6", role.Base: "#1f2124",
        role.AlternateBase: "#2b2d30", role.ToolTipBase: "#3a3d41", role.ToolTipText: "#e6e6e6",
        role.Text: "#e6e6e6", role.Button: "#35383c", role.ButtonText: "#e6e6e6",
        role.BrightText: "#ff6b6b", role.Link: "#6cb6ff", role.Highlight: "#2f6fb3",
        role.HighlightedText: "#ffffff", role.PlaceholderText: "#9a9da1", role.Mid: "#4a4d52",
        role.Dark: "#191a1c", role.Light: "#45484d", role.Midlight: "#3c3f43",
        role.Shadow: "#000000",
    }
    for r, c in colors.items():
        p.setColor(r, QColor(c))
    for r in (role.WindowText, role.Text, role.ButtonText):
        p.setColor(group.Disabled, r, QColor("#7a7d82"))
    return p
