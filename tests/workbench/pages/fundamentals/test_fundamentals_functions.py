"""Activation, softmax and loss demos: what they plot and tabulate equals the engine's functions."""

from __future__ import annotations

import numpy as np
import pytest

from nn.functions import (
    ACTIVATIONS,
    DERIVATIVES,
    cross_entropy_error,
    mean_squared_error,
    softmax,
)
from workbench.pages.fundamentals.activations import NAMES, ActivationsDemo
from workbench.pages.fundamentals.losses import BOOK_Y2, LossesDemo
from workbench.pages.fundamentals.softmax import OVERFLOW_SCORES, SoftmaxDemo


# ----------------------------------------------------------------------------- activations
@pytest.fixture
def act(qtbot) -> ActivationsDemo:
    w = ActivationsDemo()
    qtbot.addWidget(w)
    return w


def test_every_function_and_derivative_is_plotted_from_the_engine(act):
    act.alpha.setValue(0.01)  # the engine's fixed leaky slope, so DERIVATIVES applies
    for name in NAMES:
        act.checks[name].setChecked(True)
    for name in NAMES:
        x, f = act.lines_f[name].get_data()
        _, d = act.lines_d[name].get_data()
        np.testing.assert_allclose(f, ACTIVATIONS[name](x))
        np.testing.assert_allclose(d, DERIVATIVES[name](x))
        assert x.min() == -5 and x.max() == 5
    labels = [t.get_text() for t in act.ax_f.get_legend().get_texts()]
    assert labels == ["step function", "sigmoid", "tanh", "ReLU", "leaky ReLU", "identity function"]


def test_unticked_functions_disappear_and_the_leaky_slope_applies(act):
    act.checks["step"].setChecked(False)
    assert len(act.lines_f["step"].get_xdata()) == 0
    act.checks["leaky_relu"].setChecked(True)
    act.alpha.setValue(0.2)
    x, f = act.lines_f["leaky_relu"].get_data()
    _, d = act.lines_d["leaky_relu"].get_data()
    np.testing.assert_allclose(f, np.where(x > 0, x, 0.2 * x))
    np.testing.assert_allclose(d, np.where(x > 0, 1.0, 0.2))


def test_numerical_check_sits_on_the_analytic_derivatives(act):
    for name in NAMES:
        act.checks[name].setChecked(True)
    act.numeric.setChecked(True)
    for name in NAMES:
        x, dots = act.dots[name].get_data()
        assert len(x) == 24 and not np.any(x == 0)
        np.testing.assert_allclose(dots, DERIVATIVES[name](x) if name != "leaky_relu" else
                                   np.where(x > 0, 1.0, act.alpha.value()), atol=1e-6)


def test_probe_table_and_range(act):
    act.probe.setValue(-0.5)
    rows = {act.table.item(r, 0).text(): r for r in range(act.table.rowCount())}
    assert set(rows) == {"step function", "sigmoid", "ReLU"}
    r = rows["sigmoid"]
    assert float(act.table.item(r, 1).text()) == pytest.approx(float(ACTIVATIONS["sigmoid"](-0.5)),
                                                               abs=1e-4)
    assert float(act.table.item(r, 2).text()) == pytest.approx(
        float(DERIVATIVES["sigmoid"](-0.5)), abs=1e-4)
    act.span.setValue(2.0)
    assert act.probe.value() == -0.5 and act.probe.maximum == 2.0
    assert act.ax_f.get_xlim() == (-2.0, 2.0)


# --------------------------------------------------------------------------------- softmax
@pytest.fixture
def sm(qtbot) -> SoftmaxDemo:
    w = SoftmaxDemo()
    qtbot.addWidget(w)
    return w


def test_book_example_probabilities(sm):
    np.testing.assert_allclose(sm.stable(), [0.01821127, 0.24519181, 0.73659691], rtol=1e-6)
    np.testing.assert_allclose(sm.naive(), sm.stable())
    assert "Both agree" in sm.result_label.text()


def test_overflow_naive_is_nan_stable_is_finite_and_sums_to_one(sm):
    sm.overflow_button.click()
    np.testing.assert_array_equal(sm.scores, OVERFLOW_SCORES)
    assert np.all(np.isnan(sm.naive()))
    probs = sm.stable()
    assert np.all(np.isfinite(probs)) and probs.sum() == pytest.approx(1.0)
    np.testing.assert_allclose(probs, softmax(np.array(OVERFLOW_SCORES) - 1010.0))
    # table: naive column NaN, stable column the engine's values, sum row 1
    assert [sm.table.item(r, 2).text() for r in range(3)] == ["NaN"] * 3
    shown = [float(sm.table.item(r, 3).text()) for r in range(3)]
    np.testing.assert_allclose(shown, probs, rtol=1e-3)
    assert float(sm.table.item(3, 3).text()) == pytest.approx(1.0)
    # plotted bars: the stable heights equal softmax; the naive ones are marked NaN
    blue = [p for p in sm.ax_out.patches if p.get_facecolor()[3] > 0]
    np.testing.assert_allclose(sorted(p.get_height() for p in blue), sorted(probs))
    assert sum(t.get_text() == "NaN" for t in sm.ax_out.texts) == 3
    assert any("overflows" in t.get_text() for t in sm.ax_in.get_legend().get_texts())
    assert "overflows" in sm.result_label.text()


def test_bad_scores_show_an_inline_message_and_keep_the_last_good_ones(sm):
    sm.scores_edit.setText("1, two, 3")
    assert not sm.error.isHidden() and "“two” is not a number" in sm.error.text()
    np.testing.assert_array_equal(sm.scores, [0.3, 2.9, 4.0])
    sm.scores_edit.setText("5")
    assert "at least 2" in sm.error.text()
    sm.scores_edit.setText("1, 2")
    assert sm.error.isHidden()
    np.testing.assert_allclose(sm.stable(), softmax([1.0, 2.0]))


# ---------------------------------------------------------------------------------- losses
@pytest.fixture
def losses(qtbot) -> LossesDemo:
    w = LossesDemo()
    qtbot.addWidget(w)
    return w


def test_book_examples_give_the_books_losses(losses):
    mse, cee = losses.losses()
    assert mse == pytest.approx(0.0975) and cee == pytest.approx(0.510825457)
    assert losses.mse_value.text() == "0.0975" and losses.cee_value.text() == "0.51083"
    losses.example2.click()
    mse, cee = losses.losses()
    assert mse == pytest.approx(0.5975) and cee == pytest.approx(2.302584093)
    t = np.zeros(10)
    t[2] = 1
    assert mse == mean_squared_error(BOOK_Y2, t) and cee == cross_entropy_error(BOOK_Y2, t)


def test_plots_show_y_t_and_the_current_losses(losses):
    heights = [p.get_height() for p in losses.ax_bars.patches]
    target, y = heights[:10], heights[10:]
    assert target == [0, 0, 1, 0, 0, 0, 0, 0, 0, 0]
    np.testing.assert_allclose(y, losses.y)
    marker = next(line for line in losses.ax_curve.lines if line.get_label().endswith(
        "cross-entropy"))
    assert marker.get_xdata()[0] == 0.6
    assert marker.get_ydata()[0] == pytest.approx(losses.losses()[1])
    curve = losses.ax_curve.lines[0]
    ps, values = curve.get_data()
    np.testing.assert_allclose(values, -np.log(ps + 1e-7))


def test_target_and_length_edits_are_validated(losses):
    losses.y_edit.setText("0.2, 0.8")
    assert losses.target.maximum() == 1 and losses.target.value() == 1
    assert losses.losses()[1] == pytest.approx(-np.log(0.8 + 1e-7))
    losses.y_edit.setText("0.2, oops")
    assert "“oops” is not a number" in losses.error.text()
    losses.y_edit.setText("0.5, 0.9")
    assert not losses.warning.isHidden() and "sum to 1.4" in losses.warning.text()
