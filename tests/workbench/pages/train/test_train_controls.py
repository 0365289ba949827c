"""Issue 15.7: the Pause button and the progress bar tell the truth after a run ends."""

from __future__ import annotations

from PySide6.QtCore import QSettings, Qt

from nn.training import Paused, Stopped
from tests.workbench.shell.test_main_window import (  # noqa: F401
    small_digits,
    train_and_wait,
    window,
)
from workbench.core.session import SUFFIX
from workbench.shell import file_actions
from workbench.shell.main_window import MainWindow


def test_pause_reads_pause_again_after_stopping_a_paused_run(qtbot, window):  # noqa: F811
    page = window.train_page
    small_digits(window, epochs=30)
    qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: page.run.last_step is not None, timeout=60_000)
    with qtbot.waitSignal(page.controller.stateChanged, timeout=30_000,
                          check_params_cb=lambda e: isinstance(e, Paused)):
        qtbot.mouseClick(page.pause_button, Qt.MouseButton.LeftButton)
    assert page.pause_button.text() == "Resume" and page.pause_button.isChecked()
    with qtbot.waitSignal(page.controller.finished, timeout=30_000) as done:
        qtbot.mouseClick(page.stop_button, Qt.MouseButton.LeftButton)
    assert isinstance(done.args[0], Stopped)
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)
    assert page.pause_button.text() == "Pause" and not page.pause_button.isChecked()
    assert not page.pause_button.isEnabled()
    qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)  # runs again: pausable
    qtbot.waitUntil(lambda: page.pause_button.isEnabled(), timeout=30_000)
    assert page.pause_button.text() == "Pause"
    page.controller.stop()
    qtbot.waitUntil(lambda: not page.controller.running, timeout=30_000)


def test_a_reopened_finished_session_shows_a_full_progress_bar(qtbot, window, tmp_path):  # noqa: F811
    small_digits(window, epochs=1)
    window.builder.load_preset("two_layer_net")
    train_and_wait(qtbot, window)
    page = window.train_page
    assert page.progress.value() == page.progress.maximum()
    path = str(tmp_path / f"run{SUFFIX}")
    assert file_actions.write_session(window, window.current_session(), path)
    other = MainWindow(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    try:
        other.open_path(path)
        shown = other.train_page
        assert shown.status_text().startswith("Finished")
        assert shown.progress.value() == shown.progress.maximum() > 0
        assert other.status_progress.value() == other.status_progress.maximum()
    finally:
        other.close()
