"""The apple-shopping computational graph of ch. 5.1–5.4: forward values and backward gradients."""

from __future__ import annotations

import pytest

from nn.graph import (
    APPLE_GRAPH,
    BOOK_INPUTS,
    SHOPPING_GRAPH,
    AddLayer,
    Graph,
    MulLayer,
    Node,
    numerical_input_gradients,
    run_graph,
)


def test_mul_and_add_layers_follow_the_chain_rule():
    mul = MulLayer()
    assert mul.forward(3.0, 4.0) == 12.0
    assert mul.backward(2.0) == (8.0, 6.0)
    add = AddLayer()
    assert add.forward(3.0, 4.0) == 7.0
    assert add.backward(2.5) == (2.5, 2.5)


def test_apple_graph_matches_fig_5_16():
    r = run_graph(APPLE_GRAPH, BOOK_INPUTS)
    assert r.output == pytest.approx(220.0)
    assert r.grads["apple"] == pytest.approx(2.2)
    assert r.grads["apple_num"] == pytest.approx(110.0)
    assert r.grads["tax"] == pytest.approx(200.0)
    assert r.grads["apple_price"] == pytest.approx(1.1)


def test_shopping_graph_matches_fig_5_17():
    r = run_graph(SHOPPING_GRAPH, BOOK_INPUTS)
    assert r.output == pytest.approx(715.0)
    assert r.values["apple_price"] == 200.0
    assert r.values["orange_price"] == 450.0
    assert r.values["all_price"] == 650.0
    expected = {"apple": 2.2, "apple_num": 110.0, "orange": 3.3, "orange_num": 165.0,
                "tax": 650.0, "apple_price": 1.1, "orange_price": 1.1, "all_price": 1.1,
                "price": 1.0}
    for name, grad in expected.items():
        assert r.grads[name] == pytest.approx(grad), name


def test_backward_agrees_with_numerical_gradients_for_other_inputs():
    inputs = {"apple": 80.0, "apple_num": 5.0, "orange": 120.0, "orange_num": 1.0, "tax": 1.08}
    r = run_graph(SHOPPING_GRAPH, inputs, dout=2.0)
    numeric = numerical_input_gradients(SHOPPING_GRAPH, inputs)
    for name in SHOPPING_GRAPH.inputs:
        assert r.grads[name] == pytest.approx(2.0 * numeric[name], rel=1e-6), name


def test_gradients_of_a_shared_edge_are_summed():
    square = Graph("square", ("x",), (Node("mul", ("x", "x"), "y"),), "y")
    assert run_graph(square, {"x": 3.0}).grads["x"] == pytest.approx(6.0)


def test_bad_graphs_and_inputs_are_rejected():
    with pytest.raises(ValueError, match="Missing input"):
        run_graph(APPLE_GRAPH, {"apple": 1.0})
    with pytest.raises(ValueError, match="finite"):
        run_graph(APPLE_GRAPH, {"apple": float("nan"), "apple_num": 1, "tax": 1})
    with pytest.raises(ValueError, match="before they are computed"):
        Graph("bad", ("a",), (Node("mul", ("a", "b"), "c"),), "c")
    with pytest.raises(ValueError, match="Unknown operation"):
        Graph("bad", ("a", "b"), (Node("div", ("a", "b"), "c"),), "c")
