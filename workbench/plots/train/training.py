"""The live training figure: loss per iteration (raw + smoothed, per-epoch markers) and
accuracy per epoch. Pure Matplotlib on a given ``Figure``; updated with ``set_data``."""

from __future__ import annotations

import math
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

from nn.compare import smoothed
from nn.training import History
from workbench.core.i18n import tr
from workbench.plots.legend import LegendEntry, entry_for
from workbench.ui.mpl_style import style_axes
from workbench.ui.theme import SERIES, line_colors, plot_colors

MAX_RAW_POINTS = 800  # the faint raw loss line is decimated beyond this (> 1 per pixel)


def smoothing_window(n: int) -> int:
    """A window that follows the curve's length: 10 for short runs, ~2 % of long ones."""
    return int(min(200, max(10, n // 50)))


class TrainingFigure:
    """Two panels on ``fig``: loss (left) and accuracy (right)."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        fig.set_facecolor(colors["window"])
        self.ax_loss, self.ax_acc = fig.subplots(1, 2)
        c = SERIES
        self.raw, = self.ax_loss.plot([], [], linewidth=0.8)
        self.smooth, = self.ax_loss.plot([], [], linewidth=1.8)
        self.restyle_lines(colors)
        self.epoch_train, = self.ax_loss.plot([], [], "o", color=c[1], markersize=5)
        self.epoch_val, = self.ax_loss.plot([], [], "s", color=c[2], markersize=5)
        self.acc_train, = self.ax_acc.plot([], [], "o-", color=c[1], linewidth=1.6, markersize=4)
        self.acc_val, = self.ax_acc.plot([], [], "s-", color=c[2], linewidth=1.6, markersize=4)
        self.acc_test, = self.ax_acc.plot([], [], "^-", color=c[3], linewidth=1.6, markersize=4)
        for ax in (self.ax_loss, self.ax_acc):
            style_axes(ax, colors)
            ax.yaxis.set_major_locator(MaxNLocator(nbins=5))  # fewer texts: faster redraws
        self.ax_loss.xaxis.set_major_locator(MaxNLocator(nbins=5, integer=True))
        self.ax_acc.xaxis.set_major_locator(MaxNLocator(nbins=6, integer=True))
        self.ax_acc.set_ylim(0, 1.02)
        self.hint = self.ax_loss.text(0.5, 0.5, "", transform=self.ax_loss.transAxes,
                                      ha="center", va="center", color=colors["text"],
                                      alpha=0.6, fontsize=10)
        self._history: History | None = None
        self.planned_iterations = 0
        self.planned_epochs = 0
        self.retranslate()
        fig.subplots_adjust(left=0.085, right=0.985, bottom=0.15, top=0.96, wspace=0.25)
        self._set_empty_limits()

    def retranslate(self) -> None:
        self.titles = (tr("Loss"), tr("Accuracy"))
        self.ax_loss.set_xlabel(tr("iteration"))
        self.ax_loss.set_ylabel(tr("loss"))
        self.ax_acc.set_xlabel(tr("epoch"))
        self.ax_acc.set_ylabel(tr("accuracy"))
        self.raw.set_label(tr("per iteration"))
        self.smooth.set_label(tr("smoothed"))
        self.epoch_train.set_label(tr("train (per epoch)"))
        self.epoch_val.set_label(tr("validation (per epoch)"))
        self.acc_train.set_label(tr("train"))
        self.acc_val.set_label(tr("validation"))
        self.acc_test.set_label(tr("test"))
        # Line breaks by hand: Matplotlib wraps text at the figure's edge, not the axes'.
        self.hint.set_text(tr("Press Train:\nthe loss of every iteration\nappears here"))

    def restyle_lines(self, colors: dict[str, str]) -> None:
        """Colour the loss lines for the plot background: the per-iteration line faint but
        at 3:1 contrast or more, the smoothed one at 4.5:1 (see :func:`theme.line_colors`)."""
        raw, smooth = line_colors(SERIES[0], colors["face"])
        self.raw.set_color(raw)
        self.smooth.set_color(smooth)

    def legend_entries(self) -> list[list[LegendEntry]]:
        """Per axes, what its legend shows (drawn by Qt above the live figure)."""
        return [[entry_for(a) for a in (self.raw, self.smooth, self.epoch_train, self.epoch_val)],
                [entry_for(a) for a in (self.acc_train, self.acc_val, self.acc_test)]]

    @contextmanager
    def decorated(self) -> Iterator[None]:
        """Titles and legends inside the figure, for exporting it (the live view has them in
        Qt, because Matplotlib's text is its slowest part to redraw)."""
        legends = []
        colors = plot_colors()  # the current theme's
        for ax, title in zip((self.ax_loss, self.ax_acc), self.titles, strict=True):
            ax.set_title(title, fontsize=10, color=colors["text"])
            legend = ax.legend(loc="best", fontsize=8, framealpha=0.6)
            legend.get_frame().set_facecolor(colors["face"])
            for text in legend.get_texts():
                text.set_color(colors["text"])
            legends.append(legend)
        try:
            yield
        finally:
            for ax, legend in zip((self.ax_loss, self.ax_acc), legends, strict=True):
                ax.set_title("")
                legend.remove()

    def set_plan(self, iterations: int, epochs: int) -> None:
        """The run's length, so the axes start at their final width instead of growing."""
        self.planned_iterations, self.planned_epochs = int(iterations), int(epochs)

    @property
    def data_artists(self) -> list:
        """What changes on every refresh (blitted over a cached background)."""
        return [self.raw, self.smooth, self.epoch_train, self.epoch_val, self.acc_train,
                self.acc_val, self.acc_test, self.hint]

    def _set_empty_limits(self) -> None:
        self.ax_loss.set_xlim(0, max(10, self.planned_iterations))
        self.ax_loss.set_ylim(0, 2.5)
        self.ax_acc.set_xlim(0.5, max(1, self.planned_epochs) + 0.5)

    def update(self, history: History) -> bool:
        """Point every artist at ``history``'s data; True if the view (limits) changed, so the
        caller must redraw fully rather than blit."""
        self._history = history
        self.hint.set_visible(not history.iterations)
        it = np.asarray(history.iterations, dtype=np.float64)
        loss = np.asarray(history.losses, dtype=np.float64)
        stride = max(1, math.ceil(len(it) / MAX_RAW_POINTS))
        self.raw.set_data(it[::stride], loss[::stride])
        smooth = smoothed(loss, smoothing_window(len(loss)))
        self.smooth.set_data(it[::stride], smooth[::stride])
        epochs = history.epochs
        e_it = np.array([e.iteration for e in epochs], dtype=np.float64)
        e_num = np.array([e.epoch for e in epochs], dtype=np.float64)
        self.epoch_train.set_data(e_it, history.epoch_column("train_loss"))
        self.epoch_val.set_data(e_it, history.epoch_column("val_loss"))
        self.acc_train.set_data(e_num, history.epoch_column("train_acc"))
        self.acc_val.set_data(e_num, history.epoch_column("val_acc"))
        self.acc_test.set_data(e_num, history.epoch_column("test_acc"))
        before = (self.ax_loss.get_xlim(), self.ax_loss.get_ylim(), self.ax_acc.get_xlim())
        if not len(loss):
            self._set_empty_limits()
        else:
            self._fit_limits(it, loss, float(e_num.max()) if len(e_num) else 0.0)
        return before != (self.ax_loss.get_xlim(), self.ax_loss.get_ylim(),
                          self.ax_acc.get_xlim())

    def _fit_limits(self, it: np.ndarray, loss: np.ndarray, last_epoch: float) -> None:
        """Grow the axes to the run, and rescale the loss axis only when the curve no longer
        fits or uses less than half of it (so most refreshes keep the view and can blit)."""
        right = max(float(it[-1]), self.planned_iterations, 10)
        if self.ax_loss.get_xlim() != (0.0, right):
            self.ax_loss.set_xlim(0, right)
        finite = loss[np.isfinite(loss)]
        if finite.size:
            wanted = max(float(np.percentile(finite, 99.5)) * 1.05, 1e-3)
            top = self.ax_loss.get_ylim()[1]
            if wanted > top or wanted < 0.5 * top:
                self.ax_loss.set_ylim(0, wanted)
        acc_right = max(last_epoch, self.planned_epochs, 1) + 0.5
        if self.ax_acc.get_xlim() != (0.5, acc_right):
            self.ax_acc.set_xlim(0.5, acc_right)

    def readout(self, ax, x: float | None, y: float | None) -> str:
        """Text for the value under the cursor in ``ax`` (empty if nothing near)."""
        h = self._history
        if h is None or x is None or y is None:
            return ""
        if ax is self.ax_loss and h.iterations:
            i = int(np.clip(np.searchsorted(h.iterations, x), 0, len(h.iterations) - 1))
            smooth = smoothed(h.losses, smoothing_window(len(h.losses)))[i]
            return tr("iteration {it}: loss {loss:.4f} (smoothed {smooth:.4f})").format(
                it=h.iterations[i], loss=h.losses[i], smooth=smooth)
        if ax is self.ax_acc and h.epochs:
            e = h.epochs[int(np.clip(round(x) - 1, 0, len(h.epochs) - 1))]
            parts = [tr("epoch {n}").format(n=e.epoch)]
            for label, value in ((tr("train"), e.train_acc), (tr("validation"), e.val_acc),
                                 (tr("test"), e.test_acc)):
                if not math.isnan(value):
                    parts.append(f"{label} {value:.2%}")
            return "  ".join(parts)
        return ""
