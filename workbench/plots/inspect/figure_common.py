"""What the Inspect page's plotters share: a ``Figure`` with the theme's colours and a layout key,
axes, colour bar and legend styling, mosaic gaps, the series colours."""

from __future__ import annotations

import math

import matplotlib.colors
import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Rectangle

from workbench.ui import theme
from workbench.ui.mpl_style import restyle_figure, style_axes


class FigurePlot:
    """Base of the page's plotters: a Matplotlib ``Figure``, the theme's colours, and the
    layout key that decides whether artists can be reused (reset it to rebuild)."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        fig.set_facecolor(colors["window"])
        self._layout: tuple | None = None

    def retranslate(self) -> None:
        """Labels are set when the axes are built: rebuild at the next ``show``."""
        self._layout = None

    def restyle(self, colors: dict[str, str]) -> None:
        """New light/dark colours: recolour what is drawn and rebuild at the next ``show``."""
        self.colors = colors
        restyle_figure(self.fig, colors)
        self._layout = None


def prepare_axes(ax: Axes, colors: dict[str, str], grid: bool = True) -> None:
    """Theme colours on ``ax``; optionally without the grid (for images)."""
    style_axes(ax, colors)
    if not grid:
        ax.grid(False)


def gap_color(colors: dict[str, str]) -> tuple[float, float, float]:
    """Between mosaic tiles: about halfway from the window colour to the text colour, so the
    gaps stand out from values near 0 (white or dark) in light and dark themes alike."""
    a = np.array(matplotlib.colors.to_rgb(colors["window"]))
    b = np.array(matplotlib.colors.to_rgb(colors["text"]))
    return tuple(float(v) for v in 0.7 * a + 0.3 * b)


def cover_empty_slots(ax: Axes, count: int, cols: int, tile: tuple[int, int], pad: int,
                      color: str) -> None:
    """Paint the unused slots at the end of a mosaic's last row (and the gap before them) in
    the window colour, so only real tiles are framed by gaps."""
    rows = math.ceil(count / cols) if cols else 0
    empty = rows * cols - count
    if rows == 0 or empty <= 0:
        return
    h, w = tile
    x0 = (cols - empty) * (w + pad) - pad - 0.5
    y0 = (rows - 1) * (h + pad) - pad - 0.5
    width = cols * (w + pad) - pad - 0.5 - x0
    height = rows * (h + pad) - pad - 0.5 - y0
    ax.add_patch(Rectangle((x0, y0), width, height, facecolor=color, edgecolor="none",
                           zorder=3))


def series_color(i: int) -> str:
    return theme.SERIES[i % len(theme.SERIES)]
