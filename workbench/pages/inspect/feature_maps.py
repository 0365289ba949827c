"""Feature maps tab: one input (a test image or the Draw page's drawing) through every layer."""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
from matplotlib.figure import Figure
from PySide6.QtCore import QSignalBlocker, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import nn
from workbench.core.i18n import plural, tr
from workbench.pages.inspect.base import Cancelled, InspectView
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.feature_figure import DPI, FeatureFigure, InputFigure, LayerOutput
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas

TEST, VAL, TRAIN, DRAWING = "test", "val", "train", "drawing"
QUIET = ("ReLU", "LeakyReLU", "Sigmoid", "Tanh", "Step", "Identity", "Dropout")


@dataclass(frozen=True)
class FeatureResult:
    """What the worker computed for one input: every layer's output and the probabilities."""

    image: np.ndarray  # the input, per-sample shape
    rows: list[LayerOutput]
    proba: np.ndarray  # (classes,)


def feature_job(model: nn.Sequential, x: np.ndarray) -> Iterator[FeatureResult]:
    """Worker-thread job: capture every layer's output for the single input ``x``."""
    batch = np.asarray(x, dtype=model.dtype).reshape(1, *model.input_shape)
    outputs = model.capture(batch)
    rows = [LayerOutput(layer.name, layer.describe(), np.array(outputs[layer.name][0]))
            for layer in model.layers]
    last = outputs[model.layers[-1].name]
    proba = model.loss.probabilities(last)[0]
    yield FeatureResult(batch[0].copy(), rows, np.array(proba, dtype=np.float64))


class FeatureMapsView(InspectView):
    live_interval = 2.0

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)
        self.result: FeatureResult | None = None
        self._true: int | None = None
        self.source_label, self.source_combo = QLabel(), QComboBox()
        self.index_label, self.index_spin = QLabel(), QSpinBox()
        self.prev_button, self.next_button = QPushButton(), QPushButton()
        self.random_button = QPushButton()
        self.hide_check = QCheckBox()
        self.info = muted_label()
        self.message = ErrorLabel()
        self.input_canvas = PlotCanvas(self, figsize=(2.6, 4.6), toolbar=False)
        self.input_canvas.setFixedWidth(280)
        self.input_plot = InputFigure(self.input_canvas.figure, theme.plot_colors())
        self._rng = np.random.default_rng()

        nav = QHBoxLayout()
        nav.addWidget(self.index_label)
        nav.addWidget(self.index_spin, 1)
        for w in (self.prev_button, self.next_button, self.random_button):
            nav.addWidget(w)
        for w in (self.prev_button, self.next_button):
            w.setFixedWidth(32)
        form = QFormLayout()
        form.addRow(self.source_label, self.source_combo)
        left = QVBoxLayout()
        left.addLayout(form)
        left.addLayout(nav)
        left.addWidget(self.hide_check)
        left.addWidget(self.info)
        left.addWidget(self.input_canvas, 1)
        left_box = QWidget()
        left_box.setLayout(left)
        left_box.setFixedWidth(300)

        self.figure = Figure(dpi=DPI)
        self.canvas = FigureCanvasQTAgg(self.figure)
        self.plot = FeatureFigure(self.figure, theme.plot_colors())
        self.readout = muted_label()
        self.scroll = QScrollArea()
        self.scroll.setWidget(self.canvas)
        self.scroll.setWidgetResizable(False)
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.scroll.setAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
        right = QVBoxLayout()
        right.addWidget(self.readout)
        right.addWidget(self.message)
        right.addWidget(self.scroll, 1)
        layout = QHBoxLayout(self)
        layout.addWidget(left_box)
        layout.addLayout(right, 1)

        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.source_combo.currentIndexChanged.connect(self._on_source)
        self.index_spin.valueChanged.connect(lambda _v: self.invalidate())
        self.prev_button.clicked.connect(lambda: self.index_spin.stepBy(-1))
        self.next_button.clicked.connect(lambda: self.index_spin.stepBy(1))
        self.random_button.clicked.connect(self._random)
        self.hide_check.toggled.connect(lambda _c: self.mark_dirty())
        self.jobs.events.connect(self._on_events)
        self.jobs.failed.connect(self.message.show_error)
        source.modelReplaced.connect(lambda _m: self.invalidate())
        source.weightsChanged.connect(self.invalidate)
        source.dataChanged.connect(self._on_data)
        source.dataFailed.connect(self.message.show_error)
        source.context.drawingChanged.connect(self._on_drawing)
        self._resize_timer = QTimer(self)
        self._resize_timer.setSingleShot(True)
        self._resize_timer.setInterval(150)
        self._resize_timer.timeout.connect(self.mark_dirty)
        self.retranslate()

    def retranslate(self) -> None:
        self.source_label.setText(tr("Image from:"))
        current = self.source_combo.currentData()
        with QSignalBlocker(self.source_combo):
            self.source_combo.clear()
            for text, key in ((tr("test set"), TEST), (tr("validation set"), VAL),
                              (tr("training set"), TRAIN), (tr("my drawing (Draw page)"),
                                                            DRAWING)):
                self.source_combo.addItem(text, key)
            found = self.source_combo.findData(current)
            self.source_combo.setCurrentIndex(found if found >= 0 else 0)
        self.source_combo.setToolTip(tr("Which image to feed the network: one from the data "
                                        "set, or the digit you drew on the Draw page."))
        self.index_label.setText(tr("Image:"))
        self.index_spin.setToolTip(tr("Index of the image in the chosen set."))
        self.prev_button.setText("◀")
        self.prev_button.setToolTip(tr("Previous image"))
        self.next_button.setText("▶")
        self.next_button.setToolTip(tr("Next image"))
        self.random_button.setText(tr("Random"))
        self.random_button.setToolTip(tr("Pick a random image from the set."))
        self.hide_check.setText(tr("Hide activation and dropout layers"))
        self.hide_check.setToolTip(tr("Show only the layers that change the shape or mix "
                                      "values (convolution, pooling, dense); activations "
                                      "only clip or squash the row above them."))
        self.readout.setToolTip(tr("The value under the mouse pointer."))
        self.readout.clear()  # said in the old language; the maps are redrawn anyway
        self.plot.retranslate()
        self.input_plot.retranslate()
        self.mark_dirty()

    # ------------------------------------------------------------------------------- input
    def _split(self) -> str:
        return self.source_combo.currentData() or TEST

    def _pair(self):
        data = self.source.data()
        if data is None:
            return None
        return {TEST: data.test, VAL: data.val, TRAIN: data.train}.get(self._split())

    def _on_source(self) -> None:
        drawing = self._split() == DRAWING
        for w in (self.index_spin, self.prev_button, self.next_button, self.random_button):
            w.setEnabled(not drawing)
        self._update_range()
        self.invalidate()

    def _update_range(self) -> None:
        pair = self._pair()
        n = 0 if pair is None else len(pair[0])
        with QSignalBlocker(self.index_spin):
            self.index_spin.setRange(0, max(n - 1, 0))

    def _on_data(self) -> None:
        self._update_range()
        self.invalidate()

    def _on_drawing(self, _image) -> None:
        if self._split() == DRAWING:
            self.invalidate()

    def _random(self) -> None:
        pair = self._pair()
        if pair is not None and len(pair[0]):
            self.index_spin.setValue(int(self._rng.integers(len(pair[0]))))

    def show_example(self, index: int, split: str = TEST) -> None:
        """Select image ``index`` of ``split`` (``"test"``, ``"val"`` or ``"train"``)."""
        with QSignalBlocker(self.source_combo):
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(split), 0))
        self._on_source()
        self.index_spin.setValue(int(index))
        self.invalidate()

    def _input(self, model: nn.Sequential) -> tuple[np.ndarray, int | None] | str | None:
        """The input and its true class, a message, or None while the data loads."""
        if self._split() == DRAWING:
            drawing = self.source.context.drawing
            if drawing is None:
                return tr("Nothing drawn yet: draw a digit on the Draw page, and its feature "
                          "maps appear here.")
            if math.prod(model.input_shape) != drawing.size:
                return tr("The drawing is a 28×28 image, but this model expects inputs of "
                          "shape {shape}.").format(shape="×".join(map(str, model.input_shape)))
            return drawing, None
        data = self.source.request_data()
        if data is None:
            return None
        problem = self.source.mismatch(model, data, classes=False)
        if problem:
            return problem
        pair = self._pair()
        if pair is None:
            return tr("This data set has no validation split; choose another set.")
        self._update_range()
        i = min(self.index_spin.value(), len(pair[0]) - 1)
        return pair[0][i], int(pair[1][i])

    # ----------------------------------------------------------------------------- compute
    def show_drawing(self) -> None:
        """Show the Draw page's drawing (through the Draw page's model, when it sent one)."""
        with QSignalBlocker(self.source_combo):
            self.source_combo.setCurrentIndex(max(self.source_combo.findData(DRAWING), 0))
        self._on_source()
        self.invalidate()

    def _model(self) -> nn.Sequential | None:
        drawing_model = self.source.context.drawing_model
        if self._split() == DRAWING and drawing_model is not None:
            return drawing_model.copy()  # the model that classified the drawing
        return self.source.working_copy()

    def compute(self) -> None:
        model = self._model()
        if model is None:
            return
        got = self._input(model)
        if got is None:
            self.info.setText(tr("Loading the data set…"))
            return
        if isinstance(got, str):
            self.message.show_error(got)
            return
        self.message.show_error(None)
        x, self._true = got
        self.start_job(lambda: feature_job(model, x))

    def _on_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, FeatureResult):
                self.result = event
                self.mark_dirty()
            elif isinstance(event, Cancelled):
                return

    def redraw(self) -> None:
        result = self.result
        if result is None:
            return
        rows = [r for r in result.rows if not (self.hide_check.isChecked()
                                              and r.name.split(".", 1)[1] in QUIET)]
        rows.insert(0, LayerOutput(tr("input"), tr("(what the network sees)"), result.image,
                                   tr("pixel")))
        width = max(self.scroll.viewport().width() - 4, 400)
        height = self.plot.show(rows, width)
        self.canvas.setFixedSize(width, height)
        self.canvas.draw()  # timed by the base class (see InspectView.redraw)
        data = self.source.data()
        names = list(data.class_names) if data is not None else []
        names += [str(i) for i in range(len(names), result.proba.size)]
        if self._split() == DRAWING:
            title = tr("Your drawing")
        else:
            title = tr("{set} image {i} — true class: {name}").format(
                set=self.source_combo.currentText(), i=self.index_spin.value(),
                name=names[self._true] if self._true is not None else "?")
        self.input_plot.show(result.image, result.proba, names, self._true, title)
        self.input_canvas.canvas.draw()
        state = tr("live during training") if self.source.training else tr("current weights")
        self.info.setText(plural(
            len(result.rows), tr("1 layer, {state}. Hover over a map to read its values."),
            tr("{n} layers, {state}. Hover over a map to read its values.")).format(
                n=len(result.rows), state=state))

    def resizeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._resize_timer.start()

    def _on_motion(self, event) -> None:
        if event.inaxes is not None:
            self.readout.setText(self.plot.readout(event.inaxes, event.xdata, event.ydata))

    def plotters(self) -> list:
        return [self.plot, self.input_plot]

    def draw_now(self) -> None:
        self.redraw()
