"""Filter mosaics on a Matplotlib ``Figure``: "at initialization" beside "now" (book ch. 7.6)."""

from __future__ import annotations

from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.figure import Figure

from nn.mosaic import grid_shape, mosaic, tile_at
from workbench.core.i18n import tr
from workbench.plots.inspect.figure_common import (
    FigurePlot,
    cover_empty_slots,
    gap_color,
    prepare_axes,
)
from workbench.ui.mpl_style import style_colorbar
from workbench.ui.theme import SERIES

SIGNED, STRETCHED = "signed", "stretched"
PAD = 1


@dataclass(frozen=True)
class FilterPanel:
    """One mosaic: ``images`` (K, h, w) weights, drawn with ``title`` and ``xlabel``."""

    title: str
    xlabel: str
    images: np.ndarray


class FilterFigure(FigurePlot):
    """One or two filter mosaics, each with its own colour bar.

    ``SIGNED``: a diverging map symmetric around 0 (white), shared by all filters of the
    panel, so strengths compare across filters. ``STRETCHED``: each filter mapped from its own
    minimum (white) to maximum (black) — how the book draws Fig. 7-24.
    """

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.panels: list[FilterPanel] = []
        self.axes: list = []
        self.images: list = []
        self.mode = SIGNED
        self._cols = 1
        self._zoom = 1  # small kernels are enlarged so the 1-pixel gaps stay thin

    def _mosaic(self, images: np.ndarray) -> np.ndarray:
        big = images.repeat(self._zoom, axis=1).repeat(self._zoom, axis=2)
        return mosaic(big, self._cols, PAD, normalize=self.mode == STRETCHED)

    def _cmap(self, name: str):
        # Gaps: neutral grey between coloured tiles; a light accent between grey ones.
        gap = gap_color(self.colors) if name != "gray_r" else SERIES[4]
        return matplotlib.colormaps[name].with_extremes(bad=gap)

    def show(self, panels: list[FilterPanel], mode: str) -> None:
        """Draw ``panels``; reuses the artists when only the values changed (live updates)."""
        size = tuple(np.round(self.fig.get_size_inches(), 1))
        layout = (mode, size, tuple((p.images.shape, p.title) for p in panels))
        self.panels, self.mode = panels, mode
        if layout != self._layout:
            self._build()
            self._layout = layout
        for panel, ax, im in zip(panels, self.axes, self.images, strict=True):
            data = self._mosaic(panel.images)
            im.set_data(data)
            if mode == SIGNED:
                lim = float(np.nanmax(np.abs(data))) if np.isfinite(data).any() else 1.0
                im.set_clim(-max(lim, 1e-12), max(lim, 1e-12))
            ax.set_title(panel.title, fontsize=9)
            ax.set_xlabel(panel.xlabel, fontsize=8)

    def _build(self) -> None:
        self.fig.clear()
        self.axes, self.images = [], []
        n = len(self.panels)
        if not n:
            return
        count, h, w = self.panels[0].images.shape
        self._zoom = max(1, 32 // max(h, w))
        # Tiles arranged to fill each panel's share of the figure.
        fw, fh = self.fig.get_size_inches()
        aspect = max(0.3, (fw / n) / max(fh, 1e-3)) * h / w
        _, self._cols = grid_shape(count, aspect)
        for i, panel in enumerate(self.panels):
            ax = self.fig.add_subplot(1, n, i + 1)
            prepare_axes(ax, self.colors, grid=False)
            ax.set_xticks([])
            ax.set_yticks([])
            data = self._mosaic(panel.images)
            if self.mode == SIGNED:
                im = ax.imshow(data, cmap=self._cmap("RdBu_r"), interpolation="nearest")
                label = tr("weight (blue < 0 < red; white = 0)")
            else:
                im = ax.imshow(data, cmap=self._cmap("gray_r"), vmin=0, vmax=1,
                               interpolation="nearest")
                label = tr("each filter: its minimum → maximum")
            cbar = self.fig.colorbar(im, cax=ax.inset_axes([1.03, 0.0, 0.035, 1.0]))
            style_colorbar(cbar, self.colors, label)
            if self.mode == STRETCHED:
                cbar.set_ticks([0, 1], labels=[tr("min"), tr("max")])
            cover_empty_slots(ax, count, self._cols, (h * self._zoom, w * self._zoom), PAD,
                              self.colors["window"])
            self.axes.append(ax)
            self.images.append(im)
        self.fig.subplots_adjust(left=0.02, right=0.92, bottom=0.1, top=0.9, wspace=0.3)

    def tile_count(self, panel: int) -> int:
        """Number of filter images drawn in ``panel`` (non-empty tiles of its mosaic)."""
        data = self.images[panel].get_array()
        count, h, w = self.panels[panel].images.shape
        h, w = h * self._zoom, w * self._zoom
        hits = 0
        for i in range(count):
            r, c = divmod(i, self._cols)
            tile = np.ma.getdata(data)[r * (h + PAD): r * (h + PAD) + h,
                                       c * (w + PAD): c * (w + PAD) + w]
            hits += bool(tile.shape == (h, w) and np.isfinite(tile).all())
        return hits

    def readout(self, ax, x: float | None, y: float | None) -> str:
        """The filter, position and weight under the cursor."""
        if ax not in self.axes or x is None or y is None:
            return ""
        panel = self.panels[self.axes.index(ax)]
        count, h, w = panel.images.shape
        z = self._zoom
        hit = tile_at(y, x, (h * z, w * z), self._cols, count, PAD)
        if hit is None:
            return ""
        index, row, col = hit[0], hit[1] // z, hit[2] // z
        return tr("filter {i}, row {r}, column {c}: weight {v:.4g}").format(
            i=index, r=row, c=col, v=float(panel.images[index, row, col]))
