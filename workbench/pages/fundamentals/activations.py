"""Demo: the activation functions of ch. 3.2 and their derivatives (ch. 5.5), side by side."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import QSignalBlocker
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from nn.functions import (
    ACTIVATIONS,
    DERIVATIVES,
    leaky_relu,
    leaky_relu_derivative,
    numerical_diff,
)
from workbench.core.i18n import tr, tr_dynamic, tr_noop
from workbench.core.numbers import format_value
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.pages.fundamentals.fields import (
    SliderField,
    fit_table_height,
    make_table,
    set_cell,
)
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

NAMES = ("step", "sigmoid", "tanh", "relu", "leaky_relu", "identity")
#: Shown names, translated where shown (``tr_dynamic``).
LABELS = {"step": tr_noop("step function"), "sigmoid": tr_noop("sigmoid"),
          "tanh": tr_noop("tanh"), "relu": tr_noop("ReLU"), "leaky_relu": tr_noop("leaky ReLU"),
          "identity": tr_noop("identity function")}
COLORS = dict(zip(NAMES, (SERIES[7], SERIES[0], SERIES[3], SERIES[5], SERIES[2], SERIES[1]),
                  strict=True))
DEFAULT_ON = ("step", "sigmoid", "relu")
SAMPLES = 801
CHECK_POINTS = 24  # an even count avoids x = 0, where step and ReLU have a kink
H = 1e-4


def activation(name: str, x: NDArray, alpha: float) -> NDArray:
    """``h(x)`` by the engine's plain functions (leaky ReLU with slope ``alpha`` for x < 0)."""
    if name == "leaky_relu":
        return leaky_relu(x, alpha)
    return ACTIVATIONS[name](x)


def derivative(name: str, x: NDArray, alpha: float) -> NDArray:
    """``h′(x)``: the engine's analytic derivatives, as the layers backpropagate (ch. 5.5)."""
    if name == "leaky_relu":
        return leaky_relu_derivative(x, alpha)
    return DERIVATIVES[name](x)


def numerical_derivative(name: str, x: NDArray, alpha: float) -> NDArray:
    """Central differences of ``h`` at every ``x`` (ch. 4.3), to check :func:`derivative`."""
    return numerical_diff(lambda v: activation(name, v, alpha), np.asarray(x, dtype=float),
                          H, method="central")


def swatch(color: str) -> QIcon:
    pixmap = QPixmap(12, 12)
    pixmap.fill(QColor(color))
    return QIcon(pixmap)


class ActivationsDemo(DemoPanel):
    """Tick functions to compare them; the probe reads h(x) and h′(x) at one point."""

    key = "activations"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.checks: dict[str, QCheckBox] = {}
        self.functions_box = QGroupBox()
        grid = QGridLayout(self.functions_box)
        for i, name in enumerate(NAMES):
            check = QCheckBox()
            check.setIcon(swatch(COLORS[name]))
            check.setChecked(name in DEFAULT_ON)
            check.toggled.connect(self.refresh)
            self.checks[name] = check
            grid.addWidget(check, i // 2, i % 2)
        self.alpha = SliderField(0.0, 0.5, 0.1, step=0.01)
        self.span = SliderField(1.0, 10.0, 5.0, step=0.5, decimals=1)
        self.probe = SliderField(-5.0, 5.0, 1.0, step=0.05)
        self.numeric = QCheckBox()
        self.view_box = QGroupBox()
        form = QFormLayout(self.view_box)
        self.alpha_caption, self.span_caption, self.probe_caption = QLabel(), QLabel(), QLabel()
        form.addRow(self.alpha_caption, self.alpha)
        form.addRow(self.span_caption, self.span)
        form.addRow(self.probe_caption, self.probe)
        form.addRow(self.numeric)
        self.table = make_table(3, len(NAMES))
        fit_table_height(self.table)
        self.table_box = QGroupBox()
        QVBoxLayout(self.table_box).addWidget(self.table)
        self.controls.addWidget(self.functions_box)
        self.controls.addWidget(self.view_box)
        self.controls.addWidget(self.table_box)
        for field in (self.alpha, self.probe):
            field.valueChanged.connect(self.refresh)
        self.span.valueChanged.connect(self._on_span)
        self.numeric.toggled.connect(self.refresh)

        self.ax_f = self.figure.add_subplot(2, 1, 1)
        self.ax_d = self.figure.add_subplot(2, 1, 2, sharex=self.ax_f)
        for ax in (self.ax_f, self.ax_d):
            style_axes(ax, self.colors)
        self.lines_f = {n: self.ax_f.plot([], [], color=COLORS[n], linewidth=2)[0] for n in NAMES}
        self.lines_d = {n: self.ax_d.plot([], [], color=COLORS[n], linewidth=2)[0] for n in NAMES}
        self.dots = {n: self.ax_d.plot([], [], "o", color=COLORS[n], markersize=4,
                                       markerfacecolor="none")[0] for n in NAMES}
        self.probe_f = self.ax_f.axvline(0, color=self.colors["text"], linestyle=":", lw=1)
        self.probe_d = self.ax_d.axvline(0, color=self.colors["text"], linestyle=":", lw=1)
        self.probe_points_f, = self.ax_f.plot([], [], "o", color=self.colors["text"], ms=4)
        self.probe_points_d, = self.ax_d.plot([], [], "o", color=self.colors["text"], ms=4)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        self.retranslate()
        self.refresh()

    def _on_span(self, span: float) -> None:
        with QSignalBlocker(self.probe):  # one redraw, below
            self.probe.setRange(-span, span)
        self.refresh()

    # ------------------------------------------------------------------------- state
    def selected(self) -> list[str]:
        return [n for n in NAMES if self.checks[n].isChecked()]

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Activation functions")

    def section(self) -> str:
        return tr("ch. 3.2, 5.5")

    def explanation_html(self) -> str:
        return tr(
            "<p>A neuron passes its weighted sum through an <b>activation function</b> h "
            "(ch. 3.2). The perceptron's <b>step</b> jumps from 0 to 1, so its derivative is 0 "
            "everywhere (undefined at 0) and gives learning nothing to follow; the smooth "
            "<b>sigmoid</b> is the book's first fix (ch. 3.2.4).</p>"
            "<p>The derivatives below are what backpropagation multiplies by (ch. 5.5): sigmoid "
            "never passes more than 0.25, and <b>ReLU</b> passes 1 for positive inputs — one "
            "reason deep networks prefer it. <b>Identity</b> is linear: stacking it adds no "
            "power (ch. 3.2.6).</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.functions_box.setTitle(tr("Functions"))
        self.view_box.setTitle(tr("View"))
        self.table_box.setTitle(tr("At the probe"))
        tips = {
            "step": tr("The perceptron's step function (ch. 3.2.2): 1 for x > 0, else 0."),
            "sigmoid": tr("1 / (1 + e^−x) (ch. 3.2.4): smooth, between 0 and 1."),
            "tanh": tr("Hyperbolic tangent: like sigmoid but between −1 and 1, centred on 0."),
            "relu": tr("ReLU, max(0, x) (ch. 3.2.7): the default in the book's later "
                       "networks."),
            "leaky_relu": tr("Leaky ReLU: x for x > 0, α·x otherwise, so negative inputs keep "
                             "a small gradient."),
            "identity": tr("Identity, h(x) = x (ch. 3.5): the output function for "
                           "regression."),
        }
        for name, check in self.checks.items():
            check.setText(tr_dynamic(LABELS[name]))
            check.setToolTip(tips[name] + " " + tr("Tick to plot it and its derivative."))
        self.alpha_caption.setText(tr("Leaky slope α"))
        self.alpha.setToolTip(tr("Slope of leaky ReLU for negative inputs (0 gives plain "
                                 "ReLU; frameworks often use 0.01)."))
        self.span_caption.setText(tr("x range ±"))
        self.span.setToolTip(tr("Half-width of the plotted interval; the book plots −5 to 5 "
                                "(ch. 3.2.3)."))
        self.probe_caption.setText(tr("Probe x"))
        self.probe.setToolTip(tr("A point where the values of every ticked function and its "
                                 "derivative are read off (dotted line, table below)."))
        self.numeric.setText(tr("Check h′ with central differences"))
        self.numeric.setToolTip(tr("Overlay numerical derivatives (f(x+h) − f(x−h)) / 2h with "
                                   "h = 1e-4 (ch. 4.3) as circles: they should sit on the "
                                   "analytic curves used by backpropagation (ch. 5.5)."))
        self.table.setHorizontalHeaderLabels([tr("function"), "h(x)", "h′(x)"])
        self.table.setToolTip(tr("h(x) and h′(x) of each ticked function at the probe x."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        span, alpha, px = self.span.value(), self.alpha.value(), self.probe.value()
        x = np.linspace(-span, span, SAMPLES)
        check_x = np.linspace(-span, span, CHECK_POINTS)
        selected = self.selected()
        probe_f, probe_d = [], []
        for name in NAMES:
            on = name in selected
            show_dots = on and self.numeric.isChecked()
            if on:
                self.lines_f[name].set_data(x, activation(name, x, alpha))
                self.lines_d[name].set_data(x, derivative(name, x, alpha))
            else:
                self.lines_f[name].set_data([], [])
                self.lines_d[name].set_data([], [])
            if show_dots:
                self.dots[name].set_data(check_x, numerical_derivative(name, check_x, alpha))
            else:
                self.dots[name].set_data([], [])
            self.lines_f[name].set_label(tr_dynamic(LABELS[name]) if on else "_off")
            self.lines_d[name].set_label(tr_dynamic(LABELS[name]) + "′" if on else "_off")
            dots_label = tr("{name}′ numerical").format(name=tr_dynamic(LABELS[name]))
            self.dots[name].set_label(dots_label if show_dots else "_off")
        self.table.setRowCount(len(selected))
        for row, name in enumerate(selected):
            f = float(activation(name, np.array([px]), alpha)[0])
            d = float(derivative(name, np.array([px]), alpha)[0])
            probe_f.append(f)
            probe_d.append(d)
            set_cell(self.table, row, 0, tr_dynamic(LABELS[name]), align_right=False,
                     icon=swatch(COLORS[name]))
            set_cell(self.table, row, 1, format_value(f))
            note = tr(" (undefined at 0)") if name == "step" and px == 0 else ""
            set_cell(self.table, row, 2, format_value(d) + note)
        fit_table_height(self.table)
        self.probe_f.set_xdata([px, px])
        self.probe_d.set_xdata([px, px])
        self.probe_points_f.set_data([px] * len(probe_f), probe_f)
        self.probe_points_d.set_data([px] * len(probe_d), probe_d)
        self.ax_f.set_xlim(-span, span)
        lows = [0.0] + [float(np.min(self.lines_f[n].get_ydata())) for n in selected]
        highs = [1.0] + [float(np.max(self.lines_f[n].get_ydata())) for n in selected]
        pad = 0.08 * (max(highs) - min(lows))
        self.ax_f.set_ylim(min(lows) - pad, max(highs) + pad)
        self.ax_d.set_ylim(-0.15, 1.15)
        self.ax_f.set_title(tr("Activation functions h(x)"), fontsize=10)
        self.ax_d.set_title(tr("Derivatives h′(x)"), fontsize=10)
        self.ax_f.set_ylabel("h(x)")
        self.ax_d.set_ylabel("h′(x)")
        self.ax_d.set_xlabel("x")
        for ax in (self.ax_f, self.ax_d):
            if ax.get_legend() is not None:
                ax.get_legend().remove()
        if selected:
            style_legend(self.ax_f, self.colors, loc="upper left")
            style_legend(self.ax_d, self.colors, loc="upper left")
        self.canvas.redraw()
