"""Guards against a Qt binding that corrupts reference counts (PySide6 6.12.0 does: each
``Signal.emit()`` drops a reference to ``True``, and the interpreter aborts after a few hundred
signals). pyproject.toml excludes that version; this test catches any other that does the same."""

from __future__ import annotations

import os
import subprocess
import sys

#: Run in a fresh interpreter: in the test process, other tests' objects being freed (garbage
#: collection, their threads ending) move these shared reference counts by hundreds.
CHECK = """
import sys, threading
from PySide6.QtCore import QCoreApplication, QObject, Signal

class Emitter(QObject):
    flag = Signal(bool)
    value = Signal(object)

app = QCoreApplication([])
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
while len(received) < 450:  # the worker thread's signals arrive queued
    app.processEvents()
received.clear()
after = sys.getrefcount(True), sys.getrefcount(False), sys.getrefcount(None)
print(*(a - b for a, b in zip(after, before)))
"""


def test_emitting_signals_does_not_leak_references():
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    proc = subprocess.run([sys.executable, "-c", CHECK], env=env, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr  # the broken binding aborts the interpreter
    changes = [int(word) for word in proc.stdout.split()]
    assert len(changes) == 3 and all(abs(c) < 20 for c in changes), changes  # True False None
