"""Inspect → Mistakes: confusion matrix, per-class accuracy and the gallery of mistakes."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backend_bases import MouseEvent
from PySide6.QtCore import Qt

from nn.inspect import Progress, confusion_matrix
from tests.workbench.pages.inspect.inspect_support import (
    idle,
    make_context,
    make_page,
    trained_convnet,
)
from workbench.pages.inspect import mistakes as mv
from workbench.pages.inspect.page import FEATURE_MAPS, MISTAKES


@pytest.fixture
def page(qtbot):
    page = make_page(qtbot, make_context(trained_convnet()), MISTAKES)
    yield page
    page.shutdown()


def evaluated(view, qtbot):
    qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=15000)
    view.draw_now()
    return view.result


def gallery_indices(view) -> list[int]:
    g = view.gallery
    return [int(g.item(i).data(Qt.ItemDataRole.UserRole)) for i in range(g.count())]


def click(canvas, ax, x, y):
    canvas.draw()
    px, py = ax.transData.transform((x, y))
    MouseEvent("button_press_event", canvas, px, py, button=1)._process()


def test_confusion_matrix_sums_to_the_test_set_and_gallery_lists_only_mistakes(page, qtbot):
    view = page.mistakes
    result = evaluated(view, qtbot)
    x, y = page.context.data.test
    pred = page.context.model.predict(x)
    assert result.cm.sum() == len(y) == 500
    np.testing.assert_array_equal(result.cm, confusion_matrix(y, pred, 10))
    wrong = np.flatnonzero(pred != y)
    assert 0 < len(wrong) < 250
    shown = gallery_indices(view)
    assert sorted(shown) == sorted(wrong.tolist())  # every mistake, and only mistakes
    assert all(pred[i] != y[i] for i in shown)
    conf = result.proba[shown, pred[shown]]
    assert np.all(np.diff(conf) <= 1e-12)  # most confident first
    first = view.gallery.item(0)
    assert first.text().startswith(f"{y[shown[0]]} → {pred[shown[0]]}")
    assert f"All {len(wrong)} mistakes" in view.gallery_title.text()
    assert f"{1 - len(wrong) / 500:.2%}" in view.summary.text()
    # per-class accuracy bars
    bars = view.plot.ax_acc.patches
    expected = np.diag(result.cm) / result.cm.sum(axis=1)
    np.testing.assert_allclose([b.get_width() for b in bars], expected)


def test_clicking_a_cell_shows_its_examples(page, qtbot):
    view = page.mistakes
    result = evaluated(view, qtbot)
    cm = result.cm.copy()
    np.fill_diagonal(cm, 0)
    true, pred = np.unravel_index(int(cm.argmax()), cm.shape)
    click(view.canvas.canvas, view.plot.ax_cm, pred, true)
    assert view.selection == (true, pred)
    view.draw_now()
    shown = gallery_indices(view)
    y = result.labels
    p = result.proba.argmax(axis=1)
    assert len(shown) == cm[true, pred]
    assert all(y[i] == true and p[i] == pred for i in shown)
    # a diagonal cell lists the correct ones
    click(view.canvas.canvas, view.plot.ax_cm, 3, 3)
    view.draw_now()
    shown = gallery_indices(view)
    assert len(shown) == result.cm[3, 3] and all(y[i] == 3 == p[i] for i in shown)
    # a bar lists that class's mistakes; the button clears the selection
    click(view.canvas.canvas, view.plot.ax_acc, 0.9, 2)
    view.draw_now()
    assert view.selection == (2, None)
    assert sorted(gallery_indices(view)) == np.flatnonzero((y == 2) & (p != 2)).tolist()
    view.all_button.click()
    view.draw_now()
    assert view.selection is None and len(gallery_indices(view)) == len(np.flatnonzero(p != y))


def test_double_clicking_an_example_opens_its_feature_maps(page, qtbot):
    view = page.mistakes
    evaluated(view, qtbot)
    item = view.gallery.item(0)
    index = int(item.data(Qt.ItemDataRole.UserRole))
    view.gallery.itemActivated.emit(item)
    assert page.tabs.currentIndex() == FEATURE_MAPS
    assert page.feature_maps.index_spin.value() == index
    qtbot.waitUntil(lambda: page.feature_maps.result is not None, timeout=10000)
    np.testing.assert_array_equal(page.feature_maps.result.image, page.context.data.test[0][index])


def test_validation_set_and_progress_events():
    model = trained_convnet()
    x = np.random.default_rng(0).random((600, 1, 28, 28), dtype=np.float32)
    y = np.arange(600) % 10
    events = list(mv.evaluate_job(model, mv.VAL, x, y, 10))
    progress = [e for e in events if isinstance(e, Progress)]
    assert [p.done for p in progress] == [250, 500, 600]
    result = events[-1]
    assert isinstance(result, mv.Evaluation) and result.cm.sum() == 600
    assert result.split == mv.VAL


def test_switching_to_the_validation_set(page, qtbot):
    view = page.mistakes
    evaluated(view, qtbot)
    view.set_combo.setCurrentIndex(view.set_combo.findData(mv.VAL))
    qtbot.waitUntil(lambda: view.result.split == mv.VAL and idle(view), timeout=15000)
    assert view.result.cm.sum() == len(page.context.data.val[0]) == 200
