"""``--self-test``: the window opens with the demo model on Draw and closes; failures say why."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from tests.workbench.cli.test_cli import run_main
from workbench.core.resources_locator import resource_path
from workbench.shell.main_window import MainWindow
from workbench.shell.self_test import check_window


@pytest.fixture
def window(qtbot, tmp_path):
    QApplication.setWindowIcon(QIcon(str(resource_path("icons", "app.svg"))))  # as the app does
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.close()


def test_self_test_passes_with_an_empty_home_and_leaves_no_settings(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    proc = run_main("--self-test", HOME=str(home), XDG_CONFIG_HOME=str(home / ".config"),
                    timeout=180)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert proc.stdout.startswith("self-test passed: the main window opened with the pretrained "
                                  "demo model on Draw")
    assert "self-test failed" not in proc.stderr
    assert not (home / ".config" / "nn-workbench").exists()  # a temporary settings folder


def test_an_open_window_with_its_demo_model_has_no_problems(window):
    assert check_window(window) == []
    assert window.page("draw").picker.model is not None


def test_a_missing_demo_model_is_the_reason_given(window):
    picker = window.page("draw").picker
    picker.model, picker.problem = None, "the file is gone"
    assert check_window(window) == [
        "the Draw page has no pretrained demo model (the file is gone)"]


def test_a_hidden_window_is_reported(window):
    window.hide()
    assert "the main window is not shown on the screen" in check_window(window)
