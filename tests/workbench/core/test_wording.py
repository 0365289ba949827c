"""Issue 15.7: the interface spells one way and counts right."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def extracted_strings() -> dict[str, list[str]]:
    spec = importlib.util.spec_from_file_location("i18n_extract",
                                                  ROOT / "scripts" / "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.extract().strings


def test_initialization_is_spelled_one_way_in_every_interface_string():
    # The app writes "initialization", "initializer", "normalization": no "-is-" variant.
    british = {text: where for text, where in extracted_strings().items()
               if re.search(r"initialis", text, re.IGNORECASE)}
    assert british == {}


def test_counts_of_one_take_the_singular():
    import numpy as np
    from matplotlib.figure import Figure

    from workbench.core.i18n import plural, tr
    from workbench.plots.inspect.confusion_figure import ConfusionFigure
    from workbench.state import BuilderState
    from workbench.ui import theme

    assert plural(1, "1 image", "{n} images") == "1 image"
    assert plural(0, "1 image", "{n} images") == plural(2, "1 image", "{n} images")
    # the confusion matrix's hover readout for a cell holding one image (issue 15.7)
    cm = np.array([[5, 1], [0, 4]])
    plot = ConfusionFigure(Figure(), theme.plot_colors())
    plot.show(cm, ["0", "1"], False, None)
    assert plot.readout(plot.ax_cm, 1, 0) == "true 0, predicted 1: 1 image (16.7% of class 0)"
    assert plot.readout(plot.ax_cm, 0, 0) == "true 0, predicted 0: 5 images (83.3% of class 0)"
    state = BuilderState()
    state.add({"type": "Dense", "config": {"units": 10}})
    assert state.validation().summary().startswith("1 layer, 7,850 trainable parameters")
    assert tr("1 layer · parameters unknown")  # in the catalog like every string


def test_the_gallery_titles_count_one_image_and_one_mistake(qtbot):
    from tests.workbench.pages.inspect.inspect_support import (
        make_context,
        make_page,
        trained_convnet,
    )
    from workbench.pages.inspect.page import MISTAKES

    page = make_page(qtbot, make_context(trained_convnet()), MISTAKES)
    try:
        view, names = page.mistakes, [str(i) for i in range(10)]
        view.selection = None
        assert view._gallery_title(1, names) == "<b>The only mistake</b>"
        view.selection = (4, 9)
        assert view._gallery_title(1, names) == "<b>True 4, predicted 9</b>: 1 image"
        assert view._gallery_title(3, names) == "<b>True 4, predicted 9</b>: 3 images"
        view.selection = (4, None)
        assert view._gallery_title(1, names) == "<b>Class 4</b>: 1 mistake"
        view.selection = (4, 4)
        assert view._gallery_title(1, names) == "<b>4 recognised correctly</b>: 1 image"
    finally:
        page.shutdown()


def test_the_drawings_evaluation_counts_one_drawing_and_one_file(qtbot, tmp_path):
    import numpy as np

    from workbench.pages.draw.evaluation import EvaluationDialog
    from workbench.state.draw.collection import Evaluation

    dialog = EvaluationDialog()
    qtbot.addWidget(dialog)
    one = Evaluation()
    one.confusion[4, 4] = 1
    one.unreadable = [(tmp_path / "a.png", "damaged")]
    dialog.show_result(one, [str(i) for i in range(10)], "demo")
    assert dialog.summary.text() == ("Model demo: your drawing is recognised.\n"
                                     "1 file could not be read and was skipped: a.png")
    many = Evaluation(confusion=np.diag([2] + [0] * 9).astype(np.int64))
    many.confusion[3, 5] = 1
    dialog.show_result(many, [str(i) for i in range(10)], "demo")
    assert dialog.summary.text() == "Model demo: 66.7 % of your 3 drawings correct (1 wrong)."
