"""nn.raster: anti-aliased round-pen strokes (the page-match test is in tests/workbench)."""

from __future__ import annotations

import numpy as np
import pytest

from nn.raster import PenStroke, flatten_path, rasterise


def test_horizontal_line_width_and_antialiased_edge() -> None:
    img = rasterise([PenStroke([(40, 100.5), (240, 100.5)], 20.0)])
    assert img.shape == (280, 280) and img.dtype == np.float32
    column = img[:, 140]
    assert column.sum() == pytest.approx(20.0, abs=0.05)  # the pen's width in ink
    assert column[100] == 1.0 and column[80] == 0.0
    row = img[100]
    assert row[35] > 0 and row[25] == 0  # round cap: 10 units beyond the end
    values = np.unique(np.round(img, 3))
    assert len(values) > 5  # grey levels at the edge, not a binary image


def test_dot_is_a_disc_of_the_pen_area() -> None:
    img = rasterise([PenStroke([(100, 100)], 30.0)])
    assert img.sum() == pytest.approx(np.pi * 15**2, rel=0.02)
    assert img[100, 100] == 1.0


def test_smoothed_path_passes_through_midpoints() -> None:
    pts = np.array([(0, 0), (10, 0), (10, 10), (0, 10)], float)
    vertices, piece = flatten_path(pts)
    assert np.allclose(vertices[0], pts[0]) and np.allclose(vertices[-1], pts[-1])
    for mid in ((pts[1] + pts[2]) / 2, (pts[2] + pts[3]) / 2):
        assert np.min(np.hypot(*(vertices - mid).T)) < 1e-9
    assert len(piece) == len(vertices) - 1 and set(piece) == {1, 2, 3}


def test_pressure_narrows_and_eraser_removes() -> None:
    full = rasterise([PenStroke([(40, 100, 1.0), (240, 100, 1.0)], 20.0)])
    light = rasterise([PenStroke([(40, 100, 0.0), (240, 100, 0.0)], 20.0)])
    assert light.sum() < 0.5 * full.sum()
    erased = rasterise([PenStroke([(40, 100), (240, 100)], 20.0),
                        PenStroke([(140, 60), (140, 140)], 30.0, erase=True)])
    assert erased[100, 140] == 0.0 and erased[100, 60] == 1.0


def test_scale_renders_smaller_and_base_is_kept() -> None:
    stroke = PenStroke([(40, 40), (240, 240)], 22.0)
    big = rasterise([stroke])
    small = rasterise([stroke], 28, scale=0.1)
    assert small.sum() == pytest.approx(big.sum() / 100, rel=0.05)
    base = np.zeros((280, 280), np.float32)
    base[0, 0] = 0.7
    out = rasterise([stroke], base=base)
    assert out[0, 0] == pytest.approx(0.7) and base[0, 0] == pytest.approx(0.7)


def test_bad_points_are_rejected() -> None:
    with pytest.raises(ValueError):
        rasterise([PenStroke(np.zeros((0, 2)), 5.0)])
    with pytest.raises(ValueError):
        rasterise([PenStroke(np.zeros((3, 4)), 5.0)])


def test_mnist_pen_sets_the_width_from_the_drawing_size() -> None:
    from nn.raster import MNIST_PEN_RATIO, mnist_pen

    strokes = [PenStroke([(40, 40), (40, 240)], 10.0), PenStroke([(40, 40), (140, 40)], 30.0),
               PenStroke([(60, 60), (70, 70)], 8.0, erase=True)]
    out = mnist_pen(strokes)
    median = np.median([10.0, 30.0])
    factor = MNIST_PEN_RATIO * 200 / median
    assert [s.width for s in out] == pytest.approx([10 * factor, 30 * factor, 8 * factor])
    assert mnist_pen([strokes[2]])[0].width == 8.0  # only an eraser: nothing to measure
