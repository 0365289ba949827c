"""The Draw page tells "nothing drawn" and "this doesn't look like a digit" (nn.ood) apart from
an answer, with strokes drawn by mouse events."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

import nn
from nn import ood
from tests.workbench.pages.draw.test_draw_support import digit_strokes, draw
from workbench.core.i18n import tr
from workbench.pages.draw import DrawPage
from workbench.shell.context import AppContext

SHIPPED = Path(__file__).resolve().parents[4] / "resources" / "models" / "digits_deep_convnet.npz"
_ANGLES = np.deg2rad(-90 + 144 * np.arange(6))
STAR = [[(140 + 100 * np.cos(a), 140 + 100 * np.sin(a)) for a in _ANGLES]]


def _page(qtbot, tmp_path, demo_path) -> DrawPage:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    page = DrawPage(AppContext(), settings=settings, demo_path=demo_path, seed=0)
    page.collection.set_folder(tmp_path / "drawings")
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


def _settle(qtbot, page: DrawPage) -> None:
    qtbot.waitUntil(page.is_idle, timeout=5000)


def test_blank_canvas_says_nothing_drawn_and_a_star_is_not_a_digit(qtbot, tmp_path):
    page = _page(qtbot, tmp_path, SHIPPED)
    try:
        _settle(qtbot, page)
        assert page.prediction is None and page.summary.answer.text() == "–"
        assert page.summary.detail.text().startswith(tr("Nothing drawn."))
        draw(page.canvas, STAR)
        _settle(qtbot, page)
        assert page.prediction is not None and page.prediction.not_a_digit
        assert page.summary.answer.text() == "?"
        detail = page.summary.detail.text()
        assert "doesn't look like a digit" in detail and "ch. 3.5" in detail
        assert page.bars.prediction is page.prediction  # the bars are still shown
        assert page.prediction.probabilities.sum() == pytest.approx(1.0)
        page.history.clear()
        draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
        _settle(qtbot, page)
        assert not page.prediction.not_a_digit
        assert page.summary.answer.text() == "7"
        page.history.clear()
        _settle(qtbot, page)
        assert page.summary.detail.text().startswith(tr("Nothing drawn."))
    finally:
        page.shutdown()


def test_without_a_calibration_the_page_only_answers(qtbot, tmp_path):
    model = nn.load_model(SHIPPED)
    plain = tmp_path / "plain.npz"
    nn.save_model(model, plain, {k: v for k, v in model.metadata.items() if k != "ood"})
    page = _page(qtbot, tmp_path, plain)
    try:
        draw(page.canvas, STAR)
        _settle(qtbot, page)
        assert page.prediction is not None and not page.prediction.not_a_digit
        assert page.prediction.ood_score == pytest.approx(float(ood.energy_score(
            ood.logits(model, page.input.reshape(1, 1, 28, 28)))[0]), rel=1e-5)
        assert page.summary.answer.text() == str(page.prediction.top)
    finally:
        page.shutdown()


def test_the_layer_strip_follows_the_drawing_and_can_be_turned_off(qtbot, tmp_path):
    page = _page(qtbot, tmp_path, SHIPPED)
    try:
        assert page.layers.enabled and page.layers.view.tiles == []
        draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
        _settle(qtbot, page)
        tiles = page.layers.view.tiles
        assert len(tiles) == 11 and tiles[0].shape == (16, 28, 28)
        assert tiles[-1].image.argmax() == page.prediction.top  # the class scores
        page.grab()  # paints without error
        page.layers.check.setChecked(False)
        _settle(qtbot, page)
        assert page.settings.value("draw/layerStrip") == "false"
        assert page.layers.view.tiles == [] and not page.layers.view.isVisible()
        page.history.clear()
        draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
        _settle(qtbot, page)
        assert page.layers.view.tiles == [] and page.prediction is not None
        page.layers.check.setChecked(True)
        _settle(qtbot, page)
        assert len(page.layers.view.tiles) == 11
        page.history.clear()
        _settle(qtbot, page)
        assert page.layers.view.tiles == []
    finally:
        page.shutdown()
