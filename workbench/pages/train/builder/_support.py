"""Drawn icons shared by the builder's widgets."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPainterPath, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QWidget


# ------------------------------------------------------------------------------------- icons
def _path(kind: str) -> QPainterPath:
    """Outline of a 16×16 icon."""
    p = QPainterPath()
    if kind == "add":
        p.moveTo(8, 3), p.lineTo(8, 13), p.moveTo(3, 8), p.lineTo(13, 8)
    elif kind == "remove":
        p.moveTo(3.5, 5), p.lineTo(12.5, 5), p.moveTo(6.5, 5), p.lineTo(6.5, 3.5)
        p.lineTo(9.5, 3.5), p.lineTo(9.5, 5)
        p.moveTo(4.5, 5), p.lineTo(5.2, 13), p.lineTo(10.8, 13), p.lineTo(11.5, 5)
    elif kind == "duplicate":
        p.addRoundedRect(QRectF(5.5, 5.5, 8, 8), 1.5, 1.5)
        p.moveTo(3, 10.5), p.lineTo(2.5, 10.5), p.lineTo(2.5, 2.5), p.lineTo(10.5, 2.5)
        p.lineTo(10.5, 3)
    elif kind == "up":
        p.moveTo(8, 13), p.lineTo(8, 3), p.moveTo(3.5, 7.5), p.lineTo(8, 3), p.lineTo(12.5, 7.5)
    elif kind == "down":
        p.moveTo(8, 3), p.lineTo(8, 13), p.moveTo(3.5, 8.5), p.lineTo(8, 13), p.lineTo(12.5, 8.5)
    return p


def line_icon(kind: str, widget: QWidget) -> QIcon:
    """A crisp outline icon (``add``, ``remove``, ``duplicate``, ``up``, ``down``) drawn in the
    widget's text colour, so it fits light and dark themes."""
    icon = QIcon()
    pal = widget.palette()
    for mode, group in ((QIcon.Mode.Normal, QPalette.ColorGroup.Active),
                        (QIcon.Mode.Disabled, QPalette.ColorGroup.Disabled)):
        color = pal.color(group, QPalette.ColorRole.ButtonText)
        if mode == QIcon.Mode.Disabled:
            color = QColor(color)
            color.setAlphaF(0.45)
        for size in (16, 32):
            pm = QPixmap(size, size)
            pm.fill(Qt.GlobalColor.transparent)
            painter = QPainter(pm)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.scale(size / 16, size / 16)
            pen = QPen(color, 1.4, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                       Qt.PenJoinStyle.RoundJoin)
            painter.setPen(pen)
            painter.drawPath(_path(kind))
            painter.end()
            icon.addPixmap(pm, mode)
    return icon


def dot_icon(color: str, size: int = 12) -> QIcon:
    """A filled circle, used to mark a layer category."""
    pm = QPixmap(size * 2, size * 2)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(QPointF(size, size), size * 0.55, size * 0.55)
    painter.end()
    pm.setDevicePixelRatio(2)
    return QIcon(pm)
