"""The Fundamentals page: its demos, selection, tooltips, language switching and shutdown."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSlider,
    QWidget,
)

from workbench.core import i18n
from workbench.core.numbers import parse_vector
from workbench.pages.fundamentals import DEMOS, FundamentalsPage
from workbench.shell.context import AppContext

KEYS = ["perceptron", "xor", "xor_network", "activations", "softmax", "losses", "derivative",
        "descent", "backprop"]


def make_page(qtbot) -> FundamentalsPage:
    page = FundamentalsPage(AppContext())
    qtbot.addWidget(page)
    page.resize(1100, 800)
    return page


def test_page_lists_every_demo_in_book_order_and_selects_them(qtbot):
    page = make_page(qtbot)
    assert page.keys() == KEYS
    assert len(DEMOS) == len(KEYS)
    for row, key in enumerate(KEYS):
        demo = page.select(key)
        assert page.current_key() == key
        assert page.stack.currentWidget() is demo
        item = page.list.item(row)
        assert demo.title() in item.text() and demo.section() in item.text()
        assert "ch." in demo.section()
        assert "ch." in demo.explanation_html()  # each explanation cites its section
        assert demo.section() in demo.section_label.text()
    page.list.setCurrentRow(3)
    assert page.stack.currentWidget() is page.demo("activations")
    page.shutdown()


def inside(widget: QWidget, kinds: tuple[type, ...]) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def test_every_control_has_a_tooltip(qtbot):
    page = make_page(qtbot)
    kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QSlider)
    for key in KEYS:
        demo = page.demo(key)
        side = demo.side_scroll.widget()
        for child in side.findChildren(QWidget):
            if not isinstance(child, kinds) or inside(child, (QAbstractSpinBox, QComboBox,
                                                              QAbstractItemView)):
                continue
            assert child.toolTip().strip(), f"{key}: {type(child).__name__} {child.text() if hasattr(child, 'text') else ''}"  # noqa: E501
    page.shutdown()


def test_language_change_relabels_demos_and_figures(qtbot, monkeypatch):
    page = make_page(qtbot)
    catalog = {"Perceptron and logic gates": "感知机与逻辑门", "Demos": "演示",
               "Activation functions h(x)": "激活函数 h(x)", "Gate": "逻辑门"}
    monkeypatch.setitem(i18n._state, "catalog", catalog)
    i18n.language_changed.emit()
    demo = page.demo("perceptron")
    assert demo.title_label.text() == "感知机与逻辑门"
    assert demo.gate_caption.text() == "逻辑门"
    assert page.heading.text() == "演示"
    assert page.list.item(0).text().startswith("感知机与逻辑门")
    activations = page.demo("activations")
    assert activations.ax_f.get_title() == "Activation functions h(x)"  # hidden: redrawn later
    page.show()
    page.select("activations")
    assert activations.ax_f.get_title() == "激活函数 h(x)"
    monkeypatch.setitem(i18n._state, "catalog", {})
    i18n.language_changed.emit()
    assert demo.title_label.text() == "Perceptron and logic gates"
    page.shutdown()


def test_deleted_page_is_not_called_on_a_language_change(qtbot):
    page = FundamentalsPage(AppContext())
    page.shutdown()
    page.deleteLater()
    qtbot.wait(1)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    i18n.language_changed.emit()  # must not raise "C++ object already deleted"


def test_parse_vector_accepts_common_forms_and_explains_errors():
    assert parse_vector("[0.3, 2.9 4.0]").tolist() == [0.3, 2.9, 4.0]
    assert parse_vector("1;2;3").tolist() == [1.0, 2.0, 3.0]
    for text, fragment in (("", "at least"), ("1, x", "“x” is not a number"),
                           ("1, 1e999", "not a finite"), ("1 " * 30, "at most")):
        try:
            parse_vector(text, minimum=2)
        except ValueError as exc:
            assert fragment in str(exc)
        else:
            raise AssertionError(f"{text!r} was accepted")


def test_every_side_column_fits_without_clipping(qtbot):
    page = make_page(qtbot)
    page.show()
    for key in KEYS:
        demo = page.select(key)
        qtbot.wait(1)
        side = demo.side_scroll.widget()
        assert side.minimumSizeHint().width() <= demo.side_scroll.viewport().width(), key
    page.shutdown()
