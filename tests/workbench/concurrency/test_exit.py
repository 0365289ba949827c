"""Closing the main window while training and a comparison run: both jobs are stopped
cooperatively (their tokens set, their threads joined) and nothing is reported as an error."""

from __future__ import annotations

import time

import pytest
from PySide6.QtCore import QSettings, QtMsgType

from workbench.concurrency import registry
from workbench.shell.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("private_data_folders")


def test_closing_mid_training_and_mid_compare_exits_cleanly(qtbot, qtlog, caplog, capfd,
                                                            tmp_path):
    assert registry.stop_all()  # nothing left over from earlier tests
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.setup.set_training(epochs=500)
    win.show()
    train = win.train_page
    train.train_button.click()
    qtbot.waitUntil(lambda: len(train.run.history.iterations) > 0, timeout=60_000)

    compare = win.page("compare")
    win.show_page("compare")
    compare.show_key("batchnorm")
    tab = compare.batchnorm_tab
    tab.book_button.click()  # 32 networks × 20 epochs: minutes of work
    tab.run_button.click()
    qtbot.waitUntil(lambda: tab.state.done_steps >= 5, timeout=60_000)
    assert train.controller.running and tab.running
    assert registry.running_count() == 2

    capfd.readouterr()
    qt_before, log_before = len(qtlog.records), len(caplog.records)
    t0 = time.perf_counter()
    win.close()
    seconds = time.perf_counter() - t0
    assert registry.running_count() == 0  # both threads were joined
    assert not train.controller.running and not tab.running
    assert seconds < registry.STOP_WAIT_MS / 1000  # they ended on their tokens, no time-out
    qtbot.wait(100)  # anything the jobs still had queued is delivered now, and dropped
    qt_problems = [r.message for r in qtlog.records[qt_before:]
                   if r.type != QtMsgType.QtDebugMsg]
    assert qt_problems == []
    assert [r.getMessage() for r in caplog.records[log_before:]] == []
    err = capfd.readouterr().err
    assert "Traceback" not in err and "QThread" not in err
