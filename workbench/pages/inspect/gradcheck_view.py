"""Gradient check tab: backpropagation against numerical differentiation on the current model
(book ch. 5.7) — the same gradients, and how much faster backprop finds them."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nn.gradcheck import GradCheckResult
from nn.inspect import Progress, gradcheck_steps
from workbench.core.i18n import tr
from workbench.pages.inspect.base import Cancelled, InspectView, JobStatus
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.gradcheck_figure import GradCheckFigure, duration, verdict
from workbench.state.inspect.records import fixed_batch
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas

DEFAULT_SAMPLES = 3  # as the book's gradient_check.py
DEFAULT_ENTRIES = 25


class GradCheckView(InspectView):
    """Runs only on request (the Run button): a check of a large network takes seconds."""

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)
        self.result: GradCheckResult | None = None
        self._requested = False
        self.samples_spin = QSpinBox()
        self.samples_spin.setRange(1, 50)
        self.samples_spin.setValue(DEFAULT_SAMPLES)
        self.entries_spin = QSpinBox()
        self.entries_spin.setRange(1, 100_000)
        self.entries_spin.setValue(DEFAULT_ENTRIES)
        self.entries_spin.setSingleStep(5)
        self.run_button = QPushButton()
        self.run_button.setDefault(True)
        self.job_status = JobStatus()
        self.samples_label, self.entries_label = QLabel(), QLabel()
        self.intro = muted_label()
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.RichText)
        self.message = ErrorLabel()
        self.table = QTableWidget(0, 6)
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.canvas = PlotCanvas(self, figsize=(8, 3.4))
        self.plot = GradCheckFigure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.plot.readout

        form = QFormLayout()
        form.addRow(self.samples_label, self.samples_spin)
        form.addRow(self.entries_label, self.entries_spin)
        top = QHBoxLayout()
        top.addLayout(form)
        buttons = QVBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addStretch(1)
        top.addLayout(buttons)
        top.addWidget(self.intro, 1)
        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.table)
        splitter.addWidget(self.canvas)
        splitter.setStretchFactor(1, 2)
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.job_status)
        layout.addWidget(self.message)
        layout.addWidget(self.summary)
        layout.addWidget(splitter, 1)

        self.run_button.clicked.connect(self.run)
        self.job_status.cancel_button.clicked.connect(self.cancel)
        self.jobs.events.connect(self._on_events)
        self.jobs.failed.connect(self.message.show_error)
        self.jobs.runningChanged.connect(self._on_job_running)
        source.modelReplaced.connect(self._on_model)
        source.dataFailed.connect(self.message.show_error)
        source.dataChanged.connect(self._on_data)
        self.retranslate()
        self._show_result()

    def retranslate(self) -> None:
        self.samples_label.setText(tr("Samples:"))
        self.samples_spin.setToolTip(tr("How many training images the loss is averaged over "
                                        "(the book's gradient_check.py uses 3)."))
        self.entries_label.setText(tr("Entries per array:"))
        self.entries_spin.setToolTip(tr(
            "Numerical differentiation needs two forward passes per weight, so only this many "
            "randomly chosen entries of each parameter array are checked; the time for all "
            "of them is extrapolated."))
        self.run_button.setText(tr("Run gradient check"))
        self.run_button.setToolTip(tr(
            "Compute the gradient of the loss twice, on a float64 copy of the current model: "
            "by backpropagation (ch. 5) and by central differences (ch. 4.3), and compare."))
        self.intro.setText(tr(
            "Backpropagation (ch. 5) is fast but easy to get wrong; numerical differentiation "
            "(ch. 4.3) is slow but simple. If both agree to about 1e-7, backprop is right "
            "(ch. 5.7). Entries right at a ReLU or max-pool kink may differ a little more."))
        headers = [tr("parameter"), tr("shape"), tr("entries checked"), tr("relative error"),
                   tr("max |a − n|"), tr("verdict")]
        self.table.setHorizontalHeaderLabels(headers)
        self.table.setToolTip(tr("Per parameter array: a = backprop, n = numerical gradient."))
        self._show_result()

    # ----------------------------------------------------------------------------- running
    def _on_model(self, _model) -> None:
        self.cancel()
        if self.result is not None:
            self.result = None
            self._show_result()

    def _on_data(self) -> None:
        if self._requested:
            self.run()

    def _on_job_running(self, running: bool) -> None:
        self.run_button.setEnabled(not running)
        self.job_status.set_running(running, tr("Differentiating numerically…") if running
                                    else "")

    def compute(self) -> None:
        """Nothing automatic: the check runs when asked (see :meth:`run`)."""

    def run(self) -> None:
        """Start the check on a float64 copy of the current model (in a worker thread)."""
        self.message.show_error(None)
        model = self.source.working_copy()
        if model is None:
            self.message.show_error(tr("No model to check yet."))
            return
        data = self.source.request_data()
        if data is None:
            self._requested = True
            self.job_status.set_running(False, tr("Loading the data set…"))
            return
        self._requested = False
        problem = self.source.mismatch(model, data)
        if problem:
            self.message.show_error(problem)
            return
        x, y = data.train
        idx = fixed_batch(len(x), self.samples_spin.value())
        xb, yb = x[idx], y[idx]
        entries = self.entries_spin.value()
        self.start_job(lambda: gradcheck_steps(model, xb, yb, max_entries=entries))

    def _on_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, Progress):
                self.job_status.set_progress(event)
            elif isinstance(event, GradCheckResult):
                self.result = event
                self._show_result()
            elif isinstance(event, Cancelled):
                self.summary.setText(tr("Cancelled."))

    # ----------------------------------------------------------------------------- results
    def plotters(self) -> list:
        return [self.plot]

    def redraw(self) -> None:
        self._show_result()

    def _show_result(self) -> None:
        r = self.result
        self.plot.show(r)
        self.canvas.redraw()
        self.table.setRowCount(0 if r is None else len(r.checks))
        if r is None:
            self.summary.setText(tr("Press <b>Run gradient check</b> to compare the two methods "
                                    "on the current model."))
            return
        model = self.source.architecture
        shapes = model.named_parameters() if model is not None else {}
        texts = {"good": tr("✓ agree"), "fair": tr("≈ close (kink?)"), "bad": tr("✗ differ")}
        colors = {"good": theme.ok_color(), "fair": theme.muted_color(),
                  "bad": theme.error_color()}
        for row, c in enumerate(r.checks):
            shape = shapes[c.name].shape if c.name in shapes else ()
            cells = [c.name, "×".join(map(str, shape)), f"{c.checked:,} / {c.size:,}",
                     f"{c.relative_error:.2e}", f"{c.max_abs_error:.2e}",
                     texts[verdict(c.relative_error)]]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 5:
                    item.setForeground(QBrush(QColor(colors[verdict(c.relative_error)])))
                self.table.setItem(row, col, item)
        total = sum(c.size for c in r.checks)
        checked = sum(c.checked for c in r.checks)
        self.summary.setText(tr(
            "Backprop computed all {total:,} partial derivatives in <b>{bp}</b>. Numerical "
            "differentiation took {num} for {checked:,} of them; all of them would take about "
            "<b>{full}</b>. Backprop is <b>≈ {ratio:,.0f}× faster</b> — the reason it exists "
            "(ch. 5.7). Largest relative error: {err:.1e}.").format(
            total=total, bp=duration(r.backprop_seconds), num=duration(r.numerical_seconds),
            checked=checked, full=duration(r.numerical_seconds_full), ratio=r.speedup,
            err=r.max_relative_error))
