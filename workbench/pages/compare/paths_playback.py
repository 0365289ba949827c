"""The playback bar of the optimizer-paths view: play/pause, replay, a step slider and the speed.

A :class:`QTimer` ticks at most ~30 times per second and advances a *fractional* step by
speed × elapsed time, so the paths glide between positions whatever the frame rate; every
change of step is announced with :attr:`PlaybackBar.stepChanged` and drawn by the owner.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QSignalBlocker, Qt, QTimer, Signal
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QPushButton, QSlider, QStyle, QWidget

from workbench.core.i18n import language_changed, tr
from workbench.ui.view import connect_weak

FRAME_MS = 33  # ≤ 30 frames per second
SPEEDS = (0, 5, 10, 25, 50, 100, 250)  # steps per second; 0 = automatic
AUTO_SECONDS = 4.0  # 'auto' plays a whole run in about this long


class PlaybackBar(QWidget):
    """Play / pause, replay from step 0, scrub with the slider, choose the speed."""

    stepChanged = Signal(float)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.n_steps = 0
        self.step = 0.0
        self.frames = 0  # counted for tests and benchmarks
        self._last_tick = 0.0
        self.timer = QTimer(self)
        self.timer.setInterval(FRAME_MS)
        self.timer.timeout.connect(self._tick)
        self.play_button = QPushButton(self)
        self.play_button.clicked.connect(self.toggle)
        self.restart_button = QPushButton(self)
        self.restart_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaSkipBackward))
        self.restart_button.clicked.connect(self.replay)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.valueChanged.connect(lambda value: self.set_step(float(value)))
        self.step_label = QLabel(self)
        self.step_label.setMinimumWidth(90)
        self.speed_combo = QComboBox(self)
        for speed in SPEEDS:
            self.speed_combo.addItem("", speed)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.play_button)
        layout.addWidget(self.restart_button)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.step_label)
        layout.addWidget(self.speed_combo)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.restart_button.setToolTip(tr("Play the paths again from the start point."))
        self.slider.setToolTip(tr("Scrub through the steps: every path is shown up to this "
                                  "step, and the loss plot's cursor follows."))
        for i, speed in enumerate(SPEEDS):
            self.speed_combo.setItemText(i, tr("auto speed") if speed == 0 else
                                         tr("{n} steps/s").format(n=speed))
        self.speed_combo.setToolTip(tr(
            "Playback speed; 'auto' plays any number of steps in about four seconds."))
        self._update()

    # ----------------------------------------------------------------------------- control
    @property
    def playing(self) -> bool:
        return self.timer.isActive()

    def speed(self) -> float:
        """Steps per second."""
        chosen = self.speed_combo.currentData() or 0
        return float(chosen) if chosen else max(5.0, self.n_steps / AUTO_SECONDS)

    def set_speed(self, speed: int) -> None:
        self.speed_combo.setCurrentIndex(max(self.speed_combo.findData(speed), 0))

    def set_steps(self, n_steps: int) -> None:
        """A new run of ``n_steps`` is shown complete (no signal: the owner drew it)."""
        self.n_steps, self.step = int(n_steps), float(n_steps)
        with QSignalBlocker(self.slider):
            self.slider.setRange(0, self.n_steps)
            self.slider.setValue(self.n_steps)
        self._update()

    def set_step(self, step: float) -> None:
        """Show ``step`` (pauses playback)."""
        self.timer.stop()
        self._go(step)

    def play(self) -> None:
        if self.n_steps <= 0:
            return
        if self.step >= self.n_steps:
            self._go(0.0)
        self._last_tick = time.perf_counter()
        self.timer.start()
        self._update()

    def pause(self) -> None:
        self.timer.stop()
        self._update()

    def toggle(self) -> None:
        self.pause() if self.playing else self.play()

    def replay(self) -> None:
        """Play from step 0."""
        self._go(0.0)
        self.play()

    # ---------------------------------------------------------------------------- internals
    def _tick(self) -> None:
        now = time.perf_counter()
        dt, self._last_tick = now - self._last_tick, now
        step = self.step + self.speed() * min(dt, 0.2)
        if step >= self.n_steps:
            step = float(self.n_steps)
            self.timer.stop()
        self.frames += 1
        self._go(step)

    def _go(self, step: float) -> None:
        self.step = min(max(float(step), 0.0), float(self.n_steps))
        with QSignalBlocker(self.slider):
            self.slider.setValue(int(self.step))
        self._update()
        self.stepChanged.emit(self.step)

    def _update(self) -> None:
        playing = self.playing
        self.play_button.setText(tr("Pause") if playing else tr("Play"))
        self.play_button.setIcon(self.style().standardIcon(
            QStyle.StandardPixmap.SP_MediaPause if playing else
            QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setToolTip(tr("Animate the paths step by step; press again to "
                                       "pause."))
        self.step_label.setText(tr("step {k} / {n}").format(k=int(self.step), n=self.n_steps))
