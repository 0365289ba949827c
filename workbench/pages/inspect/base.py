"""What every Inspect view shares: lazy recomputation while visible, a background job runner
with progress and cancel, an inline message line, and small drawing helpers."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QImage, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QProgressBar,
    QPushButton,
    QSizePolicy,
    QWidget,
)

from nn.inspect import Progress
from workbench.concurrency.runner import JobRunner
from workbench.core.i18n import language_changed, tr
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.figure_common import FigurePlot
from workbench.ui import theme
from workbench.ui.fields import muted_label
from workbench.ui.view import TrainingBudget, View, connect_weak

REFRESH_MS = 100  # redraw timer (≤ 10 Hz)
TRAINING_SHARE = 0.2  # while training, a view's jobs take at most about this share of time
GUI_SHARE = 0.15  # while training, a view's redraws take at most about this share of time


class Cancelled:
    """Yielded by a cancelled job instead of its result."""


def cancellable(events: Iterator[Any], stop: threading.Event) -> Iterator[Any]:
    """Pass ``events`` through until ``stop`` is set, then yield :class:`Cancelled` and end."""
    for event in events:
        if stop.is_set():
            yield Cancelled()
            return
        yield event


class JobStatus(QWidget):
    """Progress bar, status text and a Cancel button for a view's background job."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = muted_label()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(220)
        self.bar.setTextVisible(True)
        self.cancel_button = QPushButton()
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.bar)
        layout.addWidget(self.cancel_button)
        self.set_running(False)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.cancel_button.setText(tr("Cancel"))
        self.cancel_button.setToolTip(tr("Stop this computation; nothing else is affected."))
        self.bar.setToolTip(tr("Progress of the computation running in the background."))

    def set_running(self, running: bool, text: str = "") -> None:
        self.bar.setVisible(running)
        self.cancel_button.setVisible(running)
        if running:
            self.bar.setRange(0, 0)  # busy until the first progress report
        self.label.setText(text)

    def set_progress(self, progress: Progress) -> None:
        self.bar.setRange(0, max(progress.total, 1))
        self.bar.setValue(progress.done)


class InspectView(View):
    """Base of the page's tabs: a :class:`~workbench.ui.view.View` with a job runner.

    Subclasses implement :meth:`compute` (start work for the current model), and call
    :meth:`invalidate` when their inputs change. Work happens only while the view is visible;
    a hidden view remembers that it is stale and catches up when shown (the base). While a job runs,
    further invalidations are coalesced into one re-run when it ends (live views during
    training refresh as fast as their computation allows, never faster than snapshots arrive).
    """

    #: While training, recompute at most this often (seconds): redrawing a figure costs the
    #: GUI thread time that the training thread, sharing the interpreter, also wants.
    live_interval = 1.0

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.source = source
        self.jobs = JobRunner(self)
        self.jobs.runningChanged.connect(self._on_running)
        self._view_stale = True
        self._rerun = False
        self._dirty = False
        self._scheduled = False
        self._job_start = self._job_end = self._last_compute = -1e9
        self._job_seconds = 0.0
        #: Live redraws while training: at most every ``live_interval`` seconds, and at most
        #: about GUI_SHARE of the GUI thread's time.
        self.redraw_budget = TrainingBudget(self.live_interval, GUI_SHARE)
        self.timer = QTimer(self)
        self.timer.setInterval(REFRESH_MS)
        self.timer.timeout.connect(self._redraw_if_dirty)
        self.timer.start()

    # ---------------------------------------------------------------------- recomputation
    def recompute(self) -> None:
        self.refresh()

    def update_now(self) -> None:
        self.refresh()  # stays stale while a job runs or the training budget defers it

    def refresh(self) -> None:
        """Recompute now (even when hidden), or once the running job ends. While training,
        updates come at most every :attr:`live_interval` seconds, and background work is
        spaced out so it takes at most about :data:`TRAINING_SHARE` of the time (the
        training thread needs the cores)."""
        if self.jobs.running:
            self._rerun = True
            return
        if self.source.training:
            now = time.perf_counter()
            wait = max(self._job_end + self._job_seconds / TRAINING_SHARE,
                       self._last_compute + self._spacing()) - now
            if wait > 0:
                self._view_stale = True
                if not self._scheduled:
                    self._scheduled = True
                    QTimer.singleShot(int(wait * 1000) + 1, self._scheduled_refresh)
                return
        self._view_stale = False
        self._last_compute = time.perf_counter()
        self.compute()

    def _scheduled_refresh(self) -> None:
        self._scheduled = False
        self._recompute_if_stale()

    def compute(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def _on_running(self, running: bool) -> None:
        now = time.perf_counter()
        if running:
            self._job_start = now
            return
        self._job_end, self._job_seconds = now, now - self._job_start
        if self._rerun:
            self._rerun = False
            QTimer.singleShot(0, self.refresh)

    def start_job(self, make: Callable[[], Iterator[Any]]) -> None:
        """Run the generator ``make()`` in a worker thread; its events arrive at
        :meth:`on_events`. The job can be cancelled with :meth:`cancel`."""
        self.jobs.start_generator(lambda token: cancellable(make(), token))

    def cancel(self) -> None:
        """Stop the job; it ends with :class:`Cancelled`, which the view shows."""
        self._rerun = False
        self.jobs.stop()

    def shutdown(self) -> None:
        self.timer.stop()
        self._rerun = False
        self.jobs.shutdown()

    # ------------------------------------------------------------------------- redrawing
    def mark_dirty(self) -> None:
        """Ask for a redraw at the next timer tick (≤ 10 Hz)."""
        self._dirty = True

    def _redraw_if_dirty(self) -> None:
        if not (self._dirty and self.isVisible()):
            return
        budget = self.redraw_budget
        if self.source.training and budget.wait() > 0:
            return  # stay dirty: a later tick draws the latest state
        self._dirty = False
        start = budget.start()
        self.redraw()
        budget.measure(time.perf_counter() - start)

    def _spacing(self) -> float:
        """Seconds between live redraws: :attr:`live_interval`, or longer when drawing is
        slow (a deep network, a busy machine), so redrawing takes at most about
        :data:`GUI_SHARE` of the GUI thread's time."""
        return self.redraw_budget.spacing()

    def redraw(self) -> None:
        """Update the figure from the view's current results (GUI thread).

        Called from the redraw timer only, at most every :meth:`_spacing` seconds while
        training; views render synchronously here (``canvas.draw()``) so the cost is measured.
        """

    def plotters(self) -> list[FigurePlot]:
        """The view's plotters, restyled when the palette changes."""
        return []

    def restyle(self, colors: dict[str, str]) -> None:
        """Follow a light/dark palette change: recolour the figures and redraw."""
        super().restyle(colors)
        self.mark_dirty()


# ----------------------------------------------------------------------------- helpers


def image_pixmap(image: np.ndarray, scale: int = 2, dark: bool | None = None) -> QPixmap:
    """A grey image (values 0…1, ink = 1) as a pixmap, ``scale`` × enlarged without blur:
    dark ink on white in a light theme, light ink on dark in a dark theme."""
    img = np.clip(np.nan_to_num(np.asarray(image, dtype=np.float64)), 0.0, 1.0)
    dark = theme.is_dark() if dark is None else dark
    gray = img if dark else 1.0 - img
    data = np.ascontiguousarray((gray * 255).round().astype(np.uint8))
    h, w = data.shape
    qimage = QImage(data.data, w, h, w, QImage.Format.Format_Grayscale8).copy()
    return QPixmap.fromImage(qimage).scaled(w * scale, h * scale,
                                            Qt.AspectRatioMode.KeepAspectRatio,
                                            Qt.TransformationMode.FastTransformation)


def compact(combo: QComboBox, chars: int = 14) -> QComboBox:
    """Let ``combo`` shrink to about ``chars`` characters (its list still shows full texts),
    so a row of controls never forces the window wider than the screen."""
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
    combo.setMinimumContentsLength(chars)
    combo.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
    return combo
