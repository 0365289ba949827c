"""A measuring hook for ``benchmarks/bench_startup.py``: when the app starts with
``NN_WORKBENCH_STARTUP_PROBE=<file>`` in its environment, it writes to that file, as JSON, the
``time.monotonic()`` instants (a clock shared by every process on the machine) at which the main
window was first shown on the screen (exposed by the window system: on X11, mapped) and first
painted, and at which its first page was filled in, each with the process's CPU time so far
(``cpu_shown`` …: what the start costs whatever else the machine runs) and whether Matplotlib
was loaded by then (``matplotlib_shown`` …); then it quits. Without
the variable nothing here runs.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QApplication, QMainWindow

ENV = "NN_WORKBENCH_STARTUP_PROBE"


class _Watch(QObject):
    """Records the window's first expose and first paint, and the filled page."""

    def __init__(self, window: QMainWindow, path: Path) -> None:
        super().__init__(window)
        self.window, self.path = window, path
        self.times: dict[str, float | bool] = {}
        window.installEventFilter(self)  # paint events
        handle = window.windowHandle()  # expose events go to the QWindow, not the widget
        if handle is not None:
            handle.installEventFilter(self)
            if handle.isExposed():  # some platforms expose during show()
                self._mark("shown")
        ready = getattr(window, "pagesReady", None)
        if ready is None:  # a window that fills itself in its constructor
            self._mark("filled")
        else:
            ready.connect(self._filled)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt)
        kind = event.type()
        if kind == QEvent.Type.Expose and "shown" not in self.times:
            handle = self.window.windowHandle()
            if handle is not None and handle.isExposed():
                self._mark("shown")
        elif kind == QEvent.Type.Paint and "painted" not in self.times:
            self._mark("painted")  # the window's first paint (its children's follow at once)
            self._maybe_done()
        return False

    def _mark(self, name: str) -> None:
        if name not in self.times:
            self.times[name] = time.monotonic()
            self.times[f"cpu_{name}"] = time.process_time()
            self.times[f"matplotlib_{name}"] = "matplotlib" in sys.modules  # loaded by then?

    def _filled(self) -> None:
        self._mark("filled")
        self._maybe_done()

    def _maybe_done(self) -> None:
        if {"shown", "painted", "filled"} <= self.times.keys():
            # the page filled in after the first paint is painted too before the quit
            QTimer.singleShot(0, self._finish)

    def _finish(self) -> None:
        self._mark("done")
        self.path.write_text(json.dumps(self.times), encoding="utf-8")
        QApplication.quit()


def watch_if_asked(window: QMainWindow) -> None:
    """Start measuring the just-shown ``window`` when :data:`ENV` names a file to write."""
    target = os.environ.get(ENV)
    if target:
        _Watch(window, Path(target))
