"""The activation-histogram grid (book figs. 6-10 to 6-14): rows = weight initializers,
columns = the five layers. Pure Matplotlib on a given ``Figure``.

Each panel is one ``stairs`` artist holding exactly the engine's histogram counts; a small
label gives the layer's mean and standard deviation, the share of saturated sigmoid/tanh units
and, for ReLU, the share of exact zeros (left out of the bars, see :func:`histogram_note`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
from matplotlib.figure import Figure
from matplotlib.ticker import FixedLocator, FuncFormatter, MaxNLocator

from nn.init_experiment import LayerHistogram
from workbench.core.i18n import tr
from workbench.ui.mpl_style import style_axes
from workbench.ui.theme import SERIES

ROW_COLORS = {"std1": SERIES[5], "std0.01": SERIES[1], "xavier": SERIES[0], "he": SERIES[2]}
CUSTOM_COLOR = SERIES[3]
FIXED_TICKS = {"sigmoid": (0.0, 0.5, 1.0), "tanh": (-1.0, 0.0, 1.0)}


def _short(value: float, _pos: int | None = None) -> str:
    """Compact number: ``0.5``, ``-1``, ``230``, ``4k``, ``1.2M``, ``1.4e-5``."""
    size = abs(value)
    if size >= 1e6:
        return f"{value / 1e6:.2g}M"
    if size >= 1e3:
        return f"{value / 1e3:.2g}k"
    if size >= 100:
        return f"{value:.0f}"
    text = f"{value:.2g}"
    return text.replace("e-0", "e-").replace("e+0", "e")


def row_label(name: str) -> str:
    """Display name of an initializer row."""
    fixed = {"std1": tr("std 1"), "std0.01": tr("std 0.01"), "xavier": tr("Xavier"),
             "he": tr("He")}
    if name in fixed:
        return fixed[name]
    return tr("std {std} (custom)").format(std=name.removeprefix("std"))


def row_detail(name: str) -> str:
    """The distribution behind a row, e.g. ``N(0, 1/100)``."""
    return {"std1": "N(0, 1)", "std0.01": "N(0, 0.01²)", "xavier": "N(0, 1/n)",
            "he": "N(0, 2/n)"}.get(name, f"N(0, {name.removeprefix('std')}²)")


def panel_text(h: LayerHistogram, activation: str) -> str:
    """The statistics printed on a panel."""
    lines = [tr("μ {m}  σ {s}").format(m=_short(h.mean), s=_short(h.std))]
    if activation == "relu":
        lines.append(tr("zeros {p:.0%}").format(p=h.zero_fraction))
    elif h.saturated_fraction >= 0.01:
        lines.append(tr("saturated {p:.0%}").format(p=h.saturated_fraction))
    return "\n".join(lines)


class InitGridFigure:
    """A grid of histograms on ``fig``; :meth:`show` rebuilds it for new rows, else updates."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        fig.set_facecolor(colors["window"])
        self.axes: np.ndarray = np.empty((0, 0), dtype=object)
        self.stairs: dict[tuple[str, int], object] = {}
        self.texts: dict[tuple[str, int], object] = {}
        self.row_titles: dict[str, object] = {}  # axes texts keep the row colour on restyles
        self.rows: tuple[str, ...] = ()
        self.grid: dict[str, list[LayerHistogram]] = {}
        self.activation = "sigmoid"
        self.n_inputs = 0
        self.suptitle = fig.suptitle("", fontsize=10, color=colors["text"])

    def show(self, grid: Mapping[str, Sequence[LayerHistogram]], activation: str,
             n_inputs: int) -> None:
        """Draw ``grid`` (initializer → five layer histograms) for ``activation``."""
        rows = tuple(grid)
        layers = max((len(v) for v in grid.values()), default=0)
        if rows != self.rows or self.axes.shape[1:] != (layers,):
            self._build(rows, layers)
        self.grid = {k: list(v) for k, v in grid.items()}
        self.activation, self.n_inputs = activation, n_inputs
        for r, name in enumerate(rows):
            top = max((int(h.counts.max()) for h in grid[name] if h.counts.size), default=1)
            for c, h in enumerate(grid[name]):
                ax = self.axes[r, c]
                self.stairs[name, c].set_data(h.counts, h.edges)
                ax.set_xlim(h.edges[0], h.edges[-1])
                if activation in FIXED_TICKS:
                    ax.xaxis.set_major_locator(FixedLocator(FIXED_TICKS[activation]))
                else:
                    ax.xaxis.set_major_locator(MaxNLocator(3))
                ax.set_ylim(0, max(top, 1) * 1.32)  # room for the label
        self.retranslate()

    def _build(self, rows: tuple[str, ...], layers: int) -> None:
        for ax in self.fig.axes:
            ax.remove()
        self.stairs.clear()
        self.texts.clear()
        self.row_titles.clear()
        self.rows = rows
        if not rows or not layers:
            self.axes = np.empty((0, 0), dtype=object)
            return
        self.axes = self.fig.subplots(len(rows), layers, squeeze=False, sharey="row")
        for r, name in enumerate(rows):
            color = ROW_COLORS.get(name, CUSTOM_COLOR)
            for c in range(layers):
                ax = self.axes[r, c]
                style_axes(ax, self.colors)
                ax.grid(True, axis="y")
                ax.grid(False, axis="x")
                ax.xaxis.set_major_locator(MaxNLocator(3))
                ax.xaxis.set_major_formatter(FuncFormatter(_short))
                ax.yaxis.set_major_formatter(FuncFormatter(_short))
                ax.yaxis.set_major_locator(MaxNLocator(3))
                ax.tick_params(labelsize=7, pad=1.5)
                self.stairs[name, c] = ax.stairs([0.0], [0.0, 1.0], fill=True, color=color,
                                                 alpha=0.85, linewidth=0)
                self.texts[name, c] = ax.text(
                    0.97, 0.95, "", transform=ax.transAxes, ha="right", va="top", fontsize=6.5,
                    color=self.colors["text"], linespacing=1.15)
                if c:
                    ax.tick_params(labelleft=False)
            self.row_titles[name] = self.axes[r, 0].annotate(
                "", xy=(0, 0.5), xycoords="axes fraction", xytext=(-30, 0),
                textcoords="offset points", rotation=90, ha="right", va="center", fontsize=7,
                fontweight="bold", color=color, linespacing=1.05)  # fits a row 60 px high
        self.fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

    def restyle(self, colors: dict[str, str]) -> None:
        """Follow a light/dark theme change."""
        self.colors = colors
        self.fig.set_facecolor(colors["window"])
        self.suptitle.set_color(colors["text"])
        for ax in self.fig.axes:
            style_axes(ax, colors)
            ax.grid(False, axis="x")
        for text in self.texts.values():
            text.set_color(colors["text"])
        self.retranslate()

    def retranslate(self) -> None:
        if not self.rows:
            self.suptitle.set_text("")
            return
        names = {"sigmoid": tr("sigmoid"), "tanh": tr("tanh"), "relu": tr("ReLU")}
        self.suptitle.set_text(tr(
            "Activations of {layers} layers × 100 units, {act}, for {n} random inputs — "
            "one row per weight initializer").format(
                layers=self.axes.shape[1], act=names.get(self.activation, self.activation),
                n=self.n_inputs))
        for c in range(self.axes.shape[1]):
            self.axes[0, c].set_title(tr("Layer {k}").format(k=c + 1), fontsize=9)
        for name in self.rows:
            self.row_titles[name].set_text(f"{row_label(name)}\n{row_detail(name)}")
            for c, h in enumerate(self.grid.get(name, ())):
                self.texts[name, c].set_text(panel_text(h, self.activation))
        label = (tr("activation value (non-zero; zeros counted apart)")
                 if self.activation == "relu" else tr("activation value"))
        for c in range(self.axes.shape[1]):
            self.axes[-1, c].set_xlabel(label if c == self.axes.shape[1] // 2 else "",
                                        fontsize=8)

    def readout(self, ax, x: float | None, _y: float | None) -> str:
        """'std 1, layer 3: 1,234 activations in [0.43, 0.47)' for the bar under the cursor."""
        if x is None:
            return ""
        for (name, c), stairs in self.stairs.items():
            if stairs.axes is ax:
                h = self.grid[name][c]
                k = int(np.searchsorted(h.edges, x, side="right")) - 1
                if 0 <= k < len(h.counts):
                    return tr("{row}, layer {layer}: {count} activations in [{a}, {b})").format(
                        row=row_label(name), layer=c + 1, count=int(h.counts[k]),
                        a=f"{h.edges[k]:.3g}", b=f"{h.edges[k + 1]:.3g}")
        return ""
