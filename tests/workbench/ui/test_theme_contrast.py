"""Issue 15.18: on the dark theme the per-iteration loss line, the Pen/Eraser toggle and
unchecked boxes were hard to see. Colours are checked by their WCAG contrast ratio against the
background they are drawn on (3:1 for lines and the parts of controls, WCAG 1.4.11)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QColor, QImage, QPalette
from PySide6.QtWidgets import QApplication, QCheckBox, QHBoxLayout, QWidget

from workbench.pages.draw.canvas import DrawingCanvas
from workbench.pages.draw.tools import DrawTools
from workbench.pages.train.live_plots import LivePlots
from workbench.state.run import RunState
from workbench.ui import theme
from workbench.ui.contrast_style import contrast_ratio, faintest, mix, readable


@pytest.fixture
def themed(qapp):
    yield theme.apply_theme
    theme.apply_theme("light")
    theme.apply_theme("system")


def test_contrast_helpers_follow_wcag():
    assert contrast_ratio("#000000", "#ffffff") == pytest.approx(21.0)
    assert contrast_ratio("#777777", "#777777") == pytest.approx(1.0)
    assert contrast_ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)  # WCAG's grey
    dark = "#1f2124"
    boosted = readable("#0072B2", dark, 4.5)
    assert contrast_ratio(boosted, dark) >= 4.5 > contrast_ratio("#0072B2", dark)
    faint = faintest("#0072B2", "#ffffff", 3.0)
    assert 3.0 <= contrast_ratio(faint, "#ffffff") < 3.1  # as faint as allowed, no fainter
    assert mix("#000000", "#ffffff", 0.5).name() in ("#7f7f7f", "#808080")


@pytest.mark.parametrize("name", ["dark", "light"])
def test_the_loss_lines_stand_out_from_the_plot_background(qtbot, themed, name):
    plots = LivePlots(RunState())
    qtbot.addWidget(plots)
    themed("light" if name == "dark" else "dark")  # the colours follow a switch
    themed(name)
    QApplication.processEvents()
    face = theme.plot_colors()["face"]
    raw, smooth = plots.training.raw, plots.training.smooth
    assert raw.get_alpha() in (None, 1.0) and smooth.get_alpha() in (None, 1.0)
    assert contrast_ratio(raw.get_color(), face) >= 3.0
    assert contrast_ratio(smooth.get_color(), face) >= 4.5
    assert raw.get_color() != smooth.get_color()  # the smoothed line is the stronger one
    header_html = plots.headers.headers[0].texts()
    assert any(raw.get_color().lower().lstrip("#")[:2] for _ in header_html)


def _pixels(image: QImage) -> list[QColor]:
    return [image.pixelColor(x, y) for y in range(image.height()) for x in range(image.width())]


def _visible(image: QImage, background: QColor) -> int:
    """Pixels of ``image`` with 3:1 contrast or more against ``background``."""
    return sum(contrast_ratio(c, background) >= 3.0 for c in _pixels(image))


def test_dark_theme_pen_eraser_toggle_and_unchecked_boxes_are_visible(qtbot, themed):
    themed("dark")
    root = QWidget()
    qtbot.addWidget(root)
    canvas = DrawingCanvas()
    tools = DrawTools(canvas)
    box = QCheckBox("unchecked")
    layout = QHBoxLayout(root)
    layout.addWidget(tools)
    layout.addWidget(box)
    root.show()
    qtbot.waitExposed(root)
    window = root.palette().color(QPalette.ColorRole.Window)
    pen, eraser = tools.pen_button, tools.eraser_button
    assert pen.isChecked() and not eraser.isChecked()
    on = pen.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    off = eraser.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    # the checked button has a frame of 3:1 contrast all round; the unchecked one has none
    # (only its text is bright), so the two look clearly different
    perimeter = 2 * (on.width() + on.height())
    text_pixels = _visible(off, window)
    assert _visible(on, window) - text_pixels >= perimeter * 0.8
    indicator = box.style().subElementRect(box.style().SubElement.SE_CheckBoxIndicator,
                                           _option(box), box)
    image = box.grab(indicator).toImage().convertToFormat(QImage.Format.Format_RGB32)
    assert _visible(image, window) >= 2 * (indicator.width() + indicator.height()) * 0.6


def _option(box: QCheckBox):
    from PySide6.QtWidgets import QStyleOptionButton

    option = QStyleOptionButton()
    box.initStyleOption(option)
    return option
