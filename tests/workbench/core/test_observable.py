"""The Qt-free Signal: order, weak references to methods, forgetting destroyed QObjects."""

from __future__ import annotations

import gc

from PySide6.QtWidgets import QWidget

from workbench.core.observable import Signal


class Listener:
    def __init__(self, log):
        self.log = log

    def on(self, value):
        self.log.append(value)


def test_emit_order_and_disconnect():
    signal, log = Signal(), []
    first, second = Listener(log), Listener(log)
    signal.connect(first.on)
    signal.connect(lambda v: log.append(v * 10))
    signal.connect(second.on)
    signal.connect(first.on)  # connecting twice is a no-op
    signal.emit(1)
    assert log == [1, 10, 1]
    signal.disconnect(first.on)
    signal.emit(2)
    assert log == [1, 10, 1, 20, 2]


def test_methods_are_held_weakly():
    signal, log = Signal(), []
    listener = Listener(log)
    signal.connect(listener.on)
    del listener
    gc.collect()
    signal.emit(3)
    assert log == []


class Panel(QWidget):
    def __init__(self, log):
        super().__init__()
        self.log = log

    def retranslate(self):
        self.log.append(self.objectName())  # raises if the C++ object is gone


def test_destroyed_qobjects_are_forgotten(qtbot):
    signal, log = Signal(), []
    panel = Panel(log)
    keep = panel  # a Python reference survives the C++ object
    signal.connect(panel.retranslate)
    panel.deleteLater()
    qtbot.waitUntil(lambda: not signal._slots, timeout=2000)
    signal.emit()
    assert log == [] and keep is not None
