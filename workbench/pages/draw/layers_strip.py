"""The live strip of every layer's activations for the current drawing (Draw page).

The page's inference thread builds the tiles (:mod:`workbench.core.draw.activations`) in the
same forward pass that gives the answer, so the strip is updated with the answer and costs no
second pass; this widget only turns them into images and paints them in one row.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QRectF, QSettings, QSize, Qt, Signal
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QCheckBox, QVBoxLayout, QWidget

from workbench.core.draw.activations import LayerActivation
from workbench.core.i18n import language_changed, tr
from workbench.pages.draw.render import rgba_to_qimage
from workbench.ui import theme
from workbench.ui.view import connect_weak

LAYERS_KEY = "draw/layerStrip"
#: While a stroke is drawn the strip is refreshed at most this often (seconds): the extra work
#: then falls on few pointer events, and the pen's latency stays that of the answer alone.
REFRESH_EVERY = 0.25
_TILE_HEIGHT = 56
_GAP = 5
_BAND = 12


def tile_image(tile: LayerActivation) -> QImage:
    """A tile as a QImage (its colours were made in the inference thread)."""
    return rgba_to_qimage(tile.rgba)


class LayerView(QWidget):
    """Paints the feature-map mosaics side by side in one row, each in a square slot with its
    layer type below, and every dense layer as a band of its units underneath."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tiles: list[LayerActivation] = []
        self._images: list[QImage] = []
        self.setMinimumHeight(_TILE_HEIGHT + 4 * _BAND)

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return QSize(380, _TILE_HEIGHT + 4 * _BAND)

    def set_tiles(self, tiles: list[LayerActivation] | None) -> None:
        self.tiles = list(tiles or [])
        self._images = [tile_image(t) for t in self.tiles]
        self.update()

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 — Qt override
        painter = QPainter(self)
        fm = painter.fontMetrics()
        painter.setPen(QColor(theme.muted_color()))
        if not self._images:
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter,
                             tr("Draw to see every layer's activations."))
            return
        maps = [i for i, t in enumerate(self.tiles) if len(t.shape) >= 2]
        units = [i for i, t in enumerate(self.tiles) if len(t.shape) < 2]
        y = 0.0
        if maps:
            side = min(float(_TILE_HEIGHT), (self.width() - _GAP * (len(maps) - 1)) / len(maps))
            for k, i in enumerate(maps):
                image = self._images[i]
                fit = side / max(image.width(), image.height(), 1)
                w, h = image.width() * fit, image.height() * fit
                x = k * (side + _GAP)
                painter.drawImage(QRectF(x + (side - w) / 2, (side - h) / 2, w, h), image)
                label = fm.elidedText(self.tiles[i].name.split(".", 1)[-1],
                                      Qt.TextElideMode.ElideRight, int(side + _GAP))
                painter.drawText(QRectF(x - _GAP / 2, side + 1, side + _GAP, fm.height()),
                                 Qt.AlignmentFlag.AlignHCenter, label)
            y = side + fm.height() + 4
        label_width = max((fm.horizontalAdvance(self._band_label(i)) for i in units), default=0)
        for i in units:
            text_rect = QRectF(0, y, label_width, max(_BAND, fm.height()))
            painter.drawText(text_rect, Qt.AlignmentFlag.AlignVCenter, self._band_label(i))
            painter.drawImage(QRectF(label_width + 6, y, self.width() - label_width - 6, _BAND),
                              self._images[i])
            y += max(_BAND, fm.height()) + 3
        painter.end()

    def _band_label(self, i: int) -> str:
        tile = self.tiles[i]
        return f"{tile.name.split('.', 1)[-1]} ({tile.shape[0] if tile.shape else 1})"


class LayerStrip(QWidget):
    """A check box (remembered in the settings) over the :class:`LayerView`."""

    toggled = Signal(bool)

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.check = QCheckBox()
        self.check.setChecked(str(settings.value(LAYERS_KEY, "true")).lower() != "false")
        self.view = LayerView()
        self._next = 0.0
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(self.check)
        layout.addWidget(self.view)
        self.view.setVisible(self.check.isChecked())
        self.check.toggled.connect(self._toggled)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    @property
    def enabled(self) -> bool:
        return self.check.isChecked()

    def due(self, full: bool) -> bool:
        """Whether an update should also compute the strip: always once a stroke is done
        (``full``), at most every :data:`REFRESH_EVERY` seconds while drawing."""
        now = time.perf_counter()
        if not self.enabled or not (full or now >= self._next):
            return False
        self._next = now + REFRESH_EVERY
        return True

    def retranslate(self) -> None:
        self.check.setText(tr("Every layer, live"))
        tip = tr("What each layer of the network makes of the drawing, left (input side) to "
                 "right (the ten class scores), updated with the answer: a convolution or "
                 "pooling layer as a mosaic of its feature maps (ch. 7.6), a dense layer as a "
                 "row of its units; yellow = strongly active, dark = silent, each layer scaled "
                 "to its own largest value. Computed in the same forward pass as the answer, "
                 "four times a second while you draw and again when the stroke ends.")
        self.check.setToolTip(tip)
        self.view.setToolTip(tip)
        self.view.update()

    def show_layers(self, tiles: list[LayerActivation] | None) -> None:
        self.view.set_tiles(tiles)

    def _toggled(self, on: bool) -> None:
        self.settings.setValue(LAYERS_KEY, "true" if on else "false")
        self.view.setVisible(on)
        if not on:
            self.view.set_tiles(None)
        self.toggled.emit(on)
