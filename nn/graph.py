"""Computational graphs of scalars with the book's multiply and add nodes (ch. 5.1–5.4).

:class:`MulLayer` and :class:`AddLayer` are the book's layers (ch. 5.4): ``forward`` computes a
node's output, ``backward`` turns the gradient arriving from the right into the gradients of
its two inputs by the chain rule. :func:`run_graph` evaluates a :class:`Graph` forward and then
backward, and reports the value and the gradient on every edge — the numbers the book writes
above and below the arrows of its apple-shopping figures (Fig. 5-16, 5-17).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

from nn.functions import numerical_gradient


class MulLayer:
    """Multiply node: ``forward(x, y) = x·y``; ``backward`` swaps the inputs (ch. 5.4.1)."""

    def __init__(self) -> None:
        self.x = self.y = 0.0

    def forward(self, x: float, y: float) -> float:
        self.x, self.y = float(x), float(y)
        return self.x * self.y

    def backward(self, dout: float) -> tuple[float, float]:
        """``(∂L/∂x, ∂L/∂y) = (dout·y, dout·x)``."""
        return dout * self.y, dout * self.x


class AddLayer:
    """Add node: ``forward(x, y) = x + y``; ``backward`` passes ``dout`` to both (ch. 5.4.2)."""

    def forward(self, x: float, y: float) -> float:
        return float(x) + float(y)

    def backward(self, dout: float) -> tuple[float, float]:
        return dout * 1.0, dout * 1.0


@dataclass(frozen=True)
class Node:
    """One node: ``output = op(inputs[0], inputs[1])`` with ``op`` "mul" or "add"."""

    op: str
    inputs: tuple[str, str]
    output: str


@dataclass(frozen=True)
class Graph:
    """Nodes in evaluation order; ``inputs`` name the leaves, ``output`` the final edge."""

    name: str
    inputs: tuple[str, ...]
    nodes: tuple[Node, ...]
    output: str

    def __post_init__(self) -> None:
        known = set(self.inputs)
        for node in self.nodes:
            if node.op not in ("mul", "add"):
                raise ValueError(f"Unknown operation {node.op!r} (expected 'mul' or 'add')")
            missing = [name for name in node.inputs if name not in known]
            if missing:
                raise ValueError(f"Node {node.output!r} uses {missing} before they are computed")
            known.add(node.output)
        if self.output not in known:
            raise ValueError(f"The output {self.output!r} is never computed")


@dataclass(frozen=True)
class GraphResult:
    """Forward value and backward gradient ``∂output/∂edge`` of every edge, by name."""

    values: dict[str, float]
    grads: dict[str, float]
    output: float


def run_graph(graph: Graph, inputs: Mapping[str, float], dout: float = 1.0) -> GraphResult:
    """Forward through ``graph`` with ``inputs``, then backward from ``dout`` (ch. 5.4).

    Gradients of an edge used by several nodes are summed (the chain rule's branch rule).

    Raises
    ------
    ValueError
        If an input is missing or not a finite number.
    """
    values: dict[str, float] = {}
    for name in graph.inputs:
        if name not in inputs:
            raise ValueError(f"Missing input {name!r}")
        value = float(inputs[name])
        if not np.isfinite(value):
            raise ValueError(f"Input {name!r} must be a finite number, not {value}")
        values[name] = value
    layers = [MulLayer() if node.op == "mul" else AddLayer() for node in graph.nodes]
    for node, layer in zip(graph.nodes, layers, strict=True):
        values[node.output] = layer.forward(*(values[name] for name in node.inputs))
    grads = dict.fromkeys(values, 0.0)
    grads[graph.output] = float(dout)
    for node, layer in zip(reversed(graph.nodes), reversed(layers), strict=True):
        for name, g in zip(node.inputs, layer.backward(grads[node.output]), strict=True):
            grads[name] += g
    return GraphResult(values, grads, values[graph.output])


def numerical_input_gradients(graph: Graph, inputs: Mapping[str, float],
                              h: float = 1e-4) -> dict[str, float]:
    """``∂output/∂input`` for each input by central differences (the ch. 5.7.3 gradient check)."""
    names = graph.inputs

    def f(x: np.ndarray) -> float:
        return run_graph(graph, dict(zip(names, x, strict=True))).output

    grad = numerical_gradient(f, np.array([inputs[n] for n in names], dtype=float), h)
    return {name: float(g) for name, g in zip(names, grad, strict=True)}


#: Ch. 5.4.1 (Fig. 5-16): 2 apples at 100 yen each, with consumption tax 1.1 → 220 yen.
APPLE_GRAPH = Graph(
    "apple",
    ("apple", "apple_num", "tax"),
    (Node("mul", ("apple", "apple_num"), "apple_price"),
     Node("mul", ("apple_price", "tax"), "price")),
    "price",
)

#: Ch. 5.4.2 (Fig. 5-17): 2 apples at 100, 3 oranges at 150, tax 1.1 → 715 yen.
SHOPPING_GRAPH = Graph(
    "apple_orange",
    ("apple", "apple_num", "orange", "orange_num", "tax"),
    (Node("mul", ("apple", "apple_num"), "apple_price"),
     Node("mul", ("orange", "orange_num"), "orange_price"),
     Node("add", ("apple_price", "orange_price"), "all_price"),
     Node("mul", ("all_price", "tax"), "price")),
    "price",
)

#: The book's input values.
BOOK_INPUTS: dict[str, float] = {
    "apple": 100.0, "apple_num": 2.0, "orange": 150.0, "orange_num": 3.0, "tax": 1.1,
}
