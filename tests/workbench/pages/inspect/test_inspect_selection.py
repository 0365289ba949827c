"""Issue 15.10: a confusion-matrix cell the user clicked stays selected when the matrix is
refreshed — during training, and when a new model's matrix replaces the one shown."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.training import Trainer, TrainSettings
from tests.workbench.pages.inspect.inspect_support import (
    idle,
    make_context,
    make_page,
    small_convnet,
    small_data,
    trained_convnet,
)
from tests.workbench.pages.inspect.test_inspect_mistakes import click, gallery_indices
from workbench.concurrency.training import TrainingController
from workbench.pages.inspect.page import MISTAKES


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), MISTAKES)
    yield page
    page.shutdown()


def evaluations(view) -> list:
    """Every Evaluation the view receives from now on."""
    seen = []
    view.jobs.events.connect(lambda events: seen.extend(
        e for e in events if type(e).__name__ == "Evaluation"))
    return seen


def test_a_cell_clicked_on_the_shown_matrix_survives_a_new_models_evaluation(page, qtbot):
    view = page.mistakes
    qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=15000)
    view.draw_now()
    arrived = evaluations(view)
    page.context.set_model(small_convnet(seed=5))  # e.g. a fresh Train: another model
    assert view.result is None  # … whose matrix is being computed; the old one is shown
    click(view.canvas.canvas, view.plot.ax_cm, 3, 5)  # true 5, predicted 3
    assert view.selection == (5, 3)
    qtbot.waitUntil(lambda: bool(arrived) and idle(view), timeout=15000)
    view.draw_now()
    assert view.selection == (5, 3)
    y, p = view.result.labels, view.result.proba.argmax(axis=1)
    assert sorted(gallery_indices(view)) == np.flatnonzero((y == 5) & (p == 3)).tolist()
    assert "True 5, predicted 3" in view.gallery_title.text()


def test_the_selection_stays_through_live_refreshes_while_training(qtbot):
    data = small_data()
    context = make_context(data=data)
    page = make_page(qtbot, context, MISTAKES)
    view = page.mistakes
    controller = TrainingController()
    controller.probed.connect(context.receive_probe)
    model = small_convnet(seed=3)
    trainer = Trainer(model, nn.optimizers.get("adam", lr=1e-3), data.train,
                      settings=TrainSettings(batch_size=10, epochs=40))
    controller.prepared.connect(lambda t: context.set_model(t.model, training=True))
    try:
        controller.start(trainer, probes=context.probes())
        qtbot.waitUntil(lambda: view.result is not None, timeout=60000)
        view.draw_now()
        click(view.canvas.canvas, view.plot.ax_cm, 2, 7)
        arrived = evaluations(view)
        qtbot.waitUntil(lambda: len(arrived) >= 2, timeout=60000)  # two live refreshes
        assert context.training and view.selection == (7, 2)
        view.draw_now()
        assert "True 7, predicted 2" in view.gallery_title.text()
        view.set_combo.setCurrentIndex(1)  # another set: the selection is cleared
        assert view.selection is None
    finally:
        controller.shutdown()
        page.shutdown()
