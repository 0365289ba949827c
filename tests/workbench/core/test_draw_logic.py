"""The Draw page's Qt-free parts: the stroke history, MNIST pen widths, model checks, the
input frame, saliency maps, the drawings folder and the image sources."""

from __future__ import annotations

import datetime

import numpy as np
import pytest
from PIL import Image

import nn
from nn.preprocess import canvas_to_mnist
from tests.workbench.pages.draw.test_draw_support import trained_model
from workbench.core.draw.inference import DIGITS, class_names, input_frame, model_problem, predict
from workbench.core.draw.saliency import (
    NEGATIVE_RGB,
    POSITIVE_RGB,
    occlusion,
    saliency_map,
    to_rgba,
)
from workbench.core.draw.sources import load_image_file, random_test_digit
from workbench.core.imageio import load_for_model
from workbench.state.draw.collection import Drawing, DrawingsFolder, drawing_label, evaluate
from workbench.state.draw.strokes import DrawingHistory, Stroke, mnist_pen


def stroke(*points, width=20.0, erase=False) -> Stroke:
    return Stroke(tuple((x, y, 1.0) for x, y in points), width, erase)


# -------------------------------------------------------------------------------- history
def test_history_undo_redo_clear_and_reset():
    h = DrawingHistory()
    seen = []
    h.changed.connect(seen.append)
    assert h.is_blank and not h.can_undo and not h.clear()
    h.add_stroke(stroke((0, 0), (10, 10)))
    h.add_stroke(stroke((5, 5)))
    assert len(h.strokes()) == 2 and seen == ["stroke", "stroke"]
    assert h.clear() and h.is_blank and h.strokes() == []
    assert h.undo() and len(h.strokes()) == 2
    assert h.undo() and len(h.strokes()) == 1
    assert h.redo() and len(h.strokes()) == 2 and seen[-1] == "stroke"
    h.add_stroke(stroke((1, 1)))
    assert not h.can_redo  # a new stroke drops the redo branch
    base = np.ones((4, 4), np.float32)
    x28 = np.full((28, 28), 0.5, np.float32)
    h.reset(base, x28, "a.png", 3, "file")
    assert not h.is_blank and h.strokes() == []
    np.testing.assert_array_equal(h.direct_input(), x28)
    h.add_stroke(stroke((2, 2)))
    assert h.direct_input() is None  # drawn over: the canvas is preprocessed instead
    assert h.last_reset().label == 3
    with pytest.raises(ValueError):
        h.add_stroke(Stroke((), 5.0))


def test_mnist_pen_scales_widths_with_the_digit_size():
    small = [stroke((10, 10), (10, 60), width=30), stroke((0, 10), (20, 10), width=30)]
    out = mnist_pen(small)
    assert [s.width for s in out] == pytest.approx([0.14 * 50] * 2)
    assert [s.points for s in out] == [s.points for s in small]
    large = [stroke((0, 0), (0, 250), width=4), stroke((0, 0), (0, 1), width=8, erase=True)]
    out = mnist_pen(large)
    assert out[0].width == pytest.approx(0.14 * 250)
    assert out[1].width == pytest.approx(2 * 0.14 * 250)  # the eraser scales along
    assert mnist_pen([stroke((1, 1), erase=True)])[0].width == 20.0  # no ink: unchanged


# ------------------------------------------------------------------------------ inference
def test_model_problem_accepts_digit_classifiers_only():
    assert model_problem(nn.presets.build("simple_convnet", filters=2, hidden_size=4)) is None
    flat = nn.Sequential([nn.layers.Dense(10)], (784,))
    assert model_problem(flat) is None
    toy = nn.presets.build("two_layer_net", input_shape=(2,))
    assert "not 28×28 images" in model_problem(toy)
    assert "3 outputs" in model_problem(nn.Sequential([nn.layers.Dense(3)], (1, 28, 28)))


def test_class_names_prefer_the_models_record():
    model = nn.Sequential([nn.layers.Dense(10)], (784,))
    assert class_names(model) == list(DIGITS)
    assert class_names(model, tuple("abcdefghij")) == list("abcdefghij")
    model.metadata = {"class_names": [f"c{i}" for i in range(10)]}
    assert class_names(model, tuple("abcdefghij"))[3] == "c3"


def test_predict_matches_the_model():
    model = trained_model()
    x = nn.datasets.load("digits").x_test[5, 0]
    p = predict(model, x)
    np.testing.assert_allclose(p.probabilities, model.predict_proba(x[None, None])[0], rtol=1e-6)
    assert p.top == int(np.argmax(p.probabilities)) and p.probabilities.sum() == pytest.approx(1)
    assert p.runner_up() != p.top
    assert p.is_sure(p.confidence) and not p.is_sure(p.confidence + 1e-6)


def test_input_frame_maps_the_input_back_onto_the_canvas():
    ink = np.zeros((280, 280), np.float32)
    ink[40:200, 100:140] = 1.0  # a bar: 160 tall, its centre of mass at (120, 120)
    x28 = canvas_to_mnist(ink)
    frame = input_frame(ink, x28)
    assert frame.box == (40, 100, 200, 140)
    assert frame.size == pytest.approx(160 * 28 / 20)
    assert frame.com == pytest.approx((120.0, 120.0))
    # the centre of mass lands on input pixel 14 (its centre is at 14.5 in pixel units)
    assert frame.x0 + 14.5 * frame.size / 28 == pytest.approx(120.0, abs=0.1)
    assert frame.y0 + 14.5 * frame.size / 28 == pytest.approx(120.0, abs=0.1)
    assert input_frame(np.zeros((280, 280)), np.zeros((28, 28))) is None


# ------------------------------------------------------------------------------- saliency
def test_saliency_maps_are_scaled_and_signed():
    model = trained_model()
    x = nn.datasets.load("digits").x_test[0, 0]
    top = predict(model, x).top
    grad = saliency_map(model, x, top, "gradient")
    raw = model.input_gradient(x[None, None], top)[0, 0]
    np.testing.assert_allclose(grad, raw / np.abs(raw).max(), rtol=1e-5, atol=1e-7)
    gxi = saliency_map(model, x, top, "gradient_input")
    assert np.abs(gxi).max() == pytest.approx(1.0)
    assert np.all(gxi[x == 0] == 0)  # only where there is ink
    with pytest.raises(ValueError):
        saliency_map(model, x, top, "magic")


def test_occlusion_marks_the_ink_that_carries_the_answer():
    model = trained_model()
    x = nn.datasets.load("digits").x_test[0, 0]
    top = predict(model, x).top
    occ = occlusion(model, x, top)
    assert occ.shape == (28, 28)
    assert np.all(occ[:3, :3] == 0)  # empty corners are never covered by an inked patch
    assert occ.max() > 0  # erasing some of the ink lowers the top class's probability
    blank = occlusion(model, np.zeros((28, 28)), top)
    assert not blank.any()


def test_to_rgba_colours_by_sign_and_magnitude():
    sal = np.array([[1.0, -1.0, 0.0, 0.25]])
    rgba = to_rgba(sal, max_alpha=1.0, gamma=1.0)
    assert tuple(rgba[0, 0, :3]) == POSITIVE_RGB and rgba[0, 0, 3] == 255
    assert tuple(rgba[0, 1, :3]) == NEGATIVE_RGB and rgba[0, 1, 3] == 255
    assert rgba[0, 2, 3] == 0 and rgba[0, 3, 3] == 64


# ----------------------------------------------------------------------------- collection
def test_drawings_folder_saves_labelled_pngs(tmp_path):
    folder = DrawingsFolder(tmp_path / "mine")
    ink = np.zeros((280, 280), np.float32)
    ink[60:220, 130:150] = 1.0
    when = datetime.datetime(2025, 1, 2, 3, 4, 5, 678000)
    a = folder.save(ink, 1, when)
    b = folder.save(ink, 1, when)
    assert a.name == "1_20250102-030405-678.png" and b.name == "1_20250102-030405-678-2.png"
    assert drawing_label(a) == 1 and drawing_label("x.png") is None
    saved = np.asarray(Image.open(a))
    assert saved.shape == (280, 280) and saved[100, 140] == 255 and saved[0, 0] == 0
    np.testing.assert_allclose(load_for_model(a), canvas_to_mnist(ink), atol=1e-6)
    (tmp_path / "mine" / "notes.txt").write_text("not a drawing")
    assert [d.label for d in folder.drawings()] == [1, 1]
    assert folder.counts() == [0, 2, 0, 0, 0, 0, 0, 0, 0, 0]
    with pytest.raises(ValueError):
        folder.save(ink, 10)
    assert DrawingsFolder(tmp_path / "absent").drawings() == []


def test_evaluate_counts_per_class_and_lists_mistakes(tmp_path):
    model = trained_model()
    data = nn.datasets.load("digits")
    folder = DrawingsFolder(tmp_path)
    for i in range(30):
        big = np.kron(data.x_test[i, 0], np.ones((10, 10), np.float32))
        folder.save(big, int(data.y_test[i]))
    (tmp_path / "7_broken.png").write_bytes(b"\x89PNG broken")
    drawings = folder.drawings()
    result = evaluate(model, drawings)
    assert result.total == 30 and len(result.unreadable) == 1
    inputs = np.stack([load_for_model(d.path) for d in drawings if d.path.name != "7_broken.png"])
    labels = np.array([d.label for d in drawings if d.path.name != "7_broken.png"])
    predicted = model.predict(inputs[:, None])
    assert result.correct == int((predicted == labels).sum())
    assert len(result.mistakes) == 30 - result.correct
    totals, acc = result.per_class()
    assert totals.sum() == 30 and np.all(np.isnan(acc[totals == 0]))
    for m in result.mistakes:
        assert m.predicted != m.label and m.image.shape == (28, 28)
    import threading

    stop = threading.Event()
    stop.set()
    assert evaluate(model, drawings, stop).cancelled
    assert evaluate(model, [Drawing(tmp_path / "7_broken.png", 7)]).total == 0


# -------------------------------------------------------------------------------- sources
def test_load_image_file_matches_predict_and_shrinks_big_photos(tmp_path):
    img = np.full((1500, 1200), 230, np.uint8)
    img[300:1200, 550:700] = 20  # a dark "1" on light paper
    path = tmp_path / "7_photo.png"
    Image.fromarray(img).save(path)
    loaded = load_image_file(path)
    np.testing.assert_array_equal(loaded.direct_input, load_for_model(path))
    assert max(loaded.base.shape) <= 560
    assert loaded.base.max() == pytest.approx(1.0) and loaded.base[0, 0] == 0  # ink high
    assert loaded.label == 7 and loaded.title == "7_photo.png" and loaded.kind == "file"


def test_random_test_digit_comes_from_the_test_split():
    data = nn.datasets.load("digits")
    image, index = random_test_digit(np.random.default_rng(3))
    np.testing.assert_array_equal(image.direct_input, data.x_test[index, 0])
    assert image.label == data.y_test[index] and image.kind == "mnist"
