"""A 28×28 image shown pixel for pixel: the network's input, or a saliency map over it."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QImage, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from workbench.pages.draw.render import ink_to_qimage, rgba_to_qimage
from workbench.ui import theme

_DIM = 0.4  # brightness of the input under a saliency map


class PixelView(QWidget):
    """A caption over a square image drawn with nearest-neighbour scaling (every input pixel
    visible), plus an optional RGBA overlay; an empty view says ``placeholder``."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.caption = ""
        self.placeholder = ""
        self._image: QImage | None = None
        self._overlay: QImage | None = None
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumSize(110, 130)
        self.setMaximumHeight(190)

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return QSize(150, 170)

    def set_content(self, image: NDArray | None, overlay: NDArray[np.uint8] | None = None,
                    dim: bool = False) -> None:
        """Show ``image`` (ink high, ``[0, 1]``) with ``overlay`` (``(H, W, 4)`` RGBA) on top."""
        if image is None:
            self._image = self._overlay = None
        else:
            self._image = ink_to_qimage(np.asarray(image) * (_DIM if dim else 1.0))
            self._overlay = None if overlay is None else rgba_to_qimage(overlay)
        self.update()

    def image_rect(self) -> QRectF:
        line = self.fontMetrics().height() + 4
        side = max(1.0, min(self.width() - 2.0, self.height() - line - 2.0))
        return QRectF((self.width() - side) / 2.0, line, side, side)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        painter = QPainter(self)
        text = self.palette().color(QPalette.ColorRole.Text)
        bold = QFont(self.font())
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(text)
        painter.drawText(QRectF(0, 0, self.width(), self.fontMetrics().height() + 2),
                         Qt.AlignmentFlag.AlignHCenter, self.caption)
        painter.setFont(self.font())
        rect = self.image_rect()
        painter.fillRect(rect, QColor(0, 0, 0))
        if self._image is not None:
            painter.drawImage(rect, self._image)  # no smoothing: pixels stay square
            if self._overlay is not None:
                painter.drawImage(rect, self._overlay)
        else:
            painter.setPen(QColor(150, 150, 150))
            painter.drawText(rect.adjusted(6, 6, -6, -6),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
        painter.setPen(QPen(QColor(theme.muted_color()), 1.0))
        painter.drawRect(rect.adjusted(-0.5, -0.5, 0.5, 0.5))
        painter.end()
