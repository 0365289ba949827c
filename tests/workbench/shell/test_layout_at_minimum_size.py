"""Issue 15.16: at the smallest window (1230×494) and at 1230×600, in English and Chinese, no
Qt label, button or table header is too small for its text and no Matplotlib text leaves its
figure (or its axes) or runs into another text or a legend — on every page, tab and demo.

One window is shared (building the pages is the slow part); every view is measured as drawn
(:mod:`tests.workbench.layout_check`). Without a CJK font the Chinese texts are measured in
the fallback glyphs Qt and Matplotlib draw, which are about as wide.
"""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QListWidget, QTabWidget

from tests.workbench.i18n_walk import pump
from tests.workbench.layout_check import layout_problems
from workbench.core import i18n
from workbench.shell.main_window import MainWindow

#: The issue's sizes; the smallest is raised to the window's minimum if that is larger.
SIZES = ((1230, 494), (1230, 600))


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    settings = QSettings(str(tmp_path_factory.mktemp("s") / "settings.ini"),
                         QSettings.Format.IniFormat)
    win = MainWindow(settings)
    win.show()
    for key, _widget in win.pages:  # build every page once
        win.show_page(key)
        pump(0.05)
    yield win
    i18n.set_language("en")
    win.close()


def _views(win):
    """Show every page, tab and demo in turn; yield a name for each."""
    for key, _widget in win.pages:
        win.show_page(key)
        pump(0.05)
        page = win.page(key)
        yield key
        for tabs in page.findChildren(QTabWidget):
            for i in range(tabs.count()):
                tabs.setCurrentIndex(i)
                pump(0.05)
                if tabs.isVisible():
                    yield f"{key} › {tabs.tabText(i)}"
        for demos in page.findChildren(QListWidget):
            if demos.count() <= 20 and demos.isVisible():
                for row in range(demos.count()):
                    demos.setCurrentRow(row)
                    pump(0.05)
                    yield f"{key} › {demos.item(row).text().splitlines()[0]}"


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("size", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_nothing_is_clipped_or_overlapping(window, size, language):
    i18n.set_language(language)
    hint = window.minimumSizeHint()
    size = (max(size[0], hint.width()), max(size[1], hint.height()))
    window.resize(*size)
    pump(0.2)
    assert (window.width(), window.height()) == size
    problems = []
    for name in _views(window):
        problems.extend(layout_problems(window, f"[{name}] "))
    assert problems == [], "\n".join(problems)


def test_the_minimum_window_stays_near_the_issues_size(window):
    """The layout may not grow the smallest window much beyond 1230×494 (today 1230×511:
    the Compare page's tabs and the Draw page's fixed status lines)."""
    hint = window.minimumSizeHint()
    assert hint.width() <= 1230 and hint.height() <= 520
