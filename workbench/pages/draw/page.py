"""Draw: hand-draw a digit (or open an image) and watch the network classify it as you draw.

Every pointer sample schedules one update (coalesced: at most one per event-loop pass). An
update preprocesses the canvas like MNIST (:func:`nn.preprocess.canvas_to_mnist`, a fraction of
a millisecond) and hands the 28×28 input to a worker thread
(:class:`~workbench.concurrency.latest.LatestWins`, latest request wins), whose answer
repaints the bars — about a millisecond for the book's networks, and the pen stays fluid even
for a slow model. The saliency map, the guides and the drawing published for the Inspect page
wait for the pen to lift.
"""

from __future__ import annotations

import time
from functools import partial
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QPointF, QRectF, QSettings, Qt, QTimer
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.preprocess import canvas_to_mnist
from workbench.concurrency.latest import LatestWins
from workbench.concurrency.runner import JobRunner
from workbench.core.draw.inference import DEFAULT_THRESHOLD, InputFrame, Prediction, input_frame
from workbench.core.draw.requests import Request, Result, compute
from workbench.core.draw.saliency import to_rgba
from workbench.core.draw.sources import LoadedImage, load_image_file, random_test_digit
from workbench.core.i18n import tr
from workbench.pages.draw.canvas import DrawingCanvas
from workbench.pages.draw.collection_panel import CollectionPanel
from workbench.pages.draw.explain import ExplainPanel
from workbench.pages.draw.layers_strip import LayerStrip
from workbench.pages.draw.models import DEMO_MODEL, ModelPicker
from workbench.pages.draw.prediction import PredictionSummary, ProbabilityBars
from workbench.pages.draw.render import Guides, rgba_to_qimage
from workbench.pages.draw.tools import DrawTools, install_tool_shortcuts
from workbench.shell.context import AppContext
from workbench.state.draw.strokes import DrawingHistory
from workbench.ui.common import ErrorLabel, StatusLine
from workbench.ui.view import View

THRESHOLD_KEY = "draw/notSureBelow"
MNIST_PEN_KEY = "draw/mnistPen"
IMAGE_FILTERS = "*.png *.jpg *.jpeg *.bmp *.gif *.tif *.tiff *.webp"


class DrawPage(View):
    """The Draw page. ``settings`` defaults to the application's QSettings and ``demo_path``
    to the shipped demo model (tests pass their own)."""

    def __init__(self, context: AppContext, parent: QWidget | None = None, *,
                 settings: QSettings | None = None, demo_path: Path | str = DEMO_MODEL,
                 seed: int | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.settings = settings if settings is not None else QSettings()
        self.history = DrawingHistory()
        self.rng = np.random.default_rng(seed)
        self.input: NDArray[np.float32] | None = None  # what the network saw last
        self.prediction: Prediction | None = None
        self.frame: InputFrame | None = None
        self.update_count = 0  # updates sent to the network
        self.result_count = 0  # answers shown
        self._seq = 0
        self._valid_from = 0
        self._full_pending = False
        self._next_allowed = 0.0
        self._published: NDArray | None = None
        self._build_ui(demo_path)
        self._connect()
        self.retranslate()
        self._model_changed()

    # ---------------------------------------------------------------------------- layout
    def _build_ui(self, demo_path: Path | str) -> None:
        self.picker = ModelPicker(self.context, self.settings, demo_path=demo_path)
        self.model_message = ErrorLabel()
        self.canvas = DrawingCanvas(self.history)
        self.canvas.set_mnist_pen(str(self.settings.value(MNIST_PEN_KEY, "true")).lower()
                                  != "false")
        self.tools = DrawTools(self.canvas)
        self.shortcuts = install_tool_shortcuts(self, self.canvas)
        self.source_line = StatusLine()  # where the image came from, or why it did not load
        self.collection = CollectionPanel(self.settings, self._ink_to_save, self._model_for_eval)

        self.summary = PredictionSummary()
        self.bars = ProbabilityBars()
        self.threshold_label = QLabel()
        self.threshold = QSpinBox()
        self.threshold.setRange(0, 100)
        self.threshold.setSuffix(" %")
        stored = self.settings.value(THRESHOLD_KEY, round(100 * DEFAULT_THRESHOLD))
        try:
            self.threshold.setValue(int(stored))
        except (TypeError, ValueError):
            self.threshold.setValue(round(100 * DEFAULT_THRESHOLD))
        self.threshold_label.setBuddy(self.threshold)
        self.explain = ExplainPanel()
        self.layers = LayerStrip(self.settings)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 6, 0)
        left_layout.addWidget(self.tools)
        left_layout.addWidget(self.canvas, 1)
        left_layout.addWidget(self.source_line)
        left_layout.addWidget(self.collection)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        right_layout.addWidget(self.summary)
        right_layout.addWidget(self.bars, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.threshold_label)
        row.addWidget(self.threshold)
        right_layout.addLayout(row)
        right_layout.addWidget(self.layers)
        right_layout.addWidget(self.explain)
        scroll = QScrollArea()
        scroll.setWidget(right)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(340)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(left)
        self.splitter.addWidget(scroll)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([560, 400])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.picker)
        layout.addWidget(self.model_message)
        layout.addWidget(self.splitter, 1)

        self.timer = QTimer(self)
        self.timer.setSingleShot(True)
        self.timer.timeout.connect(self._run_update)
        self.loader = JobRunner(self)
        # One forward pass at a time (the model's caches), each result shown as it comes.
        self.service = LatestWins(self, budget=0.0, show_superseded=True)

    def _connect(self) -> None:
        self.canvas.inkChanged.connect(self._ink_changed)
        self.canvas.strokeFinished.connect(self._settled)
        self.canvas.imageDropped.connect(self.open_image)
        self.tools.openImageRequested.connect(self.open_image_dialog)
        self.tools.randomDigitRequested.connect(self.random_digit)
        self.tools.mnist_pen.toggled.connect(
            lambda on: self.settings.setValue(MNIST_PEN_KEY, bool(on)))
        self.picker.modelChanged.connect(self._model_changed)
        self.threshold.valueChanged.connect(self._threshold_changed)
        self.explain.optionsChanged.connect(self._options_changed)
        self.layers.toggled.connect(self._options_changed)
        self.explain.featureMapsRequested.connect(self.show_feature_maps)
        self.collection.saved.connect(self._saved)
        self.collection.drawingChosen.connect(self.open_image)
        self.loader.done.connect(self._loaded)
        self.loader.failed.connect(self.source_line.show_error)
        self.service.done.connect(self._on_result)

    def retranslate(self) -> None:
        self.threshold_label.setText(tr("“Not sure” below"))
        tip = tr("When the top probability is below this, the page says it is not sure and names "
                 "the two likeliest classes. Softmax (ch. 3.5) is often over-confident on "
                 "scribbles, so treat high values with care too.")
        self.threshold_label.setToolTip(tip)
        self.threshold.setToolTip(tip)
        self._show_source()
        self._show_prediction()

    # --------------------------------------------------------------------------- updates
    def _ink_changed(self) -> None:
        self._schedule(full=not self.canvas.is_drawing)

    def _settled(self) -> None:
        self.source_line.show_error(None)
        self._show_source()
        self._schedule(full=True)

    def _schedule(self, full: bool) -> None:
        """Coalesce update requests: at most one per event-loop pass, and never more often
        than the last update's duration allows (half the GUI thread's time at most)."""
        self._full_pending = self._full_pending or full
        if not self.timer.isActive():
            delay = max(0.0, self._next_allowed - time.perf_counter())
            self.timer.start(int(delay * 1000))

    def refresh_now(self, full: bool = True) -> None:
        """Run a pending (or forced) update immediately (its result arrives asynchronously)."""
        self.timer.stop()
        self._full_pending = self._full_pending or full
        self._run_update()

    def is_idle(self) -> bool:
        """No update is scheduled and no inference is running: what is shown is current."""
        return not self.timer.isActive() and not self.service.busy

    def _run_update(self) -> None:
        """Preprocess the canvas (GUI thread) and send it to the inference thread."""
        start = time.perf_counter()
        full, self._full_pending = self._full_pending, False
        self._seq += 1
        ink = self.canvas.ink()
        direct = self.canvas.direct_input()
        x28 = direct if direct is not None else canvas_to_mnist(ink)
        x28 = x28 if np.any(x28) else None
        self.input = x28
        self.explain.show_input(x28)
        if full:
            self.frame = None if x28 is None else input_frame(ink, x28)
            self._show_guides()
            self._publish(x28)
            self.collection.refresh()
        model = self.picker.model
        if x28 is None or model is None:
            self._valid_from = self._seq  # whatever is still computing is out of date
            self.service.discard()
            self.prediction = None
            self._show_prediction()
            self.layers.show_layers(None)
            if full:
                self._show_saliency(None)
        else:
            method = self.explain.method_key if full else None
            self.service.submit(partial(compute, Request(self._seq, model, x28, method,
                                                         self.frame if full else None,
                                                         layers=self.layers.due(full))))
        self.update_count += 1
        self._next_allowed = time.perf_counter() + (time.perf_counter() - start)

    def _on_result(self, result: Result) -> None:
        if result.request.seq < self._valid_from or result.request.model is not \
                self.picker.model:
            return
        if result.error is not None:
            self.model_message.show_error(tr("The model failed on this input: {error}").format(
                error=result.error))
        elif self.model_message.isVisible() and self.picker.problem is None:
            self.model_message.show_error(None)
        self.prediction = result.prediction
        self._show_prediction()
        if result.layers is not None:
            self.layers.show_layers(result.layers)
        if result.request.saliency is not None:
            self._show_saliency(result)
        self.result_count += 1

    def _show_prediction(self) -> None:
        names, true = self.picker.names, self._true_label()
        thr = self.threshold.value() / 100.0
        message = None
        if self.picker.model is None:
            message = tr("No model to classify with.")
        elif self.input is None and not self.canvas.is_blank:
            message = tr("There is no ink to classify.")
        self.summary.show_prediction(self.prediction, names, thr, true, message)
        self.bars.set_prediction(self.prediction, names, thr, true)

    def _true_label(self) -> int | None:
        reset = self.history.last_reset()
        return None if reset is None or self.history.strokes() else reset.label

    def _show_saliency(self, result: Result | None) -> None:
        """Show ``result``'s saliency map beside the input and over the drawing."""
        sal = None if result is None else result.saliency
        pred = None if result is None else result.prediction
        if sal is None or pred is None:
            self.explain.show_saliency(self.input, None)
            self.canvas.set_overlay(None)
            return
        rgba = to_rgba(sal)
        self.explain.show_saliency(result.request.x28, rgba, self.picker.names[pred.top])
        frame: InputFrame | None = result.request.tag
        if frame is None:
            self.canvas.set_overlay(None)
        else:
            self.canvas.set_overlay(rgba_to_qimage(rgba),
                                    QRectF(frame.x0, frame.y0, frame.size, frame.size))

    def _show_guides(self) -> None:
        self.canvas.show_overlay = self.explain.overlay_check.isChecked()
        self.canvas.show_guides = self.explain.guides_check.isChecked()
        f = self.frame
        if f is None:
            self.canvas.set_guides(None)
        else:
            top, left, bottom, right = f.box
            self.canvas.set_guides(Guides(QRectF(f.x0, f.y0, f.size, f.size),
                                          QRectF(left, top, right - left, bottom - top),
                                          QPointF(f.com[1], f.com[0])))
        self.canvas.update()

    def _publish(self, x28: NDArray | None) -> None:
        """Offer the input to the Inspect page when it changed."""
        same = (x28 is None and self._published is None) or (
            x28 is not None and self._published is not None
            and np.array_equal(x28, self._published))
        if not same:
            self._published = None if x28 is None else x28.copy()
            self.context.set_drawing(self._published)

    def _model_changed(self) -> None:
        self.model_message.show_error(self.picker.problem)
        self.refresh_now(full=True)

    def _threshold_changed(self, value: int) -> None:
        self.settings.setValue(THRESHOLD_KEY, int(value))
        self._show_prediction()

    def _options_changed(self) -> None:
        self.refresh_now(full=True)

    # ----------------------------------------------------------------------------- images
    def open_image_dialog(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self, tr("Open an image of a digit"), str(self.collection.folder.path),
            tr("Images ({patterns});;All files (*)").format(patterns=IMAGE_FILTERS))
        if path:
            self.open_image(path)

    def open_image(self, path: str) -> None:
        """Load ``path`` onto the canvas in the background (errors appear under the canvas)."""
        self.loader.start_task(lambda _token: _load_or_message(path))

    def random_digit(self) -> None:
        """Put a random digit of the embedded MNIST test split on the canvas."""
        rng = self.rng
        self.loader.start_task(lambda _token: random_test_digit(rng)[0])

    def _loaded(self, result: LoadedImage | str) -> None:
        if isinstance(result, str):
            self.source_line.show_error(result)
            return
        self.history.reset(result.base, result.direct_input, result.title, result.label,
                           result.kind)

    def _show_source(self) -> None:
        reset = self.history.last_reset()
        if reset is None or reset.base is None:
            self.source_line.show_info("")
            return
        if reset.kind == "mnist":
            text = tr("MNIST test digit #{index}, true label {label}").format(
                index=reset.title, label=reset.label)
        else:
            text = tr("Image: {name}").format(name=reset.title)
            if reset.label is not None:
                text += " · " + tr("saved as a “{label}”").format(label=reset.label)
        if self.history.strokes():
            text += " · " + tr("with your strokes on top")
        self.source_line.show_info(text)

    # ------------------------------------------------------------------------- collection
    def _ink_to_save(self) -> NDArray | None:
        return None if self.canvas.is_blank else self.canvas.ink()

    def _model_for_eval(self) -> tuple[nn.Sequential, list[str]] | None:
        model = self.picker.model
        return None if model is None else (model, self.picker.names)

    def _saved(self, _path) -> None:
        if self.collection.clear_after.isChecked():
            self.history.clear()
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    # -------------------------------------------------------------------------- the rest
    def show_feature_maps(self) -> None:
        """Send the current input to the Inspect page and show that page."""
        if self.input is None:
            return
        self._published = self.input.copy()
        model = self.picker.model  # the page's private copy: safe to read on the GUI thread
        self.context.request_feature_maps(self._published,
                                          None if model is None else model.copy())

    def showEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().showEvent(event)
        self.canvas.setFocus(Qt.FocusReason.OtherFocusReason)

    def shutdown(self) -> None:
        """Stop timers and background jobs (called by the main window on close)."""
        self.timer.stop()
        self.loader.shutdown()
        self.collection.shutdown()
        self.service.shutdown()


def _load_or_message(path: str) -> LoadedImage | str:
    try:
        return load_image_file(path)
    except (ValueError, OSError) as exc:  # ImageFileError is a ValueError
        return str(exc)
