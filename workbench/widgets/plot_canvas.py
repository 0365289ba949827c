"""A Matplotlib figure embedded in Qt with its navigation toolbar and a cursor readout."""

from __future__ import annotations

from collections.abc import Callable

from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from workbench import theme
from workbench.i18n import language_changed, tr


class PlotCanvas(QWidget):
    """``figure`` + canvas + toolbar (zoom, pan, save) + a label for the value under the cursor.

    ``readout(axes, x, y) -> str`` supplies the label's text as the mouse moves.
    """

    def __init__(self, parent: QWidget | None = None, figsize: tuple[float, float] = (6, 3),
                 readout: Callable | None = None, toolbar: bool = True) -> None:
        super().__init__(parent)
        self.figure = Figure(figsize=figsize, dpi=100, layout=None)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(160)
        self.readout_fn = readout
        self.blit = None  # a BlitManager, when the figure is updated by blitting
        self.toolbar = (NavigationToolbar2QT(self.canvas, self, coordinates=False)
                        if toolbar else None)
        self.readout_label = QLabel()
        self.readout_label.setStyleSheet(f"color: {theme.muted_color()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        if self.toolbar is not None:
            self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
            bar.addWidget(self.toolbar)
        bar.addStretch(1)
        bar.addWidget(self.readout_label)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("axes_leave_event", lambda _e: self.readout_label.clear())
        self.retranslate()
        language_changed.connect(self.retranslate)

    def retranslate(self) -> None:
        self.canvas.setToolTip(tr("Drag with the toolbar's pan/zoom tools to explore; "
                                  "the value under the cursor is shown above the plot."))
        if self.toolbar is not None:
            self.toolbar.setToolTip(tr("Matplotlib navigation: reset view, back/forward, pan, "
                                       "zoom to rectangle, subplot spacing, save the figure."))

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt override
        """Follow a light/dark palette change: recolour the figure and redraw it fully."""
        if event.type() == QEvent.Type.PaletteChange:
            theme.restyle_figure(self.figure)
            self.readout_label.setStyleSheet(f"color: {theme.muted_color()};")
            if self.blit is not None:
                self.blit.full_redraw()
            else:
                self.canvas.draw_idle()
        super().changeEvent(event)

    def _on_motion(self, event) -> None:
        if self.readout_fn is None or event.inaxes is None:
            return
        self.readout_label.setText(self.readout_fn(event.inaxes, event.xdata, event.ydata))

    def export(self, path: str) -> None:
        """Save the figure (PNG, SVG or PDF by extension) at print resolution."""
        if self.blit is None:
            self.figure.savefig(path, dpi=150, facecolor=self.figure.get_facecolor())
            return
        with self.blit.static():  # blitted artists are skipped by an ordinary draw
            self.figure.savefig(path, dpi=150, facecolor=self.figure.get_facecolor())

    def redraw(self) -> None:
        self.canvas.draw_idle()
