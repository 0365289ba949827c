"""The app shows its window before it builds the pages (and before Matplotlib loads), then
fills it; the start-up benchmark's measuring hook reports exactly that."""

from __future__ import annotations

import json
from pathlib import Path

from PySide6.QtCore import QSettings

from tests.workbench.cli.test_cli import run_main
from workbench.shell.lazy import PageSlot, when_exposed
from workbench.shell.main_window import MainWindow


def test_a_deferred_window_is_filled_once_it_is_on_the_screen(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    settings.setValue("page", "inspect")  # the remembered page is built with the others
    win = MainWindow(settings, defer_pages=True)
    qtbot.addWidget(win)
    slots = dict(win.pages)
    assert all(isinstance(w, PageSlot) and w.page is None for w in slots.values())
    assert not win.a_train.isEnabled() and not win.a_more.isEnabled()
    assert win.sidebar.count() == 5 and win.menuBar().actions()  # the frame is complete
    win.show()
    with qtbot.waitSignal(win.pagesReady, timeout=30_000):
        when_exposed(win, win.fill_pages)
    assert slots["train"].page is win.train_page and slots["inspect"].page is not None
    assert win.pages[win.sidebar.currentRow()][0] == "inspect"
    assert slots["draw"].page is None  # the other pages still wait for their first visit
    assert win.a_train.isEnabled() == win.train_page.train_button.isEnabled()
    win.fill_pages()  # once only
    assert slots["train"].layout().count() == 1
    win.close()


def test_the_app_reports_its_window_shown_before_matplotlib_and_the_pages(tmp_path: Path):
    home = tmp_path / "home"
    home.mkdir()
    probe = tmp_path / "probe.json"
    proc = run_main(HOME=str(home), MPLCONFIGDIR=str(home / "mpl"),
                    NN_WORKBENCH_STARTUP_PROBE=str(probe), timeout=180)
    assert proc.returncode == 0, proc.stderr
    marks = json.loads(probe.read_text(encoding="utf-8"))
    assert marks["shown"] <= marks["filled"] <= marks["done"]
    assert marks["painted"] <= marks["done"]
    assert marks["matplotlib_shown"] is False  # loaded only once the pages are built
    assert marks["matplotlib_filled"] is True
    assert 0 < marks["cpu_shown"] <= marks["cpu_filled"]
