"""Perceptron, XOR-with-two-layers and XOR-network demos: plotted values against the engine."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nn.perceptron import BOOK_WEIGHTS, INPUTS, TRUTH_TABLES, decision_line, perceptron, two_layer
from workbench.pages.fundamentals.perceptron import PerceptronDemo
from workbench.pages.fundamentals.xor import XorLayersDemo
from workbench.plots.fundamentals.gate_plot import EXTENT


@pytest.fixture
def demo(qtbot) -> PerceptronDemo:
    w = PerceptronDemo()
    qtbot.addWidget(w)
    return w


def select_gate(demo: PerceptronDemo, name: str) -> None:
    demo.gate_combo.setCurrentIndex(demo.gate_combo.findData(name))


def plotted_wrong(demo) -> int:
    return len(demo.gate_axes.wrong.get_offsets())


@pytest.mark.parametrize("gate", ["AND", "NAND", "OR"])
def test_book_weights_compute_each_gate_and_the_plot_agrees(demo, gate):
    select_gate(demo, gate)
    demo.book_button.click()
    w1, w2, b = BOOK_WEIGHTS[gate]
    assert (demo.w1.value(), demo.w2.value(), demo.b.value()) == (w1, w2, b)
    assert demo.correct() == 4 and plotted_wrong(demo) == 0
    table_out = [int(demo.table.item(r, 4).text()) for r in range(4)]
    assert table_out == TRUTH_TABLES[gate].tolist()
    line = demo.gate_axes.lines[0].get_xydata()
    np.testing.assert_allclose(line, decision_line((w1, w2), b, EXTENT))
    np.testing.assert_allclose(line @ np.array([w1, w2]) + b, 0.0, atol=1e-12)
    assert "4 of 4" in demo.result_label.text()
    assert "4 of 4" in demo.ax.get_title()


def test_the_image_shades_exactly_where_the_perceptron_fires(demo):
    demo.set_weights(0.5, -1.0, 0.25)
    image = np.asarray(demo.gate_axes.image.get_array())
    out = perceptron(demo.gate_axes.grid, (0.5, -1.0), 0.25).reshape(image.shape[:2])
    ones, zeros = image[out == 1], image[out == 0]
    assert np.allclose(ones, ones[0]) and np.allclose(zeros, zeros[0])
    assert not np.allclose(ones[0], zeros[0])


def test_xor_single_perceptron_never_separates_all_four_points(demo):
    select_gate(demo, "XOR")
    assert not demo.book_button.isEnabled()
    values = np.linspace(-1.5, 1.5, 7)
    for w1, w2, b in itertools.product(values, values, values):
        demo.set_weights(w1, w2, b)
        correct = demo.correct()
        assert correct <= 3
        assert plotted_wrong(demo) == 4 - correct
        assert "No line can do better than 3 of 4" in demo.result_label.text()


def test_learning_rule_converges_on_or_and_never_on_xor(demo):
    select_gate(demo, "OR")
    demo.learn_button.click()
    assert demo.timer.isActive() and demo.learn_button.text() == "Stop"
    demo.finish_rule()
    assert demo.correct() == 4
    assert "converged" in demo.rule_label.text()
    select_gate(demo, "XOR")
    demo.start_rule()
    demo.finish_rule()
    assert demo.correct() < 4
    assert "never settles" in demo.rule_label.text()
    assert demo.learn_button.text() == "Learn the weights"


def test_moving_a_slider_stops_the_animation(demo, qtbot):
    demo.start_rule()
    demo.w1.setValue(1.0)
    assert not demo.timer.isActive()
    assert demo.rule_label.isHidden()


# ------------------------------------------------------------------------------ XOR layers
@pytest.fixture
def xor_demo(qtbot) -> XorLayersDemo:
    w = XorLayersDemo()
    qtbot.addWidget(w)
    return w


def test_books_two_layers_compute_xor_in_table_and_plots(xor_demo):
    assert xor_demo.layers() == ("NAND", "OR", "AND")
    out = two_layer(INPUTS)
    assert xor_demo.network_output().tolist() == TRUTH_TABLES["XOR"].tolist()
    for row in range(4):
        cells = [float(xor_demo.table.item(row, c).text()) for c in range(6)]
        assert cells == [*INPUTS[row], out.s1[row], out.s2[row], out.y[row],
                         TRUTH_TABLES["XOR"][row]]
    assert "equals XOR" in xor_demo.result_label.text()
    # one line: the best split leaves exactly one point wrong
    assert xor_demo.single_line_best() == 3
    assert len(xor_demo.single.wrong.get_offsets()) == 1
    assert "3 of 4" in xor_demo.ax_single.get_title()
    # the hidden plane shows the points at (s1, s2)
    shown = np.concatenate([p.get_offsets() for p in xor_demo.second.points])
    expected = np.stack([out.s1, out.s2], axis=1)
    assert sorted(map(tuple, shown)) == sorted(map(tuple, expected))
    assert len(xor_demo.first.wrong.get_offsets()) == 0


def test_other_compositions_are_flagged(xor_demo):
    xor_demo.set_layers("AND", "OR", "AND")
    y = two_layer(INPUTS, "AND", "OR", "AND").y
    assert xor_demo.network_output().tolist() == y.tolist()
    wrong = int(np.sum(y != TRUTH_TABLES["XOR"]))
    assert f"differs from XOR on {wrong} of 4" in xor_demo.result_label.text()
    assert len(xor_demo.first.wrong.get_offsets()) == wrong
    xor_demo.book_button.click()
    assert xor_demo.layers() == ("NAND", "OR", "AND")
