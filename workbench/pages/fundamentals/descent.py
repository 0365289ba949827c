"""Demo: the gradient field of f(x0, x1) and gradient descent with a learning-rate slider —
too small, about right and too large in one view (ch. 4.4, 4.4.1)."""

from __future__ import annotations

import numpy as np
from matplotlib.ticker import MaxNLocator
from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from nn.calculus import FUNCTIONS_2D, Descent, descend, gradient_field
from workbench.core.i18n import tr
from workbench.core.numbers import format_value
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.pages.fundamentals.fields import SliderField
from workbench.ui import theme
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

FUNCTION_LABELS = {"function_2": "x₀² + x₁²", "elongated": "x₀²/20 + x₁²"}
#: Reference learning rates drawn for comparison: one too small, one too large.
TOO_SMALL, TOO_LARGE = 0.01, 1.05
FIELD_POINTS = 15
VALUE_FLOOR = 1e-20
USER_COLOR, SMALL_COLOR, LARGE_COLOR = SERIES[5], SERIES[0], SERIES[3]


class DescentDemo(DemoPanel):
    """Contours and −∇f arrows, the descent path for the chosen learning rate and two
    reference rates, and f along each path."""

    key = "descent"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.function = QComboBox()
        for name, label in FUNCTION_LABELS.items():
            self.function.addItem(label, name)
        self.lr = SliderField(1e-4, 10.0, 0.1, log=True)
        self.steps = QSpinBox()
        self.steps.setRange(1, 500)
        self.steps.setValue(20)
        self.start0, self.start1 = QDoubleSpinBox(), QDoubleSpinBox()
        for spin in (self.start0, self.start1):
            spin.setDecimals(2)
            spin.setSingleStep(0.25)
            spin.setMinimumWidth(60)
        self.book_start = QPushButton()
        self.references = QCheckBox()
        self.references.setChecked(True)
        self.field = QCheckBox()
        self.field.setChecked(True)
        self.regime_label = QLabel()
        self.regime_label.setWordWrap(True)

        self.setup_box = QGroupBox()
        form = QFormLayout(self.setup_box)
        self.captions = {k: QLabel() for k in ("function", "lr", "steps", "start")}
        start_row = QHBoxLayout()
        start_row.setSpacing(4)
        start_row.addWidget(self.start0)
        start_row.addWidget(self.start1)
        form.addRow(self.captions["function"], self.function)
        form.addRow(self.captions["lr"], self.lr)
        form.addRow(self.captions["steps"], self.steps)
        form.addRow(self.captions["start"], start_row)
        form.addRow("", self.book_start)
        form.addRow(self.references)
        form.addRow(self.field)
        self.controls.addWidget(self.setup_box)
        self.controls.addWidget(self.regime_label)

        grid = self.figure.add_gridspec(2, 1, height_ratios=(2.0, 1.0))
        self.ax = self.figure.add_subplot(grid[0])
        self.ax_f = self.figure.add_subplot(grid[1])
        for ax in (self.ax, self.ax_f):
            style_axes(ax, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

        self.function.currentIndexChanged.connect(self._on_function)
        self.lr.valueChanged.connect(self.refresh)
        self.steps.valueChanged.connect(self.refresh)
        self.start0.valueChanged.connect(self.refresh)
        self.start1.valueChanged.connect(self.refresh)
        self.references.toggled.connect(self.refresh)
        self.field.toggled.connect(self.refresh)
        self.book_start.clicked.connect(self.reset_start)
        self.canvas.canvas.mpl_connect("button_press_event", self._on_click)
        self._on_function()
        self.retranslate()

    # ------------------------------------------------------------------------- state
    @property
    def fn(self):
        return FUNCTIONS_2D[self.function.currentData()]

    def start(self) -> tuple[float, float]:
        return self.start0.value(), self.start1.value()

    def set_start(self, x0: float, x1: float) -> None:
        with QSignalBlocker(self.start0), QSignalBlocker(self.start1):
            self.start0.setValue(x0)
            self.start1.setValue(x1)
        self.refresh()

    def reset_start(self) -> None:
        self.set_start(*self.fn.start)

    def run(self, lr: float | None = None) -> Descent:
        """Gradient descent from the start with ``lr`` (default: the slider's), by the engine."""
        return descend(self.fn, self.lr.value() if lr is None else lr, self.steps.value(),
                       self.start())

    def _on_function(self) -> None:
        x0, x1, y0, y1 = self.fn.extent
        with QSignalBlocker(self.start0), QSignalBlocker(self.start1):
            self.start0.setRange(x0, x1)
            self.start1.setRange(y0, y1)
        self.reset_start()

    def _on_click(self, event) -> None:
        toolbar = self.canvas.toolbar
        if event.inaxes is not self.ax or event.button != 1 or (toolbar and toolbar.mode):
            return
        self.set_start(round(event.xdata, 2), round(event.ydata, 2))

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Gradient descent")

    def section(self) -> str:
        return tr("ch. 4.4")

    def explanation_html(self) -> str:
        return tr(
            "<p>The <b>gradient</b> ∇f collects the partial derivatives, here by central "
            "differences (ch. 4.4). The arrows show −∇f: everywhere they point downhill, "
            "towards the minimum, and are longer where f is steeper (Fig. 4-9).</p>"
            "<p><b>Gradient descent</b> repeats x ← x − η∇f(x) (ch. 4.4.1). The learning rate "
            "η decides everything: too small and the path crawls, too large and it overshoots "
            "and <b>diverges</b> (the book's η = 10 and 1e-10). Slide η and compare with the "
            "dashed reference paths; click the plot to start elsewhere.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.setup_box.setTitle(tr("Descent"))
        self.captions["function"].setText(tr("Function"))
        self.function.setToolTip(tr("x₀² + x₁² is the book's example (ch. 4.4); x₀²/20 + x₁² "
                                    "is the stretched valley of ch. 6.1, where steps zigzag."))
        self.captions["lr"].setText(tr("Learning rate η"))
        self.lr.setToolTip(tr("The step size η of x ← x − η∇f(x) (ch. 4.4.1), on a log "
                              "scale. The book uses 0.1."))
        self.captions["steps"].setText(tr("Steps"))
        self.steps.setToolTip(tr("How many updates to make (the book's step_num, 20 in its "
                                 "figure 4-10)."))
        self.captions["start"].setText(tr("Start"))
        self.start0.setToolTip(tr("x₀ of the starting point; or click on the contour plot."))
        self.start1.setToolTip(tr("x₁ of the starting point; or click on the contour plot."))
        self.book_start.setText(tr("Book's starting point"))
        self.book_start.setToolTip(tr("Back to the book's starting point: (−3, 4) for "
                                      "ch. 4.4, (−7, 2) for ch. 6.1."))
        self.references.setText(tr("Compare with η = {small} and η = {large}").format(
            small=TOO_SMALL, large=TOO_LARGE))
        self.references.setToolTip(tr("Also draw a rate that is too small and one that is too "
                                      "large (dashed), so the three behaviours appear in one "
                                      "view."))
        self.field.setText(tr("Show the gradient field −∇f"))
        self.field.setToolTip(tr("Arrows of −∇f on a grid, computed numerically (ch. 4.4, "
                                 "Fig. 4-9)."))

    # ------------------------------------------------------------------------ drawing
    def regime_text(self, run: Descent) -> tuple[str, str]:
        """A sentence about ``run`` and its colour."""
        final = format_value(float(run.values[-1]), 3)
        if run.regime == "good":
            return (tr("η = {lr}: about right — f fell to {f} in {n} steps.").format(
                lr=format_value(run.lr, 3), f=final, n=len(run.path) - 1), theme.ok_color())
        if run.regime == "too_small":
            return (tr("η = {lr}: too small — after {n} steps f is still {f}.").format(
                lr=format_value(run.lr, 3), f=final, n=len(run.path) - 1), SMALL_COLOR)
        if run.regime == "oscillating":
            return (tr("η = {lr}: too large — each step overshoots the valley and the path "
                       "zigzags (f = {f}).").format(lr=format_value(run.lr, 3), f=final),
                    LARGE_COLOR)
        return (tr("η = {lr}: far too large — the path diverges (f = {f}).").format(
            lr=format_value(run.lr, 3), f=final), theme.error_color())

    def refresh(self) -> None:
        fn = self.fn
        x0, x1, y0, y1 = fn.extent
        run = self.run()
        runs = [(run, USER_COLOR, "-", 2.2, tr("η = {lr}").format(lr=format_value(run.lr, 3)))]
        if self.references.isChecked():
            runs.append((self.run(TOO_SMALL), SMALL_COLOR, "--", 1.3,
                         tr("η = {lr} (too small)").format(lr=TOO_SMALL)))
            runs.append((self.run(TOO_LARGE), LARGE_COLOR, "--", 1.3,
                         tr("η = {lr} (too large)").format(lr=TOO_LARGE)))
        text, color = self.regime_text(run)
        self.regime_label.setText(text)
        self.regime_label.setStyleSheet(f"color: {color}; font-weight: bold;")

        ax = self.ax
        ax.clear()
        style_axes(ax, self.colors)
        ax.grid(False)
        gx, gy = np.meshgrid(np.linspace(x0, x1, 200), np.linspace(y0, y1, 200))
        values = fn.f(np.stack([gx, gy], axis=-1))
        ax.contour(gx, gy, values, levels=12, colors=self.colors["text"], alpha=0.25,
                   linewidths=0.8)
        if self.field.isChecked():
            fx = np.linspace(x0, x1, FIELD_POINTS)
            fy = np.linspace(y0, y1, FIELD_POINTS)
            g0, g1 = gradient_field(fn.f, fx, fy)
            qx, qy = np.meshgrid(fx, fy)
            ax.quiver(qx, qy, -g0, -g1, angles="xy", color=SERIES[7], alpha=0.8, width=0.0035,
                      label=tr("−∇f"))
        for r, c, style, width, label in reversed(runs):
            ax.plot(r.path[:, 0], r.path[:, 1], style, color=c, linewidth=width, marker="o",
                    markersize=3.5 if width > 2 else 2.5, label=label)
        ax.plot([self.start()[0]], [self.start()[1]], "*", color=self.colors["text"],
                markersize=11, label=tr("start"))
        ax.plot([0], [0], "+", color=self.colors["text"], markersize=12, mew=2,
                label=tr("minimum"))
        ax.set_xlim(x0, x1)
        ax.set_ylim(y0, y1)
        ax.set_aspect("equal", adjustable="box")
        ax.set_title(tr("f(x₀, x₁) = {f}: contours, −∇f and descent paths").format(
            f=FUNCTION_LABELS[self.function.currentData()]), fontsize=10)
        ax.set_xlabel("x₀")
        ax.set_ylabel("x₁")
        style_legend(ax, self.colors, loc="upper right", fontsize=7)

        ax = self.ax_f
        ax.clear()
        style_axes(ax, self.colors)
        for r, c, style, width, label in runs:
            shown = np.clip(np.nan_to_num(r.values, nan=np.inf), VALUE_FLOOR, 1e300)
            ax.semilogy(np.arange(len(shown)), shown, style, color=c, linewidth=width,
                        label=label)
        ax.set_xlim(0, self.steps.value())
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_title(tr("f along each path"), fontsize=10)
        ax.set_xlabel(tr("step"))
        ax.set_ylabel(tr("f(x) (log scale)"))
        style_legend(ax, self.colors, loc="best", fontsize=7)
        self.canvas.redraw()
