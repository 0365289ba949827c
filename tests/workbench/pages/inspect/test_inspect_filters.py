"""Inspect → Filters: filter images per layer and channel, at initialization beside now."""

from __future__ import annotations

import weakref

import numpy as np
import pytest

import nn
from tests.workbench.pages.inspect.inspect_support import make_context, make_page, trained_convnet
from workbench.pages.inspect.filters import filter_layers
from workbench.pages.inspect.page import FILTERS
from workbench.plots.inspect.filter_figure import SIGNED, STRETCHED
from workbench.state.inspect.records import InspectProbe, ProbePayload


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), FILTERS)
    yield page
    page.shutdown()


def drawn(page, qtbot):
    view = page.filters
    qtbot.waitUntil(lambda: len(view.plot.images) > 0, timeout=5000)
    view.draw_now()
    return view


def test_first_conv_layer_shows_every_filter_now_and_at_a_fresh_initialization(page, qtbot):
    view = drawn(page, qtbot)
    assert view.layer_combo.count() == 1 and view.layer_combo.currentData() == 0
    assert not view.channel_combo.isEnabled()  # one input channel: nothing to choose
    assert len(view.plot.panels) == 2
    assert [view.plot.tile_count(i) for i in range(2)] == [8, 8]
    model = page.context.model
    np.testing.assert_allclose(view.plot.panels[1].images,
                               model.named_parameters()["0.W"][:, 0])
    # An opened model's start is unknown: the reference is a fresh initialization, labelled so.
    fresh = nn.Sequential.from_config(model.to_config()).named_parameters()["0.W"][:, 0]
    np.testing.assert_allclose(view.plot.panels[0].images, fresh)
    assert "fresh initialization" in view.plot.panels[0].title
    assert "not recorded" in view.note.text()
    # The shared, signed scale is symmetric around 0.
    lo, hi = view.plot.images[1].get_clim()
    assert lo == pytest.approx(-hi) and hi == pytest.approx(np.abs(model.named_parameters()
                                                                    ["0.W"]).max())


def test_unticking_the_comparison_and_stretching_each_filter(page, qtbot):
    view = drawn(page, qtbot)
    view.compare_check.setChecked(False)
    view.scale_combo.setCurrentIndex(view.scale_combo.findData(STRETCHED))
    view.draw_now()
    assert len(view.plot.panels) == 1 and view.plot.mode == STRETCHED
    data = np.ma.getdata(view.plot.images[0].get_array())
    assert np.nanmin(data) == 0.0 and np.nanmax(data) == 1.0
    assert view.plot.images[0].get_clim() == (0, 1)
    view.scale_combo.setCurrentIndex(view.scale_combo.findData(SIGNED))
    view.draw_now()
    assert view.plot.mode == SIGNED


def test_recorded_initial_weights_replace_the_reference(page, qtbot):
    model = page.context.model
    initial = {k: np.full_like(v, 0.5) for k, v in model.named_parameters().items()}
    page.context.receive_probe("inspect", ProbePayload(weakref.ref(model), 0, initial))
    view = drawn(page, qtbot)
    qtbot.waitUntil(lambda: view.plot.panels[0].title == "At initialization", timeout=3000)
    assert np.all(view.plot.panels[0].images == 0.5)
    assert "recorded just before the first training step" in view.note.text()


def test_deeper_conv_layer_offers_each_channel_and_their_mean(qtbot):
    model = nn.presets.build("deep_convnet", seed=0)
    page = make_page(qtbot, make_context(model), FILTERS)
    try:
        view = page.filters
        assert view.layer_combo.count() == 6
        view.layer_combo.setCurrentIndex(1)  # 2.Conv2D: 16 filters over 16 channels
        assert view.channel_combo.isEnabled() and view.channel_combo.count() == 17
        assert view.channel_combo.currentData() == -1
        view.draw_now()
        w = model.named_parameters()["2.W"]
        np.testing.assert_allclose(view.plot.panels[-1].images, w.mean(axis=1), rtol=1e-6)
        assert view.plot.tile_count(1) == 16
        view.channel_combo.setCurrentIndex(view.channel_combo.findData(3))
        view.draw_now()
        np.testing.assert_array_equal(view.plot.panels[-1].images, w[:, 3])
        z = view.plot._zoom  # 3×3 kernels are drawn enlarged
        assert z > 1
        text = view.plot.readout(view.plot.axes[1], 2.0 * z, 1.0 * z)
        assert text.startswith(f"filter 0, row 1, column 2: weight {w[0, 3, 1, 2]:.4g}")
    finally:
        page.shutdown()


def test_first_dense_layer_filters_and_models_without_filters(qtbot):
    mlp = nn.presets.build("two_layer_net", seed=0)
    assert filter_layers(mlp) == [0]
    page = make_page(qtbot, make_context(mlp), FILTERS)
    try:
        view = page.filters
        view.draw_now()
        assert view.plot.panels[-1].images.shape == (50, 28, 28)
        assert view.plot.tile_count(1) == 50
    finally:
        page.shutdown()
    toy = nn.presets.build("multi_layer_net", hidden_sizes=[8], input_shape=(2,), classes=2)
    assert filter_layers(toy) == []
    data = nn.experiment.prepare_data(nn.experiment.DataConfig(name="moons"))
    page = make_page(qtbot, make_context(toy, data), FILTERS)
    try:
        qtbot.waitUntil(lambda: page.filters.empty.isVisible(), timeout=3000)
        assert not page.filters.canvas.isVisible()
        assert "no Conv2D layer" in page.filters.empty.text()
    finally:
        page.shutdown()


def test_probe_records_weights_before_the_first_step():
    probe = InspectProbe(batch=20)
    data_model = trained_convnet()

    class FakeTrainer:
        model = data_model
        iteration = 0
        train = (np.random.default_rng(0).random((50, 1, 28, 28), dtype=np.float32), None)

    payload = probe(FakeTrainer)
    assert payload.model() is data_model and payload.iteration == 0
    for name, value in data_model.named_parameters().items():
        np.testing.assert_array_equal(payload.initial[name], value)
        assert not np.shares_memory(payload.initial[name], value)
    assert payload.stats.grads == {}
