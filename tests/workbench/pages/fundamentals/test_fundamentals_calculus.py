"""Derivative, gradient-descent and backpropagation demos against the engine."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent

from nn.calculus import FUNCTIONS_1D, FUNCTIONS_2D, difference_errors
from nn.functions import gradient_descent, numerical_diff
from nn.graph import APPLE_GRAPH, SHOPPING_GRAPH, run_graph
from workbench.pages.fundamentals.backprop import BackpropDemo
from workbench.pages.fundamentals.derivative import SWEEP, DerivativeDemo
from workbench.pages.fundamentals.descent import TOO_LARGE, TOO_SMALL, DescentDemo


# ------------------------------------------------------------------------------ derivative
@pytest.fixture
def deriv(qtbot) -> DerivativeDemo:
    w = DerivativeDemo()
    qtbot.addWidget(w)
    return w


def table_error(demo, row: int) -> float:
    return float(demo.table.item(row, 2).text())


def test_book_example_central_beats_forward(deriv):
    assert deriv.function.currentData() == "function_1"
    assert deriv.x.value() == 5.0 and deriv.h.value() == 1e-4
    f = FUNCTIONS_1D["function_1"].f
    assert float(deriv.table.item(0, 1).text()) == pytest.approx(0.2)
    assert float(deriv.table.item(1, 1).text()) == pytest.approx(
        numerical_diff(f, 5.0, 1e-4, "forward"), rel=1e-9)
    assert float(deriv.table.item(2, 1).text()) == pytest.approx(
        numerical_diff(f, 5.0, 1e-4, "central"), rel=1e-9)
    assert table_error(deriv, 2) < table_error(deriv, 1)
    assert "more accurate" in deriv.result_label.text()


@pytest.mark.parametrize("h", [1e-6, 1e-4, 1e-3, 1e-2])
def test_central_beats_forward_on_sin_and_the_curves_are_the_engines(deriv, h):
    deriv.function.setCurrentIndex(deriv.function.findData("sin"))
    deriv.h.setValue(h)
    assert table_error(deriv, 2) < table_error(deriv, 1)
    sweep = difference_errors(FUNCTIONS_1D["sin"], 1.0, SWEEP)
    fwd, cen = deriv.ax_err.lines[0].get_ydata(), deriv.ax_err.lines[1].get_ydata()
    np.testing.assert_allclose(fwd, np.maximum(sweep.forward_error, 1e-17))
    np.testing.assert_allclose(cen, np.maximum(sweep.central_error, 1e-17))
    assert deriv.ax_err.lines[2].get_xdata()[0] == h  # the marker of the current step


def test_switching_function_moves_x_to_its_point(deriv):
    deriv.function.setCurrentIndex(deriv.function.findData("exp"))
    assert deriv.x.value() == FUNCTIONS_1D["exp"].x0
    assert float(deriv.table.item(0, 1).text()) == pytest.approx(np.e, rel=1e-9)


# ------------------------------------------------------------------------- gradient descent
@pytest.fixture
def descent(qtbot) -> DescentDemo:
    w = DescentDemo()
    qtbot.addWidget(w)
    w.resize(1000, 800)
    return w


def path_line(demo, label_start: str):
    return next(line for line in demo.ax.lines if line.get_label().startswith(label_start))


def test_plotted_path_is_the_engines_gradient_descent(descent):
    fn = FUNCTIONS_2D["function_2"]
    expected = gradient_descent(fn.f, (-3.0, 4.0), lr=0.1, steps=20)
    line = path_line(descent, "η = 0.1")
    np.testing.assert_allclose(line.get_xydata(), expected)
    assert descent.run().regime == "good"
    assert "about right" in descent.regime_label.text()


def test_small_right_and_large_rates_in_one_view(descent):
    labels = [line.get_label() for line in descent.ax.lines]
    assert f"η = {TOO_SMALL} (too small)" in labels and f"η = {TOO_LARGE} (too large)" in labels
    values = {line.get_label(): line.get_ydata() for line in descent.ax_f.lines}
    right, small = values["η = 0.1"], values[f"η = {TOO_SMALL} (too small)"]
    large = values[f"η = {TOO_LARGE} (too large)"]
    assert right[-1] < 1e-2 * right[0]  # converges
    assert 0.1 * small[0] < small[-1] < small[0]  # crawls
    assert large[-1] > large[0]  # diverges
    for lr, regime, words in ((1e-3, "too_small", "too small"), (0.97, "oscillating",
                                                                  "overshoots"),
                              (10.0, "diverging", "diverges")):
        descent.lr.setValue(lr)
        assert descent.run().regime == regime
        assert words in descent.regime_label.text()
    descent.references.setChecked(False)
    assert len(descent.ax_f.lines) == 1


def test_gradient_field_arrows_point_downhill(descent):
    quiver = descent.ax.collections[-1]
    offsets, u, v = quiver.get_offsets(), quiver.U, quiver.V
    np.testing.assert_allclose(u, -2 * offsets[:, 0], atol=1e-6)
    np.testing.assert_allclose(v, -2 * offsets[:, 1], atol=1e-6)
    descent.field.setChecked(False)
    assert not any(type(c).__name__ == "Quiver" for c in descent.ax.collections)


def test_clicking_the_plot_moves_the_start(descent):
    descent.canvas.canvas.draw()
    x, y = descent.ax.transData.transform((1.5, -2.0))
    event = MouseEvent("button_press_event", descent.canvas.canvas, x, y, button=1)
    descent.canvas.canvas.callbacks.process("button_press_event", event)
    assert descent.start() == pytest.approx((1.5, -2.0), abs=0.02)
    np.testing.assert_allclose(path_line(descent, "η = 0.1").get_xydata()[0], descent.start())
    descent.book_start.click()
    assert descent.start() == (-3.0, 4.0)


def test_elongated_valley_uses_its_book_start(descent):
    descent.function.setCurrentIndex(descent.function.findData("elongated"))
    assert descent.start() == (-7.0, 2.0)
    assert descent.ax.get_xlim() == (-10.0, 10.0)


# -------------------------------------------------------------------------- backpropagation
@pytest.fixture
def backprop(qtbot) -> BackpropDemo:
    w = BackpropDemo()
    qtbot.addWidget(w)
    return w


def drawn_texts(demo) -> list[str]:
    return [t.get_text() for t in demo.ax.texts]


def test_book_shopping_graph_values_and_gradients(backprop):
    result = backprop.result()
    assert result.output == pytest.approx(715.0)
    expected = {"apple": 2.2, "apple_num": 110, "orange": 3.3, "orange_num": 165, "tax": 650}
    for row, (name, grad) in enumerate(expected.items()):
        assert result.grads[name] == pytest.approx(grad)
        assert float(backprop.table.item(row, 2).text()) == pytest.approx(grad)
        assert float(backprop.table.item(row, 3).text()) == pytest.approx(grad, rel=1e-6)
    texts = drawn_texts(backprop)
    for value in ("715", "650", "200", "450", "2.2", "110", "3.3", "165", "1.1"):
        assert value in texts, value
    assert "agree" in backprop.result_label.text() and "715" in backprop.result_label.text()


def test_edited_inputs_propagate_forward_and_backward(backprop):
    backprop.spins["apple_num"].setValue(5)
    backprop.dout.setValue(2.0)
    inputs = {"apple": 100.0, "apple_num": 5.0, "orange": 150.0, "orange_num": 3.0, "tax": 1.1}
    expected = run_graph(SHOPPING_GRAPH, inputs, 2.0)
    assert backprop.result().output == pytest.approx(1045.0)
    assert backprop.result().grads == pytest.approx(expected.grads)
    assert "1045" in drawn_texts(backprop)
    assert float(backprop.table.item(0, 2).text()) == pytest.approx(1.1 * 5 * 2)  # tax·count·dout
    backprop.book_button.click()
    assert backprop.result().output == pytest.approx(715.0)


def test_apple_only_graph_and_pass_toggles(backprop):
    backprop.graph_combo.setCurrentIndex(backprop.graph_combo.findData(APPLE_GRAPH.name))
    assert not backprop.spins["orange"].isEnabled()
    assert backprop.table.rowCount() == 3
    assert backprop.result().output == pytest.approx(220.0)
    assert [float(backprop.table.item(r, 2).text()) for r in range(3)] == pytest.approx(
        [2.2, 110, 200])
    backprop.show_backward.setChecked(False)
    texts = drawn_texts(backprop)
    assert "220" in texts and "110" not in texts
