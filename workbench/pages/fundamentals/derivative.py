"""Demo: the numerical derivative, forward vs central differences and the step size h
(ch. 4.3.1–4.3.2)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHeaderView,
    QLabel,
    QWidget,
)

from nn.calculus import FUNCTIONS_1D, DifferenceErrors, difference_errors
from workbench.core.i18n import tr
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
from workbench.ui import theme
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

FUNCTION_LABELS = {"function_1": "0.01x² + 0.1x", "sin": "sin x", "exp": "eˣ", "cube": "x³"}
SWEEP = np.logspace(-16, 0, 161)
ZERO_FLOOR = 1e-17  # an exactly-zero error is drawn here on the log axis
FORWARD_COLOR, CENTRAL_COLOR = SERIES[5], SERIES[0]


class DerivativeDemo(DemoPanel):
    """Pick f, x and h; compare both difference formulas with the exact derivative."""

    key = "derivative"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.function = QComboBox()
        for name, label in FUNCTION_LABELS.items():
            self.function.addItem(label, name)
        self.x = SliderField(-10.0, 10.0, FUNCTIONS_1D["function_1"].x0, step=0.1)
        self.h = SliderField(1e-16, 1.0, 1e-4, log=True)
        self.setup_box = QGroupBox()
        form = QFormLayout(self.setup_box)
        self.function_caption, self.x_caption, self.h_caption = QLabel(), QLabel(), QLabel()
        form.addRow(self.function_caption, self.function)
        form.addRow(self.x_caption, self.x)
        form.addRow(self.h_caption, self.h)
        table = make_table(3, 3)
        table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        fit_table_height(table)
        self.controls.addWidget(self.setup_box)
        self.add_table_box(table)

        self.ax_f = self.figure.add_subplot(2, 1, 1)
        self.ax_err = self.figure.add_subplot(2, 1, 2)
        for ax in (self.ax_f, self.ax_err):
            style_axes(ax, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        self.function.currentIndexChanged.connect(self._on_function)
        self.x.valueChanged.connect(self.refresh)
        self.h.valueChanged.connect(self.refresh)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------------- state
    def errors(self) -> DifferenceErrors:
        """Forward and central differences at the current x and h (engine)."""
        return difference_errors(FUNCTIONS_1D[self.function.currentData()], self.x.value(),
                                 [self.h.value()])

    def _on_function(self) -> None:
        self.x.setValue(FUNCTIONS_1D[self.function.currentData()].x0)
        self.refresh()

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Numerical derivative")

    def section(self) -> str:
        return tr("ch. 4.3")

    def explanation_html(self) -> str:
        return tr(
            "<p>A derivative can be estimated from two function values. The <b>forward</b> "
            "difference (f(x+h) − f(x)) / h leans to one side and is off by about h; the "
            "<b>central</b> difference (f(x+h) − f(x−h)) / 2h is symmetric and off by about "
            "h² — far better (ch. 4.3.1).</p>"
            "<p>But h cannot shrink for ever: below about 10⁻⁸ the two values agree in nearly "
            "all their digits and <b>rounding error</b> takes over (the book's 1e-50 example). "
            "The book uses h = 10⁻⁴. Slide h and watch the two V-shaped error curves.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.setup_box.setTitle(tr("Derivative"))
        self.table_box.setTitle(tr("Estimates"))
        self.function_caption.setText(tr("Function"))
        self.function.setToolTip(tr("The function to differentiate; 0.01x² + 0.1x is the "
                                    "book's example (ch. 4.3.2), whose slope is 0.2 at x = 5."))
        self.x_caption.setText(tr("At x"))
        self.x.setToolTip(tr("The point where the slope is estimated."))
        self.h_caption.setText(tr("Step h"))
        self.h.setToolTip(tr("The small step of the difference formulas (log scale). Too large "
                             "and the formula's own error dominates; too small and rounding "
                             "does (ch. 4.3.1)."))
        self.table.setHorizontalHeaderLabels([tr("method"), tr("slope"), tr("error")])
        self.table.setToolTip(tr("The exact derivative and both numerical estimates with "
                                 "their absolute errors."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        fn = FUNCTIONS_1D[self.function.currentData()]
        x, h = self.x.value(), self.h.value()
        now = self.errors()
        fwd, cen = float(now.forward[0]), float(now.central[0])
        fwd_err, cen_err = float(now.forward_error[0]), float(now.central_error[0])
        rows = ((tr("exact"), now.exact, None), (tr("forward"), fwd, fwd_err),
                (tr("central"), cen, cen_err))
        ok, bad = theme.ok_color(), theme.error_color()
        for row, (name, value, err) in enumerate(rows):
            set_cell(self.table, row, 0, name, align_right=False)
            set_cell(self.table, row, 1, format_value(value, 12))
            color = None if err is None else (ok if err == min(fwd_err, cen_err) else bad)
            set_cell(self.table, row, 2, "—" if err is None else format_value(err, 3), color)
        if cen_err < fwd_err:
            ratio = fwd_err / max(cen_err, 1e-300)
            text = (tr("Central differences are exact here (to the last digit).")
                    if cen_err == 0 else
                    tr("Central differences are about {ratio}× more accurate.").format(
                        ratio=f"{ratio:,.0f}" if ratio < 1e6 else format_value(ratio, 2)))
        elif cen_err == fwd_err:
            text = tr("Both estimates are equally accurate at this step.")
        else:
            text = tr("Forward differences win here by luck: at this h, rounding noise "
                      "dominates both.")
        self.result_label.setText(text)
        self._draw_function(fn, x, h, now)
        self._draw_errors(fn, x, h, fwd_err, cen_err)
        self.canvas.redraw()

    def _draw_function(self, fn, x: float, h: float, now: DifferenceErrors) -> None:
        ax = self.ax_f
        ax.clear()
        style_axes(ax, self.colors)
        span = fn.span
        xs = np.linspace(x - span, x + span, 400)
        fx = float(fn.f(x))
        ax.plot(xs, fn.f(xs), color=self.colors["text"], linewidth=2,
                label=tr("f(x) = {f}").format(f=FUNCTION_LABELS[self.function.currentData()]))
        for slope, color, style, label in (
                (now.exact, SERIES[2], "-", tr("exact tangent")),
                (float(now.forward[0]), FORWARD_COLOR, "--", tr("forward slope")),
                (float(now.central[0]), CENTRAL_COLOR, ":", tr("central slope"))):
            if np.isfinite(slope):
                ax.plot(xs, fx + slope * (xs - x), color=color, linestyle=style, linewidth=1.6,
                        label=label)
        if h < span:  # the sample points, where they can be told apart
            ax.plot([x - h, x, x + h], [float(fn.f(x - h)), fx, float(fn.f(x + h))], "o",
                    color=self.colors["text"], markersize=4, label=tr("x − h, x, x + h"))
        ys = fn.f(xs)
        pad = 0.15 * (float(ys.max()) - float(ys.min()) + 1e-9)
        ax.set_ylim(float(ys.min()) - pad, float(ys.max()) + pad)
        ax.set_xlim(xs[0], xs[-1])
        ax.set_title(tr("f and its slope at x = {x}").format(x=format_value(x)), fontsize=10)
        ax.set_xlabel("x")
        ax.set_ylabel("f(x)")
        style_legend(ax, self.colors, loc="best", fontsize=7)

    def _draw_errors(self, fn, x: float, h: float, fwd_err: float, cen_err: float) -> None:
        ax = self.ax_err
        ax.clear()
        style_axes(ax, self.colors)
        sweep = difference_errors(fn, x, SWEEP)
        ax.loglog(SWEEP, np.maximum(sweep.forward_error, ZERO_FLOOR), color=FORWARD_COLOR,
                  linewidth=1.6, label=tr("forward (f(x+h) − f(x)) / h"))
        ax.loglog(SWEEP, np.maximum(sweep.central_error, ZERO_FLOOR), color=CENTRAL_COLOR,
                  linewidth=1.6, label=tr("central (f(x+h) − f(x−h)) / 2h"))
        ax.axvline(h, color=self.colors["text"], linestyle=":", linewidth=1,
                   label=tr("h = {h}").format(h=format_value(h, 3)))
        ax.plot([h], [max(fwd_err, ZERO_FLOOR)], "o", color=FORWARD_COLOR,
                markeredgecolor=self.colors["text"])
        ax.plot([h], [max(cen_err, ZERO_FLOOR)], "o", color=CENTRAL_COLOR,
                markeredgecolor=self.colors["text"])
        ax.set_ylim(ZERO_FLOOR / 3, 10.0)
        ax.set_xlim(SWEEP[0], SWEEP[-1])
        ax.set_title(tr("Error against the step size (0 drawn at 1e-17)"), fontsize=10)
        ax.set_xlabel(tr("step h"))
        ax.set_ylabel(tr("|estimate − exact|"))
        style_legend(ax, self.colors, loc="upper center", fontsize=7, ncol=1)
