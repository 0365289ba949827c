"""The Build & Train page's plots: loss and accuracy, plus the decision boundary for 2-D data.

Redraws only from :class:`~workbench.state.run.RunState`, on a timer (≤ 10 Hz), and only when
the state is marked dirty: ``set_data`` + ``relim``/``autoscale`` + ``draw_idle``.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, QTimer, Signal
from PySide6.QtWidgets import QSplitter, QVBoxLayout, QWidget

from workbench.core.i18n import language_changed
from workbench.plots.blit import BlitManager
from workbench.plots.boundary import BoundaryFigure
from workbench.plots.train.training import TrainingFigure
from workbench.state.run import RunState
from workbench.ui import theme
from workbench.ui.axes_headers import AxesHeaders
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import connect_weak

REFRESH_MS = 150  # ≈ 7 Hz: smooth to the eye, and the GUI thread leaves the GIL to training


class LivePlots(QWidget):
    refreshed = Signal()  # after a refresh that had something new

    def __init__(self, run: RunState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.run = run
        colors = theme.plot_colors()
        self.training_canvas = PlotCanvas(self, figsize=(8, 3.2))
        self.training = TrainingFigure(self.training_canvas.figure, colors)
        self.training_canvas.readout_fn = self.training.readout
        self.training_canvas.decorate = self.training.decorated
        self.headers = AxesHeaders(self.training_canvas.canvas,
                                   [self.training.ax_loss, self.training.ax_acc])
        self.training_canvas.layout().insertWidget(1, self.headers)
        self.boundary_canvas = PlotCanvas(self, figsize=(4, 3.2))
        self.boundary = BoundaryFigure(self.boundary_canvas.figure, colors)
        self.boundary_canvas.hide()
        self.training_blit = BlitManager(self.training_canvas.canvas, self.training.data_artists)
        self.training_canvas.blit = self.training_blit
        self.boundary_blit = BlitManager(self.boundary_canvas.canvas, self.boundary.data_artists)
        self.boundary_canvas.blit = self.boundary_blit
        splitter = QSplitter(Qt.Orientation.Vertical, self)
        splitter.addWidget(self.training_canvas)
        splitter.addWidget(self.boundary_canvas)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self.draws = 0  # counted for the responsiveness benchmark and tests
        self._update_headers()
        connect_weak(language_changed, self._retranslate)

    def show_boundary(self, x, y) -> None:
        """Show the decision-boundary panel with the 2-D training points ``x``, labels ``y``."""
        self.boundary.set_points(x, y)
        self.boundary.update(None)
        self.boundary_canvas.show()
        self.boundary_blit.full_redraw()

    def hide_boundary(self) -> None:
        self.boundary_canvas.hide()

    def refresh(self, force: bool = False) -> None:
        """Redraw if the run changed since the last refresh (or when forced)."""
        if not (self.run.dirty or force):
            return
        self.run.dirty = False
        view_changed = self.training.update(self.run.history)
        if view_changed or force:
            self.training_blit.full_redraw()
        else:
            self.training_blit.update()
        if self.boundary_canvas.isVisible() and "boundary" in self.run.probes:
            self.boundary.update(self.run.probes["boundary"])
            self.boundary_blit.update()
        self.draws += 1
        self.refreshed.emit()

    def _update_headers(self) -> None:
        for header, title, entries in zip(self.headers.headers, self.training.titles,
                                          self.training.legend_entries(), strict=True):
            header.set_content(title, entries)
        self.headers.refresh()

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt override
        """Light/dark switched: the loss lines take colours made for the new background."""
        if event.type() == QEvent.Type.PaletteChange:
            self.training.restyle_lines(theme.plot_colors())
            self._update_headers()
            self.training_blit.full_redraw()
        super().changeEvent(event)

    def _retranslate(self) -> None:
        self.training.retranslate()
        self._update_headers()
        self.boundary.retranslate()
        self.refresh(force=True)
