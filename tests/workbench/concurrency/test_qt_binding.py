"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 does: each
``Signal.emit()`` drops a reference to ``True``, and the interpreter aborts after a few hundred
signals). pyproject.toml excludes that version; this test catches any other that does the same."""

from __future__ import annotations

import sys
import threading

from PySide6.QtCore import QObject, Signal


class Emitter(QObject):
    flag = Signal(bool)
    value = Signal(object)


def test_emitting_signals_does_not_leak_references(qtbot):
    emitter = Emitter()
    received = []
    emitter.flag.connect(received.append)
    emitter.value.connect(received.append)
    before = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    for i in range(200):
        emitter.flag.emit(i % 2 == 0)
        emitter.value.emit(None)
    worker = threading.Thread(target=lambda: [emitter.flag.emit(False) for _ in range(50)])
    worker.start()
    worker.join()
    qtbot.waitUntil(lambda: len(received) == 450, timeout=5000)
    received.clear()
    after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
    assert [abs(a - b) < 20 for a, b in zip(after, before, strict=True)] == [True] * 3, (
        before, after)
