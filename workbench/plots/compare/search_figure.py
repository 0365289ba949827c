"""Live figure for the random hyperparameter search (book ch. 6.5): validation accuracy against
each sampled setting on log axes (left), and the book's small multiples of the best trials'
accuracy curves — validation solid, training dashed (right)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import LogLocator, NullFormatter

from workbench.core.i18n import tr
from workbench.state.compare.views import SearchState
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES


def param_title(name: str) -> str:
    """Translated display name of a searched setting."""
    if name == "lr":
        return tr("learning rate")
    if name == "weight_decay":
        return tr("weight decay")
    return name.replace("_", " ")


def panel_order(state: SearchState, count: int) -> list[tuple[int, float, bool]]:
    """``(trial index, validation accuracy, running)`` of the best ``count`` trials: finished
    ones by their result, the running one by its latest epoch (diverged trials last)."""
    rows = [(t.index, t.val_acc, False) for t in state.ends.values()]
    current = state.current
    if current is not None and current not in state.ends:
        epochs = state.histories.get(current)
        if epochs is not None and epochs.epochs:
            rows.append((current, epochs.epochs[-1].val_acc, True))
    rows.sort(key=lambda r: (-r[1] if not math.isnan(r[1]) else math.inf, r[0]))
    return rows[:count]


def _short(value: float) -> str:
    """``0.00971`` → ``9.7e-3`` (compact, for the small panels' titles)."""
    mantissa, exponent = f"{value:.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def panel_grid(count: int) -> tuple[int, int]:
    """Rows and columns of the small multiples: 4 → 2 × 2, 12 → 3 × 4, 20 → 5 × 4."""
    for rows, cols in ((1, 1), (1, 2), (2, 2), (2, 3), (3, 3), (3, 4), (4, 4), (5, 4), (5, 5),
                       (6, 5)):
        if count <= rows * cols:
            return rows, cols
    return math.ceil(count / 5), 5


class SearchFigure:
    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        self.scatter_axes: dict[str, Axes] = {}
        self.points: dict[str, tuple[Line2D, Line2D, Line2D]] = {}
        self.panels: list[Axes] = []
        self.panel_lines: list[tuple[Line2D, Line2D]] = []
        self.panel_trials: list[int | None] = []
        self._key: tuple | None = None
        self._state: SearchState | None = None
        fig.set_facecolor(colors["window"])

    def _rebuild(self, names: Sequence[str], bounds: dict[str, tuple[float, float]],
                 count: int, epochs: int) -> None:
        self.fig.clear()
        self.fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        outer = self.fig.add_gridspec(1, 2, width_ratios=(1, 2.1))
        left = outer[0].subgridspec(len(names), 1, hspace=0.45)
        self.scatter_axes, self.points = {}, {}
        for i, name in enumerate(names):
            ax = self.fig.add_subplot(left[i])
            style_axes(ax, self.colors)
            ok, = ax.plot([], [], "o", color=SERIES[0], markersize=4, alpha=0.8)
            bad, = ax.plot([], [], "x", color=self.colors["text"], alpha=0.5, markersize=5)
            best, = ax.plot([], [], "*", color=SERIES[5], markersize=13)
            ax.set_xscale("log")
            ax.xaxis.set_major_locator(LogLocator(numticks=6))
            ax.xaxis.set_minor_formatter(NullFormatter())
            low, high = bounds.get(name, (1e-6, 1e-2))
            pad = (high / low) ** 0.05 if high > low else 2.0
            ax.set_xlim(low / pad, high * pad)
            ax.set_ylim(0, 1.02)
            self.scatter_axes[name], self.points[name] = ax, (ok, bad, best)
        rows, cols = panel_grid(count)
        right = outer[1].subgridspec(rows, cols, wspace=0.08, hspace=0.62)
        self.panels, self.panel_lines, self.panel_trials = [], [], []
        for k in range(count):
            ax = self.fig.add_subplot(right[k // cols, k % cols])
            style_axes(ax, self.colors)
            ax.tick_params(labelsize=6, labelleft=k % cols == 0,
                           labelbottom=k // cols == rows - 1 or k + cols >= count)
            val, = ax.plot([], [], "-", color=SERIES[0], linewidth=1.3)
            train, = ax.plot([], [], "--", color=SERIES[1], linewidth=1.1)
            ax.set_xlim(0, max(epochs, 1))
            ax.set_ylim(0, 1.02)
            self.panels.append(ax)
            self.panel_lines.append((val, train))
            self.panel_trials.append(None)
        self._key = (tuple(names), tuple(sorted(bounds.items())), count, epochs)

    def retranslate(self) -> None:
        for name, ax in self.scatter_axes.items():
            ax.set_xlabel(param_title(name), fontsize=8)
            ax.set_ylabel(tr("accuracy"), fontsize=8)  # the title says which: validation
            for line, label in zip(self.points[name], (tr("trial"), tr("diverged"), tr("best")),
                                   strict=True):
                line.set_label(label if len(line.get_xdata()) else "_nolegend_")
            style_legend(ax, self.colors, loc="upper left")
        first = next(iter(self.scatter_axes.values()), None)
        if first is not None:
            first.set_title(tr("Validation accuracy by setting"), fontsize=9,
                            color=self.colors["text"])
        self.fig.suptitle(tr("Best trials: validation (solid) and training (dashed) "
                             "accuracy"), fontsize=9.5, color=self.colors["text"])
        self._title_panels()

    def _title_panels(self) -> None:
        state = self._state
        if state is None:
            return
        order = {trial: (val, running) for trial, val, running in panel_order(
            state, len(self.panels))}
        for rank, (ax, trial) in enumerate(zip(self.panels, self.panel_trials, strict=True), 1):
            if trial is None:
                ax.set_title("")
                continue
            val, running = order.get(trial, (math.nan, False))
            params = state.params.get(trial, {})
            head = (tr("Best-{rank} (running)") if running
                    else tr("Best-{rank}: {acc:.1%}")).format(rank=rank, acc=val)
            if math.isnan(val) and not running:
                head = tr("Best-{rank}: diverged").format(rank=rank)
            body = ", ".join((tr("lr {v}") if k == "lr" else tr("wd {v}")).format(v=_short(v))
                             for k, v in params.items())
            ax.set_title(f"{head}\n{body}", fontsize=6.5, color=self.colors["text"], pad=2)

    def update(self, state: SearchState, names: Sequence[str],
               bounds: dict[str, tuple[float, float]], count: int, epochs: int) -> None:
        self._state = state
        key = (tuple(names), tuple(sorted(bounds.items())), count, epochs)
        if self._key != key:
            self._rebuild(names, bounds, count, epochs)
        ends = sorted(state.ends.values(), key=lambda t: t.index)
        acc = np.array([t.val_acc for t in ends], dtype=np.float64)
        good = np.isfinite(acc)
        best = int(np.nanargmax(np.where(good, acc, -np.inf))) if good.any() else None
        for name, (ok, bad, star) in self.points.items():
            x = np.array([t.params.get(name, np.nan) for t in ends], dtype=np.float64)
            ok.set_data(x[good], acc[good])
            bad.set_data(x[~good], np.zeros(int((~good).sum())))
            star.set_data(([x[best]], [acc[best]]) if best is not None else ([], []))
        order = panel_order(state, len(self.panels))
        for k, (val_line, train_line) in enumerate(self.panel_lines):
            trial = order[k][0] if k < len(order) else None
            self.panel_trials[k] = trial
            self.panels[k].set_visible(trial is not None)
            history = state.histories.get(trial) if trial is not None else None
            if history is None:
                val_line.set_data([], [])
                train_line.set_data([], [])
                continue
            x = np.arange(1, len(history.epochs) + 1, dtype=np.float64)
            val_line.set_data(x, history.epoch_column("val_acc"))
            train_line.set_data(x, history.epoch_column("train_acc"))
        self.retranslate()

    def readout(self, ax: Axes, x: float | None, y: float | None) -> str:
        state = self._state
        if state is None or x is None:
            return ""
        if ax in self.panels:
            trial = self.panel_trials[self.panels.index(ax)]
            history = state.histories.get(trial) if trial is not None else None
            if history is None or not history.epochs:
                return ""
            e = history.epochs[int(np.clip(round(x) - 1, 0, len(history.epochs) - 1))]
            return tr("trial {t}, epoch {e}: validation {v:.1%} · train {a:.1%}").format(
                t=trial + 1, e=e.epoch, v=e.val_acc, a=e.train_acc)
        for name, scatter in self.scatter_axes.items():
            if ax is scatter and y is not None:
                return f"{param_title(name)} {x:.2e} · " + tr("validation accuracy {a:.1%}"
                                                              ).format(a=y)
        return ""


__all__ = ["SearchFigure", "panel_order", "param_title"]
