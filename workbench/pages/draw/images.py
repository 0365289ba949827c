"""The pictures of a drawing history: the raster the network's preprocessing reads and the
image on screen, kept up to date incrementally (a finished stroke is painted onto both; only
undo, redo, clear and loading repaint everything)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtGui import QImage

from workbench.pages.draw.render import Renderer, qimage_to_ink
from workbench.state.draw.strokes import CANVAS_SIZE, DrawingHistory, Stroke, mnist_pen

_GREY = QImage.Format.Format_Grayscale8


class CanvasImages:
    """Images of ``history`` for :class:`~workbench.pages.draw.canvas.DrawingCanvas`."""

    def __init__(self, history: DrawingHistory) -> None:
        self.history = history
        self._renderer = Renderer()
        self._raster = self._renderer.render(history, CANVAS_SIZE, _GREY)  # finished strokes
        self._live: QImage | None = None  # the network's raster, cached until the ink changes
        self._display: QImage | None = None

    def invalidate(self) -> None:
        """The stroke in progress (or the pen option) changed."""
        self._live = None

    def history_changed(self, kind: str) -> None:
        """Follow :attr:`DrawingHistory.changed`."""
        self._live = None
        if kind == "stroke":  # paint only the new stroke onto both images
            last = self.history.actions[-1]
            self._renderer.render(self.history, 0, _GREY, strokes=[last], onto=self._raster)
            if self._display is not None:
                self._renderer.render(self.history, 0, self._display.format(),
                                      strokes=[last], onto=self._display)
        else:
            self._raster = self._renderer.render(self.history, CANVAS_SIZE, _GREY)
            self._display = None

    def ink(self, stroke: Stroke | None, rescale_pen: bool) -> NDArray[np.float32]:
        """The raster with ``stroke`` (in progress) on top, float32 ``(280, 280)`` in [0, 1].

        With ``rescale_pen`` the strokes are redrawn with MNIST's pen width
        (:func:`~workbench.state.draw.strokes.mnist_pen`), unless they lie over a loaded image
        (whose own strokes cannot be rescaled).
        """
        reset = self.history.last_reset()
        rescale = rescale_pen and (reset is None or reset.base is None)
        if stroke is None and not rescale:
            return qimage_to_ink(self._raster)
        if self._live is None:
            if rescale:
                strokes = self.history.strokes() + ([stroke] if stroke is not None else [])
                blank = QImage(CANVAS_SIZE, CANVAS_SIZE, _GREY)
                blank.fill(0)
                self._live = self._renderer.render(self.history, 0, _GREY,
                                                   strokes=mnist_pen(strokes), onto=blank)
            else:
                self._live = self._renderer.render(self.history, 0, _GREY, strokes=[stroke],
                                                   onto=self._raster.copy())
        return qimage_to_ink(self._live)

    def display(self, pixels: int) -> QImage:
        """The finished drawing as a ``pixels``-square screen image (repainted on resize)."""
        if self._display is None or self._display.width() != pixels:
            self._display = self._renderer.render(self.history, pixels,
                                                  QImage.Format.Format_RGB32)
        return self._display
