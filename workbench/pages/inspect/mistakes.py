"""Mistakes tab: confusion matrix and per-class accuracy on the test (or validation) set, and a
gallery of the misclassified images with true label, prediction and confidence (book ch. 8.1.2,
Fig. 8-5). Clicking a cell shows its examples; double-clicking one opens its feature maps."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.inspect import Progress, confusion_matrix, predict_steps, ranked_examples
from workbench.core.i18n import plural, tr
from workbench.pages.inspect.base import Cancelled, InspectView, JobStatus
from workbench.pages.inspect.gallery import MAX_ITEMS, Gallery
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.confusion_figure import ConfusionFigure
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas

TEST, VAL = "test", "val"


@dataclass(frozen=True)
class Evaluation:
    """Probabilities for every sample of a set, and its confusion matrix."""

    split: str
    proba: np.ndarray  # (N, K)
    labels: np.ndarray  # (N,)
    cm: np.ndarray  # (K, K), rows = true classes

    @property
    def accuracy(self) -> float:
        return float(np.trace(self.cm) / max(self.cm.sum(), 1))


def evaluate_job(model: nn.Sequential, split: str, x: np.ndarray, y: np.ndarray,
                 classes: int) -> Iterator[Progress | Evaluation]:
    """Worker-thread job: batched predictions with progress, then the evaluation."""
    for event in predict_steps(model, x):
        if isinstance(event, Progress):
            yield event
        else:
            proba = np.asarray(event, dtype=np.float64)
            yield Evaluation(split, proba, np.asarray(y),
                             confusion_matrix(y, proba.argmax(axis=1), classes))


def _fits(cell: tuple[int, int | None] | None, classes: int) -> bool:
    """Whether a selected cell exists in a confusion matrix of ``classes`` classes."""
    return cell is None or (cell[0] < classes and (cell[1] is None or cell[1] < classes))


class MistakesView(InspectView):
    """Signals: ``openExample(index, split)`` — show that image's feature maps."""

    openExample = Signal(int, str)
    live_interval = 5.0

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)
        self.result: Evaluation | None = None
        self.selection: tuple[int, int | None] | None = None
        self.set_label, self.set_combo = QLabel(), QComboBox()
        self.percent_check = QCheckBox()
        self.job_status = JobStatus()
        self.summary = QLabel()
        self.message = ErrorLabel()
        self.canvas = PlotCanvas(self, figsize=(6, 4.5))
        self.plot = ConfusionFigure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.plot.readout
        self.gallery_title = QLabel()
        self.gallery_title.setWordWrap(True)
        self.all_button = QPushButton()
        self.gallery = Gallery()
        self.hint = muted_label()

        bar = QHBoxLayout()
        bar.addWidget(self.set_label)
        bar.addWidget(self.set_combo)
        bar.addWidget(self.percent_check)
        bar.addSpacing(12)
        bar.addWidget(self.summary, 1)
        bar.addWidget(self.job_status, 1)
        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(6, 0, 0, 0)
        head = QHBoxLayout()
        head.addWidget(self.gallery_title, 1)
        head.addWidget(self.all_button)
        right_layout.addLayout(head)
        right_layout.addWidget(self.gallery, 1)
        right_layout.addWidget(self.hint)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.canvas)
        splitter.addWidget(right)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        splitter.setSizes([640, 420])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addWidget(self.message)
        layout.addWidget(splitter, 1)

        self.set_combo.currentIndexChanged.connect(lambda _i: self._on_set())
        self.percent_check.toggled.connect(lambda _c: self.mark_dirty())
        self.all_button.clicked.connect(lambda: self.select(None))
        self.canvas.canvas.mpl_connect("button_press_event", self._on_click)
        self.gallery.exampleActivated.connect(
            lambda i: self.openExample.emit(i, self.result.split if self.result else TEST))
        self.job_status.cancel_button.clicked.connect(self.cancel)
        self.jobs.events.connect(self._on_events)
        self.jobs.failed.connect(self._on_failed)
        self.jobs.runningChanged.connect(lambda r: self.job_status.set_running(
            r, tr("Classifying the images…") if r else ""))
        source.modelReplaced.connect(self._on_model)
        source.weightsChanged.connect(self.invalidate)
        source.dataChanged.connect(self.invalidate)
        source.dataFailed.connect(self.message.show_error)
        self.retranslate()

    def retranslate(self) -> None:
        self.set_label.setText(tr("Evaluate on:"))
        current = self.set_combo.currentData()
        with QSignalBlocker(self.set_combo):
            self.set_combo.clear()
            self.set_combo.addItem(tr("test set"), TEST)
            self.set_combo.addItem(tr("validation set"), VAL)
            found = self.set_combo.findData(current)
            self.set_combo.setCurrentIndex(found if found >= 0 else 0)
        self.set_combo.setToolTip(tr("The held-out images to classify: the test set, or the "
                                     "validation split used to pick the best epoch."))
        self.percent_check.setText(tr("Percentages"))
        self.percent_check.setToolTip(tr("Label the cells with the fraction of each true "
                                         "class instead of image counts."))
        self.all_button.setText(tr("All mistakes"))
        self.all_button.setToolTip(tr("Clear the cell selection and list every misclassified "
                                      "image again."))
        self.gallery.setToolTip(tr("Misclassified images, the most confident mistakes first "
                                   "(ch. 8.1.2). Double-click one to see its feature maps."))
        self.hint.setText(tr("Click a cell of the matrix for its images (a diagonal cell: the "
                             "correct ones), or a bar for all mistakes of that class."))
        self.mark_dirty()

    # ----------------------------------------------------------------------------- compute
    def _split(self) -> str:
        return self.set_combo.currentData() or TEST

    def _on_set(self) -> None:
        self.selection = None
        self.invalidate()

    def _on_model(self, _model) -> None:
        # The selection is kept: a cell (true 4, predicted 9) means the same for the next
        # model, and a cell clicked on the previous model's matrix, still shown until the
        # new one is computed, must not be lost when it arrives (issue 15.10).
        self.result = None
        self.invalidate()

    def compute(self) -> None:
        model = self.source.working_copy()
        if model is None:
            return
        data = self.source.request_data()
        if data is None:
            self.summary.setText(tr("Loading the data set…"))
            return
        problem = self.source.mismatch(model, data)
        if problem:
            self.message.show_error(problem)
            return
        pair = data.test if self._split() == TEST else data.val
        if pair is None or not len(pair[0]):
            self.message.show_error(tr("This data set has no validation split (set one on "
                                       "Build & Train); showing nothing."))
            return
        self.message.show_error(None)
        split, (x, y), k = self._split(), pair, data.num_classes
        self.start_job(lambda: evaluate_job(model, split, x, y, k))

    def _on_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, Progress):
                self.job_status.set_progress(event)
            elif isinstance(event, Evaluation):
                if not _fits(self.selection, event.cm.shape[0]):
                    self.selection = None
                self.result = event
                self.mark_dirty()
            elif isinstance(event, Cancelled):
                self.summary.setText(tr("Cancelled."))

    def _on_failed(self, message: str) -> None:
        self.message.show_error(message)

    # ----------------------------------------------------------------------------- display
    def select(self, cell: tuple[int, int | None] | None) -> None:
        """Show the images of ``cell`` = (true, predicted); predicted None: every mistake of
        that class; None: every mistake."""
        self.selection = cell
        self.mark_dirty()

    def _on_click(self, event) -> None:
        if event.button != 1 or self.canvas.toolbar.mode:
            return
        cell = self.plot.cell_at(event.inaxes, event.xdata, event.ydata)
        if cell is not None:
            self.select(None if cell == self.selection else cell)

    def _pair(self):
        data = self.source.data()
        if data is None or self.result is None:
            return None, []
        pair = data.test if self.result.split == TEST else data.val
        names = [str(n) for n in data.class_names]
        return pair, names

    def shown_indices(self) -> np.ndarray:
        """The sample indices the gallery lists for the current selection."""
        r = self.result
        if r is None:
            return np.zeros(0, np.intp)
        if self.selection is None:
            return ranked_examples(r.labels, r.proba)
        true, pred = self.selection
        return ranked_examples(r.labels, r.proba, true, pred, mistakes_only=true != pred)

    def redraw(self) -> None:
        r = self.result
        pair, names = self._pair()
        if r is None or pair is None:
            return
        k = r.cm.shape[0]
        names = (names + [str(i) for i in range(len(names), k)])[:k]
        wrong = int(r.cm.sum() - np.trace(r.cm))
        set_name = self.set_combo.itemText(self.set_combo.findData(r.split))
        live = tr(" (live, training)") if self.source.training else ""
        self.summary.setText(tr("Accuracy {a:.2%}{live} — {w:,} of {n:,} {set} images "
                                "misclassified.").format(a=r.accuracy, live=live, w=wrong,
                                                         n=int(r.cm.sum()), set=set_name))
        self.plot.show(r.cm, names, self.percent_check.isChecked(), self.selection)
        self.canvas.canvas.draw()
        indices = self.shown_indices()
        self.gallery.show_examples(indices, pair[0], pair[1], r.proba, names, set_name)
        self.gallery_title.setText(self._gallery_title(len(indices), names))

    def _gallery_title(self, count: int, names: list[str]) -> str:
        more = (tr(" — showing the {m} most confident").format(m=MAX_ITEMS)
                if count > MAX_ITEMS else "")
        if self.selection is None:
            text = plural(count, tr("<b>The only mistake</b>"),
                          tr("<b>All {n:,} mistakes</b>, most confident first")).format(n=count)
        else:
            true, pred = self.selection
            if pred is None:
                text = plural(count, tr("<b>Class {t}</b>: 1 mistake"),
                              tr("<b>Class {t}</b>: {n:,} mistakes")).format(t=names[true],
                                                                            n=count)
            elif pred == true:
                text = plural(count, tr("<b>{t} recognised correctly</b>: 1 image"),
                              tr("<b>{t} recognised correctly</b>: {n:,} images")).format(
                    t=names[true], n=count)
            else:
                text = plural(count, tr("<b>True {t}, predicted {p}</b>: 1 image"),
                              tr("<b>True {t}, predicted {p}</b>: {n:,} images")).format(
                    t=names[true], p=names[pred], n=count)
        return text + more

    def plotters(self) -> list:
        return [self.plot]

    def draw_now(self) -> None:
        self.redraw()
