"""Live figure for the optimizer and initializer comparisons (book ch. 6.1.8, 6.2.4): training
loss per iteration — raw faintly, a moving average on top, ± one standard deviation over seeds
as a band — beside test accuracy (per epoch, and at the end of the run)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from workbench.core.i18n import tr
from workbench.plots.compare.plot_common import (
    set_band,
    stride,
)
from workbench.plots.curves import loss_statistics
from workbench.plots.train.training import smoothing_window
from workbench.state.compare.views import ComparisonState
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES


def accuracy_points(state: ComparisonState, variant: int, column: str = "test_acc"
                    ) -> tuple[NDArray, NDArray, NDArray]:
    """Iterations, mean and spread over seeds of an accuracy: after every epoch, plus the
    final evaluation of a run that ended mid-epoch (what the results table shows).

    Returns three arrays of shape (n_points,).
    """
    final = "train_acc" if column == "train_acc" else "test_acc"
    per_seed: list[dict[int, float]] = []
    for s, history in enumerate(state.histories[variant]):
        points = {e.iteration: getattr(e, column) for e in history.epochs}
        done = state.finished(variant, s)
        if done is not None and done.iteration not in points:
            points[done.iteration] = getattr(done, final)
        per_seed.append(points)
    grid = sorted({it for points in per_seed for it in points})
    table = np.array([[p.get(it, np.nan) for it in grid] for p in per_seed], dtype=np.float64)
    x = np.asarray(grid, dtype=np.float64)
    if table.size == 0:
        return x, np.zeros(0), np.zeros(0)
    with np.errstate(invalid="ignore"):
        counts = np.isfinite(table).sum(axis=0)
        mean = np.where(counts > 0, np.nansum(table, axis=0) / np.maximum(counts, 1), np.nan)
        dev = np.where(np.isfinite(table), table - mean, 0.0)
        spread = np.sqrt((dev ** 2).sum(axis=0) / np.maximum(counts, 1))
    return x, mean, spread


@dataclass
class _Series:
    raw: Line2D
    smooth: Line2D
    acc: Line2D
    cross: Line2D
    color: str
    band: PolyCollection | None = None
    acc_band: PolyCollection | None = None
    x: NDArray | None = None
    mean: NDArray | None = None


class LossAccuracyFigure:
    """Loss (left, wide) and test accuracy (right) of every variant of a comparison.

    Parameters
    ----------
    fig : Figure
        Drawn into (cleared first).
    colors : dict
        :func:`workbench.ui.theme.plot_colors`.
    name : callable
        ``name(state, variant) -> str``: the variant's legend entry (e.g. "SGD (lr 0.01)").
    """

    def __init__(self, fig: Figure, colors: dict[str, str],
                 name: Callable[[ComparisonState, int], str]) -> None:
        self.fig, self.colors, self.name = fig, colors, name
        fig.clear()
        fig.set_facecolor(colors["window"])
        fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        grid = fig.add_gridspec(1, 3)
        self.ax_loss: Axes = fig.add_subplot(grid[0, :2])
        self.ax_acc: Axes = fig.add_subplot(grid[0, 2])
        for ax in (self.ax_loss, self.ax_acc):
            style_axes(ax, colors)
        self.ax_acc.set_ylim(0, 1.02)
        self.series: list[_Series] = []
        self.window = smoothing_window(0)
        self.empty = True  # no iteration yet: fixed axes and a placeholder, not ±0.04 axes
        self.hint = self.ax_loss.text(0.5, 0.5, "", transform=self.ax_loss.transAxes,
                                      ha="center", va="center", fontsize=10, alpha=0.6,
                                      color=colors["text"])
        self._show_empty()
        self._key: tuple | None = None
        self._state: ComparisonState | None = None
        self.retranslate()

    def retranslate(self) -> None:
        self.ax_loss.set_title(tr("Training loss (moving average of {n} iterations)").format(
            n=self.window), fontsize=10)
        self.ax_loss.set_xlabel(tr("iteration"))
        self.ax_loss.set_ylabel(tr("loss (cross-entropy)"))
        self.ax_acc.set_title(tr("Test accuracy"), fontsize=10)
        self.ax_acc.set_xlabel(tr("iteration"))
        self.ax_acc.set_ylabel(tr("accuracy"))
        self.hint.set_text(tr("Press Run: each optimizer's loss\nappears here as it trains")
                           if self.empty else "")
        if self._state is not None:
            self._label(self._state)

    def _show_empty(self) -> None:
        self.ax_loss.set_xlim(0, 100)
        self.ax_loss.set_ylim(0, 2.5)
        self.ax_acc.set_xlim(0, 100)
        self.ax_acc.set_ylim(0, 1.02)

    def _rebuild(self, state: ComparisonState) -> None:
        for s in self.series:
            for artist in (s.raw, s.smooth, s.acc, s.cross, s.band, s.acc_band):
                if artist is not None:
                    artist.remove()
        self.series = []
        for v in range(len(state.variants)):
            color = SERIES[v % len(SERIES)]
            raw, = self.ax_loss.plot([], [], color=color, alpha=0.22, linewidth=0.8)
            smooth, = self.ax_loss.plot([], [], color=color, linewidth=1.9)
            cross, = self.ax_loss.plot([], [], "x", color=color, markersize=9, mew=2)
            acc, = self.ax_acc.plot([], [], "o-", color=color, linewidth=1.5, markersize=3)
            self.series.append(_Series(raw, smooth, acc, cross, color))
        self._key = (tuple(state.labels), len(state.seeds))

    def _label(self, state: ComparisonState) -> None:
        seeds = len(state.seeds)
        for v, s in enumerate(self.series):
            label = self.name(state, v)
            if seeds > 1:
                label = tr("{name} (mean of {n} seeds)").format(name=label, n=seeds)
            if state.diverged(v):
                label = tr("{name} — diverged").format(name=label)
            s.smooth.set_label(label if not self.empty else "_nolegend_")
        style_legend(self.ax_loss, self.colors, loc="upper right")  # none before the first run

    def update(self, state: ComparisonState) -> None:
        """Point every artist at ``state``'s histories and rescale."""
        self._state = state
        if self._key != (tuple(state.labels), len(state.seeds)):
            self._rebuild(state)
        length = max((len(h) for row in state.histories for h in row), default=0)
        self.window = smoothing_window(length)
        multi = len(state.seeds) > 1
        tops: list[float] = []
        for v, s in enumerate(self.series):
            histories = state.histories[v]
            longest = max(histories, key=len)
            x = np.asarray(longest.iterations, dtype=np.float64)
            if len(x):
                raw, mean, spread = loss_statistics([h.losses for h in histories], len(x),
                                                    self.window)
            else:
                raw = mean = spread = np.zeros(0)
            k = stride(len(x))
            s.raw.set_data(x[::k], raw[::k])
            s.smooth.set_data(x, mean)
            s.x, s.mean = x, mean
            s.band = set_band(self.ax_loss, s.band, x, mean, spread, s.color, multi)
            finite = np.flatnonzero(np.isfinite(mean))
            if state.diverged(v) and finite.size:
                s.cross.set_data([x[finite[-1]]], [mean[finite[-1]]])
            else:
                s.cross.set_data([], [])
            if finite.size:
                first = abs(float(mean[finite[0]]))
                tops.append(min(float(np.nanmax(mean)), 2.0 * first) if first else 1.0)
            ax_x, ax_y, ax_spread = accuracy_points(state, v)
            s.acc.set_data(ax_x, ax_y)
            s.acc_band = set_band(self.ax_acc, s.acc_band, ax_x, ax_y, ax_spread, s.color,
                                  multi)
        self.empty = length == 0
        if self.empty:
            self._show_empty()
            self.retranslate()
            return
        self.ax_loss.relim()
        self.ax_loss.autoscale_view()
        if tops:
            self.ax_loss.set_ylim(0, max(1.05 * max(tops), 1e-3))
        self.ax_acc.relim()
        self.ax_acc.autoscale_view(scaley=False)
        self.ax_acc.set_ylim(0, 1.02)
        self.retranslate()

    def readout(self, ax: Axes, x: float | None, y: float | None) -> str:
        """Every variant's smoothed loss (or accuracy) at the iteration under the cursor."""
        state = self._state
        if state is None or x is None:
            return ""
        parts = []
        if ax is self.ax_loss:
            for v, s in enumerate(self.series):
                if s.x is None or not len(s.x):
                    continue
                i = int(np.clip(np.searchsorted(s.x, x), 0, len(s.x) - 1))
                parts.append(f"{self.name(state, v)} {s.mean[i]:.4f}")
            head = tr("iteration {it:,}").format(it=int(round(x)))
        elif ax is self.ax_acc:
            for v, s in enumerate(self.series):
                px, py = s.acc.get_data()
                if len(px):
                    i = int(np.argmin(np.abs(np.asarray(px) - x)))
                    parts.append(f"{self.name(state, v)} {py[i]:.2%}")
            head = tr("iteration {it:,}").format(it=int(round(x)))
        else:
            return ""
        return head + ": " + " · ".join(parts) if parts else ""


__all__ = ["LossAccuracyFigure", "accuracy_points"]
