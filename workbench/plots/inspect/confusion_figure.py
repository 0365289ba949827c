"""Confusion matrix beside per-class accuracy on a Matplotlib ``Figure`` (book ch. 8.1.2)."""

from __future__ import annotations

import matplotlib
import numpy as np
from matplotlib.colors import PowerNorm
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from nn.inspect import per_class_accuracy
from workbench.core.i18n import plural, tr
from workbench.plots.inspect.figure_common import (
    FigurePlot,
    prepare_axes,
    series_color,
)
from workbench.ui.mpl_style import style_colorbar


class ConfusionFigure(FigurePlot):
    """Rows are true classes, columns predictions. Cells are coloured by the fraction of their
    row on a power scale (so the rare mistakes stand out next to the large diagonal) and
    labelled with counts or percentages. The bars on the right share the rows: each class's
    accuracy (recall), with the overall accuracy as a dashed line."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.cm: np.ndarray | None = None
        self.names: list[str] = []
        self.selection: tuple[int | None, int | None] | None = None
        self.ax_cm = self.ax_acc = None

    def show(self, cm: np.ndarray, names: list[str], percent: bool,
             selection: tuple[int | None, int | None] | None) -> None:
        self.cm, self.names, self.selection = cm, names, selection
        fig, colors = self.fig, self.colors
        fig.clear()
        gs = fig.add_gridspec(1, 4, width_ratios=[4.2, 0.16, 0.55, 1.6], wspace=0.08,
                              left=0.08, right=0.97, top=0.9, bottom=0.12)
        self.ax_cm = ax = fig.add_subplot(gs[0, 0])
        cax = fig.add_subplot(gs[0, 1])
        self.ax_acc = acc_ax = fig.add_subplot(gs[0, 3])
        for a in (ax, acc_ax):
            prepare_axes(a, colors, grid=a is acc_ax)
        k = cm.shape[0]
        rows = cm.sum(axis=1, keepdims=True)
        frac = np.divide(cm, np.where(rows > 0, rows, 1))
        image = ax.imshow(frac, cmap=matplotlib.colormaps["Blues"],
                          norm=PowerNorm(0.4, vmin=0, vmax=1), interpolation="nearest",
                          aspect="auto")  # rows line up with the accuracy bars
        cbar = fig.colorbar(image, cax=cax)
        style_colorbar(cbar, colors, tr("fraction of the true class"))
        cbar.set_ticks([0, 0.01, 0.05, 0.2, 0.5, 1])
        font = max(5, min(9, int(70 / k)))
        for i in range(k):
            for j in range(k):
                if cm[i, j] == 0:
                    continue
                text = f"{frac[i, j]:.0%}" if percent else f"{cm[i, j]:,}"
                ink = "white" if frac[i, j] > 0.45 else "#1a1a1a"
                ax.text(j, i, text, ha="center", va="center", fontsize=font, color=ink)
        ticks = np.arange(k)
        ax.set_xticks(ticks, labels=names[:k], fontsize=8)
        ax.set_yticks(ticks, labels=names[:k], fontsize=8)
        ax.set_xlabel(tr("predicted class"))
        ax.set_ylabel(tr("true class"))
        ax.set_title(tr("Confusion matrix — {n:,} images (click a cell)").format(
            n=int(cm.sum())), fontsize=9)
        if selection is not None:
            i, j = selection
            x0, w = (j - 0.5, 1) if j is not None else (-0.5, k)
            rect = Rectangle((x0, i - 0.5), w, 1, fill=False, linewidth=2.2,
                             edgecolor=series_color(5))
            ax.add_patch(rect)

        acc = per_class_accuracy(cm)
        overall = float(np.trace(cm) / max(cm.sum(), 1))
        shown = np.nan_to_num(acc)
        bars = acc_ax.barh(ticks, shown, color=[series_color(0)] * k, height=0.7)
        worst = int(np.nanargmin(acc)) if np.isfinite(acc).any() else None
        if worst is not None:
            bars[worst].set_color(series_color(5))
        acc_ax.axvline(overall, color=colors["text"], linestyle="--", linewidth=1)
        acc_ax.set_ylim(k - 0.5, -0.5)
        acc_ax.set_yticks(ticks, labels=[])
        lo = min(float(np.nanmin(acc)) if np.isfinite(acc).any() else 0.0, overall)
        acc_ax.set_xlim(max(0.0, lo - 0.1), 1.0)
        acc_ax.set_xlabel(tr("accuracy"))
        acc_ax.set_title(tr("Per-class accuracy\n(dashed: overall {a:.1%})").format(a=overall),
                         fontsize=9)
        left, right = acc_ax.get_xlim()
        for i, value in enumerate(acc):
            if not np.isfinite(value):
                continue
            if value - left > 0.45 * (right - left):  # inside a long bar, white
                acc_ax.text(left + 0.01 * (right - left), i, f" {value:.1%}", va="center",
                            fontsize=7, color="white")
            else:  # beyond a short one, in the text colour
                acc_ax.text(max(value, left), i, f" {value:.1%}", va="center", fontsize=7,
                            color=colors["text"])

    def cell_at(self, ax, x: float | None, y: float | None) -> tuple[int | None, int] | None:
        """(true, predicted) under a click on the matrix; (true, None) on a class's bar."""
        if self.cm is None or x is None or y is None:
            return None
        k = self.cm.shape[0]
        i = int(round(y))
        if not 0 <= i < k:
            return None
        if ax is self.ax_cm:
            j = int(round(x))
            return (i, j) if 0 <= j < k else None
        if ax is self.ax_acc:
            return (i, None)
        return None

    def readout(self, ax, x: float | None, y: float | None) -> str:
        cell = self.cell_at(ax, x, y)
        if cell is None or self.cm is None:
            return ""
        i, j = cell
        name = self.names
        row = int(self.cm[i].sum())
        if j is None:
            correct = int(self.cm[i, i])
            return tr("class {t}: {c:,} of {n:,} correct").format(t=name[i], c=correct, n=row)
        count = int(self.cm[i, j])
        return plural(count, tr("true {t}, predicted {p}: 1 image ({f:.1%} of class {t})"),
                      tr("true {t}, predicted {p}: {n:,} images ({f:.1%} of class {t})")).format(
            t=name[i], p=name[j], n=count, f=count / max(row, 1))
