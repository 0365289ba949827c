"""Decision boundary of a 2-D classifier: the predicted class over a grid, shaded by confidence,
with the data points on top. The grid is computed in the worker thread
(:func:`workbench.core.boundary_grid.boundary_grid`);
the figure only swaps the image (``set_data``)."""

from __future__ import annotations

import numpy as np
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from numpy.typing import NDArray

from workbench.core.boundary_grid import BoundaryGrid, data_extent
from workbench.core.i18n import tr
from workbench.ui.mpl_style import style_axes
from workbench.ui.theme import SERIES, plot_colors


def shade(grid: BoundaryGrid, background: str) -> NDArray:
    """RGB image: each class's colour, blended towards the background as confidence drops."""
    palette = np.array([to_rgb(c) for c in SERIES], dtype=np.float32)
    base = palette[grid.classes % len(palette)]
    k = max(2, int(grid.classes.max()) + 1)
    strength = np.clip((grid.confidence - 1.0 / k) / (1.0 - 1.0 / k), 0, 1)[..., None] * 0.55
    return base * strength + np.array(to_rgb(background), dtype=np.float32) * (1 - strength)


class BoundaryFigure:
    """One axes: the shaded grid and the training points coloured by label."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        fig.set_facecolor(colors["window"])
        self.ax = fig.add_subplot(1, 1, 1)
        style_axes(self.ax, colors)
        self.ax.grid(False)
        self.image = self.ax.imshow(np.zeros((2, 2, 3)), origin="lower", aspect="auto",
                                    interpolation="bilinear", extent=(0, 1, 0, 1))
        self.points = self.ax.scatter(np.zeros(0), np.zeros(0), s=12, linewidths=0.3)
        fig.subplots_adjust(left=0.1, right=0.97, bottom=0.12, top=0.9)
        self.retranslate()

    def retranslate(self) -> None:
        self.ax.set_title(tr("Decision boundary"), fontsize=10)
        self.ax.set_xlabel("x₁")
        self.ax.set_ylabel("x₂")

    @property
    def data_artists(self) -> list:
        """Blitted in this order: the points must stay on top of the shaded grid."""
        return [self.image, self.points]

    def set_points(self, x: NDArray, y: NDArray) -> None:
        """Scatter the data (``x`` (N, 2), labels ``y``) and fix the view to their extent."""
        self.points.set_offsets(np.asarray(x, dtype=np.float64))
        self.points.set_facecolors([to_rgb(SERIES[int(k) % len(SERIES)]) for k in y])
        self.points.set_edgecolors(plot_colors()["text"])
        x0, x1, y0, y1 = data_extent(x)
        self.image.set_extent((x0, x1, y0, y1))
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)

    def update(self, grid: BoundaryGrid | None) -> None:
        if grid is None:
            return
        self.image.set_data(shade(grid, plot_colors()["face"]))  # the current theme's
        self.image.set_extent(grid.extent)
