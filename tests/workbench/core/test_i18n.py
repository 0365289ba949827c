"""The interface in Simplified Chinese: a complete catalog, and after a language switch no visible
text, tooltip or plot label left in English on any page — nor any Chinese after switching back.

Each page is populated first (a trained model, every tab visited, a short run where a view needs
one), then switched with :func:`workbench.core.i18n.set_language`, and its whole widget tree and
every figure's text artists are walked (tick labels excluded: they are numbers).
"""

from __future__ import annotations

import importlib.util
import re
import string
import sys
import warnings
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QWidget,
)

from tests.workbench.i18n_walk import (
    act_everywhere,
    assert_all_chinese,
    assert_both_ways,
    assert_no_chinese,
    chinese_chars,
    draw_figures_without_missing_glyphs,
    english_words,
    hover_plots,
    pump,
    visit_everything,
)
from workbench.core import i18n
from workbench.ui import fonts

ROOT = Path(__file__).resolve().parents[3]

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


@pytest.fixture(autouse=True)
def _language_like_the_app():
    """Fonts and Qt's own translations follow the language as in ``create_application``."""
    from workbench.shell.app import install_qt_translations

    fonts.configure()
    i18n.language_changed.connect(install_qt_translations)
    yield
    i18n.set_language("en")
    i18n.language_changed.disconnect(install_qt_translations)


# ------------------------------------------------------------------------------------ pages

def test_main_window_after_training(qtbot, tmp_path):
    from tests.workbench.shell.test_main_window import small_digits, train_and_wait
    from workbench.shell import dialogs
    from workbench.shell.main_window import MainWindow

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
            act_everywhere(win)  # hover readouts made in one language must follow the switch
            win.change_language(code)  # the View → Language path, remembered in the settings
            qtbot.waitUntil(lambda c=code: settings.value("language") == c, timeout=5_000)
            visit_everything(win)
            help_dialogs = [dialogs.shortcuts(win), dialogs.chapters(win), dialogs.about(win)]
            check(win, qtbot)
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
    from tests.workbench.pages.inspect.inspect_support import (
        idle,
        make_context,
        make_page,
        trained_convnet,
    )
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
            # the histogram view draws one of its two canvases per mode: show both, so
            # neither keeps the text of a result drawn before the switch
            page.tabs.setCurrentWidget(histograms)
            for i in range(histograms.mode_combo.count()):
                histograms.mode_combo.setCurrentIndex(i)
                qtbot.waitUntil(lambda: idle(histograms) and not histograms._dirty,
                                timeout=30_000)

        assert_both_ways(page, visit, qtbot=qtbot)
    finally:
        page.shutdown()


def test_draw_page_with_a_prediction(qtbot, tmp_path):
    from tests.workbench.pages.inspect.inspect_support import make_context, trained_convnet
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

        assert_both_ways(page, visit, qtbot=qtbot)
    finally:
        page.shutdown()


def test_compare_page_with_results(qtbot, tmp_path, monkeypatch):
    from workbench.pages.compare import ComparePage
    from workbench.shell.context import AppContext

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

        assert_both_ways(page, visit, qtbot=qtbot)
    finally:
        page.shutdown()


def test_fundamentals_page(qtbot):
    from workbench.pages.fundamentals import FundamentalsPage
    from workbench.shell.context import AppContext

    page = FundamentalsPage(AppContext())
    qtbot.addWidget(page)
    page.resize(1360, 860)
    page.show()
    try:
        visit_everything(page)
        assert_both_ways(page, qtbot=qtbot)
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
    with caplog.at_level("WARNING", logger="workbench.ui.fonts"):
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


@pytest.mark.parametrize("first", ["en", "zh_CN"])
def test_texts_made_after_an_action_follow_a_language_switch(qtbot, first):
    """Issue 15.17: the XOR network's "Finished after 300 epochs" stayed English after a
    switch, and so did the Mistakes hover readout (every plot's readout is checked here; the
    Inspect test above hovers the confusion matrix). Both orders: act, then switch."""
    from workbench.pages.fundamentals.xor_network import XorNetworkDemo

    demo = XorNetworkDemo()
    qtbot.addWidget(demo)
    demo.resize(1000, 700)
    demo.show()
    other = "en" if first == "zh_CN" else "zh_CN"
    try:
        i18n.set_language(first)
        demo.slow.setChecked(False)
        demo.epochs.setValue(40)
        demo.train_button.click()
        qtbot.waitUntil(lambda: demo.outcome is not None and not demo.running, timeout=30000)
        assert hover_plots(demo) >= 2
        i18n.set_language(other)
        (assert_all_chinese if other == "zh_CN" else assert_no_chinese)(demo, qtbot)
        if other == "zh_CN":
            assert "40" in demo.status.text() and "Finished" not in demo.status.text()
        else:
            assert demo.status.text().startswith("Finished after 40 epochs: loss ")
    finally:
        i18n.set_language("en")
        demo.shutdown()


def test_the_mistakes_hover_readout_follows_a_language_switch(qtbot):
    from tests.workbench.pages.inspect.inspect_support import (
        idle,
        make_context,
        make_page,
        trained_convnet,
    )
    from workbench.pages.inspect.page import MISTAKES

    page = make_page(qtbot, make_context(trained_convnet()))
    try:
        page.tabs.setCurrentIndex(MISTAKES)
        view = page.mistakes
        qtbot.waitUntil(lambda: view.result is not None and idle(view), timeout=30_000)
        label = view.canvas.readout_label
        qtbot.waitUntil(lambda: hover_plots(view) >= 1 and bool(label.text()), timeout=10_000)
        english = label.text()
        assert english.startswith(("true ", "class "))
        i18n.set_language("zh_CN")
        qtbot.waitUntil(lambda: label.text() != english, timeout=10_000)
        chinese = label.text()
        assert chinese and not english_words(chinese)
        i18n.set_language("en")
        qtbot.waitUntil(lambda: not chinese_chars(label.text()), timeout=10_000)
        back = label.text()  # said again, or gone with a redrawn plot
        assert back in (english, "") and not chinese_chars(back)
    finally:
        i18n.set_language("en")
        page.shutdown()
