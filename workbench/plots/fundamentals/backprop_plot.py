"""Drawing a computational graph like the book's Fig. 5-16/5-17: inputs on the left, × and +
nodes, forward values above every edge and backward gradients below it."""

from __future__ import annotations

import numpy as np
from matplotlib.axes import Axes

from nn.graph import APPLE_GRAPH, SHOPPING_GRAPH, Graph, GraphResult
from workbench.core.numbers import format_value
from workbench.ui import theme
from workbench.ui.theme import SERIES

#: Where each leaf's label ends (its edge starts there) and where each node sits, per graph.
LAYOUTS: dict[str, dict[str, tuple[float, float]]] = {
    APPLE_GRAPH.name: {"apple": (1.0, 4.2), "apple_num": (1.0, 1.8), "apple_price": (4.2, 3.0),
                       "price": (7.6, 3.0), "tax": (7.6, 0.3), "out": (10.4, 3.0)},
    SHOPPING_GRAPH.name: {"apple": (1.0, 5.2), "apple_num": (1.0, 3.7),
                          "orange": (1.0, 2.3), "orange_num": (1.0, 0.8),
                          "apple_price": (3.6, 4.45), "orange_price": (3.6, 1.55),
                          "all_price": (6.0, 3.0), "price": (8.2, 3.0), "tax": (8.2, 0.2),
                          "out": (10.6, 3.0)},
}
BACKWARD_COLOR = SERIES[5]


def forward_color() -> str:
    """Blue for forward values: the deep one on light themes, the sky one on dark themes."""
    return SERIES[4] if theme.is_dark() else SERIES[0]
NODE_SIZE = 950  # points², the node circles


def draw_graph(ax: Axes, colors: dict[str, str], graph: Graph, result: GraphResult,
               labels: dict[str, str], forward: bool = True, backward: bool = True) -> None:
    """Draw ``graph`` with ``result``'s values (above edges) and gradients (below).

    ``labels`` maps each leaf and the output edge ("out") to a caption.
    """
    ax.clear()
    ax.set_axis_off()
    ax.set_xlim(-1.3, 11.4)
    ax.set_ylim(-0.6, 6.0)
    pos = LAYOUTS[graph.name]
    text = colors["text"]
    producer = {node.output: node for node in graph.nodes}

    def edge(name: str, start: tuple[float, float], end: tuple[float, float],
             into_node: bool = True) -> None:
        ax.annotate("", xy=end, xytext=start, zorder=2,
                    arrowprops={"arrowstyle": "-|>", "color": text, "lw": 1.3,
                                "shrinkA": 17 if name in producer else 2,
                                "shrinkB": 17 if into_node else 2})
        (x0, y0), (x1, y1) = start, end
        t = 0.5 if name == graph.output or name == "tax" else 0.42
        mx, my = x0 + (x1 - x0) * t, y0 + (y1 - y0) * t
        # The edge's left-hand normal in screen space: values go on that side, gradients on
        # the other (above and below for an edge pointing right, as in the book's figures).
        (sx0, sy0), (sx1, sy1) = ax.transData.transform([start, end])
        length = max(float(np.hypot(sx1 - sx0, sy1 - sy0)), 1e-9)
        nx, ny = -(sy1 - sy0) / length, (sx1 - sx0) / length
        for shown, side, value, color in ((forward, 1.0, result.values[name], forward_color()),
                                          (backward, -1.0, result.grads[name],
                                           BACKWARD_COLOR)):
            if not shown:
                continue
            dx, dy = side * nx, side * ny
            ax.annotate(format_value(value, 6), (mx, my), xytext=(6 * dx, 6 * dy),
                        textcoords="offset points", color=color, fontsize=9.5,
                        fontweight="bold", zorder=4,
                        ha="left" if dx > 0.5 else "right" if dx < -0.5 else "center",
                        va="bottom" if dy > 0.5 else "top" if dy < -0.5 else "center")

    for leaf in graph.inputs:
        x, y = pos[leaf]
        vertical = leaf == "tax"
        ax.text(x, y - (0.12 if vertical else 0), labels[leaf], fontsize=9, color=text,
                ha="center" if vertical else "right", va="top" if vertical else "center")
    for node in graph.nodes:
        for name in node.inputs:
            start = pos[name]
            if name not in producer and name != "tax":
                start = (start[0] + 0.1, start[1])
            edge(name, start, pos[node.output])
    out_start, out_end = pos[graph.output], pos["out"]
    edge(graph.output, out_start, out_end, into_node=False)
    ax.text(out_end[0] + 0.1, out_end[1], labels["out"], ha="left", va="center", fontsize=9,
            color=text)
    for node in graph.nodes:
        x, y = pos[node.output]
        ax.scatter([x], [y], s=NODE_SIZE, c=colors["face"], edgecolors=text, linewidths=1.4,
                   zorder=3)
        ax.text(x, y, "×" if node.op == "mul" else "+", ha="center", va="center", fontsize=15,
                color=text, zorder=5)
