"""Painting strokes and images with QPainter, and moving pixels between QImage and NumPy.

One function paints a stroke for both the screen and the raster the network reads, so what the
user sees is what gets classified. Strokes are smoothed with quadratic Bézier curves through the
midpoints of successive pointer samples, so a fast mouse gives round curves, not polygons.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath, QPen

from nn.raster import ERASER_MARGIN
from workbench.state.draw.strokes import CANVAS_SIZE, DrawingHistory, Reset, Stroke

INK = QColor(255, 255, 255)
PAPER = QColor(0, 0, 0)
#: A pen at zero pressure still draws this fraction of the pen width.
MIN_PRESSURE_WIDTH = 0.35
# An eraser paints ERASER_MARGIN canvas units wider than its nominal width: erasing a stroke
# along its own path with the same width otherwise left the antialiased edge pixels a quarter
# grey, a hairline the preprocessing scaled up into a digit. One unit beyond each side covers
# that fringe on the raster (one unit per pixel) and on screen (a unit is about a pixel or more).


def pressure_width(stroke_width: float, pressure: float, erase: bool = False) -> float:
    """Width painted at ``pressure`` in ``[0, 1]`` (an eraser adds :data:`ERASER_MARGIN`)."""
    p = min(max(pressure, 0.0), 1.0)
    width = stroke_width * (MIN_PRESSURE_WIDTH + (1.0 - MIN_PRESSURE_WIDTH) * p)
    return width + ERASER_MARGIN if erase else width


def _pen(width: float, erase: bool) -> QPen:
    return QPen(PAPER if erase else INK, width, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                Qt.PenJoinStyle.RoundJoin)


def smooth_path(points: list[QPointF]) -> QPainterPath:
    """A path through ``points`` with quadratic curves between sample midpoints."""
    path = QPainterPath(points[0])
    if len(points) == 2:
        path.lineTo(points[1])
        return path
    for i in range(1, len(points) - 1):
        mid = (points[i] + points[i + 1]) / 2.0
        path.quadTo(points[i], mid)
    if len(points) > 1:
        path.lineTo(points[-1])
    return path


def paint_stroke(painter: QPainter, stroke: Stroke) -> None:
    """Paint ``stroke`` in canvas units (scale the painter to the target first)."""
    pts = [QPointF(x, y) for x, y, _ in stroke.points]
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if len(pts) == 1:  # a click or tap: a round dot
        x, y, p = stroke.points[0]
        r = pressure_width(stroke.width, p, stroke.erase) / 2.0
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(PAPER if stroke.erase else INK)
        painter.drawEllipse(QPointF(x, y), r, r)
        return
    if not stroke.pressure_varies:
        painter.setPen(_pen(pressure_width(stroke.width, stroke.points[0][2], stroke.erase),
                            stroke.erase))
        painter.drawPath(smooth_path(pts))
        return
    # A tablet pen: one curve piece per sample, each as wide as the pressure at its middle.
    start = pts[0]
    for i in range(1, len(pts)):
        end = pts[-1] if i == len(pts) - 1 else (pts[i] + pts[i + 1]) / 2.0
        piece = QPainterPath(start)
        if i == len(pts) - 1:
            piece.lineTo(end)
        else:
            piece.quadTo(pts[i], end)
        painter.setPen(_pen(pressure_width(stroke.width, stroke.points[i][2], stroke.erase),
                            stroke.erase))
        painter.drawPath(piece)
        start = end


def ink_to_qimage(ink: NDArray[np.floating]) -> QImage:
    """An ink-high array ``(H, W)`` in ``[0, 1]`` as an 8-bit grey QImage (white ink)."""
    arr = np.ascontiguousarray(np.round(np.clip(ink, 0.0, 1.0) * 255.0).astype(np.uint8))
    h, w = arr.shape
    return QImage(arr.data, w, h, w, QImage.Format.Format_Grayscale8).copy()


def rgba_to_qimage(rgba: NDArray[np.uint8]) -> QImage:
    """A ``(H, W, 4)`` uint8 RGBA array (straight alpha) as a QImage."""
    arr = np.ascontiguousarray(rgba, dtype=np.uint8)
    h, w = arr.shape[:2]
    return QImage(arr.data, w, h, 4 * w, QImage.Format.Format_RGBA8888).copy()


def qimage_to_ink(image: QImage) -> NDArray[np.float32]:
    """An 8-bit grey QImage as float32 ``(H, W)`` in ``[0, 1]`` (a copy)."""
    if image.format() != QImage.Format.Format_Grayscale8:
        image = image.convertToFormat(QImage.Format.Format_Grayscale8)
    h, w, stride = image.height(), image.width(), image.bytesPerLine()
    buf = np.frombuffer(image.constBits(), dtype=np.uint8, count=stride * h)
    return buf.reshape(h, stride)[:, :w].astype(np.float32) * np.float32(1.0 / 255.0)


def fit_rect(width: int, height: int, side: float = CANVAS_SIZE) -> QRectF:
    """Where a ``width`` × ``height`` image goes in the canvas: as large as fits, centred."""
    scale = side / max(width, height)
    w, h = width * scale, height * scale
    return QRectF((side - w) / 2.0, (side - h) / 2.0, w, h)


@dataclass(frozen=True)
class Guides:
    """How the preprocessing frames the drawing, in canvas units.

    ``frame`` is the region that becomes the 28×28 input, ``box`` the ink's bounding box (scaled
    to 20 px) and ``com`` its centre of mass (moved to pixel 14).
    """

    frame: QRectF
    box: QRectF
    com: QPointF


def paint_guides(painter: QPainter, guides: Guides, unit: float) -> None:
    """Outline the input frame (blue, dashed), the ink box and its centre of mass (orange),
    in canvas units; ``unit`` is one screen pixel in canvas units."""
    frame_pen = QPen(QColor(86, 180, 233), 1.5 * unit, Qt.PenStyle.DashLine)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.setPen(frame_pen)
    painter.drawRect(guides.frame)
    painter.setPen(QPen(QColor(230, 159, 0), 1.2 * unit, Qt.PenStyle.DotLine))
    painter.drawRect(guides.box)
    painter.setPen(QPen(QColor(230, 159, 0), 1.5 * unit))
    arm = 8.0 * unit
    c = guides.com
    painter.drawLine(QPointF(c.x() - arm, c.y()), QPointF(c.x() + arm, c.y()))
    painter.drawLine(QPointF(c.x(), c.y() - arm), QPointF(c.x(), c.y() + arm))


class Renderer:
    """Paints a :class:`DrawingHistory` onto images of any size, caching the base images."""

    def __init__(self) -> None:
        self._base_reset: Reset | None = None
        self._base_image: QImage | None = None

    def _base(self, reset: Reset) -> QImage | None:
        if reset.base is None:
            return None
        if self._base_reset is not reset:
            self._base_reset, self._base_image = reset, ink_to_qimage(reset.base)
        return self._base_image

    def paint(self, painter: QPainter, history: DrawingHistory,
              strokes: list[Stroke] | None = None) -> None:
        """Paint the history in canvas units: the base image, then the strokes (or only
        ``strokes`` on top of what is already there, when given)."""
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        if strokes is None:
            painter.fillRect(QRectF(0, 0, CANVAS_SIZE, CANVAS_SIZE), PAPER)
            reset = history.last_reset()
            base = self._base(reset) if reset is not None else None
            if base is not None:
                # small images (a 28×28 test digit) keep square pixels, like the input view
                crisp = max(base.width(), base.height()) * 4 <= CANVAS_SIZE
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not crisp)
                painter.drawImage(fit_rect(base.width(), base.height()), base)
                painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
            strokes = history.strokes()
        for stroke in strokes:
            paint_stroke(painter, stroke)

    def render(self, history: DrawingHistory, pixels: int, fmt: QImage.Format,
               strokes: list[Stroke] | None = None, onto: QImage | None = None) -> QImage:
        """The history as a ``pixels`` × ``pixels`` image (or painted ``onto`` one)."""
        image = onto if onto is not None else QImage(pixels, pixels, fmt)
        painter = QPainter(image)
        painter.scale(image.width() / CANVAS_SIZE, image.height() / CANVAS_SIZE)
        self.paint(painter, history, strokes)
        painter.end()
        return image
