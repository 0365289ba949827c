"""Inspect → Gradient check: backprop against numerical differentiation, progress, cancel."""

from __future__ import annotations

import pytest

import nn
from nn.gradcheck import GradCheckResult
from tests.workbench.pages.inspect.inspect_support import make_context, make_page, trained_convnet
from workbench.pages.inspect.page import GRADCHECK
from workbench.plots.inspect.gradcheck_figure import duration, verdict


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), GRADCHECK)
    yield page
    page.shutdown()


def test_nothing_runs_until_asked(page, qtbot):
    view = page.gradcheck
    qtbot.wait(200)
    assert view.result is None and not view.jobs.running
    assert "Run gradient check" in view.summary.text()
    assert view.table.rowCount() == 0


def test_check_reports_each_array_the_times_and_the_speed_ratio(page, qtbot):
    view = page.gradcheck
    view.samples_spin.setValue(2)
    view.entries_spin.setValue(6)
    progress = []
    view.jobs.events.connect(lambda events: progress.extend(
        e for e in events if type(e).__name__ == "Progress"))
    view.run_button.click()
    qtbot.waitUntil(lambda: view.result is not None, timeout=30000)
    r = view.result
    assert isinstance(r, GradCheckResult)
    names = list(page.context.model.named_parameters())
    assert [c.name for c in r.checks] == names
    assert view.table.rowCount() == len(names)
    for row, c in enumerate(r.checks):
        assert c.checked == min(6, c.size)
        assert c.relative_error < 1e-5  # float64: backprop is right
        assert view.table.item(row, 0).text() == c.name
        assert view.table.item(row, 3).text() == f"{c.relative_error:.2e}"
    assert progress and progress[-1].done == progress[-1].total == sum(c.checked
                                                                      for c in r.checks)
    assert r.numerical_seconds_full > r.numerical_seconds > 0 < r.backprop_seconds
    assert r.speedup > 100
    assert f"{r.speedup:,.0f}× faster" in view.summary.text()
    assert len(view.plot.ax_err.patches) == len(names)
    assert len(view.plot.ax_time.patches) == 3
    qtbot.waitUntil(lambda: view.run_button.isEnabled(), timeout=3000)


def test_cancel_stops_a_long_check(qtbot):
    page = make_page(qtbot, make_context(nn.presets.build("deep_convnet", seed=0)), GRADCHECK)
    try:
        view = page.gradcheck
        view.entries_spin.setValue(100_000)
        view.run()
        qtbot.waitUntil(lambda: view.job_status.bar.isVisible(), timeout=5000)
        qtbot.waitUntil(lambda: view.job_status.bar.value() > 0, timeout=30000)
        view.job_status.cancel_button.click()
        qtbot.waitUntil(lambda: not view.jobs.running, timeout=10000)
        assert view.result is None
        assert "Cancelled" in view.summary.text()
        assert view.run_button.isEnabled()
    finally:
        page.shutdown()


def test_verdicts_and_durations():
    assert [verdict(e) for e in (1e-9, 1e-6, 1e-3)] == ["good", "fair", "bad"]
    assert duration(2e-4) == "200 µs" and duration(0.0731) == "73.1 ms"
    assert duration(12.3) == "12.3 s" and duration(900) == "15 min"
    assert duration(9000) == "2.5 h" and duration(3 * 86400) == "3.0 days"
