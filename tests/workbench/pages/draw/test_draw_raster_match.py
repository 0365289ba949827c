"""nn.raster paints strokes as the Draw page does (QPainter), so benchmarks and augmentation
built on it see what users' drawings look like after preprocessing."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QImage

from nn.preprocess import canvas_to_mnist
from nn.raster import PenStroke, rasterise
from workbench.pages.draw.render import Renderer, qimage_to_ink
from workbench.state.draw.strokes import DrawingHistory, Stroke

_T = np.linspace(0, 2 * np.pi, 40)
CASES = {
    "loop": [[(140 + 80 * np.cos(a), 140 + 100 * np.sin(a), 1.0) for a in _T]],
    "zigzag": [[(60, 40, 1.0), (200, 60, 1.0), (120, 250, 1.0)]],
    "pressure": [[(50 + 3 * i, 200 - 2 * i, 0.2 + 0.8 * i / 30) for i in range(30)]],
    "dot": [[(30, 30, 1.0)]],
    "seven": [[(70, 60, 1.0), (140, 58, 1.0), (210, 62, 1.0), (170, 140, 1.0),
               (130, 230, 1.0)], [(110, 140, 1.0), (200, 140, 1.0)]],
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_rasteriser_matches_the_page(qapp, name: str) -> None:
    strokes = CASES[name]
    history = DrawingHistory()
    for points in strokes:
        history.add_stroke(Stroke(tuple(points), 22.0))
    page = qimage_to_ink(Renderer().render(history, 280, QImage.Format.Format_Grayscale8))
    ours = rasterise([PenStroke(points, 22.0) for points in strokes])
    assert np.abs(page - ours).mean() < 0.004
    assert ours.sum() == pytest.approx(page.sum(), rel=0.02)
    # what the network sees differs by a few grey levels at most
    assert np.abs(canvas_to_mnist(page) - canvas_to_mnist(ours)).max() < 0.08


def test_mnist_pen_matches_the_pages() -> None:
    from nn.raster import mnist_pen
    from workbench.state.draw.strokes import mnist_pen as page_mnist_pen

    strokes = [Stroke(tuple(p), w) for p, w in zip(CASES["seven"], (12.0, 30.0), strict=True)]
    ours = mnist_pen([PenStroke(s.points, s.width) for s in strokes])
    assert [s.width for s in ours] == pytest.approx([s.width for s in page_mnist_pen(strokes)])


@pytest.mark.parametrize("name", ["loop", "zigzag", "seven"])
def test_an_eraser_along_the_same_path_leaves_nothing_on_either(qapp, name: str) -> None:
    """The eraser is ERASER_MARGIN wider than the pen on the page and in nn.raster alike."""
    history = DrawingHistory()
    for points in CASES[name]:
        history.add_stroke(Stroke(tuple(points), 22.0))
    for points in CASES[name]:
        history.add_stroke(Stroke(tuple(points), 22.0, erase=True))
    page = qimage_to_ink(Renderer().render(history, 280, QImage.Format.Format_Grayscale8))
    ours = rasterise([PenStroke(p, 22.0) for p in CASES[name]]
                     + [PenStroke(p, 22.0, erase=True) for p in CASES[name]])
    assert page.max() == 0.0 and ours.max() < 1e-6
