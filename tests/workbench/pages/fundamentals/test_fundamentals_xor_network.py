"""The XOR network demo: the training generator (synchronously) and the live page (worker)."""

from __future__ import annotations

import threading

import numpy as np
import pytest

from workbench.core.xor_training import (
    BoundaryFrame,
    EpochPoint,
    TrainingEnded,
    XorConfig,
    build_model,
    train_xor,
)
from workbench.pages.fundamentals.xor_network import XorNetworkDemo


def test_generator_learns_xor_and_reports_every_epoch():
    events = list(train_xor(XorConfig(epochs=120, pace=None), frame_interval=0.0))
    points = [e for e in events if isinstance(e, EpochPoint)]
    frames = [e for e in events if isinstance(e, BoundaryFrame)]
    assert [p.epoch for p in points] == list(range(1, 121))
    assert isinstance(events[-1], TrainingEnded) and events[-1].outcome == "finished"
    assert events[-1].accuracy >= 0.97
    assert points[-1].loss < points[0].loss / 5
    assert frames[0].epoch == 0 and frames[-1].epoch == 120
    grid = frames[-1].grid
    assert grid.classes.shape == grid.confidence.shape == (90, 90)
    # the learned boundary is curved: XOR's corners get opposite classes
    assert {int(grid.classes[10, 10]), int(grid.classes[-10, -10])} == {0}
    assert {int(grid.classes[10, -10]), int(grid.classes[-10, 10])} == {1}


def test_generator_stops_when_asked():
    stop = threading.Event()
    events = []
    for event in train_xor(XorConfig(epochs=10_000, pace=None), stop):
        events.append(event)
        if isinstance(event, EpochPoint) and event.epoch == 3:
            stop.set()
    assert events[-1].outcome == "stopped" and events[-1].epoch <= 4


def test_bad_hidden_size_is_rejected():
    with pytest.raises(ValueError, match="hidden"):
        build_model(XorConfig(hidden=0))


@pytest.fixture
def demo(qtbot):
    w = XorNetworkDemo()
    qtbot.addWidget(w)
    yield w
    w.shutdown()


def test_training_runs_in_the_background_and_updates_the_plots(demo, qtbot):
    demo.slow.setChecked(False)
    demo.epochs.setValue(80)
    before = np.array(demo.image.get_array()).copy()
    demo.train_button.click()
    assert demo.running and not demo.train_button.isEnabled()
    assert not demo.data_box.isEnabled()
    qtbot.waitUntil(lambda: demo.outcome is not None and not demo.running, timeout=30000)
    assert demo.outcome.outcome == "finished"
    assert demo.epochs_seen == list(range(1, 81))
    x, y = demo.loss_line.get_data()
    assert len(x) == 80 and y[-1] < y[0]
    assert demo.accuracies[-1] >= 0.95
    assert "Finished after 80 epochs" in demo.status.text()
    after = np.asarray(demo.image.get_array())
    assert after.shape != before.shape or not np.allclose(after, before)
    assert demo.train_button.isEnabled() and demo.data_box.isEnabled()


def test_stop_and_shutdown_end_a_slow_run(demo, qtbot):
    demo.epochs.setValue(5000)
    demo.start_training()
    qtbot.waitUntil(lambda: len(demo.epochs_seen) >= 2, timeout=20000)
    demo.stop_button.click()
    qtbot.waitUntil(lambda: demo.outcome is not None, timeout=10000)
    assert demo.outcome.outcome == "stopped"
    assert demo.outcome.epoch < 5000
    demo.start_training()
    demo.shutdown()
    assert not demo.running


def test_outcomes_and_failures_are_reported(demo):
    demo._on_events([EpochPoint(1, 0.7, 0.5), EpochPoint(2, 0.6, 0.75)])
    assert "Epoch 2 of 300" in demo.status.text() and "75.0%" in demo.status.text()
    demo._on_events([TrainingEnded(2, "diverged", 0.75, "The loss became NaN")])
    assert "Diverged at epoch 2" in demo.status.text()
    assert "The loss became NaN" in demo.error.text()
    demo._on_failed("boom")
    assert not demo.error.isHidden()
    assert "boom" in demo.error.text()


def test_changing_the_data_redraws_the_points(demo):
    first = np.concatenate([s.get_offsets() for s in demo.scatter])
    demo.noise.setValue(0.3)
    second = np.concatenate([s.get_offsets() for s in demo.scatter])
    assert len(first) == len(second) == 200
    assert not np.allclose(first, second)
    demo.points.setValue(100)
    assert sum(len(s.get_offsets()) for s in demo.scatter) == 100
