"""The one page/view base: stale while hidden, language and theme wired once, weak listening,
the training-time budget, and every page and tab using it."""

from __future__ import annotations

import gc
import threading

import pytest
import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QWidget

from workbench.core.i18n import language_changed, set_language
from workbench.core.observable import Signal
from workbench.ui.view import TrainingBudget, View, connect_weak


class Plot:
    def __init__(self) -> None:
        self.colors: list[dict] = []

    def restyle(self, colors: dict[str, str]) -> None:
        self.colors.append(colors)


class Probe(View):
    def __init__(self, translated: bool = False) -> None:
        self.translated_figures = translated
        super().__init__()
        self.plot = Plot()
        self.computed = self.translated = 0

    def plotters(self) -> list[Plot]:
        return [self.plot]

    def recompute(self) -> None:
        self.computed += 1

    def retranslate(self) -> None:
        self.translated += 1


@pytest.fixture(autouse=True)
def english():
    yield
    set_language("en")


def test_a_hidden_view_is_stale_and_recomputes_once_when_shown(qtbot):
    view = Probe()
    qtbot.addWidget(view)
    view.invalidate()
    view.invalidate()
    assert view.computed == 0 and view.stale
    view.show()
    qtbot.waitUntil(lambda: view.computed == 1)
    assert not view.stale
    view.invalidate()  # shown: at once
    assert view.computed == 2


def test_language_changes_retranslate_and_recompute_translated_figures(qtbot):
    plain, figures = Probe(), Probe(translated=True)
    for view in (plain, figures):
        qtbot.addWidget(view)
    set_language("zh_CN")
    assert plain.translated == figures.translated == 1
    assert plain.computed == 0 and not plain.stale
    assert figures.stale  # hidden: its figure is redrawn when it is next shown
    figures.show()
    qtbot.waitUntil(lambda: figures.computed == 1)


def test_a_palette_change_restyles_the_declared_plotters(qtbot):
    view = Probe()
    qtbot.addWidget(view)
    palette = QPalette(view.palette())
    palette.setColor(QPalette.ColorRole.Window, palette.color(QPalette.ColorRole.Text))
    view.setPalette(palette)
    assert len(view.plot.colors) == 1 and set(view.plot.colors[0]) >= {"face", "text", "window"}


def test_connect_weak_neither_keeps_a_widget_alive_nor_calls_a_deleted_one(qtbot):
    calls: list[int] = []

    class Listener(QWidget):
        def hear(self, value: int) -> None:
            calls.append(value)

    signal = Signal()
    kept, dropped = Listener(), Listener()
    qtbot.addWidget(kept)
    connect_weak(signal, kept.hear)
    connect_weak(signal, dropped.hear)
    signal.emit(1)
    assert calls == [1, 1]
    shiboken6.delete(dropped)  # Qt deleted it; the Python wrapper is still around
    signal.emit(2)
    assert calls == [1, 1, 2]
    del kept
    gc.collect()


def test_the_training_budget_spaces_work_by_its_share_of_the_time():
    budget = TrainingBudget(interval=1.0, share=0.2)
    assert budget.spacing() == 1.0
    budget.measure(0.5)  # slow work: 0.5 s at most 20 % of the time → every 2.5 s
    assert budget.spacing() == pytest.approx(2.5)
    start = budget.start()
    assert budget.wait(start + 1.0) == pytest.approx(1.5)
    assert budget.wait(start + 3.0) < 0


def test_every_page_and_tab_is_a_view(qtbot, tmp_path):
    from workbench.shell.lazy import PageSlot
    from workbench.shell.main_window import MainWindow

    threads = threading.active_count()
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    pages = []
    for key, page in win.pages:
        win.show_page(key)
        pages.append(page.ensure_built() if isinstance(page, PageSlot) else page)
    assert all(isinstance(page, View) for page in pages), [type(p).__name__ for p in pages]
    by_name = {type(p).__name__: p for p in pages}
    compare = by_name["ComparePage"]
    tabs = [*compare.comparison_tabs.values(), *compare.views.values()]  # incl. paths, grid
    views = by_name["InspectPage"].views
    demos = list(by_name["FundamentalsPage"].demos.values())
    for part in (*tabs, *views, *demos):
        assert isinstance(part, View), type(part).__name__
    assert len(tabs) == 7 and len(views) == 5 and len(demos) >= 8
    win.close()
    QApplication.processEvents()
    language_changed.emit()  # nothing deleted is called
    # Pages that started background work (Inspect loading its data) let it end before the
    # next test, which may count references.
    qtbot.waitUntil(lambda: threading.active_count() <= threads, timeout=30000)
