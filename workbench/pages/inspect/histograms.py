"""Histograms tab: activation, weight and gradient distributions per layer (book ch. 6.2), live
during training, and gradient norms and dead-ReLU fractions over the iterations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.errors import TrainingError
from nn.inspect import LayerStats, layer_stats, weight_names
from workbench.core.i18n import tr
from workbench.pages.inspect.base import Cancelled, InspectView, compact
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.histogram_figure import DynamicsFigure, HistogramFigure, HistPanel
from workbench.state.inspect.records import PROBE_BATCH, StatsHistory, fixed_batch
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas

ACTIVATIONS, WEIGHTS, GRADIENTS, DYNAMICS = "activations", "weights", "gradients", "dynamics"
MAX_PAIRED = 5  # more activation layers than this: no second row "at initialization"


@dataclass(frozen=True)
class StatsResult:
    """Statistics computed in a worker for an idle model, and the activations with the start
    weights; ``grads_error`` says why there are no gradients (a model with a Step activation
    has none)."""

    stats: LayerStats
    start: LayerStats
    grads_error: str | None = None


def stats_job(model: nn.Sequential, start: dict, x, t) -> Iterator[StatsResult]:
    """Worker-thread job on a private copy: activations and gradients at the start weights,
    then :func:`~nn.inspect.layer_stats` now, on the batch ``(x, t)``, with the start as
    reference."""
    state = model.state_dict()  # current weights and BatchNorm running statistics
    start_grads, error = None, None
    model.load_state_dict(start, strict=False)
    start_stats = layer_stats(model, x, grads=False)
    try:
        model.loss_and_grads(x, t)
        start_grads = {k: g.copy() for k, g in model.named_grads().items()}
        model.load_state_dict(state)  # gradients stay; training-mode statistics are undone
        model.loss_and_grads(x, t)
    except TrainingError as exc:  # e.g. a Step activation has no gradient
        error = str(exc)
    model.load_state_dict(state)
    yield StatsResult(layer_stats(model, x, grads=error is None, start_weights=start,
                                  start_grads=start_grads), start_stats, error)


def zero_bin(edges: np.ndarray) -> int | None:
    """Index of the bin holding the value 0 (None if 0 is outside the bins)."""
    if not edges[0] <= 0 <= edges[-1]:
        return None
    return int(min(np.searchsorted(edges, 0.0, side="right") - 1, len(edges) - 2))


def dynamics_status(history: StatsHistory | None) -> str:
    """How many points the curves over time have and how far apart they were measured (the
    probe aims at one a second; a large network, whose forward pass is slow, gets fewer)."""
    n = len(history) if history is not None else 0
    if not n:
        return tr("Recorded while a model trains: train on Build & Train to see gradient "
                  "norms and dead ReLU units evolve.")
    spacing = history.typical_spacing()
    if spacing is None:
        return tr("1 measurement so far; during training one is taken about every second.") \
            if n == 1 else tr("{n} measurements.").format(n=n)
    return tr("{n} measurements during training, about one every {s:.1f} s (fewer for large "
              "networks, to keep training fast).").format(n=n, s=spacing)


class HistogramsView(InspectView):
    live_interval = 1.5

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)
        self.result: StatsResult | None = None
        self.mode_label, self.mode_combo = QLabel(), compact(QComboBox(), 16)
        self.compare_check = QCheckBox()
        self.compare_check.setChecked(True)
        self.zeros_check = QCheckBox()
        self.zeros_check.setChecked(True)
        self.log_check = QCheckBox()
        self.sharex_check = QCheckBox()
        self.status = muted_label()
        self.message = ErrorLabel()
        colors = theme.plot_colors()
        self.hist_canvas = PlotCanvas(self, figsize=(9, 4))
        self.plot = HistogramFigure(self.hist_canvas.figure, colors)
        self.hist_canvas.readout_fn = self.plot.readout
        self.dyn_canvas = PlotCanvas(self, figsize=(9, 4))
        self.dynamics = DynamicsFigure(self.dyn_canvas.figure, colors)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.hist_canvas)
        self.stack.addWidget(self.dyn_canvas)
        bar = QHBoxLayout()
        bar.addWidget(self.mode_label)
        bar.addWidget(self.mode_combo, 2)
        bar.addSpacing(10)
        for w in (self.compare_check, self.zeros_check, self.log_check, self.sharex_check):
            bar.addWidget(w)
        bar.addStretch(1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.status)
        layout.addWidget(self.message)
        layout.addWidget(self.stack, 1)
        self.mode_combo.currentIndexChanged.connect(self._on_mode)
        for check in (self.compare_check, self.zeros_check, self.log_check, self.sharex_check):
            check.toggled.connect(lambda _c: self.mark_dirty())
        self.jobs.events.connect(self._on_events)
        self.jobs.failed.connect(self.message.show_error)
        source.modelReplaced.connect(self._on_model)
        source.weightsChanged.connect(self._on_weights)
        source.statsChanged.connect(self.mark_dirty)
        source.trainingChanged.connect(lambda _t: self.invalidate())
        source.dataChanged.connect(self.invalidate)
        source.dataFailed.connect(self.message.show_error)
        self.retranslate()
        self._on_mode()

    def retranslate(self) -> None:
        self.mode_label.setText(tr("Show:"))
        current = self.mode_combo.currentData()
        with QSignalBlocker(self.mode_combo):
            self.mode_combo.clear()
            for text, key in ((tr("Activations (ch. 6.2)"), ACTIVATIONS),
                              (tr("Weights"), WEIGHTS), (tr("Gradients"), GRADIENTS),
                              (tr("Gradient norms and dead ReLUs over time"), DYNAMICS)):
                self.mode_combo.addItem(text, key)
            found = self.mode_combo.findData(current)
            self.mode_combo.setCurrentIndex(found if found >= 0 else 0)
        self.mode_combo.setToolTip(tr(
            "Activations: each activation layer's outputs for a batch of 100 training images "
            "(ch. 6.2: they should stay spread out, neither stuck at 0/1 nor all equal). "
            "Weights and gradients: each layer's weight matrix and its gradient. Over time: "
            "how gradient norms and dead ReLU units evolve while training."))
        self.compare_check.setText(tr("Compare with initialization"))
        self.compare_check.setToolTip(tr(
            "Activations: add a second row with the activations at initialization (ch. 6.2 "
            "compares initializations this way; for networks with up to five activation "
            "layers). Weights and gradients: overlay their "
            "distribution at initialization (gradients during training: at the first step) "
            "as an outline, on the same bins."))
        self.zeros_check.setText(tr("Leave out exact zeros"))
        self.zeros_check.setToolTip(tr(
            "ReLU outputs exactly 0 for every negative input, often for half the values; "
            "that one bar dwarfs the rest. Leave those zeros out of the drawing (their share "
            "is given in each panel's title)."))
        self.log_check.setText(tr("Log scale"))
        self.log_check.setToolTip(tr("Logarithmic vertical axis: reveals the tails, e.g. the "
                                     "few large activations next to ReLU's spike at zero."))
        self.sharex_check.setText(tr("Same x-axis"))
        self.sharex_check.setToolTip(tr("Use one horizontal range for every layer, to see how "
                                        "the spread grows or shrinks with depth (ch. 6.2)."))
        self.dynamics.retranslate()
        self.plot.retranslate()
        self.mark_dirty()

    # --------------------------------------------------------------------------- inputs
    def _mode(self) -> str:
        return self.mode_combo.currentData() or ACTIVATIONS

    def _on_mode(self) -> None:
        dynamics = self._mode() == DYNAMICS
        self.stack.setCurrentWidget(self.dyn_canvas if dynamics else self.hist_canvas)
        mode = self._mode()
        self.compare_check.setEnabled(mode != DYNAMICS)
        self.zeros_check.setEnabled(mode == ACTIVATIONS)
        for check in (self.log_check, self.sharex_check):
            check.setEnabled(not dynamics)
        self.mark_dirty()

    def _on_model(self, _model) -> None:
        self.result = None
        self.dynamics.clear()
        self.invalidate()

    def _on_weights(self) -> None:
        if not self.source.training:  # while training the probe delivers statistics
            self.invalidate()

    def compute(self) -> None:
        """Idle model: measure on a fixed batch of training images in a worker. While
        training nothing is computed here — the probe's live statistics are drawn."""
        self.mark_dirty()
        if self.source.training:
            return
        model = self.source.working_copy()
        if model is None:
            return
        data = self.source.request_data()
        if data is None:
            self.status.setText(tr("Loading the data set…"))
            return
        problem = self.source.mismatch(model, data)
        if problem:
            self.message.show_error(problem)
            return
        self.message.show_error(None)
        x, y = data.train
        idx = fixed_batch(len(x), PROBE_BATCH)
        start, _recorded = self.source.record().start_params(self.source.architecture)
        start = {k: v.copy() for k, v in start.items()}
        xb, yb = x[idx], y[idx]
        self.start_job(lambda: stats_job(model, start, xb, yb))

    def _on_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, StatsResult):
                self.result = event
                self.mark_dirty()
            elif isinstance(event, Cancelled):
                return

    # ---------------------------------------------------------------------------- drawing
    def current(self) -> LayerStats | None:
        """The statistics to draw: the probe's latest while training, else the job's."""
        record = self.source.record()
        if record is None:
            return None
        if self.source.training:
            return record.latest
        return None if self.result is None else self.result.stats

    def start(self) -> LayerStats | None:
        """Statistics with the start weights (for the activations at initialization)."""
        record = self.source.record()
        if record is None:
            return None
        if self.source.training:
            return record.initial_stats
        return None if self.result is None else self.result.start

    def panels(self) -> tuple[list[HistPanel], str]:
        """The panels of the current mode and the reference's legend label."""
        stats, arch = self.current(), self.source.architecture
        if stats is None or arch is None:
            return [], ""
        _params, recorded = self.source.record().start_params(arch)
        ref_label = tr("at initialization") if recorded else tr("fresh initialization")
        mode = self._mode()
        panels = []
        if mode == ACTIVATIONS:
            start = self.start() if self.compare_check.isChecked() else None
            if start is not None and len(stats.activations) > MAX_PAIRED:
                start = None
            rows = [(stats, 0, tr("now"))]
            if start is not None:
                rows.append((start, 1, ref_label))
            for row_stats, color, when in rows:
                for name, h in row_stats.activations.items():
                    panels.append(self._activation_panel(
                        name, h, row_stats.dead.get(name), color,
                        when if start is not None else None))
        elif mode in (WEIGHTS, GRADIENTS):
            now = stats.weights if mode == WEIGHTS else stats.grads
            then = stats.weights_start if mode == WEIGHTS else stats.grads_start
            if mode == GRADIENTS and self.source.training:
                ref_label = tr("first training step")
            for name in weight_names(arch):
                h = now.get(name)
                if h is None:
                    continue
                layer = arch.layers[int(name.split(".")[0])]
                ref = then.get(name) if self.compare_check.isChecked() else None
                xlabel = tr("weight") if mode == WEIGHTS else tr("gradient ∂L/∂W")
                title = tr("{name}\n{layer}").format(name=name, layer=layer.describe())
                panels.append(HistPanel(title, xlabel, h.edges, h.counts,
                                        None if ref is None else ref.counts))
        return panels, ref_label

    def _activation_panel(self, name: str, h, dead: float | None, color: int,
                          when: str | None) -> HistPanel:
        counts = h.counts.copy()
        notes = []
        k = zero_bin(h.edges)
        if self.zeros_check.isChecked() and h.zeros and k is not None:
            counts[k] -= h.zeros
            notes.append(tr("{z:.0%} zeros (not drawn)").format(z=h.zero_fraction))
        elif h.zeros:
            notes.append(tr("{z:.0%} zeros").format(z=h.zero_fraction))
        if dead is not None:
            notes.append(tr("{d:.0%} dead").format(d=dead))
        title = name if when is None else tr("{name} — {when}").format(name=name, when=when)
        title += "\n" + " · ".join(notes) if notes else ""
        return HistPanel(title, tr("activation value"), h.edges, counts, color=color)

    def redraw(self) -> None:
        record = self.source.record()
        mode = self._mode()
        self._update_status()
        if mode == DYNAMICS:
            history = record.history if record is not None else None
            if history is not None:
                self.dynamics.show(history)
            self.dyn_canvas.canvas.draw()
            return
        panels, ref_label = self.panels()
        if not panels and mode == GRADIENTS and self.current() is not None:
            if self.source.training:
                self.status.setText(tr("Gradients appear after the first training step."))
            elif self.result is not None and self.result.grads_error:
                self.message.show_error(self.result.grads_error)
        paired = (mode == ACTIVATIONS and panels
                  and len(panels) == 2 * len(self.current().activations))
        self.plot.show(panels, log=self.log_check.isChecked(),
                       sharex=self.sharex_check.isChecked(), now_label=tr("now"),
                       reference_label=ref_label,
                       cols=len(panels) // 2 if paired else None)
        self.hist_canvas.canvas.draw()

    def _update_status(self) -> None:
        record = self.source.record()
        stats = self.current()
        mode = self._mode()
        if record is not None and record.error:
            self.message.show_error(tr("Live statistics failed: {e}").format(e=record.error))
        if mode == DYNAMICS:
            self.status.setText(dynamics_status(record.history if record is not None else None))
        elif stats is None:
            self.status.setText(tr("Waiting for the first measurement…")
                                if self.source.training else tr("Computing…"))
        else:
            what = {ACTIVATIONS: tr("Outputs of each activation layer for a fixed batch of "
                                    "{n} training images, 30 bins."),
                    WEIGHTS: tr("Each layer's weights, 30 bins."),
                    GRADIENTS: tr("Gradients of the loss for each layer's weights, from the "
                                  "last training batch.") if self.source.training else
                    tr("Gradients of the loss for each layer's weights, on a fixed batch of "
                       "{n} training images.")}[mode]
            when = (tr("Live at iteration {it:,}.") if self.source.training
                    else tr("Current weights."))
            self.status.setText((what + " " + when).format(n=stats.batch_size,
                                                           it=stats.iteration))

    def plotters(self) -> list:
        return [self.plot, self.dynamics]

    def draw_now(self) -> None:
        self.redraw()


__all__ = ["HistogramsView", "StatsResult", "dynamics_status", "stats_job"]
