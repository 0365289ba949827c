"""The drawing canvas: white ink on black like MNIST, drawn with a mouse, a tablet pen or a finger.

The widget keeps two pictures of :class:`~workbench.state.draw.strokes.DrawingHistory`: the
screen image at the widget's physical resolution, and a :data:`CANVAS_SIZE`-pixel raster that
:meth:`DrawingCanvas.ink` hands to the preprocessing. Both are painted by the same
:class:`~workbench.pages.draw.render.Renderer`, finished strokes incrementally.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, Qt, Signal
from PySide6.QtGui import (
    QColor,
    QImage,
    QKeyEvent,
    QKeySequence,
    QPainter,
    QPaintEvent,
    QPen,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.core.i18n import language_changed, tr
from workbench.pages.draw.images import CanvasImages
from workbench.pages.draw.render import Guides, paint_guides, paint_stroke, pressure_width
from workbench.state.draw.strokes import (
    CANVAS_SIZE,
    DEFAULT_PEN_WIDTH,
    MAX_PEN_WIDTH,
    MIN_PEN_WIDTH,
    DrawingHistory,
    Point,
    Stroke,
)
from workbench.ui.view import connect_weak

_MIN_STEP = 0.75  # canvas units between kept pointer samples
_OVERLAY_OPACITY = 0.8
_CLEAR_KEYS = (Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape)
#: Keys that work anywhere on the Draw page (the page installs them as shortcuts).
TOOL_KEYS = (*_CLEAR_KEYS, Qt.Key.Key_BracketLeft, Qt.Key.Key_BracketRight, Qt.Key.Key_E)
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp")


class DrawingCanvas(QWidget):
    """A square drawing surface over a :class:`DrawingHistory`."""

    inkChanged = Signal()  # the ink changed: a new pen sample or any history change
    strokeStarted = Signal()
    strokeFinished = Signal()  # a settled drawing: pen up, undo, redo, clear or a new image
    toolChanged = Signal()  # pen width or eraser
    imageDropped = Signal(str)  # the path of an image file dropped on the canvas

    def __init__(self, history: DrawingHistory | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.history = history if history is not None else DrawingHistory()
        self.history.changed.connect(self._on_history)
        self.images = CanvasImages(self.history)
        self._points: list[Point] = []
        self._stroke_erase = False
        self._stroke_width = DEFAULT_PEN_WIDTH
        self._pen_width = DEFAULT_PEN_WIDTH
        self._eraser = False
        self._mnist_pen = True
        self._hover: QPointF | None = None
        self._overlay: tuple[QImage, QRectF] | None = None
        self._guides: Guides | None = None
        self.show_overlay = True
        self.show_guides = False
        self.setMouseTracking(True)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setAttribute(Qt.WidgetAttribute.WA_AcceptTouchEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, False)
        self.setAcceptDrops(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setMinimumSize(200, 200)  # the page still fits a 494-px-high window
        policy = QSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        policy.setHeightForWidth(True)
        self.setSizePolicy(policy)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.setToolTip(tr(
            "Draw a digit with the mouse, a tablet pen (pressure sets the width; its eraser end "
            "erases) or a finger.\nRight-click, Delete, Backspace or Esc clears; Ctrl+Z undoes "
            "a stroke and Ctrl+Shift+Z redoes it; [ and ] change the pen width; E switches the "
            "eraser.\nDrop a PNG or JPEG file here to classify it instead."))
        self.setAccessibleName(tr("Drawing canvas"))
        self.update()

    # ------------------------------------------------------------------------------ tools
    @property
    def pen_width(self) -> float:
        return self._pen_width

    def set_pen_width(self, width: float) -> None:
        width = float(min(max(width, MIN_PEN_WIDTH), MAX_PEN_WIDTH))
        if width != self._pen_width:
            self._pen_width = width
            self.toolChanged.emit()
            self.update()

    @property
    def eraser(self) -> bool:
        return self._eraser

    def set_eraser(self, on: bool) -> None:
        if bool(on) != self._eraser:
            self._eraser = bool(on)
            self.toolChanged.emit()

    # ------------------------------------------------------------------------ what is drawn
    @property
    def is_drawing(self) -> bool:
        """A stroke is in progress (the pen is down)."""
        return bool(self._points)

    @property
    def is_blank(self) -> bool:
        return self.history.is_blank and not self._points

    def current_stroke(self) -> Stroke | None:
        if not self._points:
            return None
        return Stroke(tuple(self._points), self._stroke_width, self._stroke_erase)

    @property
    def mnist_pen(self) -> bool:
        """Whether :meth:`ink` redraws the strokes with MNIST's pen width for their size
        (:func:`~workbench.state.draw.strokes.mnist_pen`); the screen keeps the user's pen."""
        return self._mnist_pen

    def set_mnist_pen(self, on: bool) -> None:
        if bool(on) != self._mnist_pen:
            self._mnist_pen = bool(on)
            self.images.invalidate()
            self.inkChanged.emit()
            self.strokeFinished.emit()

    def ink(self) -> NDArray[np.float32]:
        """The drawing as the network's preprocessing reads it, including the stroke in
        progress: ``(CANVAS_SIZE, CANVAS_SIZE)`` float32, ink high in ``[0, 1]`` (with
        :attr:`mnist_pen`, redrawn with MNIST's pen width)."""
        return self.images.ink(self.current_stroke(), self._mnist_pen)

    def direct_input(self) -> NDArray[np.float32] | None:
        """The loaded image's exact 28×28 network input while nothing is drawn over it."""
        return None if self._points else self.history.direct_input()

    def set_overlay(self, image: QImage | None, rect: QRectF | None = None) -> None:
        """Show ``image`` (e.g. a saliency map) over the drawing at ``rect`` (canvas units)."""
        self._overlay = None if image is None or rect is None else (image, QRectF(rect))
        self.update()

    def set_guides(self, guides: Guides | None) -> None:
        self._guides = guides
        if self.show_guides:
            self.update()

    # -------------------------------------------------------------------------- geometry
    def hasHeightForWidth(self) -> bool:  # noqa: N802 — Qt override
        return True

    def heightForWidth(self, width: int) -> int:  # noqa: N802
        return width

    def canvas_rect(self) -> QRectF:
        """The square the canvas occupies in widget coordinates."""
        side = float(max(1, min(self.width(), self.height()) - 2))
        return QRectF((self.width() - side) / 2.0, (self.height() - side) / 2.0, side, side)

    def screen_scale(self) -> float:
        """Screen pixels (device-independent) per canvas unit."""
        return self.canvas_rect().width() / CANVAS_SIZE

    def screen_pen_width(self) -> float:
        """The pen's width as drawn on screen, in device-independent pixels."""
        return self._pen_width * self.screen_scale()

    def to_canvas(self, pos: QPointF) -> QPointF:
        """Widget coordinates to canvas units."""
        rect = self.canvas_rect()
        return (pos - rect.topLeft()) * (CANVAS_SIZE / rect.width())

    # ---------------------------------------------------------------------------- strokes
    def begin_stroke(self, pos: QPointF, pressure: float = 1.0, erase: bool | None = None) -> None:
        """Pen down at ``pos`` (widget coordinates)."""
        if self._points:
            self.end_stroke()
        p = self.to_canvas(pos)
        self._stroke_erase = self._eraser if erase is None else erase
        self._stroke_width = self._pen_width
        self._points = [(p.x(), p.y(), float(pressure))]
        self.images.invalidate()
        self.strokeStarted.emit()
        self.update()
        self.inkChanged.emit()

    def extend_stroke(self, pos: QPointF, pressure: float = 1.0) -> None:
        """Pen moved to ``pos`` (widget coordinates) while down."""
        if not self._points:
            return
        p = self.to_canvas(pos)
        x0, y0, _ = self._points[-1]
        if math.hypot(p.x() - x0, p.y() - y0) < _MIN_STEP:
            return
        self._points.append((p.x(), p.y(), float(pressure)))
        self.images.invalidate()
        self.update(self._dirty_rect(self._points[-3:], self._stroke_width))
        self.inkChanged.emit()

    def end_stroke(self) -> None:
        """Pen up: the stroke joins the history (one undo step)."""
        stroke = self.current_stroke()
        self._points = []
        self.images.invalidate()
        if stroke is not None:
            self.history.add_stroke(stroke)  # → _on_history → strokeFinished

    def _on_history(self, kind: str) -> None:
        self.images.history_changed(kind)
        self.update()
        self.inkChanged.emit()
        self.strokeFinished.emit()

    # ----------------------------------------------------------------------------- input
    def mousePressEvent(self, event) -> None:  # noqa: N802 — Qt override
        self.setFocus(Qt.FocusReason.MouseFocusReason)
        if event.button() == Qt.MouseButton.LeftButton:
            self.begin_stroke(event.position())
        elif event.button() == Qt.MouseButton.RightButton and not self._points:
            self.history.clear()
        event.accept()

    def mouseMoveEvent(self, event) -> None:  # noqa: N802
        self._set_hover(event.position())
        if self._points and event.buttons() & Qt.MouseButton.LeftButton:
            self.extend_stroke(event.position())
        event.accept()

    def mouseReleaseEvent(self, event) -> None:  # noqa: N802
        if event.button() == Qt.MouseButton.LeftButton:
            if self._points:
                self.extend_stroke(event.position())
            self.end_stroke()
        event.accept()

    def tabletEvent(self, event: QTabletEvent) -> None:  # noqa: N802
        kind = event.type()
        pressure = float(event.pressure())
        if kind == QEvent.Type.TabletPress:
            self.setFocus(Qt.FocusReason.MouseFocusReason)
            erase = (event.pointerType() == QPointingDevice.PointerType.Eraser) or None
            self.begin_stroke(event.position(), pressure, erase)
        elif kind == QEvent.Type.TabletMove:
            self._set_hover(event.position())
            self.extend_stroke(event.position(), pressure)
        elif kind == QEvent.Type.TabletRelease:
            self.end_stroke()
        event.accept()  # no synthesised mouse events on top

    def event(self, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.TouchBegin, QEvent.Type.TouchUpdate, QEvent.Type.TouchEnd,
                    QEvent.Type.TouchCancel):
            points = event.points()
            if kind == QEvent.Type.TouchBegin and points:
                self.begin_stroke(points[0].position(), 1.0)
            elif kind == QEvent.Type.TouchUpdate and points:
                self.extend_stroke(points[0].position(), 1.0)
            elif kind == QEvent.Type.TouchEnd:
                self.end_stroke()
            else:  # cancelled: the stroke never happened
                self._points = []
                self.images.invalidate()
                self.update()
                self.inkChanged.emit()
            event.accept()
            return True
        if kind == QEvent.Type.ShortcutOverride and self._handles(event):
            event.accept()  # our keys win over window-wide shortcuts while the canvas has focus
            return True
        return super().event(event)

    def _handles(self, event: QKeyEvent) -> bool:
        if event.matches(QKeySequence.StandardKey.Undo) or event.matches(
                QKeySequence.StandardKey.Redo):
            return True
        plain = event.modifiers() in (Qt.KeyboardModifier.NoModifier,
                                      Qt.KeyboardModifier.KeypadModifier)
        return plain and event.key() in TOOL_KEYS

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        if not self._handles(event):
            super().keyPressEvent(event)
            return
        if event.matches(QKeySequence.StandardKey.Undo):
            self.end_stroke()
            self.history.undo()
        elif event.matches(QKeySequence.StandardKey.Redo):
            self.end_stroke()
            self.history.redo()
        else:
            self.tool_key(event.key())
        event.accept()

    def tool_key(self, key: int) -> None:
        """Act on a tool key (see :data:`TOOL_KEYS`) — from the canvas or the page's shortcuts."""
        if self._points:
            self.end_stroke()
        if key in _CLEAR_KEYS:
            self.history.clear()
        elif key == Qt.Key.Key_BracketLeft:
            self.set_pen_width(self._pen_width - 2.0)
        elif key == Qt.Key.Key_BracketRight:
            self.set_pen_width(self._pen_width + 2.0)
        elif key == Qt.Key.Key_E:
            self.set_eraser(not self._eraser)

    def resizeEvent(self, event) -> None:  # noqa: N802
        super().resizeEvent(event)
        self.toolChanged.emit()  # the pen's width on screen follows the canvas's size

    def leaveEvent(self, event) -> None:  # noqa: N802
        self._set_hover(None)
        super().leaveEvent(event)

    def _set_hover(self, pos: QPointF | None) -> None:
        """Move the brush outline: repaint only where it was and where it goes."""
        for old_or_new in (self._hover, pos):
            if old_or_new is not None:
                c = self.to_canvas(old_or_new)
                self.update(self._dirty_rect([(c.x(), c.y(), 1.0)], self._pen_width))
        self._hover = pos

    def _dirty_rect(self, points: list[Point], width: float) -> QRect:
        """Widget rectangle covering ``points`` (canvas units) and a pen of ``width``."""
        rect = self.canvas_rect()
        scale = rect.width() / CANVAS_SIZE
        xs = [p[0] for p in points]
        ys = [p[1] for p in points]
        pad = width * scale / 2.0 + 3.0
        return QRectF(rect.left() + min(xs) * scale - pad, rect.top() + min(ys) * scale - pad,
                      (max(xs) - min(xs)) * scale + 2 * pad,
                      (max(ys) - min(ys)) * scale + 2 * pad).toAlignedRect()

    def dragEnterEvent(self, event) -> None:  # noqa: N802
        if _dropped_image(event.mimeData()) is not None:
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:  # noqa: N802
        path = _dropped_image(event.mimeData())
        if path is not None:
            event.acceptProposedAction()
            self.imageDropped.emit(path)

    # ----------------------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        rect = self.canvas_rect()
        painter = QPainter(self)
        painter.setClipRect(rect)  # strokes, overlays and guides stay on the canvas
        painter.drawImage(rect, self.images.display(max(1, round(rect.width() *
                                                                 self.devicePixelRatioF()))))
        painter.save()
        painter.translate(rect.topLeft())
        painter.scale(rect.width() / CANVAS_SIZE, rect.width() / CANVAS_SIZE)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        stroke = self.current_stroke()
        if stroke is not None:
            paint_stroke(painter, stroke)
        elif self._overlay is not None and self.show_overlay:
            reset = self.history.last_reset()
            base = None if reset is None else reset.base
            crisp = base is not None and max(base.shape) * 4 <= CANVAS_SIZE  # square pixels
            painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not crisp)
            painter.setOpacity(_OVERLAY_OPACITY)
            painter.drawImage(self._overlay[1], self._overlay[0])
            painter.setOpacity(1.0)
        if self.show_guides and self._guides is not None and stroke is None:
            paint_guides(painter, self._guides, CANVAS_SIZE / max(rect.width(), 1.0))
        painter.restore()
        if self.is_blank:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter,
                             tr("Draw a digit here\nor drop an image file"))
        if self._hover is not None and not self._points and rect.contains(self._hover):
            radius = pressure_width(self._pen_width, 1.0, self._eraser) * self.screen_scale() / 2
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            style = Qt.PenStyle.DashLine if self._eraser else Qt.PenStyle.SolidLine
            color = QColor(255, 120, 80) if self._eraser else QColor(120, 170, 255)
            painter.setPen(QPen(color, 1.2, style))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawEllipse(self._hover, radius, radius)
        painter.end()

def _dropped_image(mime) -> str | None:
    """The first local image file among dropped URLs, if any."""
    if not mime.hasUrls():
        return None
    for url in mime.urls():
        if url.isLocalFile() and Path(url.toLocalFile()).suffix.lower() in IMAGE_SUFFIXES:
            return url.toLocalFile()
    return None
