"""Live per-epoch figures: the book's BatchNorm grid (ch. 6.3.2) and the overfitting panels
(ch. 6.4). Each redraws from a :class:`~workbench.state.compare.views.ComparisonState`."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from nn.training import History
from workbench.core.i18n import tr
from workbench.plots.compare.plot_common import (
    epoch_statistics,
    grid_shape,
    set_band,
)
from workbench.state.compare.views import ComparisonState
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES


def _epoch_limits(ax: Axes, epochs: int) -> None:
    ax.set_xlim(0.5 if epochs <= 1 else 1, max(epochs, 1) + (0.5 if epochs <= 1 else 0))
    ax.set_ylim(0, 1.02)
    ax.xaxis.get_major_locator().set_params(integer=True)


class BatchNormGridFigure:
    """One small panel per initial weight scale: training accuracy per epoch with BatchNorm
    (solid) and without (dashed), as the book's ``batch_norm_test.py`` draws it."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        self.axes: list[Axes] = []
        self.lines: list[tuple[Line2D, Line2D]] = []
        self.bands: list[list] = []
        self.notes: list = []  # per panel: "diverged" notes
        self.scales: list[float] = []
        self._key: tuple | None = None
        self._state: ComparisonState | None = None
        self._legend = None
        fig.set_facecolor(colors["window"])

    def _rebuild(self, scales: Sequence[float], epochs: int) -> None:
        self.fig.clear()
        self.scales = list(scales)
        rows, cols = grid_shape(max(len(scales), 1))
        self.fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        grid = self.fig.subplots(rows, cols, sharex=True, sharey=True, squeeze=False)
        flat = list(grid.ravel())
        self.axes, self.lines, self.bands, self.notes = flat[: len(scales)], [], [], []
        for ax in flat[len(scales):]:
            ax.set_visible(False)
        for ax in self.axes:
            style_axes(ax, self.colors)
            bn, = ax.plot([], [], "-", color=SERIES[0], linewidth=1.8)
            plain, = ax.plot([], [], "--", color=SERIES[5], linewidth=1.5)
            self.lines.append((bn, plain))
            self.bands.append([None, None])
            self.notes.append(ax.text(0.5, 0.9, "", transform=ax.transAxes, ha="center",
                                      va="top", fontsize=7.5, color=SERIES[5]))
            _epoch_limits(ax, epochs)
        for r in range(rows):
            for c in range(cols):
                index = r * cols + c
                bottom = r == rows - 1 or index + cols >= len(scales)  # lowest in its column
                grid[r, c].tick_params(labelleft=c == 0, labelbottom=bottom)
        self._key = (tuple(scales), epochs)
        self.retranslate()

    def retranslate(self) -> None:
        if not self.axes or not self.lines:
            return
        rows, cols = grid_shape(len(self.axes))
        for i, (ax, w) in enumerate(zip(self.axes, self.scales, strict=True)):
            ax.set_title(tr("w = {w:.3g}").format(w=w), fontsize=9, color=self.colors["text"],
                         pad=3)
            ax.set_xlabel(tr("epoch") if i // cols == rows - 1 or i + cols >= len(self.axes)
                          else "", fontsize=8)
            ax.set_ylabel("")
        # one label for the whole grid: a row is too short for a label of its own
        self.fig.supylabel(tr("accuracy"), fontsize=8, color=self.colors["text"])
        if self._legend is not None:
            self._legend.remove()
        bn, plain = self.lines[0]
        self._legend = self.fig.legend(
            [bn, plain], [tr("Batch Normalization"), tr("Normal (without BatchNorm)")],
            loc="outside lower center", ncol=2, fontsize=8.5, frameon=False,
            labelcolor=self.colors["text"])  # outside: the constrained layout makes room
        self.fig.suptitle(tr("Training accuracy per epoch at each initial weight scale w "
                             "(book ch. 6.3.2)"), fontsize=10, color=self.colors["text"])

    def update(self, state: ComparisonState, scales: Sequence[float], epochs: int) -> None:
        """Variants ``2·i`` (BatchNorm) and ``2·i + 1`` (plain) belong to ``scales[i]``."""
        self._state = state
        scales = list(scales)[: len(state.variants) // 2]
        if self._key != (tuple(scales), epochs):
            self._rebuild(scales, epochs)
        multi = len(state.seeds) > 1
        for i, ax in enumerate(self.axes):
            for j, color in enumerate((SERIES[0], SERIES[5])):
                x, mean, spread = epoch_statistics(state.histories[2 * i + j], "train_acc")
                self.lines[i][j].set_data(x, mean)
                self.bands[i][j] = set_band(ax, self.bands[i][j], x, mean, spread, color,
                                            multi)
            notes = [name for v, name in ((2 * i, tr("with BatchNorm")),
                                          (2 * i + 1, tr("without BatchNorm")))
                     if state.diverged(v)]
            self.notes[i].set_text("\n".join(tr("{name}: diverged").format(name=n)
                                             for n in notes))

    def readout(self, ax: Axes, x: float | None, y: float | None) -> str:
        state = self._state
        if state is None or x is None or ax not in self.axes:
            return ""
        i = self.axes.index(ax)
        epoch = int(round(x))
        parts = [tr("w = {w:.3g}, epoch {e}").format(w=self.scales[i], e=epoch)]
        for line, name in zip(self.lines[i], (tr("BatchNorm"), tr("plain")), strict=True):
            ex, ey = line.get_data()
            hit = np.flatnonzero(np.asarray(ex) == epoch)
            if hit.size:
                parts.append(f"{name} {ey[hit[0]]:.1%}")
        return " · ".join(parts)


def _gap(history: History) -> np.ndarray:
    return history.epoch_column("train_acc") - history.epoch_column("test_acc")


class OverfitFigure:
    """Per variant, training and test accuracy per epoch with the gap between them shaded
    (top row); below, every variant's gap — what regularization narrows (book ch. 6.4)."""

    def __init__(self, fig: Figure, colors: dict[str, str],
                 name: Callable[[ComparisonState, int], str]) -> None:
        self.fig, self.colors, self.name = fig, colors, name
        self.panels: list[Axes] = []
        self.gap_ax: Axes | None = None
        self.lines: list[dict[str, Line2D]] = []
        self.bands: list[dict] = []
        self._key: tuple | None = None
        self._state: ComparisonState | None = None
        fig.set_facecolor(colors["window"])

    def _rebuild(self, state: ComparisonState, epochs: int) -> None:
        self.fig.clear()
        count = max(1, len(state.variants))
        self.fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        grid = self.fig.add_gridspec(2, count, height_ratios=(3, 2))
        self.panels, self.lines, self.bands = [], [], []
        for v in range(len(state.variants)):
            ax = self.fig.add_subplot(grid[0, v], sharey=self.panels[0] if self.panels else None)
            style_axes(ax, self.colors)
            train, = ax.plot([], [], "-", color=SERIES[0], linewidth=1.7)
            test, = ax.plot([], [], "--", color=SERIES[1], linewidth=1.7)
            self.lines.append({"train": train, "test": test})
            self.bands.append({"train": None, "test": None, "gap": None, "shade": None})
            _epoch_limits(ax, epochs)
            ax.tick_params(labelleft=v == 0)
            self.panels.append(ax)
        self.gap_ax = self.fig.add_subplot(grid[1, :])
        style_axes(self.gap_ax, self.colors)
        for v, lines in enumerate(self.lines):
            lines["gap"], = self.gap_ax.plot([], [], "-", color=SERIES[(v + 2) % len(SERIES)],
                                             linewidth=1.8)
        _epoch_limits(self.gap_ax, epochs)
        self._key = (tuple(state.labels), len(state.seeds), epochs)

    def retranslate(self) -> None:
        state = self._state
        if state is None or self.gap_ax is None:
            return
        for v, ax in enumerate(self.panels):
            ax.set_title(self.name(state, v), fontsize=9, color=self.colors["text"])
            ax.set_xlabel(tr("epoch"), fontsize=8)
            self.lines[v]["train"].set_label(tr("train"))
            self.lines[v]["test"].set_label(tr("test"))
            self.lines[v]["gap"].set_label(self.name(state, v))
        if self.panels:
            self.panels[0].set_ylabel(tr("accuracy"))
            style_legend(self.panels[0], self.colors, loc="lower right")
        self.gap_ax.set_title(tr("Train − test accuracy gap (smaller = less overfitting)"),
                              fontsize=9, color=self.colors["text"])
        self.gap_ax.set_xlabel(tr("epoch"), fontsize=8)
        self.gap_ax.set_ylabel(tr("gap"))
        # beside the short gap panel, not over it (the layout makes room)
        style_legend(self.gap_ax, self.colors, loc="center left", bbox_to_anchor=(1.01, 0.5))

    def update(self, state: ComparisonState, epochs: int) -> None:
        self._state = state
        if self._key != (tuple(state.labels), len(state.seeds), epochs):
            self._rebuild(state, epochs)
        multi = len(state.seeds) > 1
        top = 0.05
        for v, ax in enumerate(self.panels):
            histories = state.histories[v]
            lines, bands = self.lines[v], self.bands[v]
            x, train, train_sd = epoch_statistics(histories, "train_acc")
            _, test, test_sd = epoch_statistics(histories, "test_acc")
            _, gap, gap_sd = epoch_statistics(histories, _gap)
            lines["train"].set_data(x, train)
            lines["test"].set_data(x, test)
            lines["gap"].set_data(x, gap)
            bands["train"] = set_band(ax, bands["train"], x, train, train_sd, SERIES[0], multi)
            bands["test"] = set_band(ax, bands["test"], x, test, test_sd, SERIES[1], multi)
            if bands["shade"] is not None:
                bands["shade"].remove()
            bands["shade"] = ax.fill_between(x, test, train, color=self.colors["text"],
                                             alpha=0.08, linewidth=0) if len(x) else None
            bands["gap"] = set_band(self.gap_ax, bands["gap"], x, gap, gap_sd,
                                    lines["gap"].get_color(), multi)
            if np.isfinite(gap).any():
                top = max(top, float(np.nanmax(gap + (gap_sd if multi else 0))))
        if self.gap_ax is not None:
            self.gap_ax.set_ylim(min(0.0, self.gap_ax.get_ylim()[0]), top * 1.1)
        self.retranslate()

    def readout(self, ax: Axes, x: float | None, y: float | None) -> str:
        state = self._state
        if state is None or x is None:
            return ""
        epoch = int(round(x))
        if ax in self.panels:
            v = self.panels.index(ax)
            tx, ty = self.lines[v]["train"].get_data()
            _, sy = self.lines[v]["test"].get_data()
            hit = np.flatnonzero(np.asarray(tx) == epoch)
            if hit.size:
                i = hit[0]
                return tr("{name}, epoch {e}: train {a:.1%} · test {b:.1%} · gap {g:.1%}").format(
                    name=self.name(state, v), e=epoch, a=ty[i], b=sy[i], g=ty[i] - sy[i])
        elif ax is self.gap_ax:
            parts = []
            for v, lines in enumerate(self.lines):
                gx, gy = lines["gap"].get_data()
                hit = np.flatnonzero(np.asarray(gx) == epoch)
                if hit.size:
                    parts.append(f"{self.name(state, v)} {gy[hit[0]]:.1%}")
            if parts:
                return tr("epoch {e}").format(e=epoch) + ": " + " · ".join(parts)
        return ""


__all__ = ["BatchNormGridFigure", "OverfitFigure"]
