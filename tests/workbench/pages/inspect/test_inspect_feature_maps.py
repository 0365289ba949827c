"""Inspect → Feature maps: every layer's output for a test image or the drawing."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import nn
from tests.workbench.pages.inspect.inspect_support import (
    idle,
    make_context,
    make_page,
    trained_convnet,
)
from workbench.pages.inspect import feature_maps as fm
from workbench.pages.inspect.page import FEATURE_MAPS


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), FEATURE_MAPS)
    yield page
    page.shutdown()


def shown(view, qtbot, previous=None):
    qtbot.waitUntil(lambda: view.result is not None and view.result is not previous
                    and idle(view), timeout=10000)
    view.draw_now()
    return view.result


def test_every_layer_is_drawn_with_one_map_per_channel(page, qtbot):
    view = page.feature_maps
    result = shown(view, qtbot)
    model = page.context.model
    x = page.context.data.test[0][0]
    outputs = model.capture(x[None])
    assert [r.name for r in result.rows] == [layer.name for layer in model.layers]
    for row in result.rows:
        np.testing.assert_allclose(row.values, outputs[row.name][0], rtol=1e-5, atol=1e-6)
    # input row + 6 layer rows; conv/pool rows are mosaics with one tile per channel, all in
    # one pixel-coordinate axes; the three dense rows have axes of their own
    assert len(view.plot.rows) == len(view.plot.layout) == 7
    assert len(view.plot.fig.axes) == 4
    conv_row = view.plot.rows[1]
    assert conv_row.values.shape == (8, 24, 24)
    data = np.ma.getdata(view.plot.layout[1].image.get_array())
    cols = view.plot.cols[1]
    tiles = [data[r * 25:r * 25 + 24, c * 25:c * 25 + 24]
             for r, c in (divmod(i, cols) for i in range(8))]
    assert all(t.shape == (24, 24) and np.isfinite(t).all() for t in tiles)
    np.testing.assert_allclose(result.proba, model.predict_proba(x[None])[0], rtol=1e-5)
    assert result.proba.sum() == pytest.approx(1.0)
    assert view.input_plot.ax_proba.get_title().startswith("Prediction: ")
    assert f"true class: {page.context.data.test[1][0]}" in view.input_plot.ax_input.get_title()


def test_navigation_hiding_activations_and_readout(page, qtbot):
    view = page.feature_maps
    first = shown(view, qtbot)
    view.next_button.click()
    second = shown(view, qtbot, first)
    assert view.index_spin.value() == 1
    np.testing.assert_array_equal(second.image, page.context.data.test[0][1])
    view.hide_check.setChecked(True)
    view.draw_now()
    assert [r.name for r in view.plot.rows] == ["input", "0.Conv2D", "2.MaxPool2D", "3.Dense",
                                               "5.Dense"]
    x, y = view.plot.to_data(1, 1.0, 26.0)  # second tile, row 1, column 1
    text = view.plot.readout(view.plot.axes[1], x, y)
    assert text.startswith("0.Conv2D: map 1, row 1, column 1 = ")
    assert view.plot.readout(view.plot.axes[1], 1.0, 1.0) == ""  # left of every row
    assert view.plot.readout(view.plot.axes[3], 4.2, 0.0).startswith("3.Dense: unit 4 = ")


def test_drawing_source_and_opening_an_example(page, qtbot):
    view = page.feature_maps
    first = shown(view, qtbot)
    view.source_combo.setCurrentIndex(view.source_combo.findData(fm.DRAWING))
    qtbot.waitUntil(lambda: view.message.isVisible(), timeout=3000)
    assert "Nothing drawn yet" in view.message.text()
    assert not view.index_spin.isEnabled()
    image = np.zeros((28, 28), np.float32)
    image[6:22, 13:15] = 1.0  # a "1"
    page.context.set_drawing(image)
    drawn = shown(view, qtbot, first)
    np.testing.assert_array_equal(drawn.image[0], image)
    assert not view.message.isVisible()
    page._open_example(7, "val")
    assert page.tabs.currentIndex() == FEATURE_MAPS
    example = shown(view, qtbot, drawn)
    np.testing.assert_array_equal(example.image, page.context.data.val[0][7])


def test_the_capture_runs_in_a_worker_thread_on_a_private_copy(qtbot, monkeypatch):
    calls = []
    real = fm.feature_job

    def spy(model, x):
        calls.append((threading.get_ident(), model))
        yield from real(model, x)

    monkeypatch.setattr(fm, "feature_job", spy)
    context = make_context(trained_convnet())
    page = make_page(qtbot, context, FEATURE_MAPS)
    try:
        shown(page.feature_maps, qtbot)
        assert calls and calls[0][0] != threading.get_ident()
        assert calls[0][1] is not context.model  # forward passes write layer caches
    finally:
        page.shutdown()


def test_a_mismatched_model_gets_an_inline_message(qtbot):
    toy = nn.presets.build("multi_layer_net", hidden_sizes=[8], input_shape=(2,), classes=2)
    page = make_page(qtbot, make_context(toy), FEATURE_MAPS)
    try:
        view = page.feature_maps
        qtbot.waitUntil(lambda: view.message.isVisible(), timeout=3000)
        assert "expects inputs of shape 2" in view.message.text()
    finally:
        page.shutdown()
