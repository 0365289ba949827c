"""Every layer's output for one input, stacked top to bottom on a Matplotlib ``Figure``, plus a
small figure with the input and the predicted probabilities (book ch. 7.6.2, 8.1)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure
from matplotlib.patches import Patch, Rectangle

from nn.mosaic import mosaic, tile_at
from workbench.core.i18n import tr
from workbench.plots.inspect.figure_common import FigurePlot, gap_color, prepare_axes
from workbench.ui.theme import SERIES

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


def bar_verts(values: np.ndarray, width: float = 0.8) -> np.ndarray:
    """Rectangles (D, 4, 2) for a bar chart of ``values`` at x = 0 … D − 1."""
    x = np.arange(values.size, dtype=float)
    v = values.astype(float)
    zeros = np.zeros_like(v)
    half = width / 2
    return np.stack([np.stack([x - half, zeros], 1), np.stack([x - half, v], 1),
                     np.stack([x + half, v], 1), np.stack([x + half, zeros], 1)], axis=1)


@dataclass
class _Row:
    """Where a row is drawn: ``box`` = (left, top, width, height) in figure pixels."""

    box: tuple[float, float, float, float]
    cols: int = 1
    image: object = None  # the mosaic (maps) or the strip / bars (vectors)
    bar: object = None  # the colour bar's gradient (maps)
    labels: tuple = ()  # the colour bar's max / 0 / min texts (maps)
    ax: object = None  # own axes (vectors)


class FeatureFigure(FigurePlot):
    """A tall figure: one row per layer, sized in pixels so it scrolls rather than shrinks.

    Feature-map rows are tiled into one image per layer, each with its own colour bar;
    non-negative outputs use *viridis* from 0, signed ones a diverging map centred on 0. They
    all live in one full-figure axes in pixel coordinates: a deep network's twenty rows then
    cost twenty images, not forty axes with their ticks, and draw several times faster.
    Dense outputs get their own small axes: bars (or a colour strip when very wide).
    """

    LEFT = 60  # pixels left of every row

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.rows: list[LayerOutput] = []
        self.layout: list[_Row] = []
        self.canvas_ax = None

    @property
    def cols(self) -> list[int]:
        return [r.cols for r in self.layout]

    @property
    def axes(self) -> list:
        """The axes each row is drawn in (map rows share one)."""
        return [r.ax if r.ax is not None else self.canvas_ax for r in self.layout]

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
        for row, place in zip(rows, self.layout, strict=True):
            self._update_row(row, place)
        return int(round(self.fig.get_size_inches()[1] * DPI))

    def _cmap(self, name: str):
        return matplotlib.colormaps[name].with_extremes(bad=gap_color(self.colors))

    def _build(self, width_px: int) -> None:
        self.fig.clear()
        self.layout = []
        cols, heights = self.plan(self.rows, width_px)
        total = sum(heights) + 10
        self.fig.set_size_inches(width_px / DPI, total / DPI, forward=False)
        ax = self.canvas_ax = self.fig.add_axes((0, 0, 1, 1))
        ax.set_axis_off()
        ax.set_xlim(0, width_px)
        ax.set_ylim(total, 0)  # y grows downwards, like the widget
        text = self.colors["text"]
        top = 5
        for row, n, height in zip(self.rows, cols, heights, strict=True):
            ax.text(self.LEFT, top + TITLE_PX - 6,
                    f"{row.name}  {row.description}  →  {row.shape_text}",
                    fontsize=8, color=text, va="baseline")
            top += TITLE_PX
            body = height - TITLE_PX
            if row.is_maps:
                self.layout.append(self._build_maps(row, n, top, width_px))
            else:
                self.layout.append(self._build_vector(row, top, body, width_px, total))
            top += body

    def _build_maps(self, row: LayerOutput, cols: int, top: float, width_px: int) -> _Row:
        ax, text = self.canvas_ax, self.colors["text"]
        c, h, w = row.values.shape
        size = tile_px(h)
        rows_n = int(np.ceil(c / cols))
        box = (self.LEFT, top, cols * (size + 2), rows_n * (size + 2))
        left, y0, bw, bh = box
        image = ax.imshow(mosaic(row.values, cols, PAD), cmap=self._cmap("viridis"),
                          interpolation="nearest", extent=(left, left + bw, y0 + bh, y0),
                          aspect="auto")
        # Hide the unused slots of the last row of tiles.
        empty = rows_n * cols - c
        if empty:
            tile_w, tile_h = bw / cols, bh / rows_n
            ax.add_patch(Rectangle((left + (cols - empty) * tile_w - 1, y0 + bh - tile_h - 1),
                                   empty * tile_w + 1, tile_h + 1,
                                   facecolor=self.colors["window"], edgecolor="none"))
        ax.add_patch(Rectangle((left, y0), bw, bh, fill=False, edgecolor=text, alpha=0.4,
                               linewidth=0.8))
        cx = left + bw + 8
        bar = ax.imshow(np.linspace(1, 0, 64)[:, None], cmap=self._cmap("viridis"),
                        vmin=0, vmax=1, extent=(cx, cx + 10, y0 + bh, y0), aspect="auto",
                        interpolation="bilinear")
        ax.add_patch(Rectangle((cx, y0), 10, bh, fill=False, edgecolor=text, alpha=0.4,
                               linewidth=0.8))
        labels = tuple(ax.text(cx + 14, y, "", fontsize=7, color=text, va=va)
                       for y, va in ((y0, "top"), (y0 + bh / 2, "center"), (y0 + bh, "bottom")))
        ax.text(cx + 58, y0 + bh / 2, row.unit or tr("output"), fontsize=7, color=text,
                rotation=90, va="center", ha="center")
        return _Row(box, cols, image, bar, labels)

    def _build_vector(self, row: LayerOutput, top: float, body: float, width_px: int,
                      total: float) -> _Row:
        box = (self.LEFT, top, width_px - 150, body - 18)
        left, y0, bw, bh = box
        ax = self.fig.add_axes((left / width_px, 1 - (y0 + bh) / total, bw / width_px,
                                bh / total))
        prepare_axes(ax, self.colors)
        d = row.values.size
        ax.set_xlabel(tr("unit"), fontsize=7, labelpad=1)
        if d > STRIP_LIMIT:
            ax.set_yticks([])
            ax.grid(False)
            artist = ax.imshow(row.values[None, :], cmap="viridis", aspect="auto",
                               interpolation="nearest")
        else:  # one collection of rectangles: far cheaper than ``ax.bar``'s patch per unit
            artist = PolyCollection(bar_verts(row.values), facecolors=SERIES[0],
                                    edgecolors="none")
            ax.add_collection(artist)
            ax.set_xlim(-0.6, d - 0.4)
            ax.axhline(0, color=self.colors["text"], linewidth=0.6, alpha=0.5)
            ax.set_ylabel(tr("output"), fontsize=7)
            if d <= 20:
                ax.set_xticks(np.arange(d))
        return _Row(box, 1, artist, ax=ax)

    def _update_row(self, row: LayerOutput, place: _Row) -> None:
        values = row.values
        if row.is_maps:
            data = mosaic(values, place.cols, PAD)
            place.image.set_data(data)
            lo, hi = float(np.nanmin(data)), float(np.nanmax(data))
            if lo < 0:  # signed outputs (before an activation): diverging, centred on 0
                lim = max(abs(lo), abs(hi), 1e-12)
                vmin, vmax, cmap = -lim, lim, self._cmap("RdBu_r")
            else:
                vmin, vmax, cmap = 0.0, max(hi, 1e-12), self._cmap("viridis")
            place.image.set_cmap(cmap)
            place.image.set_clim(vmin, vmax)
            place.bar.set_cmap(cmap)  # a 1 → 0 gradient: the colour scale from top to bottom
            top, mid, bottom = place.labels
            top.set_text(f"{vmax:.3g}")
            mid.set_text("0" if vmin < 0 else f"{vmax / 2:.3g}")
            bottom.set_text(f"{vmin:.3g}")
        elif values.size > STRIP_LIMIT:
            place.image.set_data(values[None, :])
            place.image.set_clim(float(values.min()),
                                 float(max(values.max(), values.min() + 1e-12)))
        else:
            place.image.set_verts(bar_verts(values))
            lo, hi = float(min(values.min(), 0)), float(max(values.max(), 0))
            span = (hi - lo) or 1.0
            place.ax.set_ylim(lo - 0.05 * span, hi + 0.08 * span)

    # ----------------------------------------------------------------------------- readout
    def to_data(self, index: int, row: float, col: float) -> tuple[float, float]:
        """Figure-pixel coordinates of mosaic pixel (``row``, ``col``) of map row ``index``."""
        place = self.layout[index]
        left, top, bw, bh = place.box
        mh, mw = place.image.get_array().shape
        return left + (col + 0.5) / mw * bw, top + (row + 0.5) / mh * bh

    def readout(self, ax, x: float | None, y: float | None) -> str:
        if x is None or y is None:
            return ""
        for place, row in zip(self.layout, self.rows, strict=True):
            if row.is_maps and ax is self.canvas_ax:
                left, top, bw, bh = place.box
                if not (left <= x < left + bw and top <= y < top + bh):
                    continue
                c, h, w = row.values.shape
                mh, mw = place.image.get_array().shape
                hit = tile_at((y - top) / bh * mh - 0.5, (x - left) / bw * mw - 0.5, (h, w),
                              place.cols, c, PAD)
                if hit is None:
                    return ""
                m, r, col = hit
                return tr("{layer}: map {m}, row {r}, column {c} = {v:.4g}").format(
                    layer=row.name, m=m, r=r, c=col, v=float(row.values[m, r, col]))
            if not row.is_maps and ax is place.ax:
                unit = int(round(x))
                if not 0 <= unit < row.values.size:
                    return ""
                return tr("{layer}: unit {u} = {v:.4g}").format(layer=row.name, u=unit,
                                                                v=float(row.values[unit]))
        return ""


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
