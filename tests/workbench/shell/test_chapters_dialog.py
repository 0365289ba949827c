"""Issue 15.22: each row of Help → Book chapters opens the page and the demo or tab where its
concept can be tried."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication, QDialog, QTableWidget

from workbench.pages.inspect.page import FILTERS, GRADCHECK
from workbench.shell import dialogs
from workbench.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def window(qapp, tmp_path_factory):
    settings = QSettings(str(tmp_path_factory.mktemp("s") / "settings.ini"),
                         QSettings.Format.IniFormat)
    win = MainWindow(settings)
    win.resize(1360, 860)
    win.show()
    yield win
    win.close()


def _open_dialog(window) -> tuple[QDialog, QTableWidget]:
    window.a_chapters.trigger()
    QApplication.processEvents()
    dialog = next(d for d in window.findChildren(QDialog) if d.isVisible()
                  and d.findChild(QTableWidget) is not None)
    return dialog, dialog.findChild(QTableWidget)


def _current_view(window, page: str) -> str:
    widget = window.page(page)
    if page == "fundamentals":
        return widget.current_key()
    if page == "compare":
        return widget.current_key()
    if page == "inspect":
        return {FILTERS: "filters", GRADCHECK: "gradcheck"}.get(widget.tabs.currentIndex(), "?")
    return {0: "model", 1: "data"}[widget.tabs.currentIndex()]


def test_every_row_names_and_opens_its_place(window):
    assert len({where for _c, _ch, where in dialogs.CHAPTERS}) >= 14
    for row, (_concept, _chapter, (page, view)) in enumerate(dialogs.CHAPTERS):
        window.show_page("train" if page != "train" else "inspect")  # start elsewhere
        window.page("train").tabs.setCurrentIndex(1 if view == "model" else 0)
        dialog, table = _open_dialog(window)
        assert table.item(row, 2).text() == dialogs.destination_name(page, view)
        assert "Double-click" in table.item(row, 0).toolTip()
        table.itemActivated.emit(table.item(row, 0))
        QApplication.processEvents()
        assert not dialog.isVisible()  # the dialog gives way to the page it opened
        key = window.pages[window.sidebar.currentRow()][0]
        assert (key, _current_view(window, page)) == (page, view), dialogs.CHAPTERS[row][0]
        dialog.deleteLater()


def test_a_real_double_click_opens_the_demo(window):
    window.show_page("train")
    dialog, table = _open_dialog(window)
    row = next(i for i, c in enumerate(dialogs.CHAPTERS) if c[2] == ("compare", "batchnorm"))
    table.scrollToItem(table.item(row, 1))
    rect = table.visualItemRect(table.item(row, 1))
    QTest.mouseClick(table.viewport(), Qt.MouseButton.LeftButton,
                     Qt.KeyboardModifier.NoModifier, rect.center())
    QTest.mouseDClick(table.viewport(), Qt.MouseButton.LeftButton,
                      Qt.KeyboardModifier.NoModifier, rect.center())
    QApplication.processEvents()
    assert window.pages[window.sidebar.currentRow()][0] == "compare"
    assert window.page("compare").current_key() == "batchnorm"
    assert not dialog.isVisible()
