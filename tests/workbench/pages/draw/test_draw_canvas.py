"""The drawing canvas: mouse, tablet and touch strokes; undo, redo and clear by button, key
and right-click; the eraser; width keys; what the preprocessing reads."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QMimeData, QPoint, QPointF, Qt, QUrl
from PySide6.QtGui import (
    QAction,
    QDropEvent,
    QImage,
    QInputDevice,
    QKeySequence,
    QPointingDevice,
    QTabletEvent,
)
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QMainWindow

from tests.workbench.pages.draw.test_draw_support import digit_strokes, draw, to_widget
from workbench.pages.draw.canvas import DrawingCanvas
from workbench.pages.draw.tools import DrawTools
from workbench.state.draw.strokes import CANVAS_SIZE, DEFAULT_PEN_WIDTH, MAX_PEN_WIDTH


@pytest.fixture
def canvas(qtbot) -> DrawingCanvas:
    c = DrawingCanvas()
    qtbot.addWidget(c)
    c.resize(400, 400)
    c.show()
    qtbot.waitExposed(c)
    c.set_mnist_pen(False)  # these tests look at the strokes as drawn
    return c


def ink_sum(canvas: DrawingCanvas) -> float:
    return float(canvas.ink().sum())


def test_mouse_stroke_draws_antialiased_ink_where_the_pointer_went(canvas):
    draw(canvas, [[(50, 140), (230, 140)]])
    ink = canvas.ink()
    assert ink.shape == (CANVAS_SIZE, CANVAS_SIZE) and ink.dtype == np.float32
    assert ink[140, 140] == pytest.approx(1.0)
    assert ink[20, 140] == 0.0
    draw(canvas, [[(50, 200), (230, 260)]])
    ink = canvas.ink()
    grey = (ink > 0.02) & (ink < 0.98)
    assert grey.sum() > 2 * 180  # antialiased edges along both sides of the slanted stroke
    assert len(canvas.history.strokes()) == 2
    assert canvas.history.strokes()[0].width == DEFAULT_PEN_WIDTH


def test_each_stroke_is_one_undo_step_and_redo_restores_it(canvas):
    draw(canvas, digit_strokes(4, 60, 60, 150, 160))  # two strokes
    both = canvas.ink().copy()
    canvas.history.undo()
    one = canvas.ink().copy()
    assert 0 < one.sum() < both.sum()
    canvas.history.undo()
    assert canvas.is_blank and ink_sum(canvas) == 0
    canvas.history.redo()
    np.testing.assert_array_equal(canvas.ink(), one)
    canvas.history.redo()
    np.testing.assert_allclose(canvas.ink(), both, atol=1 / 255)


def test_curved_strokes_are_smooth(canvas):
    draw(canvas, digit_strokes(0, 60, 40, 160, 200))
    ink = canvas.ink()
    row = ink[140]
    crossings = np.flatnonzero(np.diff((row > 0.5).astype(int)))
    assert len(crossings) == 4  # two clean crossings of the ring, no jagged gaps


@pytest.mark.parametrize("key", [Qt.Key.Key_Delete, Qt.Key.Key_Backspace, Qt.Key.Key_Escape])
def test_clear_keys_and_undo_brings_the_drawing_back(qtbot, canvas, key):
    draw(canvas, [[(50, 50), (200, 200)]])
    before = canvas.ink().copy()
    QTest.keyClick(canvas, key)
    assert canvas.is_blank
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    np.testing.assert_array_equal(canvas.ink(), before)


def test_right_click_clears(canvas):
    draw(canvas, [[(50, 50), (200, 200)]])
    QTest.mouseClick(canvas, Qt.MouseButton.RightButton, Qt.KeyboardModifier.NoModifier,
                     QPoint(200, 200))
    assert canvas.is_blank and canvas.history.can_undo


def test_canvas_undo_keys_win_over_a_window_shortcut(qtbot):
    window = QMainWindow()
    qtbot.addWidget(window)
    fired = []
    action = QAction("Undo model edit", window)
    action.setShortcut(QKeySequence.StandardKey.Undo)
    action.triggered.connect(lambda: fired.append(True))
    window.addAction(action)
    canvas = DrawingCanvas()
    window.setCentralWidget(canvas)
    window.resize(400, 400)
    window.show()
    qtbot.waitExposed(window)
    draw(canvas, [[(50, 50), (200, 200)]])
    assert canvas.hasFocus()
    QTest.keyClick(canvas, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert canvas.is_blank and not fired
    QTest.keyClick(canvas, Qt.Key.Key_Z,
                   Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert not canvas.is_blank


def test_width_and_eraser_keys(canvas):
    QTest.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.pen_width == DEFAULT_PEN_WIDTH + 2
    for _ in range(40):
        QTest.keyClick(canvas, Qt.Key.Key_BracketRight)
    assert canvas.pen_width == MAX_PEN_WIDTH
    QTest.keyClick(canvas, Qt.Key.Key_E)
    assert canvas.eraser
    QTest.keyClick(canvas, Qt.Key.Key_E)
    assert not canvas.eraser


def test_eraser_stroke_removes_ink(canvas):
    draw(canvas, [[(40, 140), (240, 140)]])
    canvas.set_eraser(True)
    draw(canvas, [[(140, 80), (140, 200)]])
    ink = canvas.ink()
    assert ink[140, 140] == 0.0 and ink[140, 60] == pytest.approx(1.0)
    assert canvas.history.strokes()[-1].erase


def _tablet(canvas, kind, point, pressure, pointer=QPointingDevice.PointerType.Pen):
    device = QPointingDevice("test pen", 1, QInputDevice.DeviceType.Stylus, pointer,
                             QInputDevice.Capability.Position | QInputDevice.Capability.Pressure,
                             1, 2)
    pos = QPointF(to_widget(canvas, point))
    buttons = (Qt.MouseButton.NoButton if kind == QEvent.Type.TabletRelease
               else Qt.MouseButton.LeftButton)
    event = QTabletEvent(kind, device, pos, canvas.mapToGlobal(pos), pressure, 0.0, 0.0, 0.0,
                         0.0, 0.0, Qt.KeyboardModifier.NoModifier, Qt.MouseButton.LeftButton,
                         buttons)
    QApplication.sendEvent(canvas, event)
    return event


def test_tablet_pen_pressure_sets_the_width(canvas):
    points = [(40 + 10 * i, 140) for i in range(21)]
    pressures = np.linspace(0.1, 1.0, len(points))
    event = _tablet(canvas, QEvent.Type.TabletPress, points[0], pressures[0])
    assert event.isAccepted()
    for p, q in zip(points[1:], pressures[1:], strict=True):
        _tablet(canvas, QEvent.Type.TabletMove, p, q)
    _tablet(canvas, QEvent.Type.TabletRelease, points[-1], 1.0)
    stroke = canvas.history.strokes()[-1]
    assert stroke.pressure_varies
    ink = canvas.ink()
    thin = (ink[:, 60] > 0.5).sum()
    thick = (ink[:, 230] > 0.5).sum()
    assert thick > thin + 5


def test_tablet_eraser_end_erases(canvas):
    draw(canvas, [[(40, 140), (240, 140)]])
    eraser = QPointingDevice.PointerType.Eraser
    _tablet(canvas, QEvent.Type.TabletPress, (140, 100), 1.0, eraser)
    _tablet(canvas, QEvent.Type.TabletMove, (140, 180), 1.0, eraser)
    _tablet(canvas, QEvent.Type.TabletRelease, (140, 180), 1.0, eraser)
    assert canvas.history.strokes()[-1].erase
    assert canvas.ink()[140, 140] == 0.0
    assert not canvas.eraser  # the tool itself is unchanged


def test_touch_draws_a_stroke(canvas):
    device = QTest.createTouchDevice()
    QTest.touchEvent(canvas, device).press(0, to_widget(canvas, (60, 60)))
    for i in range(1, 11):
        QTest.touchEvent(canvas, device).move(0, to_widget(canvas, (60 + 16 * i, 60 + 16 * i)))
    QTest.touchEvent(canvas, device).release(0, to_widget(canvas, (220, 220)))
    assert len(canvas.history.strokes()) == 1
    assert canvas.ink()[140, 140] == pytest.approx(1.0)


def test_a_click_leaves_a_dot(canvas):
    QTest.mouseClick(canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     to_widget(canvas, (140, 140)))
    assert canvas.ink()[140, 140] == pytest.approx(1.0)


def test_dropping_an_image_file_is_announced(qtbot, canvas, tmp_path):
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "digit.PNG"))])
    event = QDropEvent(QPointF(100, 100), Qt.DropAction.CopyAction, mime,
                       Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    with qtbot.waitSignal(canvas.imageDropped) as blocker:
        canvas.dropEvent(event)
    assert blocker.args == [str(tmp_path / "digit.PNG")]


def test_tool_buttons_follow_and_drive_the_canvas(qtbot, canvas):
    tools = DrawTools(canvas)
    qtbot.addWidget(tools)
    assert not tools.undo_button.isEnabled() and not tools.clear_button.isEnabled()
    draw(canvas, [[(50, 50), (200, 200)]])
    assert tools.undo_button.isEnabled() and tools.clear_button.isEnabled()
    tools.clear_button.click()
    assert canvas.is_blank and tools.redo_button.isEnabled() is False
    tools.undo_button.click()
    assert not canvas.is_blank and tools.redo_button.isEnabled()
    tools.eraser_button.click()
    assert canvas.eraser
    QTest.keyClick(canvas, Qt.Key.Key_E)
    assert tools.pen_button.isChecked()
    tools.width_slider.setValue(40)
    assert canvas.pen_width == 40
    assert tools.width_value.text() == f"{round(40 * canvas.screen_scale())} px"


@pytest.mark.parametrize("side", [260, 400, 700])
def test_the_width_shown_is_the_width_drawn_on_screen(qtbot, canvas, side):
    """Issue 15.20: "Width 22 px" was in canvas units, whatever size the canvas had on screen."""
    tools = DrawTools(canvas)
    qtbot.addWidget(tools)
    canvas.resize(side, side)
    QApplication.processEvents()
    draw(canvas, [[(40, 140), (240, 140)]])
    image = canvas.grab().toImage().convertToFormat(QImage.Format.Format_Grayscale8)
    rect = canvas.canvas_rect().toAlignedRect()
    column = rect.center().x()
    values = [image.pixelColor(column, y).red() for y in range(rect.top(), rect.bottom())]
    drawn = sum(v for v in values) / 255.0  # antialiased edges count by their coverage
    shown = int(tools.width_value.text().removesuffix(" px"))
    assert abs(drawn - shown) <= 1.0
    assert abs(shown - DEFAULT_PEN_WIDTH * (side - 2) / CANVAS_SIZE) <= 0.5


def test_mnist_pen_redraws_strokes_for_the_network_only(canvas):
    draw(canvas, [[(120, 60), (120, 220)]])
    as_drawn = canvas.ink().copy()
    canvas.set_mnist_pen(True)
    rescaled = canvas.ink()
    width_drawn = (as_drawn[140] > 0.5).sum()
    width_mnist = (rescaled[140] > 0.5).sum()
    assert width_drawn == pytest.approx(DEFAULT_PEN_WIDTH, abs=2)
    assert width_mnist == pytest.approx(0.14 * 160, abs=2)
