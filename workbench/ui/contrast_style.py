"""Colour contrast (WCAG 2.1) and the Fusion style with controls that read on dark windows.

Fusion outlines check boxes and radio buttons with the window colour darkened, which on a dark
window is almost the window itself, and it paints a checked tool button a shade away from an
unchecked one: on the dark theme an unchecked box and the state of the Pen/Eraser toggle were
hard to see. :class:`ContrastStyle` draws those outlines, and a checked button's frame and
fill, in colours chosen to keep at least :data:`MIN_CONTRAST` against the window (WCAG's
minimum for the parts of controls, success criterion 1.4.11).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPalette, QPen
from PySide6.QtWidgets import QProxyStyle, QStyle, QStyleOption

#: Contrast ratio the outlines of controls keep against the window (WCAG 1.4.11: 3:1).
MIN_CONTRAST = 3.0
#: Aim this much above a minimum, so rounding to 8-bit channels cannot drop below it.
_ROUNDING_MARGIN = 1.015


def relative_luminance(color: QColor | str) -> float:
    """WCAG relative luminance of an sRGB colour, in [0, 1]."""
    c = QColor(color)

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return (0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF())
            + 0.0722 * channel(c.blueF()))


def contrast_ratio(a: QColor | str, b: QColor | str) -> float:
    """WCAG contrast ratio of two colours, from 1 (equal) to 21 (black on white)."""
    la, lb = relative_luminance(a), relative_luminance(b)
    return (max(la, lb) + 0.05) / (min(la, lb) + 0.05)


def mix(a: QColor | str, b: QColor | str, t: float) -> QColor:
    """``a`` moved a fraction ``t`` of the way to ``b`` (opaque)."""
    a, b = QColor(a), QColor(b)
    return QColor.fromRgbF(a.redF() + (b.redF() - a.redF()) * t,
                           a.greenF() + (b.greenF() - a.greenF()) * t,
                           a.blueF() + (b.blueF() - a.blueF()) * t)


def readable(color: QColor | str, background: QColor | str,
             minimum: float = MIN_CONTRAST) -> QColor:
    """``color``, or the least change of it towards black or white (whichever is farther
    from ``background``) that has ``minimum`` contrast against ``background``."""
    color, background = QColor(color), QColor(background)
    if contrast_ratio(color, background) >= minimum:
        return color
    minimum *= _ROUNDING_MARGIN
    away = QColor("#ffffff") if relative_luminance(background) < 0.18 else QColor("#000000")
    lo, hi = 0.0, 1.0
    for _ in range(20):
        mid = (lo + hi) / 2
        if contrast_ratio(mix(color, away, mid), background) >= minimum:
            hi = mid
        else:
            lo = mid
    return mix(color, away, hi)


def faintest(color: QColor | str, background: QColor | str,
             minimum: float = MIN_CONTRAST) -> QColor:
    """The colour between ``color`` and ``background`` closest to the background that still
    has ``minimum`` contrast against it (a faint line that stays visible)."""
    color = readable(color, background, minimum)
    minimum *= _ROUNDING_MARGIN
    lo, hi = 0.0, 1.0
    for _ in range(20):
        mid = (lo + hi) / 2
        if contrast_ratio(mix(color, background, mid), background) >= minimum:
            lo = mid
        else:
            hi = mid
    return mix(color, background, lo)


def control_outline(palette: QPalette) -> QColor:
    """Outline of check boxes, radio buttons and checked buttons: the text colour toned down
    towards the window as far as :data:`MIN_CONTRAST` allows."""
    return faintest(palette.color(QPalette.ColorRole.Text),
                    palette.color(QPalette.ColorRole.Window))


def checked_frame(palette: QPalette) -> QColor:
    """Frame of a checked (toggled on) button: the link colour made readable on the window."""
    return readable(palette.color(QPalette.ColorRole.Link),
                    palette.color(QPalette.ColorRole.Window))


class ContrastStyle(QProxyStyle):
    """Fusion, with check-box and radio outlines and checked buttons that stand out."""

    _INDICATORS = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                   QStyle.PrimitiveElement.PE_IndicatorRadioButton)
    _PANELS = (QStyle.PrimitiveElement.PE_PanelButtonTool,
               QStyle.PrimitiveElement.PE_PanelButtonCommand)

    def __init__(self) -> None:
        super().__init__("Fusion")

    def drawPrimitive(self, element, option: QStyleOption, painter: QPainter,  # noqa: N802
                      widget=None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        on = bool(option.state & QStyle.StateFlag.State_On)
        if element in self._INDICATORS:
            self._outline(element, option, painter)
        elif element in self._PANELS and on:
            self._checked(option, painter)

    def _outline(self, element, option: QStyleOption, painter: QPainter) -> None:
        color = control_outline(option.palette)
        if not option.state & QStyle.StateFlag.State_Enabled:
            color = mix(color, option.palette.color(QPalette.ColorRole.Window), 0.5)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.setPen(QPen(color, 1.0))
        rect = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(rect)
        else:
            painter.drawRoundedRect(rect, 1.5, 1.5)
        painter.restore()

    def _checked(self, option: QStyleOption, painter: QPainter) -> None:
        frame = checked_frame(option.palette)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fill = QColor(frame)
        fill.setAlphaF(0.28)
        painter.setBrush(fill)
        painter.setPen(QPen(frame, 1.5))
        painter.drawRoundedRect(QRectF(option.rect).adjusted(1, 1, -1, -1), 2.5, 2.5)
        painter.restore()
