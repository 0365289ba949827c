"""The Inspect page: empty state, model changes, live training, data loading, shutdown."""

from __future__ import annotations

import numpy as np

import nn
from tests.workbench.pages.inspect.inspect_support import (
    idle,
    make_context,
    make_page,
    small_convnet,
    small_data,
    trained_convnet,
)
from workbench.concurrency.training import TrainingController
from workbench.core.i18n import tr
from workbench.core.training_events import Probe
from workbench.pages.inspect.page import FILTERS, HISTOGRAMS, MISTAKES
from workbench.shell.context import AppContext
from workbench.state.inspect.records import PROBE_NAME, InspectProbe
from workbench.state.setup import TrainingSetup


def test_empty_state_until_there_is_a_model(qtbot):
    context = AppContext()
    page = make_page(qtbot, context)
    try:
        assert page.stack.currentWidget() is page.empty
        assert "Train a model on Build & Train" in page.empty.body.text()
        assert "File → Open model" in page.empty.body.text()
        with qtbot.waitSignal(context.pageRequested) as asked:
            page.empty.button.click()
        assert asked.args == ["train"]
        context.set_model(trained_convnet())
        assert page.stack.currentWidget() is page.tabs
        assert "simple_convnet" in page.header.text() and "not training" in page.header.text()
        context.set_model(None)
        assert page.stack.currentWidget() is page.empty
    finally:
        page.shutdown()


def test_every_visible_string_is_translated_on_language_change(qtbot, monkeypatch):
    page = make_page(qtbot, make_context(trained_convnet()))
    try:
        from workbench.core import i18n

        monkeypatch.setitem(i18n._state, "catalog", {"Filters": "滤波器", "Mistakes": "错误"})
        i18n.language_changed.emit()
        assert page.tabs.tabText(FILTERS) == "滤波器" and page.tabs.tabText(MISTAKES) == "错误"
        monkeypatch.setitem(i18n._state, "catalog", {})
        i18n.language_changed.emit()
        assert page.tabs.tabText(FILTERS) == tr("Filters")
    finally:
        page.shutdown()


def test_data_is_loaded_in_the_background_when_no_page_has_it(qtbot):
    context = AppContext(TrainingSetup())
    context.set_model(trained_convnet())
    assert context.data is None
    page = make_page(qtbot, context, MISTAKES)
    try:
        view = page.mistakes
        qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=30000)
        assert view.result.cm.sum() == 2000  # the embedded digits' test set
    finally:
        page.shutdown()


def test_live_training_records_the_start_and_follows_snapshots(qtbot):
    data = small_data()
    context = make_context(data=data)
    page = make_page(qtbot, context, HISTOGRAMS)
    controller = TrainingController()
    controller.probed.connect(context.receive_probe)
    model = small_convnet(seed=3)
    start = {k: v.copy() for k, v in model.named_parameters().items()}
    trainer = nn.training.Trainer(model, nn.optimizers.get("adam", lr=1e-3), data.train,
                                  settings=nn.training.TrainSettings(batch_size=50, epochs=2))
    try:
        assert any(p.name == PROBE_NAME for p in context.probes())
        # The page's probe skips calls to stay within a time budget, so how many it records
        # depends on the machine's speed; without the budget it runs at every forced point
        # (start, each epoch end, finish), which is what this test checks.
        context.add_probe(Probe(PROBE_NAME, InspectProbe(budget=float("inf")), 0.0))
        controller.prepared.connect(lambda t: context.set_model(t.model, training=True))
        controller.finished.connect(lambda _e: context.set_model(model, training=False))
        with qtbot.waitSignal(controller.finished, timeout=60000):
            controller.start(trainer, probes=context.probes())
        record = page.source.record(model)
        for name, value in start.items():  # recorded before the first step
            np.testing.assert_array_equal(record.initial[name], value)
        assert record.latest is not None and len(record.history) >= 2
        assert record.history.iterations[0] == 0
        assert not context.training and page.source.model is model
        view = page.histograms  # once training ends, the view measures the final model
        qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=15000)
        page.tabs.setCurrentIndex(FILTERS)
        page.filters.draw_now()
        assert page.filters.plot.panels[0].title == "At initialization"
        np.testing.assert_array_equal(page.filters.plot.panels[0].images, start["0.W"][:, 0])
    finally:
        controller.shutdown()
        page.shutdown()


def test_shutdown_stops_jobs_and_removes_the_probe(qtbot):
    context = make_context(nn.presets.build("deep_convnet", seed=0))
    page = make_page(qtbot, context, MISTAKES)
    qtbot.waitUntil(lambda: page.mistakes.jobs.running, timeout=5000)
    page.shutdown()
    assert not any(view.jobs.running for view in page.views)
    assert all(p.name != PROBE_NAME for p in context.probes())


def test_figures_follow_a_light_dark_palette_change(qtbot):
    from matplotlib.colors import to_hex
    from PySide6.QtGui import QColor, QPalette
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    original = QPalette(app.palette())
    page = make_page(qtbot, make_context(trained_convnet()), FILTERS)
    try:
        page.filters.draw_now()
        dark = QPalette(original)
        for role, color in ((QPalette.ColorRole.Window, "#202124"),
                            (QPalette.ColorRole.Base, "#17181a"),
                            (QPalette.ColorRole.Text, "#e8e8e8"),
                            (QPalette.ColorRole.WindowText, "#e8e8e8")):
            dark.setColor(role, QColor(color))
        app.setPalette(dark)
        qtbot.waitUntil(lambda: page.filters.plot.colors["window"] == "#202124", timeout=3000)
        page.filters.draw_now()
        assert to_hex(page.filters.plot.fig.get_facecolor()) == "#202124"
        assert to_hex(page.filters.plot.axes[0].title.get_color()) == "#e8e8e8"
        assert page.histograms.dynamics.colors["text"] == "#e8e8e8"
    finally:
        app.setPalette(original)
        page.shutdown()


def test_deep_convnet_work_runs_off_the_gui_thread_which_keeps_ticking(qtbot, monkeypatch):
    import threading
    import time

    from PySide6.QtCore import QTimer

    from workbench.pages.inspect import mistakes

    threads = []
    real = mistakes.evaluate_job

    def spy(*args):
        threads.append(threading.get_ident())
        yield from real(*args)

    monkeypatch.setattr(mistakes, "evaluate_job", spy)
    ticks = []
    timer = QTimer()
    timer.setInterval(20)
    timer.timeout.connect(lambda: ticks.append(time.perf_counter()))
    timer.start()
    page = make_page(qtbot, make_context(nn.presets.build("deep_convnet", seed=0)), MISTAKES)
    try:
        view = page.mistakes
        qtbot.waitUntil(lambda: view.jobs.running, timeout=5000)
        started = time.perf_counter()
        qtbot.waitUntil(lambda: view.result is not None, timeout=60000)
        during = [t for t in ticks if t > started]
        assert threads and threads[0] != threading.get_ident()
        assert len(during) >= 3  # the event loop kept running while the network worked
        assert view.result.cm.sum() == 500
    finally:
        timer.stop()
        page.shutdown()
