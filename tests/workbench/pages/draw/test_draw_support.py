"""Shared helpers for the Draw page tests: a small trained digit model (trained once per test
session), synthetic digit strokes and driving the canvas with real mouse events.

Holds no tests of its own beyond a check of the stroke generator.
"""

from __future__ import annotations

import functools
import math

import numpy as np
from PySide6.QtCore import QPoint, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

import nn

Stroke = list[tuple[float, float]]


@functools.lru_cache(maxsize=1)
def trained_model() -> nn.Sequential:
    """``simple_convnet`` with 8 filters, 2 epochs of Adam on 4,000 embedded digits (~90 %)."""
    data = nn.datasets.load("digits", n=4000)
    model = nn.presets.build("simple_convnet", seed=0, filters=8, hidden_size=50, init="he")
    opt = nn.optimizers.get("adam", lr=2e-3)
    for epoch in range(2):
        for idx in nn.datasets.batch_indices(len(data.x_train), 100, rng=epoch):
            model.train_step(data.x_train[idx], data.y_train[idx], opt)
    model.metadata = {"dataset": "digits", "class_names": list(data.class_names)}
    return model


def _line(a: tuple[float, float], b: tuple[float, float], n: int = 10) -> Stroke:
    return [(a[0] + (b[0] - a[0]) * t / n, a[1] + (b[1] - a[1]) * t / n) for t in range(n + 1)]


def _arc(cx: float, cy: float, rx: float, ry: float, start: float, end: float,
         n: int = 28) -> Stroke:
    return [(cx + rx * math.cos(start + (end - start) * t / n),
             cy + ry * math.sin(start + (end - start) * t / n)) for t in range(n + 1)]


#: Digits as strokes in a unit box (0..1 both ways, y down).
UNIT_DIGITS: dict[int, list[Stroke]] = {
    0: [_arc(0.5, 0.5, 0.5, 0.5, -math.pi / 2, 1.5 * math.pi + 0.2)],
    1: [_line((0.0, 0.2), (1.0, 0.0), 3) + _line((1.0, 0.0), (1.0, 1.0))[1:]],
    4: [_line((0.6, 0.0), (0.0, 0.7)) + _line((0.0, 0.7), (1.0, 0.7))[1:],
        _line((0.7, 0.3), (0.7, 1.0))],
    7: [_line((0.0, 0.0), (1.0, 0.0)) + _line((1.0, 0.0), (0.35, 1.0))[1:]],
}


def digit_strokes(digit: int, left: float, top: float, width: float,
                  height: float) -> list[Stroke]:
    """``digit`` scaled into the canvas box ``(left, top, width, height)`` (canvas units)."""
    return [[(left + x * width, top + y * height) for x, y in stroke]
            for stroke in UNIT_DIGITS[digit]]


def to_widget(canvas, point: tuple[float, float]) -> QPoint:
    rect = canvas.canvas_rect()
    scale = rect.width() / 280.0
    return QPoint(round(rect.left() + point[0] * scale), round(rect.top() + point[1] * scale))


def draw(canvas, strokes: list[Stroke], process: bool = True) -> None:
    """Draw ``strokes`` (canvas units) with real mouse press / move / release events."""
    none = Qt.KeyboardModifier.NoModifier
    left = Qt.MouseButton.LeftButton
    for stroke in strokes:
        QTest.mousePress(canvas, left, none, to_widget(canvas, stroke[0]))
        for point in stroke[1:]:
            QTest.mouseMove(canvas, to_widget(canvas, point))
            if process:
                QApplication.processEvents()
        QTest.mouseRelease(canvas, left, none, to_widget(canvas, stroke[-1]))
    if process:
        QApplication.processEvents()


def test_digit_strokes_fill_the_requested_box():
    strokes = digit_strokes(7, 10, 20, 100, 50)
    pts = np.array([p for s in strokes for p in s])
    assert pts[:, 0].min() == 10 and pts[:, 0].max() == 110
    assert pts[:, 1].min() == 20 and pts[:, 1].max() == 70
