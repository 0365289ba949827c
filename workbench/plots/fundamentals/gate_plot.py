"""Drawing logic gates on a Matplotlib axes: the four input points coloured by target, the
region where a perceptron outputs 1, its decision line with the weight vector, and rings
around wrong outputs. Pure Matplotlib; every number comes from :mod:`nn.perceptron`."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes
from matplotlib.colors import to_rgb
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from numpy.typing import NDArray

from nn.perceptron import BOOK_WEIGHTS, decision_line, perceptron
from workbench.core.i18n import tr_dynamic, tr_noop
from workbench.ui import theme
from workbench.ui.theme import SERIES

#: Gates as named in the interface; in formulas they keep their code names (AND(NAND(x), …)).
GATE_NAMES = {"AND": tr_noop("AND"), "NAND": tr_noop("NAND"), "OR": tr_noop("OR"),
              "XOR": tr_noop("XOR")}
EXTENT = (-0.5, 1.5, -0.5, 1.5)
RESOLUTION = 160
CLASS_COLORS = (SERIES[0], SERIES[1])
CLASS_MARKERS = ("s", "o")
LINE_COLORS = (SERIES[5], SERIES[2], SERIES[3])


def gate_name(gate: str) -> str:
    """``"AND"`` in the interface language (the book's 与门 in Chinese)."""
    return tr_dynamic(GATE_NAMES.get(gate, gate))


def grid_points(extent: tuple[float, float, float, float] = EXTENT,
                res: int = RESOLUTION) -> NDArray:
    """``res × res`` points covering ``extent`` as (res·res, 2), row 0 at the bottom."""
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, res), np.linspace(y0, y1, res))
    return np.stack([gx.ravel(), gy.ravel()], axis=1)


def region_image(output: NDArray, background: str) -> NDArray:
    """RGB image: tinted with the class-1 colour where ``output`` (res, res) is 1, lightly with
    the class-0 colour elsewhere."""
    back = np.array(to_rgb(background))
    one = np.array(to_rgb(CLASS_COLORS[1])) * 0.28 + back * 0.72
    zero = np.array(to_rgb(CLASS_COLORS[0])) * 0.12 + back * 0.88
    return np.where(output[..., None] > 0.5, one, zero)


class GateAxes:
    """One axes showing a gate: region, up to three decision lines, the points and their outputs."""

    def __init__(self, ax: Axes, colors: dict[str, str],
                 extent: tuple[float, float, float, float] = EXTENT) -> None:
        self.ax, self.colors, self.extent = ax, colors, extent
        ax.grid(False)
        ax.set_xlim(extent[0], extent[1])
        ax.set_ylim(extent[2], extent[3])
        ax.set_aspect("equal")
        ticks = np.arange(np.ceil(extent[0] * 2), np.floor(extent[1] * 2) + 1) / 2
        ax.set_xticks(ticks)
        ax.set_yticks(np.arange(np.ceil(extent[2] * 2), np.floor(extent[3] * 2) + 1) / 2)
        self.image = ax.imshow(np.zeros((2, 2, 3)), origin="lower", extent=extent,
                               interpolation="nearest", aspect="equal", zorder=0)
        self.lines: list[Line2D] = []
        self.arrows: list = []
        self.points = [ax.scatter([], [], s=150, marker=CLASS_MARKERS[k], c=CLASS_COLORS[k],
                                  edgecolors=colors["text"], linewidths=0.8, zorder=4)
                       for k in (0, 1)]
        self.wrong = ax.scatter([], [], s=460, facecolors="none", edgecolors=theme.error_color(),
                                linewidths=2.2, zorder=5)
        self.labels: list = []
        self.grid = grid_points(extent)

    # --------------------------------------------------------------------------- parts
    def show_region(self, output: NDArray) -> None:
        """Shade by ``output`` (res·res,) or (res, res) values in {0, 1} over the grid."""
        res = int(round(np.sqrt(np.asarray(output).size)))
        self.image.set_data(region_image(np.asarray(output).reshape(res, res),
                                         self.colors["face"]))

    def show_perceptron_region(self, w: NDArray, b: float) -> None:
        self.show_region(perceptron(self.grid, w, b))

    def show_lines(self, lines: list[tuple[NDArray, float]], arrows: bool = True) -> None:
        """Draw the decision line ``w·x + b = 0`` of each ``(w, b)``, with ``w`` as an arrow
        pointing to the side where the output is 1."""
        for arrow in self.arrows:
            arrow.remove()
        self.arrows = []
        while len(self.lines) < len(lines):
            color = LINE_COLORS[len(self.lines) % len(LINE_COLORS)]
            line, = self.ax.plot([], [], color=color, linewidth=2.2, zorder=3)
            self.lines.append(line)
        for i, line in enumerate(self.lines):
            segment = decision_line(*lines[i], self.extent) if i < len(lines) else None
            if segment is None:
                line.set_data([], [])
                continue
            line.set_data(segment[:, 0], segment[:, 1])
            w = np.asarray(lines[i][0], dtype=float)
            if arrows:
                mid = segment.mean(axis=0)
                tip = mid + 0.28 * w / np.linalg.norm(w)
                self.arrows.append(self.ax.annotate(
                    "", xy=tip, xytext=mid, zorder=3,
                    arrowprops={"arrowstyle": "-|>", "color": line.get_color(), "lw": 1.6}))

    def show_points(self, xy: NDArray, targets: NDArray, outputs: NDArray | None = None,
                    captions: list[str] | None = None) -> None:
        """Points ``xy`` (N, 2) by target class; rings where ``outputs`` differ from targets;
        an optional caption beside each point."""
        xy, targets = np.asarray(xy, dtype=float), np.asarray(targets).astype(int)
        for k in (0, 1):
            self.points[k].set_offsets(xy[targets == k].reshape(-1, 2))
        if outputs is not None:
            bad = np.asarray(outputs).astype(int) != targets
            self.wrong.set_offsets(xy[bad].reshape(-1, 2))
        else:
            self.wrong.set_offsets(np.zeros((0, 2)))
        for label in self.labels:
            label.remove()
        self.labels = []
        for (px, py), text in zip(xy, captions or [], strict=False):
            self.labels.append(self.ax.annotate(
                text, (px, py), xytext=(0, -17), textcoords="offset points", ha="center",
                va="top", fontsize=8, color=self.colors["text"], zorder=6))

    def legend_handles(self, names: dict[str, str], line_labels: list[str]) -> tuple[list, list]:
        """Proxy artists and labels for a legend: regions, lines, classes and wrong outputs.

        ``names`` maps "one", "zero", "target0", "target1", "wrong" to translated labels.
        """
        face = self.colors["face"]
        handles = [Patch(facecolor=region_image(np.ones((1, 1)), face)[0, 0],
                         edgecolor=self.colors["grid"]),
                   Patch(facecolor=region_image(np.zeros((1, 1)), face)[0, 0],
                         edgecolor=self.colors["grid"])]
        labels = [names["one"], names["zero"]]
        for line, text in zip(self.lines, line_labels, strict=False):
            handles.append(Line2D([], [], color=line.get_color(), linewidth=2.2))
            labels.append(text)
        for k in (0, 1):
            handles.append(Line2D([], [], linestyle="none", marker=CLASS_MARKERS[k],
                                  markersize=9, markerfacecolor=CLASS_COLORS[k],
                                  markeredgecolor=self.colors["text"]))
            labels.append(names[f"target{k}"])
        handles.append(Line2D([], [], linestyle="none", marker="o", markersize=13,
                              markerfacecolor="none", markeredgecolor=theme.error_color(),
                              markeredgewidth=2))
        labels.append(names["wrong"])
        return handles, labels


def draw_network(ax: Axes, colors: dict[str, str], first: str, second: str, out: str,
                 labels: dict[str, str]) -> None:
    """The two-layer perceptron of the book's Fig. 2-13 with each gate's weights on its edges
    and its bias inside its node. ``labels`` maps "layer0", "layer1", "layer2" to captions."""
    ax.clear()
    ax.set_axis_off()
    ax.set_xlim(-0.3, 2.35)
    ax.set_ylim(-0.35, 1.35)
    text = colors["text"]
    nodes = {"x1": (0.0, 1.0), "x2": (0.0, 0.0), "s1": (1.0, 1.0), "s2": (1.0, 0.0),
             "y": (2.0, 0.5)}
    gates = {"s1": first, "s2": second, "y": out}
    edges = [("x1", "s1"), ("x2", "s1"), ("x1", "s2"), ("x2", "s2"), ("s1", "y"), ("s2", "y")]
    for src, dst in edges:
        (x0, y0), (x1, y1) = nodes[src], nodes[dst]
        index = 0 if src in ("x1", "s1") else 1
        weight = BOOK_WEIGHTS[gates[dst]][index]
        color = LINE_COLORS[0] if weight > 0 else LINE_COLORS[2]
        ax.annotate("", xy=(x1, y1), xytext=(x0, y0),
                    arrowprops={"arrowstyle": "-|>", "color": color, "lw": 1.4,
                                "shrinkA": 17, "shrinkB": 17})
        t = 0.5 if y0 == y1 or dst == "y" else 0.33  # keep the diagonal labels apart
        mx, my = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        ax.text(mx, my + 0.07, f"{weight:+g}", color=color, fontsize=8, ha="center",
                va="bottom", bbox={"boxstyle": "round,pad=0.15", "fc": colors["face"],
                                   "ec": "none", "alpha": 0.85})
    for name, (x, y) in nodes.items():
        caption = {"x1": "x₁", "x2": "x₂", "s1": "s₁", "s2": "s₂", "y": "y"}[name]
        ax.scatter([x], [y], s=900, c=colors["face"], edgecolors=text, linewidths=1.2,
                   zorder=3)
        ax.text(x, y, caption, ha="center", va="center", fontsize=10, color=text, zorder=4)
        if name in gates:
            bias = BOOK_WEIGHTS[gates[name]][2]
            ax.text(x, y - 0.2, f"{gates[name]}\nb = {bias:+g}", ha="center", va="top",
                    fontsize=7.5, color=text, zorder=4)
    for i, key in enumerate(("layer0", "layer1", "layer2")):
        ax.text(float(i), 1.3, labels[key], ha="center", va="top", fontsize=8, color=text)
