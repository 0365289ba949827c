"""The Draw page end to end: strokes drawn with mouse events → MNIST preprocessing → the
prediction shown; model sources; images; saliency; the link to the Inspect page."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image
from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QMessageBox

import nn
from nn.preprocess import canvas_to_mnist, center_of_mass, ink_bounding_box
from tests.workbench.pages.draw.test_draw_support import digit_strokes, draw, trained_model
from workbench.core.imageio import load_for_model
from workbench.pages.draw import DrawPage
from workbench.pages.draw.models import CURRENT
from workbench.pages.draw.render import qimage_to_ink
from workbench.shell.context import AppContext


@pytest.fixture(scope="module")
def model() -> nn.Sequential:
    return trained_model()


@pytest.fixture(scope="module")
def model_file(tmp_path_factory, model) -> str:
    path = tmp_path_factory.mktemp("models") / "digits_demo.npz"
    nn.save_model(model, path)
    return str(path)


@pytest.fixture
def settings(tmp_path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def context() -> AppContext:
    return AppContext()


def make_page(qtbot, context, settings, demo_path, tmp_path) -> DrawPage:
    page = DrawPage(context, settings=settings, demo_path=demo_path, seed=0)
    page.collection.set_folder(tmp_path / "drawings")
    qtbot.addWidget(page)
    page.resize(1100, 800)
    page.show()
    qtbot.waitExposed(page)
    return page


@pytest.fixture
def page(qtbot, context, settings, model_file, tmp_path):
    p = make_page(qtbot, context, settings, model_file, tmp_path)
    yield p
    p.shutdown()


def settle(qtbot, page: DrawPage) -> None:
    """Wait for the throttled update to run."""
    qtbot.waitUntil(page.is_idle, timeout=5000)


# ------------------------------------------------------------------------------ acceptance
CASES = {
    # digit, left, top, width, height (canvas units of 280), pen width
    "centred": (7, 60, 50, 160, 180, 22),
    "off-centre": (7, 6, 8, 95, 105, 14),
    "small": (4, 205, 215, 42, 50, 6),
    "large": (0, 40, 2, 200, 276, 30),
    "thick": (1, 110, 40, 45, 200, 60),
    "thin": (4, 60, 55, 150, 170, 4),
}


@pytest.mark.parametrize("mnist_pen", [False, True], ids=["pen-as-drawn", "mnist-pen"])
@pytest.mark.parametrize("case", list(CASES))
def test_drawn_digit_is_preprocessed_like_mnist_and_the_shown_answer_is_the_models(
        qtbot, page, model, case, mnist_pen):
    digit, left, top, width, height, pen = CASES[case]
    page.tools.mnist_pen.setChecked(mnist_pen)
    page.canvas.set_pen_width(pen)
    draw(page.canvas, digit_strokes(digit, left, top, width, height))
    settle(qtbot, page)

    ink = page.canvas.ink()  # what the preprocessing reads
    t, lft, b, r = ink_bounding_box(ink)
    half = (0.14 * max(width, height) if mnist_pen else pen) / 2 + 2
    assert abs(lft - max(left, 0)) <= half and abs(r - min(left + width, 280)) <= half
    assert abs(t - max(top, 0)) <= half and abs(b - min(top + height, 280)) <= half

    x28 = page.input
    assert x28 is not None and x28.shape == (28, 28)
    np.testing.assert_array_equal(x28, canvas_to_mnist(ink))  # the same preprocessing
    row, col = center_of_mass(x28)
    assert abs(row - 14.0) < 0.5 and abs(col - 14.0) < 0.5
    t28, l28, b28, r28 = ink_bounding_box(x28)
    assert 19 <= max(b28 - t28, r28 - l28) <= 21

    expected = int(model.predict(x28.reshape(1, 1, 28, 28))[0])
    assert page.prediction.top == expected
    assert page.summary.answer.text() == str(expected)
    assert page.bars.prediction.top == expected
    np.testing.assert_allclose(page.bars.prediction.probabilities,
                               model.predict_proba(x28.reshape(1, 1, 28, 28))[0], rtol=1e-5)
    np.testing.assert_array_equal(page.context.drawing, x28)  # offered to the Inspect page


def test_mnist_pen_makes_the_input_independent_of_the_pen_width(qtbot, page):
    inputs = []
    for pen in (6, 40):
        page.history.clear()
        page.canvas.set_pen_width(pen)
        draw(page.canvas, digit_strokes(4, 200, 200, 45, 55))
        settle(qtbot, page)
        inputs.append(page.input.copy())
    np.testing.assert_array_equal(inputs[0], inputs[1])
    ink_mean = float(inputs[0].mean())
    assert 0.08 < ink_mean < 0.2  # about MNIST's 0.13
    page.tools.mnist_pen.setChecked(False)  # as drawn: the wide pen makes a blob
    settle(qtbot, page)
    assert float(page.input.mean()) > 1.5 * ink_mean


def test_centred_seven_is_read_as_a_seven(qtbot, page):
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    assert page.prediction.top == 7


def test_prediction_follows_the_pen_before_it_lifts(qtbot, page):
    from PySide6.QtCore import Qt
    from PySide6.QtTest import QTest

    from tests.workbench.pages.draw.test_draw_support import to_widget

    stroke = digit_strokes(1, 120, 40, 40, 200)[0]
    QTest.mousePress(page.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                     to_widget(page.canvas, stroke[0]))
    before = page.update_count
    for point in stroke[1:]:
        QTest.mouseMove(page.canvas, to_widget(page.canvas, point))
        settle(qtbot, page)
    assert page.canvas.is_drawing
    assert page.update_count > before
    assert page.prediction is not None
    np.testing.assert_array_equal(page.input, canvas_to_mnist(page.canvas.ink()))
    QTest.mouseRelease(page.canvas, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier,
                       to_widget(page.canvas, stroke[-1]))
    assert not page.canvas.is_drawing
    assert page.history.can_undo


def test_not_sure_below_the_threshold(qtbot, page):
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    conf = page.prediction.confidence
    page.threshold.setValue(min(100, int(conf * 100) + 1))
    assert "Not sure" in page.summary.detail.text()
    page.threshold.setValue(max(0, int(conf * 100) - 1))
    assert "sure" in page.summary.detail.text() and "Not" not in page.summary.detail.text()


def test_blank_canvas_shows_no_answer(qtbot, page):
    assert page.input is None and page.prediction is None
    assert page.summary.answer.text() == "–"
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    page.history.clear()
    settle(qtbot, page)
    assert page.prediction is None and page.bars.prediction is None
    assert page.context.drawing is None


# ------------------------------------------------------------------------------- saliency
@pytest.mark.parametrize("method", ["gradient_input", "gradient", "occlusion"])
def test_saliency_overlay_appears_when_the_pen_lifts(qtbot, page, method):
    index = page.explain.method.findData(method)
    page.explain.method.setCurrentIndex(index)
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    overlay = page.canvas._overlay
    assert overlay is not None
    image, rect = overlay
    assert (image.width(), image.height()) == (28, 28)
    frame = page.frame
    # the overlay covers the region that became the 28×28 input: the ink box scaled by 28/20
    top, left, bottom, right = frame.box
    assert rect.width() == pytest.approx(max(bottom - top, right - left) * 28 / 20, rel=1e-6)
    assert rect.left() < left and rect.right() > right
    assert page.explain.saliency_view._overlay is not None


def test_see_feature_maps_publishes_the_input_and_asks_for_inspect(qtbot, page, context):
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    assert page.explain.feature_button.isEnabled()
    with qtbot.waitSignal(context.pageRequested) as blocker:
        page.explain.feature_button.click()
    assert blocker.args == ["inspect"]
    np.testing.assert_array_equal(context.drawing, page.input)


# ----------------------------------------------------------------------------- models
def test_demo_model_loads_by_default(page, model):
    assert page.picker.model is not None and page.picker.problem is None
    assert page.picker.model.parameter_count == model.parameter_count
    assert not page.model_message.isVisible()


def test_missing_demo_is_explained(qtbot, context, settings, tmp_path):
    page = make_page(qtbot, context, settings, tmp_path / "nope.npz", tmp_path)
    assert page.picker.model is None
    assert "missing" in page.picker.problem
    assert page.model_message.isVisible() and "missing" in page.model_message.text()
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    assert page.prediction is None and page.input is not None
    assert page.summary.detail.text() == "No model to classify with."
    page.shutdown()


def test_current_model_from_build_and_train_is_offered_and_followed(
        qtbot, context, settings, tmp_path, model):
    page = make_page(qtbot, context, settings, tmp_path / "nope.npz", tmp_path)
    current = page.picker.combo.findData(CURRENT)
    assert not page.picker.combo.model().item(current).isEnabled()
    context.set_model(model)
    qtbot.waitUntil(lambda: page.picker.model is not None, timeout=2000)
    assert page.picker.source == CURRENT
    assert page.picker.model is not model  # a private copy
    assert page.picker.combo.model().item(current).isEnabled()
    # during training the page follows the snapshots, never the live model
    first_copy = page.picker.model
    context.set_model(model, training=True)
    qtbot.wait(20)
    assert page.picker.model is first_copy  # the live model in training is never read
    snapshot = model.copy()
    snapshot.named_parameters()["5.b"][...] += 5.0  # a visibly different network
    context.receive_probe("snapshot", snapshot)
    qtbot.waitUntil(lambda: np.allclose(page.picker.model.named_parameters()["5.b"],
                                        snapshot.named_parameters()["5.b"]), timeout=2000)
    assert "training" in page.picker.combo.currentText()
    page.shutdown()


def test_incompatible_models_are_refused(qtbot, page, context, tmp_path, monkeypatch):
    shown = []
    monkeypatch.setattr(QMessageBox, "exec", lambda box: shown.append(box.text()) or 0)
    toy = nn.presets.build("two_layer_net", input_shape=(2,))
    path = tmp_path / "toy.npz"
    nn.save_model(toy, path)
    before = page.picker.model
    assert not page.picker.open_path(str(path))
    assert "not 28×28 images" in shown[-1]
    assert page.picker.model is before  # the previous model stays
    three = nn.presets.build("simple_convnet", filters=4, hidden_size=8, classes=3)
    nn.save_model(three, tmp_path / "three.npz")
    assert not page.picker.open_path(str(tmp_path / "three.npz"))
    assert "3 outputs" in shown[-1]
    corrupt = tmp_path / "corrupt.npz"
    corrupt.write_bytes(b"PK\x03\x04 not really a zip")
    assert not page.picker.open_path(str(corrupt))
    assert "corrupt.npz" in shown[-1]
    assert page.picker.combo.findData(str(corrupt)) < 0
    # an incompatible Build & Train model is described, not used
    context.set_model(toy)
    page.picker._choose(CURRENT)
    assert page.picker.model is None and "not 28×28 images" in page.model_message.text()


def test_open_model_file_is_remembered(qtbot, page, settings, model, tmp_path, context):
    path = tmp_path / "mine.npz"
    nn.save_model(model, path)
    assert page.picker.open_path(str(path))
    assert page.picker.source == str(path)
    assert page.picker.combo.currentText() == "mine.npz"
    other = make_page(qtbot, AppContext(), settings, tmp_path / "none.npz", tmp_path)
    assert other.picker.combo.findData(str(path)) >= 0
    other.shutdown()


# ----------------------------------------------------------------------------- images
def _digit_png(path, dark_on_light: bool) -> None:
    img = np.zeros((120, 90), np.uint8)
    img[20:100, 40:52] = 255  # a "1"
    img[20:30, 28:52] = 255
    if dark_on_light:
        img = 255 - img
    Image.fromarray(img).convert("RGB").save(path)


@pytest.mark.parametrize("dark_on_light", [True, False])
def test_open_image_uses_the_predict_preprocessing(qtbot, page, tmp_path, dark_on_light):
    path = tmp_path / ("dark.jpg" if dark_on_light else "light.png")
    _digit_png(path, dark_on_light)
    with qtbot.waitSignal(page.loader.done, timeout=5000):
        page.open_image(str(path))
    settle(qtbot, page)
    np.testing.assert_array_equal(page.input, load_for_model(path))  # as `main.py predict`
    assert path.name in page.source_line.full_text()
    assert not page.canvas.is_blank
    draw(page.canvas, [[(20, 20), (40, 40)]])  # strokes on top: the canvas is preprocessed
    settle(qtbot, page)
    np.testing.assert_array_equal(page.input, canvas_to_mnist(page.canvas.ink()))
    page.history.undo()
    page.history.undo()
    settle(qtbot, page)
    assert page.canvas.is_blank


def test_corrupt_image_gives_an_inline_message(qtbot, page, tmp_path):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"\x89PNG\r\n\x1a\n garbage")
    with qtbot.waitSignal(page.loader.done, timeout=5000):
        page.open_image(str(bad))
    assert page.source_line.is_error
    assert "broken.png" in page.source_line.full_text()
    assert page.canvas.is_blank


def test_random_test_digit_shows_its_true_label(qtbot, page):
    with qtbot.waitSignal(page.loader.done, timeout=10000):
        page.random_digit()
    settle(qtbot, page)
    reset = page.history.last_reset()
    assert reset.kind == "mnist" and reset.label is not None
    np.testing.assert_array_equal(page.input, reset.direct_input)  # the real MNIST digit
    assert f"true label {reset.label}" in page.source_line.full_text()
    assert page.bars.true_label == reset.label
    assert page.summary.truth.text().startswith(f"True label {reset.label}")


# -------------------------------------------------------------------------------- polish
def test_every_control_explains_itself(page):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSlider, QAbstractSpinBox, QComboBox

    controls = [w for kind in (QAbstractButton, QComboBox, QAbstractSpinBox, QAbstractSlider)
                for w in page.findChildren(kind)
                if not w.inherits("QScrollBar") and w.isVisible()]
    assert len(controls) > 25
    missing = [(type(w).__name__, getattr(w, "text", lambda: "")()) for w in controls
               if not w.toolTip()]
    assert missing == []


def test_language_switch_relabels_the_page(qtbot, page):
    from workbench.core import i18n

    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    settle(qtbot, page)
    try:
        i18n._state["catalog"] = {"Eraser": "橡皮擦", "Class probabilities (softmax, ch. 3.5)":
                                  "各类别的概率（softmax，第 3.5 节）"}
        i18n._state["code"] = "zh_CN"
        i18n.language_changed.emit()
        assert page.tools.eraser_button.text() == "橡皮擦"
        assert page.bars.title.startswith("各类别")
        assert page.summary.answer.text() == str(page.prediction.top)  # the answer stays
    finally:
        i18n._state["catalog"], i18n._state["code"] = {}, "en"
        i18n.language_changed.emit()
    assert page.tools.eraser_button.text() == "Eraser"


def test_model_problem_is_explained_again_after_a_language_switch(qtbot, context, settings,
                                                                  tmp_path):
    from workbench.core import i18n

    page = make_page(qtbot, context, settings, tmp_path / "nope.npz", tmp_path)
    original = page.model_message.text()
    key = "The demo model {path} is missing. Train a model on the digits in Build & Train, " \
          "or open one with “Open model…”."
    try:
        i18n._state["catalog"] = {key: "演示模型 {path} 不存在。"}
        i18n._state["code"] = "zh_CN"
        i18n.language_changed.emit()
        assert page.model_message.text().startswith("演示模型")
    finally:
        i18n._state["catalog"], i18n._state["code"] = {}, "en"
        i18n.language_changed.emit()
    assert page.model_message.text() == original
    page.shutdown()


def test_shutdown_stops_the_background_threads(qtbot, context, settings, model_file, tmp_path):
    page = make_page(qtbot, context, settings, model_file, tmp_path)
    draw(page.canvas, digit_strokes(7, 60, 50, 160, 180))
    page.shutdown()
    assert not page.service.busy and not page.service.runner.running
    assert not page.loader.running and not page.collection.runner.running


def test_latency_benchmark_runs(qtbot, capsys):
    import importlib.util
    from pathlib import Path

    path = Path(__file__).resolve().parents[4] / "benchmarks" / "bench_draw_latency.py"
    spec = importlib.util.spec_from_file_location("bench_draw_latency", path)
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    assert bench.main(["--models", "two_layer_net", "--strokes", "1", "--points", "8",
                       "--rate", "500"]) == 0
    row = capsys.readouterr().out.splitlines()[-1].split()
    assert row[0] == "two_layer_net" and int(row[1]) == 9  # press, 7 moves, release
    assert all(value.endswith("ms") for value in row[2:])


@pytest.mark.parametrize("mnist_pen", [False, True], ids=["pen-as-drawn", "mnist-pen"])
@pytest.mark.parametrize("path", ["stem", "curve"])
def test_erasing_a_stroke_along_its_path_leaves_nothing_for_the_network(
        qtbot, page, mnist_pen, path):
    """Issue 15.8: the eraser used to leave a 1–2 px antialiased hairline along the edges of
    the erased stroke, which the preprocessing scaled up into a digit."""
    page.tools.mnist_pen.setChecked(mnist_pen)
    strokes = ([[(150, 40), (150, 120), (151, 200), (152, 250)]] if path == "stem"
               else digit_strokes(0, 70, 40, 140, 190))
    draw(page.canvas, strokes)
    settle(qtbot, page)
    assert page.input is not None and page.prediction is not None
    page.tools.eraser_button.click()
    draw(page.canvas, strokes)
    settle(qtbot, page)
    assert float(page.canvas.ink().max()) == 0.0
    assert page.input is None and page.prediction is None
    assert not np.any(canvas_to_mnist(page.canvas.ink()))
    assert page.summary.answer.text() == "–"
    assert page.summary.detail.text() == "There is no ink to classify."
    shown = page.canvas.images.display(round(page.canvas.canvas_rect().width()))
    assert float(qimage_to_ink(shown).max()) == 0.0  # nothing left on screen either


def test_tool_keys_work_wherever_the_focus_is_on_the_page(qtbot, page):
    """Issue 15.20: Esc, E, [ and ] act on the canvas whenever the Draw page is active."""
    page.activateWindow()
    qtbot.waitUntil(page.isActiveWindow, timeout=2000)
    target = page.explain.overlay_check
    target.setFocus()
    qtbot.waitUntil(target.hasFocus, timeout=2000)
    width = page.canvas.pen_width
    QTest.keyClick(target, Qt.Key.Key_BracketRight)
    assert page.canvas.pen_width == width + 2
    QTest.keyClick(target, Qt.Key.Key_BracketLeft)
    QTest.keyClick(target, Qt.Key.Key_BracketLeft)
    assert page.canvas.pen_width == width - 2
    QTest.keyClick(target, Qt.Key.Key_E)
    assert page.canvas.eraser and page.tools.eraser_button.isChecked()
    QTest.keyClick(target, Qt.Key.Key_E)
    assert not page.canvas.eraser
    draw(page.canvas, [[(60, 60), (200, 200)]])
    target.setFocus()
    QTest.keyClick(target, Qt.Key.Key_Escape)
    assert page.canvas.is_blank
    # a field being typed in keeps its keys
    page.threshold.setFocus()
    page.threshold.lineEdit().selectAll()
    QTest.keyClicks(page.threshold, "7")
    QTest.keyClick(page.threshold, Qt.Key.Key_E)
    assert not page.canvas.eraser and page.threshold.value() == 7
