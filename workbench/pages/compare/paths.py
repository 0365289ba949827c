"""Optimizer paths in 2-D (book ch. 6.1, fig. 6-8), live: pick a function, optimizers and their
settings, click the map to choose the start, and watch the paths unfold.

The paths come from :func:`nn.landscapes.optimizer_paths` — the engine's own optimizers — run
inline when quick and in a worker thread otherwise
(:class:`~workbench.concurrency.latest.LatestWins`). Playback is a :class:`QTimer` at ≤ 30
frames per second that blits only the moving lines.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from nn import landscapes
from workbench.concurrency.latest import LatestWins
from workbench.core.i18n import tr
from workbench.pages.compare.paths_controls import COLORS, NumberBox, OptimizerTable, display_name
from workbench.pages.compare.paths_playback import PlaybackBar
from workbench.pages.compare.paths_table import ResultsTable
from workbench.plots.blit import BlitManager
from workbench.plots.compare.paths_plot import PathsFigure
from workbench.state.compare.paths import MAX_STEPS, PathsResult, PathsState, compute_paths
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import View

STEP_COST = 5e-5  # prior guess of seconds per optimizer step, refined by measurement


def function_texts() -> dict[str, tuple[str, str]]:
    """Display name and explanation of each function, in the current language."""
    return {
        "book": (tr("The book's function"), tr(
            "f(x, y) = x²/20 + y² (book ch. 6.1.2): a bowl stretched along x. The gradient "
            "points mostly across it, so SGD zig-zags; this is the function of fig. 6-8.")),
        "rosenbrock": (tr("Rosenbrock"), tr(
            "A long, curved, flat-bottomed valley (Rosenbrock 1960): reaching the valley is "
            "easy, following it to the minimum at (1, 1) is slow. Large rates diverge.")),
        "saddle": (tr("Saddle"), tr(
            "f = x² − y²: downhill along y, uphill along x, with a saddle point at (0, 0) and "
            "no minimum. Starting near y = 0 shows how slowly each optimizer escapes.")),
        "beale": (tr("Beale"), tr(
            "Beale's function: flat plateaus and steep walls, minimum at (3, 0.5). Adaptive "
            "methods (AdaGrad, RMSprop, Adam) cope with the very different scales best.")),
        "two_minima": (tr("Two minima"), tr(
            "A tilted double well: a shallow local minimum on the right, the global one on the "
            "left. Plain descent stays in the nearer well; momentum can roll over the "
            "barrier.")),
    }


class OptimizerPathsView(View):
    """The 2-D optimizer comparison: settings on the left, map + loss plot, playback and the
    final-values table on the right."""

    resultReady = Signal()  # noqa: N815 — a new result is drawn (tests, the Compare page)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = PathsState()
        self.result: PathsResult | None = None
        self.job = LatestWins(self)
        self.job.seconds_per_unit = STEP_COST
        self.job.done.connect(self._on_result)
        self.job.failed.connect(self._on_failed)
        self._play_after_compute = False
        self._build()
        self.retranslate()
        self._sync_controls()
        self.recompute()

    # ------------------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.book_button = QPushButton(self)
        self.book_button.clicked.connect(self.load_book_figure)
        self.function_box = QGroupBox(self)
        self.function_combo = QComboBox(self)
        for name in landscapes.NAMES:
            self.function_combo.addItem("", name)
        self.function_combo.activated.connect(self._on_function)
        self.function_note = QLabel(self)
        self.function_note.setWordWrap(True)
        lay = QVBoxLayout(self.function_box)
        lay.addWidget(self.function_combo)
        lay.addWidget(self.function_note)

        self.optimizer_box = QGroupBox(self)
        self.optimizers = OptimizerTable(self.state, self)
        self.optimizers.edited.connect(self.recompute)
        QVBoxLayout(self.optimizer_box).addWidget(self.optimizers)

        self.run_box = QGroupBox(self)
        self.start_x = NumberBox(self, step=0.1)
        self.start_y = NumberBox(self, step=0.1)
        self.steps_spin = QSpinBox(self)
        self.steps_spin.setRange(1, MAX_STEPS)
        self.steps_spin.setKeyboardTracking(False)
        self.tolerance = NumberBox(self, log=True)
        self.run_error = ErrorLabel(self)
        self.start_x.valueChanged.connect(self._on_start_edited)
        self.start_y.valueChanged.connect(self._on_start_edited)
        self.steps_spin.valueChanged.connect(self._on_steps)
        self.tolerance.valueChanged.connect(self._on_tolerance)
        self.run_form = form = QFormLayout(self.run_box)
        self._run_labels = [QLabel(self) for _ in range(4)]
        for label, field in zip(self._run_labels, (self.start_x, self.start_y,
                                                   self.steps_spin, self.tolerance), strict=True):
            form.addRow(label, field)
        form.addRow(self.run_error)
        self.click_hint = QLabel(self)
        self.click_hint.setWordWrap(True)
        self._muted_labels()
        form.addRow(self.click_hint)

        side = QWidget(self)
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 6, 0)
        for w in (self.book_button, self.function_box, self.optimizer_box, self.run_box):
            side_lay.addWidget(w)
        side_lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(350)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.canvas = PlotCanvas(self, figsize=(7.5, 4.2), readout=None)
        self.figure = PathsFigure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.figure.readout
        self.blit = BlitManager(self.canvas.canvas)
        self.canvas.blit = self.blit  # exports and theme changes include the moving artists
        self.canvas.canvas.mpl_connect("button_press_event", self._on_click)

        self.playback = PlaybackBar(self)
        self.playback.stepChanged.connect(self._show_step)

        self.table = ResultsTable(self)
        self.table.setMinimumHeight(120)
        self.status = ErrorLabel(self)

        plot_side = QWidget(self)
        top = QVBoxLayout(plot_side)
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.canvas, 1)
        top.addWidget(self.playback)
        top.addWidget(self.status)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(plot_side)
        right.addWidget(self.table)
        right.setStretchFactor(0, 4)
        right.setStretchFactor(1, 1)
        right.setChildrenCollapsible(False)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addWidget(right, 1)

    def _muted_labels(self) -> None:
        for label in (self.function_note, self.click_hint):
            label.setStyleSheet(f"color: {theme.muted_color()};")

    # ------------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.book_button.setText(tr("Book's figure (ch. 6.1.7)"))
        self.book_button.setToolTip(tr(
            "One click for the book's figure 6-8: f(x, y) = x²/20 + y² from (−7, 2), 30 steps, "
            "SGD η 0.95, Momentum η 0.1, AdaGrad η 1.5, Adam η 0.3."))
        self.function_box.setTitle(tr("Function"))
        texts = function_texts()
        for i, name in enumerate(landscapes.NAMES):
            text, tip = texts[name]
            self.function_combo.setItemText(i, text)
            self.function_combo.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.function_combo.setToolTip(tr(
            "The function the optimizers descend. Choosing one also loads its view, start "
            "point, number of steps and learning rates that show each optimizer's character."))
        self.function_note.setText(texts[self.state.function][1])
        self.optimizer_box.setTitle(tr("Optimizers"))
        self.run_box.setTitle(tr("Run"))
        for label, text in zip(self._run_labels, (tr("Start x"), tr("Start y"), tr("Steps"),
                                                  tr("Tolerance")), strict=True):
            label.setText(text)
        self.start_x.setToolTip(tr("x of the start point; or click on the map."))
        self.start_y.setToolTip(tr("y of the start point; or click on the map."))
        self.steps_spin.setToolTip(tr(
            "Number of updates per optimizer (the book's figure uses 30)."))
        self.tolerance.setToolTip(tr(
            "A path has 'arrived' once it is this close to a minimum; the table counts the "
            "steps it took."))
        self.click_hint.setText(tr(
            "Click on the map to start from there (with the toolbar's pan and zoom tools off)."))
        self.figure.title = texts[self.state.function][0]
        self.figure.retranslate()
        self.canvas.retranslate()
        self.canvas.canvas.setToolTip(tr(
            "Click on the map to start every path there (book ch. 6.1.7 starts at (−7, 2)); "
            "with the toolbar's pan or zoom tool on, dragging explores instead. The right "
            "panel shows f along each path on a log scale."))
        self.table.retranslate()
        self._full_redraw()

    # ------------------------------------------------------------------- settings ↔ widgets
    def _sync_controls(self) -> None:
        """Show the state in every control (without echoing changes back)."""
        index = self.function_combo.findData(self.state.function)
        for widget, setter, value in (
                (self.function_combo, self.function_combo.setCurrentIndex, index),
                (self.start_x, self.start_x.setValue, self.state.start[0]),
                (self.start_y, self.start_y.setValue, self.state.start[1]),
                (self.steps_spin, self.steps_spin.setValue, self.state.steps),
                (self.tolerance, self.tolerance.setValue, self.state.tolerance)):
            with QSignalBlocker(widget):
                setter(value)
        self.function_note.setText(function_texts()[self.state.function][1])
        self.optimizers.refresh()

    def _apply(self, setter, *args) -> bool:
        try:
            setter(*args)
        except ValueError as exc:
            self.run_error.show_error(str(exc))
            self._sync_controls()
            return False
        self.run_error.show_error(None)
        return True

    def _on_function(self, index: int) -> None:
        name = self.function_combo.itemData(index)
        if name != self.state.function:
            self.state.set_function(name)
            self._sync_controls()
            self.recompute(play=True)

    def _on_start_edited(self, _value: float) -> None:
        if self._apply(self.state.set_start, self.start_x.value(), self.start_y.value()):
            self.recompute()

    def _on_steps(self, value: int) -> None:
        if self._apply(self.state.set_steps, value):
            self.recompute()

    def _on_tolerance(self, value: float) -> None:
        if self._apply(self.state.set_tolerance, value):
            self.recompute()

    def load_book_figure(self) -> None:
        """The book's setting (fig. 6-8) in one click, played from the start."""
        self.state.load_book_figure()
        self._sync_controls()
        self.recompute(play=True)

    def set_start(self, x: float, y: float, play: bool = True) -> None:
        """Move the start point (as a click on the map does) and replay."""
        if self._apply(self.state.set_start, x, y):
            self._sync_controls()
            self.recompute(play=play)

    def _on_click(self, event) -> None:
        toolbar = self.canvas.toolbar
        if (event.inaxes is not self.figure.ax or event.button != 1 or event.xdata is None
                or (toolbar is not None and toolbar.mode)):
            return
        x0, x1, y0, y1 = self.figure.landscape.view
        digits = max(0, 3 - math.floor(math.log10(max(x1 - x0, y1 - y0))))
        self.set_start(round(float(event.xdata), digits), round(float(event.ydata), digits))

    # ------------------------------------------------------------------------- computation
    def recompute(self, play: bool = False) -> None:
        """Compute the paths for the current settings (inline if quick, else in a thread)."""
        snap = self.state.snapshot()
        self._play_after_compute = play or self.playback.playing
        self.playback.pause()
        self.job.submit(lambda: compute_paths(snap), units=max(1, len(snap.configs)) *
                        snap.steps)

    def _on_failed(self, message: str) -> None:
        self.status.show_error(message)

    def _on_result(self, result: PathsResult) -> None:
        self.status.show_error(None)
        land = landscapes.get(result.snapshot.function)
        if self.figure.landscape is not land:
            self.figure.set_landscape(land, function_texts()[land.name][0])
        names = list(result.paths)
        self.figure.set_paths(result.paths, result.values, {n: COLORS[n] for n in names},
                              {n: display_name(n) for n in names}, result.snapshot.start)
        self.result = result
        self.table.show_result(result, land)
        self._fit_table()
        self.playback.set_steps(result.snapshot.steps)
        self._full_redraw()
        if self._play_after_compute:
            self.playback.replay()
        self.resultReady.emit()

    def _full_redraw(self) -> None:
        """Static content changed: register the moving artists and redraw everything once."""
        self.blit.artists = []
        for artist in self.figure.animated_artists():
            self.blit.add(artist)
        self.blit.full_redraw()

    def _show_step(self, step: float) -> None:
        self.figure.show_step(step)
        self.blit.update()

    def _fit_table(self) -> None:
        """Make the table exactly as tall as its rows (the plot takes the rest)."""
        t = self.table
        height = (t.horizontalHeader().sizeHint().height() + 2 * t.frameWidth() + 2 +
                  sum(t.rowHeight(r) for r in range(t.rowCount())))
        t.setMinimumHeight(min(height, 200))
        t.setMaximumHeight(height)

    # ---------------------------------------------------------------------------- playback
    @property
    def playing(self) -> bool:
        return self.playback.playing

    def replay(self) -> None:
        """Play every path from step 0."""
        self.playback.replay()

    def set_step(self, step: float) -> None:
        """Show the paths up to ``step`` (pauses playback)."""
        self.playback.set_step(step)

    def hideEvent(self, event) -> None:  # noqa: N802 — Qt override
        """Another tab came to the front: stop animating what nobody sees."""
        self.playback.pause()
        super().hideEvent(event)

    def restyle(self, colors: dict[str, str]) -> None:
        """Light/dark theme switched: restyle the figure (the map's shading included)."""
        self._muted_labels()
        self.figure.restyle(colors)
        self.table.retranslate()
        self._full_redraw()

    # -------------------------------------------------------------------- container API
    def to_dict(self) -> dict[str, Any]:
        """JSON-able settings, for saving a comparison."""
        return {**self.state.to_dict(), "speed": self.playback.speed_combo.currentData() or 0}

    def load_dict(self, d: dict[str, Any]) -> None:
        """Restore :meth:`to_dict` output; raises ``ValueError`` (and changes nothing) if bad."""
        self.state.load_dict(d)
        self.playback.set_speed(d.get("speed", 0))
        self._sync_controls()
        self.recompute()

    def export_png(self, path: str) -> None:
        """Save the figure (map and loss plot) as shown, at print resolution."""
        self.canvas.export(path)

    def shutdown(self) -> None:
        """Stop playback and any computation (before the window closes)."""
        self.playback.pause()
        self.job.shutdown()
