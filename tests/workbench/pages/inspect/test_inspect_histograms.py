"""Inspect → Histograms: activations, weights and gradients per layer; the training probe;
gradient norms and dead ReLUs over time."""

from __future__ import annotations

import math
import weakref

import numpy as np
import pytest

import nn
from nn.inspect import layer_stats
from nn.training import Trainer, TrainSettings
from tests.workbench.pages.inspect.inspect_support import (
    idle,
    make_context,
    make_page,
    small_convnet,
    small_data,
    trained_convnet,
)
from workbench.pages.inspect import histograms as hv
from workbench.pages.inspect.page import HISTOGRAMS
from workbench.state.inspect.records import (
    PROBE_BATCH,
    InspectProbe,
    ModelRecord,
    ProbePayload,
    fixed_batch,
)


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), HISTOGRAMS)
    yield page
    page.shutdown()


def computed(view, qtbot):
    qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=10000)
    view.draw_now()
    return view


def set_mode(view, mode):
    view.mode_combo.setCurrentIndex(view.mode_combo.findData(mode))
    view.draw_now()


def test_activation_histograms_count_every_activation_of_the_batch(page, qtbot):
    view = computed(page.histograms, qtbot)
    model = page.context.model
    x = page.context.data.train[0][fixed_batch(len(page.context.data.train[0]), PROBE_BATCH)]
    outputs = model.capture(x)
    panels = view.plot.panels
    assert [p.title.split("\n")[0] for p in panels] == [
        "1.ReLU — now", "4.ReLU — now", "1.ReLU — fresh initialization",
        "4.ReLU — fresh initialization"]
    assert view.plot._cols == 2  # one row now, one row at the start
    fresh = nn.Sequential.from_config(model.to_config())
    start_outputs = fresh.capture(x)
    for panel, name in zip(panels[2:], ["1.ReLU", "4.ReLU"], strict=True):
        zeros = int(np.count_nonzero(start_outputs[name] == 0))
        assert panel.counts.sum() == start_outputs[name].size - zeros
    view.compare_check.setChecked(False)
    view.draw_now()
    panels = view.plot.panels
    assert [p.title.split("\n")[0] for p in panels] == ["1.ReLU", "4.ReLU"]
    stats = view.result.stats
    for panel, (name, h) in zip(panels, stats.activations.items(), strict=True):
        total = outputs[name].size
        zeros = int(np.count_nonzero(outputs[name] == 0))
        assert h.counts.sum() == total and h.zeros == zeros and len(h.counts) == 30
        # zeros are left out of the drawing by default, and said so in the title
        assert panel.counts.sum() == total - zeros
        assert "zeros (not drawn)" in panel.title
        bars = view.plot.bars[panels.index(panel)]
        assert bars.get_data().values.sum() == total - zeros
    view.zeros_check.setChecked(False)
    view.draw_now()
    for panel, name in zip(view.plot.panels, stats.activations, strict=True):
        assert panel.counts.sum() == outputs[name].size
        assert view.plot.bars[view.plot.panels.index(panel)].get_data().values.sum() == \
            outputs[name].size


def test_weight_and_gradient_histograms_overlay_the_start_on_the_same_bins(page, qtbot):
    view = computed(page.histograms, qtbot)
    model = page.context.model
    set_mode(view, hv.WEIGHTS)
    panels = view.plot.panels
    assert [p.title.split("\n")[0] for p in panels] == ["0.W", "3.W", "5.W"]
    fresh = nn.Sequential.from_config(model.to_config()).named_parameters()
    for panel, name in zip(panels, ["0.W", "3.W", "5.W"], strict=True):
        w = model.named_parameters()[name]
        assert panel.counts.sum() == w.size and panel.reference.sum() == w.size
        expected, _ = np.histogram(fresh[name], bins=panel.edges)
        np.testing.assert_array_equal(panel.reference, expected)
    assert view.plot.outlines[0].get_label() == "fresh initialization"
    set_mode(view, hv.GRADIENTS)
    x, y = page.context.data.train
    idx = fixed_batch(len(x), PROBE_BATCH)
    twin = model.copy()
    twin.loss_and_grads(x[idx], y[idx])
    for panel, name in zip(view.plot.panels, ["0.W", "3.W", "5.W"], strict=True):
        g = twin.named_grads()[name]
        assert panel.counts.sum() == g.size
        expected, _ = np.histogram(g, bins=panel.edges)
        np.testing.assert_array_equal(panel.counts, expected)
    view.compare_check.setChecked(False)
    view.draw_now()
    assert all(p.reference is None for p in view.plot.panels)


def test_probe_measures_live_statistics_with_the_start_as_reference():
    data = small_data()
    model = small_convnet()
    trainer = Trainer(model, nn.optimizers.get("adam", lr=1e-3), data.train,
                      settings=TrainSettings(batch_size=50, epochs=1))
    probe = InspectProbe(batch=40, budget=1.0)
    first = probe(trainer)
    assert first.initial is not None and first.stats.grads == {}
    assert first.stats.batch_size == 40
    events = trainer.run()
    for _ in range(3):
        next(events)
    probe._last = -math.inf  # as if the interval had passed
    later = probe(trainer)
    assert later.initial is None and later.iteration == 3
    stats = later.stats
    assert set(stats.grads) == {"0.W", "3.W", "5.W"} == set(stats.grads_start)
    assert set(stats.weights_start) == {"0.W", "3.W", "5.W"}
    w0 = first.initial["3.W"]
    expected, _ = np.histogram(w0, bins=stats.weights["3.W"].edges)
    np.testing.assert_array_equal(stats.weights_start["3.W"].counts, expected)
    assert stats.grad_norms.keys() == {"0.Conv2D", "3.Dense", "5.Dense"}
    assert set(stats.dead) == {"1.ReLU", "4.ReLU"}
    # the budgets: right after a call the histograms are skipped, the cheap gradient norms
    # and dead fractions are measured (issue 15.9) until their own budget is spent too
    probe.budget, probe.dynamics_budget = 1e-9, 1e-9
    cheap = probe(trainer)
    assert cheap.stats is None and cheap.dynamics.iteration == 3
    assert cheap.dynamics.grad_norms == stats.grad_norms and cheap.dynamics.dead == stats.dead
    assert probe(trainer) is None


def test_probe_reports_failures_instead_of_raising():
    class Broken:
        model = small_convnet()
        iteration = 0
        train = (np.zeros((5, 3)), None)  # wrong input shape

    payload = InspectProbe()(Broken)
    assert payload.error and "expects" in payload.error
    record = ModelRecord()
    record.add(payload)
    assert record.error == payload.error and record.latest is None


def test_live_statistics_during_training_and_the_dynamics_plot(page, qtbot):
    view = page.histograms
    model = small_convnet(seed=1)
    context = page.context
    context.set_model(model, training=True)
    x = context.data.train[0][:PROBE_BATCH]
    payloads = []
    for it in (0, 5, 10):
        if it:
            model.loss_and_grads(context.data.train[0][:50], context.data.train[1][:50])
        stats = layer_stats(model, x, grads=it > 0, iteration=it)
        initial = ({k: v.copy() for k, v in model.named_parameters().items()}
                   if it == 0 else None)
        payloads.append(ProbePayload(weakref.ref(model), it, initial, stats))
        context.receive_probe("inspect", payloads[-1])
    view.draw_now()
    assert view.plot.panels[2].title.startswith("1.ReLU — at initialization")
    assert view.status.text().startswith("Outputs of each activation layer")
    assert "Live at iteration 10" in view.status.text()
    assert view.plot.panels[0].counts.sum() + payloads[-1].stats.activations["1.ReLU"].zeros \
        == payloads[-1].stats.activations["1.ReLU"].total
    set_mode(view, hv.DYNAMICS)
    history = page.source.record().history
    assert history.iterations == [0, 5, 10]  # dead units are measured at initialization too
    assert math.isnan(history.grad_norms["0.Conv2D"][0])  # no gradient before the first step
    lines = view.dynamics.lines
    np.testing.assert_array_equal(lines[("norm", "0.Conv2D")].get_xdata(), [0, 5, 10])
    assert lines[("norm", "0.Conv2D")].get_ydata()[-1] == pytest.approx(
        payloads[-1].stats.grad_norms["0.Conv2D"])
    assert set(k for k in lines if k[0] == "dead") == {("dead", "1.ReLU"), ("dead", "4.ReLU")}
    assert "3 measurements" in view.status.text()
    # A payload for another model is filed under that model, not shown here.
    other = small_convnet(seed=2)
    stats = layer_stats(other, x, grads=False)
    context.receive_probe("inspect", ProbePayload(weakref.ref(other), 0, None, stats))
    assert page.source.record().history.iterations == [0, 5, 10]
    assert page.source.record(other).history.iterations == [0]
    context.set_model(model, training=False)
