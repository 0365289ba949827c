"""Every layer's output for one input, stacked top to bottom on a Matplotlib ``Figure``, plus a
small figure with the input and the predicted probabilities (book ch. 7.6.2, 8.1)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from nn.inspect import mosaic, tile_at
from workbench.i18n import tr
from workbench.pages.inspect.base import (
    FigurePlot,
    cover_empty_slots,
    gap_color,
    prepare_axes,
    style_colorbar,
)
from workbench.theme import SERIES

PAD = 1
TITLE_PX = 22  # space above each row for its title
BAR_ROW_PX = 70
STRIP_LIMIT = 128  # wider dense outputs are drawn as a colour strip instead of bars
DPI = 100


@dataclass(frozen=True)
class LayerOutput:
    """One row: ``values`` is (C, H, W) feature maps or (D,) unit activations."""

    name: str
    description: str
    values: np.ndarray
    unit: str = ""  # the colour bar's label (default: "output")

    @property
    def is_maps(self) -> bool:
        return self.values.ndim == 3

    @property
    def shape_text(self) -> str:
        return "×".join(map(str, self.values.shape))


def tile_px(h: int) -> int:
    """On-screen size of one feature map: twice its size, between 32 and 56 pixels."""
    return int(np.clip(2 * h, 32, 56))


class FeatureFigure(FigurePlot):
    """A tall figure: one row per layer, sized in pixels so it scrolls rather than shrinks.

    Feature maps are tiled into one image per layer (one artist per row keeps deep networks
    fast to draw) with a colour bar; non-negative outputs use *viridis* from 0, signed ones a
    diverging map centred on 0. Dense outputs are bars (or a strip when very wide).
    """

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.rows: list[LayerOutput] = []
        self.axes: list = []
        self.cols: list[int] = []
        self._artists: list = []

    # ------------------------------------------------------------------------------ layout
    def plan(self, rows: list[LayerOutput], width_px: int) -> tuple[list[int], list[int]]:
        """Columns and pixel height of each row for a figure ``width_px`` wide."""
        avail = max(width_px - 130, 120)
        cols, heights = [], []
        for row in rows:
            if row.is_maps:
                c, h, _w = row.values.shape
                size = tile_px(h)
                n = max(1, min(c, avail // (size + 2)))
                cols.append(n)
                heights.append(TITLE_PX + int(np.ceil(c / n)) * (size + 2) + 6)
            else:
                cols.append(1)
                heights.append(TITLE_PX + BAR_ROW_PX)
        return cols, heights

    def show(self, rows: list[LayerOutput], width_px: int) -> int:
        """Draw ``rows``; returns the figure's height in pixels. Artists are reused when the
        layout is unchanged (live updates during training only change values)."""
        self.rows = rows
        layout = (width_px, tuple((r.name, r.values.shape) for r in rows))
        if layout != self._layout:
            self._build(width_px)
            self._layout = layout
        for row, ax, artist, cols in zip(rows, self.axes, self._artists, self.cols, strict=True):
            self._update_row(row, ax, artist, cols)
        return int(round(self.fig.get_size_inches()[1] * DPI))

    def _build(self, width_px: int) -> None:
        self.fig.clear()
        self.axes, self._artists = [], []
        self.cols, heights = self.plan(self.rows, width_px)
        total = sum(heights) + 10
        self.fig.set_size_inches(width_px / DPI, total / DPI, forward=False)
        top = total - 5
        for row, cols, height in zip(self.rows, self.cols, heights, strict=True):
            body = height - TITLE_PX
            top -= TITLE_PX
            if row.is_maps:
                c, h, w = row.values.shape
                size = tile_px(h)
                rows_n = int(np.ceil(c / cols))
                ax_w, ax_h = cols * (size + 2), rows_n * (size + 2)
            else:
                ax_w, ax_h = width_px - 150, body - 18
            rect = [60 / width_px, (top - ax_h) / total, ax_w / width_px, ax_h / total]
            ax = self.fig.add_axes(rect)
            prepare_axes(ax, self.colors, grid=not row.is_maps)
            ax.set_title(f"{row.name}  {row.description}  →  {row.shape_text}", fontsize=8,
                         loc="left")
            if row.is_maps:
                ax.set_xticks([])
                ax.set_yticks([])
                cmap = matplotlib.colormaps["viridis"].with_extremes(bad=gap_color(self.colors))
                artist = ax.imshow(mosaic(row.values, cols, PAD), cmap=cmap,
                                   interpolation="nearest", aspect="equal")
                cover_empty_slots(ax, c, cols, (h, w), PAD, self.colors["window"])
                cax = self.fig.add_axes([(60 + ax_w + 8) / width_px, (top - ax_h) / total,
                                         10 / width_px, ax_h / total])
                cbar = self.fig.colorbar(artist, cax=cax)
                style_colorbar(cbar, self.colors, row.unit or tr("output"))
                artist.colorbar_ = cbar
            else:
                artist = self._build_vector(ax, row)
            self.axes.append(ax)
            self._artists.append(artist)
            top -= body

    def _build_vector(self, ax, row: LayerOutput):
        d = row.values.size
        if d > STRIP_LIMIT:
            ax.set_yticks([])
            ax.set_xlabel(tr("unit"), fontsize=7, labelpad=1)
            artist = ax.imshow(row.values[None, :], cmap="viridis", aspect="auto",
                               interpolation="nearest")
            ax.grid(False)
            return artist
        bars = ax.bar(np.arange(d), row.values, color=SERIES[0], width=0.8)
        ax.set_xlim(-0.6, d - 0.4)
        ax.axhline(0, color=self.colors["text"], linewidth=0.6, alpha=0.5)
        ax.set_ylabel(tr("output"), fontsize=7)
        ax.set_xlabel(tr("unit"), fontsize=7, labelpad=1)
        if d <= 20:
            ax.set_xticks(np.arange(d))
        return bars

    def _update_row(self, row: LayerOutput, ax, artist, cols: int) -> None:
        values = row.values
        if row.is_maps:
            data = mosaic(values, cols, PAD)
            artist.set_data(data)
            lo, hi = float(np.nanmin(data)), float(np.nanmax(data))
            if lo < 0:  # signed outputs (before an activation): diverging, centred on 0
                lim = max(abs(lo), abs(hi), 1e-12)
                artist.set_cmap(matplotlib.colormaps["RdBu_r"].with_extremes(
                    bad=gap_color(self.colors)))
                artist.set_clim(-lim, lim)
            else:
                artist.set_cmap(matplotlib.colormaps["viridis"].with_extremes(
                    bad=gap_color(self.colors)))
                artist.set_clim(0, max(hi, 1e-12))
        elif values.size > STRIP_LIMIT:
            artist.set_data(values[None, :])
            artist.set_clim(float(values.min()), float(max(values.max(), values.min() + 1e-12)))
        else:
            for bar, v in zip(artist, values, strict=True):
                bar.set_height(float(v))
            lo, hi = float(min(values.min(), 0)), float(max(values.max(), 0))
            span = (hi - lo) or 1.0
            ax.set_ylim(lo - 0.05 * span, hi + 0.08 * span)

    def readout(self, ax, x: float | None, y: float | None) -> str:
        if ax not in self.axes or x is None or y is None:
            return ""
        i = self.axes.index(ax)
        row = self.rows[i]
        if row.is_maps:
            c, h, w = row.values.shape
            hit = tile_at(y, x, (h, w), self.cols[i], c, PAD)
            if hit is None:
                return ""
            m, r, col = hit
            return tr("{layer}: map {m}, row {r}, column {c} = {v:.4g}").format(
                layer=row.name, m=m, r=r, c=col, v=float(row.values[m, r, col]))
        unit = int(round(x))
        if not 0 <= unit < row.values.size:
            return ""
        return tr("{layer}: unit {u} = {v:.4g}").format(layer=row.name, u=unit,
                                                        v=float(row.values[unit]))


class InputFigure(FigurePlot):
    """The input (an image, or bars for a feature vector) above the class probabilities.

    Artists are reused while the input's shape and the class count stay the same, so live
    updates during training only change values.
    """

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.ax_input, self.ax_proba = fig.subplots(2, 1, height_ratios=[1, 1.15])
        fig.subplots_adjust(left=0.2, right=0.95, top=0.93, bottom=0.09, hspace=0.45)
        self._image = None
        self._bars = None

    def _build(self, image: np.ndarray, names: list[str], k: int) -> None:
        ax = self.ax_input
        ax.clear()
        prepare_axes(ax, self.colors, grid=image.ndim != 3)
        if image.ndim == 3:
            shown = image.mean(axis=0)
            self._image = ax.imshow(shown, cmap="gray", vmin=0, vmax=max(1.0, shown.max()),
                                    interpolation="nearest")
            ax.set_xticks([])
            ax.set_yticks([])
            ax.set_xlabel(tr("{h}×{w} pixels").format(h=shown.shape[0], w=shown.shape[1]),
                          fontsize=7)
        else:
            self._image = ax.bar(np.arange(image.size), image.reshape(-1), color=SERIES[0])
            ax.set_xlabel(tr("input feature"), fontsize=7)
            ax.set_ylabel(tr("value"), fontsize=7)
        ax = self.ax_proba
        ax.clear()
        prepare_axes(ax, self.colors)
        self._bars = ax.barh(np.arange(k), np.zeros(k), color=SERIES[7])
        ax.set_yticks(np.arange(k), labels=[str(n) for n in names[:k]], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlim(0, 1)
        ax.set_xlabel(tr("probability (softmax)"), fontsize=7)
        handles = [Patch(color=SERIES[2], label=tr("prediction")),
                   Patch(color=SERIES[5], label=tr("true class"))]
        legend = ax.legend(handles=handles, fontsize=7, loc="lower right", framealpha=0.7)
        legend.get_frame().set_facecolor(self.colors["face"])
        for text in legend.get_texts():
            text.set_color(self.colors["text"])

    def show(self, image: np.ndarray, proba: np.ndarray, class_names: list[str],
             true_class: int | None, title: str) -> None:
        k = proba.size
        layout = (image.shape, k, tuple(class_names[:k]))
        if layout != self._layout:
            self._build(image, class_names, k)
            self._layout = layout
        if image.ndim == 3:
            shown = image.mean(axis=0)
            self._image.set_data(shown)
            self._image.set_clim(0, max(1.0, float(shown.max())))
        else:
            for bar, v in zip(self._image, image.reshape(-1), strict=True):
                bar.set_height(float(v))
            self.ax_input.relim()
            self.ax_input.autoscale_view()
        self.ax_input.set_title(title, fontsize=8)
        predicted = int(np.argmax(proba))
        for i, bar in enumerate(self._bars):
            bar.set_width(float(proba[i]))
            bar.set_color(SERIES[2] if i == predicted else
                          SERIES[5] if i == true_class else SERIES[7])
        name = class_names[predicted] if predicted < len(class_names) else str(predicted)
        self.ax_proba.set_title(tr("Prediction: {name} ({p:.1%})").format(
            name=name, p=float(proba[predicted])), fontsize=8)
