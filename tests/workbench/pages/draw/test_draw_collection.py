"""Collect on the Draw page: save drawings under their true label, evaluate a model on them,
open a misclassified drawing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QSettings

import nn
from tests.workbench.pages.draw.test_draw_support import digit_strokes, draw, trained_model
from workbench.core.imageio import load_for_model
from workbench.pages.draw import DrawPage
from workbench.shell.context import AppContext
from workbench.state.draw.collection import drawing_label


@pytest.fixture(scope="module")
def model_file(tmp_path_factory) -> str:
    path = tmp_path_factory.mktemp("models") / "demo.npz"
    nn.save_model(trained_model(), path)
    return str(path)


@pytest.fixture
def page(qtbot, tmp_path, model_file):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    p = DrawPage(AppContext(), settings=settings, demo_path=model_file, seed=0)
    p.collection.set_folder(tmp_path / "drawings")
    qtbot.addWidget(p)
    p.resize(1100, 800)
    p.show()
    qtbot.waitExposed(p)
    yield p
    p.shutdown()


def test_save_buttons_need_a_drawing(qtbot, page):
    assert not any(b.isEnabled() for b in page.collection.save_buttons)
    assert not page.collection.evaluate_button.isEnabled()
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    qtbot.waitUntil(lambda: page.collection.save_buttons[7].isEnabled(), timeout=2000)


def test_saving_writes_a_labelled_png_and_clears_the_canvas(qtbot, page, tmp_path):
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    qtbot.waitUntil(page.is_idle, timeout=5000)
    shown = page.input.copy()
    page.collection.save_buttons[7].click()
    files = sorted((tmp_path / "drawings").glob("*.png"))
    assert len(files) == 1 and drawing_label(files[0]) == 7
    np.testing.assert_allclose(load_for_model(files[0]), shown, atol=2 / 255)
    assert page.canvas.is_blank  # "Clear after saving" is on by default
    line = page.collection.status_line
    assert line.is_flashing and line.full_text() == f"Saved as a “7”: {files[0].name}"
    qtbot.waitUntil(lambda: not line.is_flashing, timeout=line.FLASH_MS + 2000)
    assert line.full_text().startswith("1 drawing in ")
    page.history.undo()  # the clear can be undone
    assert not page.canvas.is_blank
    qtbot.waitUntil(page.is_idle, timeout=5000)
    page.collection.clear_after.setChecked(False)
    page.collection.save_buttons[1].click()
    assert not page.canvas.is_blank
    assert page.collection.folder.counts()[1] == 1


def test_unwritable_folder_is_reported_inline(qtbot, page, tmp_path):
    blocker = tmp_path / "a_file"
    blocker.write_text("x")
    page.collection.set_folder(blocker / "drawings")
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    assert page.collection.save(7) is None
    assert page.collection.status_line.is_error
    assert "Could not save" in page.collection.status_line.full_text()


def test_evaluate_shows_accuracy_and_opens_a_mistake(qtbot, page):
    data = nn.datasets.load("digits")
    folder = page.collection.folder
    for i in range(40):
        folder.save(np.kron(data.x_test[i, 0], np.ones((10, 10), np.float32)),
                    int(data.y_test[i]))
    folder.save(np.kron(data.x_test[1, 0], np.ones((10, 10), np.float32)), 9)  # mislabelled
    page.collection.refresh(rescan=True)
    assert page.collection.evaluate_button.isEnabled()
    with qtbot.waitSignal(page.collection.runner.done, timeout=20000):
        assert page.collection.evaluate()
    dialog = page.collection.dialog
    assert dialog is not None and dialog.isVisible()
    result = dialog.result
    assert result.total == 41
    model = trained_model()
    inputs = np.stack([load_for_model(d.path) for d in folder.drawings()])
    labels = np.array([d.label for d in folder.drawings()])
    assert result.correct == int((model.predict(inputs[:, None]) == labels).sum())
    assert f"{100 * result.accuracy:.1f} %" in dialog.summary.text()
    assert dialog.mistakes.count() == len(result.mistakes) >= 1
    axes = dialog.plot.figure.axes[0]
    assert axes.get_title() and axes.get_xlabel() and axes.get_ylabel()
    assert axes.get_legend() is not None
    item = dialog.mistakes.item(0)
    with qtbot.waitSignal(page.loader.done, timeout=5000):
        dialog.mistakes.itemActivated.emit(item)
    qtbot.waitUntil(page.is_idle, timeout=5000)
    mistake = result.mistakes[0]
    np.testing.assert_array_equal(page.input, load_for_model(mistake.path))
    assert page.history.last_reset().label == mistake.label
    assert page.bars.true_label == mistake.label


def test_evaluation_can_be_cancelled(qtbot, page):
    folder = page.collection.folder
    ink = np.zeros((280, 280), np.float32)
    ink[60:220, 130:150] = 1.0
    for _ in range(3):
        folder.save(ink, 1)
    page.collection.refresh(rescan=True)
    page.collection.evaluate()
    assert page.collection.evaluate_button.text() == "Cancel evaluation"
    page.collection.evaluate_button.click()  # cancel
    qtbot.waitUntil(lambda: not page.collection.runner.running, timeout=10000)
    assert page.collection.evaluate_button.text() == "Evaluate model"


def test_status_lines_keep_their_height_so_the_save_buttons_never_move(qtbot, page, tmp_path):
    """Issue 15.15: a drawings line that wrapped shrank the canvas by 14 px and moved the Save
    row, so "Save as" clicks missed; a save now also flashes a confirmation."""
    def geometry():
        qtbot.wait(10)
        return ([b.mapTo(page, b.rect().topLeft()) for b in page.collection.save_buttons],
                page.canvas.geometry(), page.collection.clear_after.mapTo(page, QPoint(0, 0)))

    page.resize(700, 560)
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    qtbot.waitUntil(page.is_idle, timeout=5000)
    before = geometry()
    deep = tmp_path.joinpath(*["a very long folder name"] * 12)
    page.collection.set_folder(deep)  # the drawings line is now far longer than the page
    assert len(page.collection.status_line.full_text()) > 300
    assert geometry() == before
    page.collection.status_line.show_error("Could not save the drawing: " + "x" * 400)
    assert geometry() == before
    page.collection.status_line.show_error(None)
    page.collection.clear_after.setChecked(False)
    page.collection.save_buttons[3].click()
    line = page.collection.status_line
    assert line.is_flashing and line.full_text().startswith("Saved as a “3”: 3_")
    assert "background" in line.styleSheet()  # highlighted, not only different words
    assert geometry() == before
    page.open_image(str(tmp_path / ("missing " * 40 + ".png")))  # a long error under the canvas
    qtbot.waitUntil(lambda: page.source_line.is_error, timeout=5000)
    assert geometry() == before
    qtbot.waitUntil(lambda: not line.is_flashing, timeout=line.FLASH_MS + 2000)
    assert line.full_text().startswith("1 drawing in ") and geometry() == before
