"""The frame every comparison tab shares: settings on the left (book setting and quick look
one click away, Run / Stop), a live figure and a sortable results table on the right, a
status line with progress and time left.

Runs go through a :class:`~workbench.concurrency.runner.JobRunner` (the workbench's one job
runner): the job's events are applied to a Qt-free state in the GUI thread, and a timer
redraws at most 10 times a second, only when something changed and the tab is visible.
Subclasses provide the settings, the job, the figure and the table.
"""

from __future__ import annotations

import copy
import time
from functools import partial
from typing import Any

from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from workbench.concurrency.runner import JobRunner
from workbench.core.compare_jobs import (
    ComparisonJob,
    SearchJob,
    comparison_events,
    search_events,
)
from workbench.core.i18n import tr
from workbench.pages.compare.table import Cell, ResultsTable
from workbench.shell.context import AppContext
from workbench.state.compare import specs
from workbench.state.compare.documents import (
    comparison_progress,
    job_config,
    read_results,
    status_line,
)
from workbench.state.compare.views import ComparisonState, SearchState
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import TrainingBudget, View

REFRESH_MS = 100
DRAW_SHARE = 0.3  # redraw so that drawing takes at most this share of the GUI thread's time


class ComparisonTab(View):
    """Base class of the comparison tabs (see the module docstring)."""

    key = ""  # the tab's name in experiment files and in :data:`specs.BOOK`
    kind = "compare"  # the experiment-file kind
    epoch_based = False  # progress in epochs (else iterations)
    #: Height (px) below which the figure and table scroll instead of shrinking: a grid of
    #: small plots needs this much to show its curves and labels.
    min_view_height = 0
    stateChanged = Signal()  # noqa: N815 — results appeared, or a run started or ended

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.state: ComparisonState | SearchState = (
            SearchState() if self.kind == "search" else ComparisonState())
        self.runner = JobRunner(self)
        self.shown: dict[str, Any] = {}  # settings of the results on screen
        self.shown_config: dict[str, Any] = {}  # their experiment-file config
        self.draws = 0
        self._table_version = -1
        #: Redraws take at most DRAW_SHARE of the GUI thread's time (the cost measured is from
        #: a redraw request to the drawn figure).
        self.draw_budget = TrainingBudget(0.0, DRAW_SHARE)
        self._draw_asked: float | None = None
        self._build()
        self.apply_settings(specs.quick_settings(self.key))
        self.shown = self.settings()
        self._preview()
        self.retranslate()
        self.runner.events.connect(self._on_events)
        self.runner.done.connect(self._on_done)
        self.runner.failed.connect(self._on_failed)
        self.runner.runningChanged.connect(self._on_running_changed)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self.refresh)
        self.timer.start()
        self._update_controls()

    # ----------------------------------------------------------------------------- layout
    def _build(self) -> None:
        self.intro = muted_label(self)
        self.book_button = QPushButton(self)
        self.quick_button = QPushButton(self)
        self.book_button.clicked.connect(lambda: self.apply_settings(
            specs.book_settings(self.key)))
        self.quick_button.clicked.connect(lambda: self.apply_settings(
            specs.quick_settings(self.key)))
        presets = QHBoxLayout()
        presets.addWidget(self.book_button)
        presets.addWidget(self.quick_button)
        self.settings_box = QWidget(self)
        settings_layout = QVBoxLayout(self.settings_box)
        settings_layout.setContentsMargins(0, 0, 0, 0)
        self.build_settings(settings_layout)
        settings_layout.addStretch(1)
        inner = QWidget(self)
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(0, 0, 6, 0)
        inner_layout.addWidget(self.intro)
        inner_layout.addLayout(presets)
        inner_layout.addWidget(self.settings_box, 1)
        scroll = QScrollArea(self)
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAsNeeded)
        self.error = ErrorLabel(self)
        self.run_button = QPushButton(self)
        self.run_button.setDefault(True)
        self.stop_button = QPushButton(self)
        self.run_button.clicked.connect(self.start)
        self.stop_button.clicked.connect(self.stop)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button, 1)
        buttons.addWidget(self.stop_button, 1)
        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        left_layout.addWidget(scroll, 1)
        left_layout.addWidget(self.error)
        left_layout.addLayout(buttons)
        left.setMinimumWidth(300)
        left.setMaximumWidth(420)

        self.status = QLabel(self)
        self.status.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.progress = QProgressBar(self)
        self.progress.setMaximumWidth(220)
        header = QHBoxLayout()
        header.addWidget(self.status, 1)
        header.addWidget(self.progress)
        self.canvas = PlotCanvas(self, figsize=(8, 4.8))
        self.figure = self.create_figure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.figure.readout
        self.canvas.canvas.mpl_connect("draw_event", self._on_drawn)
        self.table = ResultsTable(self)
        self.splitter = QSplitter(Qt.Orientation.Vertical, self)
        self.splitter.addWidget(self.canvas)
        self.splitter.addWidget(self.table)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([520, 180])
        right = QWidget(self)
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addLayout(header)
        right_layout.addWidget(self.splitter, 1)
        view = right
        if self.min_view_height:  # scrolls only where the window is shorter than that
            right.setMinimumHeight(self.min_view_height)
            # a splitter does not ask a wrapped label for its height: keep two lines
            self.table.caption.setMinimumHeight(
                2 * self.table.caption.fontMetrics().lineSpacing() + 2)
            view = QScrollArea(self)
            view.setWidget(right)
            view.setWidgetResizable(True)
            view.setFrameShape(QScrollArea.Shape.NoFrame)
            view.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
            view.setMinimumWidth(420)
        outer = QSplitter(Qt.Orientation.Horizontal, self)
        outer.addWidget(left)
        outer.addWidget(view)
        outer.setStretchFactor(1, 1)
        outer.setSizes([330, 900])
        outer.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(outer)

    def retranslate(self) -> None:
        self.intro.setText(self.intro_text())
        self.book_button.setText(tr("Book setting"))
        self.book_button.setToolTip(self.book_tooltip())
        self.quick_button.setText(tr("Quick look"))
        self.quick_button.setToolTip(tr(
            "The same experiment on a smaller budget: the book's outcome is already visible "
            "and it runs in well under a minute."))
        self.run_button.setText(tr("Run"))
        self.run_button.setToolTip(tr(
            "Train every variant with these settings in the background, in lock-step, with "
            "identical initial weights and batches where the networks allow. You can switch "
            "tabs or pages meanwhile."))
        self.stop_button.setText(tr("Stop"))
        self.stop_button.setToolTip(tr(
            "Stop after the current step; the curves and table keep what was done so far."))
        self.progress.setToolTip(tr("Steps done over every variant and seed."))
        self.retranslate_settings()
        self.figure.retranslate()
        self.state.dirty = True  # redrawn when visible (figures are built on first show)
        self._table_version = -1
        self.refresh()

    # --------------------------------------------------------------- subclass interface
    def intro_text(self) -> str:
        raise NotImplementedError

    def book_tooltip(self) -> str:
        raise NotImplementedError

    def build_settings(self, layout: QVBoxLayout) -> None:
        raise NotImplementedError

    def retranslate_settings(self) -> None:
        raise NotImplementedError

    def settings(self) -> dict[str, Any]:
        raise NotImplementedError

    def apply_settings(self, settings: dict[str, Any]) -> None:
        raise NotImplementedError

    def create_figure(self, fig, colors: dict[str, str]) -> Any:
        raise NotImplementedError

    def update_figure(self) -> None:
        raise NotImplementedError

    def table_content(self) -> tuple[list[str], list[list[Cell]], str]:
        raise NotImplementedError

    def data_config(self, settings: dict[str, Any]):
        """The data the job trains on (subclasses limit the training set or split it)."""
        return self.data_choice.config(val_fraction=0.0)

    def make_job(self, settings: dict[str, Any]) -> ComparisonJob | SearchJob:
        return specs.JOBS[self.key](settings, self.data_config(settings))

    def settings_from_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Settings for an experiment file written without them (by the command line)."""
        raise ValueError(tr("This file does not say how to show it on this tab."))

    def _preview(self) -> None:
        """Lay out the figure for the current settings before the first run."""
        try:
            job = self.make_job(self.shown)
        except ValueError:
            return
        if isinstance(job, ComparisonJob) and isinstance(self.state, ComparisonState):
            self.state.preview(job.variants, job.seeds)

    # --------------------------------------------------------------------------- running
    @property
    def running(self) -> bool:
        return self.runner.running

    def start(self) -> bool:
        """Validate the settings and start the job; False (with an inline message) if bad."""
        if self.running:
            return False
        settings = self.settings()
        try:
            job = self.make_job(settings)
        except ValueError as exc:
            self.error.show_error(str(exc))
            return False
        self.error.show_error(None)
        self.shown = copy.deepcopy(settings)
        self.shown_config = job_config(self.key, self.shown, job)
        if isinstance(job, SearchJob):
            self.state.begin(job.trials)
            make = partial(search_events, job)
        else:
            self.state.begin(job.variants, job.seeds)
            make = partial(comparison_events, job)
        self._table_version = -1
        self.runner.start_generator(make)
        self._update_controls()
        self.refresh(force=True)
        self.stateChanged.emit()
        return True

    def stop(self) -> None:
        """Ask the running job to stop after the current step (thread-safe, returns at once);
        the results so far still arrive."""
        self.runner.stop()

    def shutdown(self) -> bool:
        self.timer.stop()
        return self.runner.shutdown()

    def _on_events(self, events: list) -> None:
        self.state.feed(events)

    def _on_done(self, _result: object) -> None:
        self.state.finish()
        self._end_run()

    def _on_failed(self, message: str) -> None:
        self.state.fail(message)
        self.error.show_error(message)
        self._end_run()

    def _end_run(self) -> None:
        self._update_controls()
        self.refresh(force=True)
        self.stateChanged.emit()

    def _on_running_changed(self, _running: bool) -> None:
        self._update_controls()
        self.stateChanged.emit()

    def _update_controls(self) -> None:
        running = self.running
        self.run_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for widget in (self.settings_box, self.book_button, self.quick_button):
            widget.setEnabled(not running)

    def restyle(self, colors: dict[str, str]) -> None:
        """Follow a light/dark palette change: new colours for whatever is drawn next."""
        self.figure.colors = colors
        self.state.dirty = True

    # ---------------------------------------------------------------------------- drawing
    def refresh(self, force: bool = False) -> None:
        """Redraw from the state if it changed (and the tab is visible, unless ``force``).

        A slow machine draws less often: the next redraw waits until drawing has taken at
        most :data:`DRAW_SHARE` of the time, so training keeps most of the processor.
        """
        self._update_status()
        if not (self.state.dirty or force) or not (force or self.isVisible()):
            return
        if not force and self.draw_budget.wait() > 0:
            return
        self.state.dirty = False
        self._draw_asked = self.draw_budget.start()
        self.update_figure()
        self.canvas.redraw()
        self.draws += 1
        if self.state.version != self._table_version:
            self._table_version = self.state.version
            headers, rows, caption = self.table_content()
            self.table.set_table(headers, rows)
            self.table.set_caption(caption)

    def _on_drawn(self, _event) -> None:
        if self._draw_asked is not None:
            self.draw_budget.measure(time.perf_counter() - self._draw_asked)
            self._draw_asked = None

    def status_text(self) -> str:
        return status_line(self.state, self.progress_text())

    def progress_text(self) -> str:
        """"iteration k of n" (or epochs) for comparisons; the search tab says more."""
        if not isinstance(self.state, ComparisonState):
            return ""
        return comparison_progress(self.state, self.epoch_based)

    def _update_status(self) -> None:
        self.status.setText(self.status_text())
        s = self.state
        self.progress.setRange(0, max(1, s.total_steps))
        self.progress.setValue(min(s.done_steps, max(1, s.total_steps))
                               if s.status != "finished" else max(1, s.total_steps))

    # ------------------------------------------------------------------------------ files
    @property
    def has_results(self) -> bool:
        return self.state.has_results

    def to_document(self) -> tuple[str, dict[str, Any], dict[str, Any]]:
        """``(kind, config, results)`` for :func:`nn.experiment.save_experiment`."""
        config = copy.deepcopy(self.shown_config)
        config.setdefault("workbench", {})["settings"] = copy.deepcopy(self.shown)
        config["workbench"]["tab"] = self.key
        return self.kind, config, self.state.to_results()

    def load_document(self, doc: dict[str, Any]) -> None:
        """Show a saved comparison: restore the settings and the curves without running.
        Raises ``ValueError`` naming what is wrong (nothing changes then)."""
        config = doc.get("config")
        results = doc.get("results")
        if not isinstance(config, dict):
            raise ValueError(tr("The file has no comparison settings."))
        saved = (config.get("workbench") or {}).get("settings")
        settings = {**specs.book_settings(self.key),
                    **(saved if isinstance(saved, dict) else self.settings_from_config(config))}
        state = read_results(self.kind, config, results)
        previous = self.settings()
        try:
            self.apply_settings(settings)
        except (ValueError, TypeError, KeyError) as exc:
            self.apply_settings(previous)
            raise ValueError(str(exc)) from None
        self.runner.shutdown()  # a run in progress is replaced by the file's results
        self.state = state
        self.error.show_error(None)
        self.shown, self.shown_config = copy.deepcopy(settings), copy.deepcopy(config)
        self._table_version = -1
        self._update_controls()
        self.refresh(force=True)
        self.stateChanged.emit()

    def clear_results(self) -> None:
        """Forget the results on screen (a new session): stop a run, show an empty state."""
        self.runner.shutdown()
        self.token = None
        self.state = SearchState() if self.kind == "search" else ComparisonState()
        self.error.show_error(None)
        self.shown, self.shown_config = self.settings(), {}
        self._preview()
        self._table_version = -1
        self._update_controls()
        self.refresh(force=True)
        self.stateChanged.emit()


__all__ = ["ComparisonTab"]
