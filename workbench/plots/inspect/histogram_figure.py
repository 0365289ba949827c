"""Histogram panels per layer (book ch. 6.2's five-panel figure) and the training-dynamics
plot (gradient norm and dead-ReLU fraction over iterations), on Matplotlib ``Figure``s."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter, NullFormatter, PercentFormatter

from workbench.core.i18n import plural, tr
from workbench.plots.inspect.figure_common import (
    FigurePlot,
    prepare_axes,
    series_color,
)
from workbench.state.inspect.records import StatsHistory
from workbench.ui.mpl_style import style_legend

MAX_COLS = 5  # the book shows five layers side by side


@dataclass(frozen=True)
class HistPanel:
    """One layer's histogram: ``counts`` in the bins ``edges``, and optionally the counts of
    a reference distribution (at initialization) on the same bins, drawn as an outline."""

    title: str
    xlabel: str
    edges: np.ndarray
    counts: np.ndarray
    reference: np.ndarray | None = None
    color: int = 0  # index into the series colours


class HistogramFigure(FigurePlot):
    """Panels in a grid of at most :data:`MAX_COLS` columns; bars are counts per bin."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.panels: list[HistPanel] = []
        self.axes: list = []
        self.bars: list = []
        self.outlines: list = []
        self._cols = 1

    def show(self, panels: list[HistPanel], *, log: bool, sharex: bool, now_label: str,
             reference_label: str, cols: int | None = None) -> None:
        """Draw ``panels`` (``cols`` per row, or a balanced grid of at most
        :data:`MAX_COLS`); values update in place when the layout is unchanged."""
        self.panels = panels
        layout = (len(panels), tuple((p.reference is not None, p.color) for p in panels), log,
                  sharex, now_label, reference_label, cols)
        if layout != self._layout:
            self._build(log, sharex, now_label, reference_label, cols)
            self._layout = layout
        for i, (panel, ax) in enumerate(zip(panels, self.axes, strict=True)):
            counts = panel.counts.astype(float)
            self.bars[i].set_data(counts, panel.edges)
            top = float(counts.max(initial=0))
            low = counts[counts > 0]
            if panel.reference is not None:
                ref = panel.reference.astype(float)
                self.outlines[i].set_data(ref, panel.edges)
                top = max(top, float(ref.max(initial=0)))
                low = np.concatenate([low, ref[ref > 0]])
            ax.set_title(panel.title, fontsize=8)
            ax.set_xlabel(panel.xlabel, fontsize=7)
            if i % self._cols == 0:
                ax.set_ylabel(tr("count"), fontsize=7)
            lo, hi = float(panel.edges[0]), float(panel.edges[-1])
            if not sharex:
                ax.set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))
            if log:
                ax.set_ylim(0.7, max(top, 10) * 2)
            else:
                ax.set_ylim(0, max(top, 1) * 1.08)
        if sharex and self.axes:
            lo = min(float(p.edges[0]) for p in panels)
            hi = max(float(p.edges[-1]) for p in panels)
            self.axes[0].set_xlim(lo - 0.02 * (hi - lo), hi + 0.02 * (hi - lo))

    def _build(self, log: bool, sharex: bool, now_label: str, reference_label: str,
               cols: int | None) -> None:
        self.fig.clear()
        self.axes, self.bars, self.outlines = [], [], []
        n = len(self.panels)
        if not n:
            return
        if cols:
            self._cols, rows = cols, math.ceil(n / cols)
        else:
            rows = math.ceil(n / MAX_COLS)
            self._cols = math.ceil(n / rows)  # balanced: 7 panels → 4 + 3
        first = None
        for i, panel in enumerate(self.panels):
            ax = self.fig.add_subplot(rows, self._cols, i + 1,
                                      sharex=first if sharex else None)
            first = first or ax
            prepare_axes(ax, self.colors)
            self.bars.append(ax.stairs(panel.counts.astype(float), panel.edges, fill=True,
                                       color=series_color(panel.color), alpha=0.75,
                                       label=now_label))
            outline = None
            if panel.reference is not None:
                outline = ax.stairs(panel.reference.astype(float), panel.edges,
                                    color=series_color(1), linewidth=1.5,
                                    label=reference_label)
            self.outlines.append(outline)
            if log:
                ax.set_yscale("log")
            ax.tick_params(labelsize=7)
            ax.ticklabel_format(axis="x", style="sci", scilimits=(-3, 4))
            self.axes.append(ax)
        if any(o is not None for o in self.outlines):
            style_legend(self.axes[0], self.colors, fontsize=7, loc="upper right")
        self.fig.subplots_adjust(left=0.07, right=0.98, top=0.88 if rows == 1 else 0.91,
                                 bottom=0.12 if rows == 1 else 0.08, wspace=0.3,
                                 hspace=0.65)

    def readout(self, ax, x: float | None, y: float | None) -> str:
        if ax not in self.axes or x is None:
            return ""
        panel = self.panels[self.axes.index(ax)]
        k = int(np.searchsorted(panel.edges, x, side="right")) - 1
        if not 0 <= k < len(panel.counts):
            return ""
        count = int(panel.counts[k])
        text = plural(count, tr("{lo:.4g} to {hi:.4g}: 1 value"),
                      tr("{lo:.4g} to {hi:.4g}: {n:,} values")).format(
            lo=panel.edges[k], hi=panel.edges[k + 1], n=count)
        if panel.reference is not None:
            text += tr(" (at the start: {m:,})").format(m=int(panel.reference[k]))
        return text


class DynamicsFigure(FigurePlot):
    """Gradient L2 norm per layer (log scale) and dead-ReLU fraction per layer, over
    training iterations, as recorded by the probe."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.ax_norm, self.ax_dead = fig.subplots(1, 2)
        fig.subplots_adjust(left=0.08, right=0.98, top=0.9, bottom=0.12, wspace=0.25)
        self.lines: dict[tuple[str, str], object] = {}
        for ax in (self.ax_norm, self.ax_dead):
            prepare_axes(ax, colors)
        self.ax_norm.set_yscale("log")
        self.ax_norm.yaxis.set_major_formatter(FuncFormatter(lambda v, _p: f"{v:g}"))
        self.ax_norm.yaxis.set_minor_formatter(NullFormatter())
        self.ax_dead.set_ylim(-0.02, 1.02)
        self.ax_dead.yaxis.set_major_formatter(PercentFormatter(1.0))
        self.retranslate()

    def retranslate(self) -> None:
        self.ax_norm.set_title(tr("Gradient norm per layer (‖∂L/∂W, ∂L/∂b‖₂)"), fontsize=9)
        self.ax_norm.set_xlabel(tr("iteration"), fontsize=8)
        self.ax_norm.set_ylabel(tr("L2 norm (log scale)"), fontsize=8)
        self.ax_dead.set_title(tr("Dead ReLU units per layer"), fontsize=9)
        self.ax_dead.set_xlabel(tr("iteration"), fontsize=8)
        self.ax_dead.set_ylabel(tr("fraction never active on the batch"), fontsize=8)

    def show(self, history: StatsHistory) -> None:
        it = np.asarray(history.iterations, dtype=float)
        for ax, key, series in ((self.ax_norm, "norm", history.grad_norms),
                                (self.ax_dead, "dead", history.dead)):
            for i, (name, values) in enumerate(series.items()):
                line = self.lines.get((key, name))
                if line is None:
                    line, = ax.plot([], [], color=series_color(i), linewidth=1.5,
                                    marker="o", markersize=2.5, label=name)
                    self.lines[(key, name)] = line
                line.set_data(it, np.asarray(values, dtype=float))
            ax.relim()
            ax.autoscale_view()
            if series:
                style_legend(ax, self.colors, fontsize=7, loc="best",
                             ncol=2 if len(series) > 4 else 1)
        self.ax_dead.set_ylim(-0.02, 1.02)

    def clear(self) -> None:
        for line in self.lines.values():
            line.remove()
        self.lines = {}
        for ax in (self.ax_norm, self.ax_dead):
            legend = ax.get_legend()
            if legend is not None:
                legend.remove()
