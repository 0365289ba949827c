"""Demo: softmax of editable scores, and why the book subtracts the maximum (ch. 3.5.1–3.5.2)."""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray
from PySide6.QtWidgets import (
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nn.functions import softmax, softmax_naive
from workbench.core.i18n import tr
from workbench.core.numbers import format_value, format_vector, parse_vector
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.pages.fundamentals.fields import (
    fit_table_height,
    make_table,
    set_cell,
)
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

BOOK_SCORES = (0.3, 2.9, 4.0)  # ch. 3.5.1
OVERFLOW_SCORES = (1010.0, 1000.0, 990.0)  # ch. 3.5.2
#: exp(x) overflows float64 above this: ln(1.797e308).
EXP_LIMIT = math.log(np.finfo(np.float64).max)
MAX_SCORES = 12


class SoftmaxDemo(DemoPanel):
    """Type scores; see the naive and the max-subtracted softmax side by side."""

    key = "softmax"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.scores_edit = QLineEdit(format_vector(np.array(BOOK_SCORES)))
        self.book_button = QPushButton()
        self.overflow_button = QPushButton()
        self.error = ErrorLabel()
        self.input_box = QGroupBox()
        box_layout = QVBoxLayout(self.input_box)
        self.scores_caption = QLabel()
        box_layout.addWidget(self.scores_caption)
        box_layout.addWidget(self.scores_edit)
        box_layout.addWidget(self.error)
        buttons = QHBoxLayout()
        buttons.addWidget(self.book_button)
        buttons.addWidget(self.overflow_button)
        box_layout.addLayout(buttons)
        self.controls.addWidget(self.input_box)
        self.add_table_box(make_table(4))

        self.ax_in = self.figure.add_subplot(2, 1, 1)
        self.ax_out = self.figure.add_subplot(2, 1, 2)
        for ax in (self.ax_in, self.ax_out):
            style_axes(ax, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

        self.scores = np.array(BOOK_SCORES)
        self.scores_edit.textChanged.connect(self._on_text)
        self.book_button.clicked.connect(lambda: self.set_scores(BOOK_SCORES))
        self.overflow_button.clicked.connect(lambda: self.set_scores(OVERFLOW_SCORES))
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------------- state
    def set_scores(self, values) -> None:
        self.scores_edit.setText(format_vector(np.asarray(values, dtype=float), 6))

    def naive(self) -> NDArray:
        """``exp(a) / Σ exp(a)`` as first written (engine :func:`softmax_naive`)."""
        return softmax_naive(self.scores)

    def stable(self) -> NDArray:
        """Softmax after subtracting the maximum (engine :func:`softmax`)."""
        return softmax(self.scores)

    def _on_text(self, text: str) -> None:
        try:
            self.scores = parse_vector(text, minimum=2, maximum=MAX_SCORES)
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        self.error.show_error(None)
        self.refresh()

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Softmax and overflow")

    def section(self) -> str:
        return tr("ch. 3.5")

    def explanation_html(self) -> str:
        return tr(
            "<p>Softmax turns a classifier's scores <i>a</i> into probabilities: "
            "y<sub>k</sub> = exp(a<sub>k</sub>) / Σ exp(a<sub>i</sub>). Every output is "
            "between 0 and 1 and they sum to 1; the order of the scores is kept (ch. 3.5.3).</p>"
            "<p>Written like that it <b>overflows</b>: exp(1010) is too large for a float, "
            "∞/∞ is NaN. Subtracting the largest score first changes nothing mathematically "
            "(the factor cancels) but keeps every exp() at most 1 (ch. 3.5.2). Try the "
            "overflow example, or type your own scores.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.input_box.setTitle(tr("Scores"))
        self.table_box.setTitle(tr("Probabilities"))
        self.scores_caption.setText(tr("Scores a (numbers separated by commas):"))
        self.scores_edit.setToolTip(tr("The input of softmax: one score per class, e.g. a "
                                       "network's last layer (ch. 3.5). 2–{n} numbers.").format(
            n=MAX_SCORES))
        self.book_button.setText(tr("Book example"))
        self.book_button.setToolTip(tr("a = (0.3, 2.9, 4.0), the book's first example "
                                       "(ch. 3.5.1)."))
        self.overflow_button.setText(tr("Overflow example"))
        self.overflow_button.setToolTip(tr("a = (1010, 1000, 990): the naive formula gives "
                                           "NaN, the max-subtracted one the right answer "
                                           "(ch. 3.5.2)."))
        self.table.setHorizontalHeaderLabels([tr("class"), "a", tr("naive"), tr("stable")])
        self.table.setToolTip(tr("Each score with its probability by the naive formula and "
                                 "by the stable one (after subtracting the maximum); the last "
                                 "row is the sum."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        a = self.scores
        naive, stable = self.naive(), self.stable()
        n = len(a)
        ok, bad = theme.ok_color(), theme.error_color()
        self.table.setRowCount(n + 1)
        for i in range(n):
            set_cell(self.table, i, 0, str(i), align_right=False)
            set_cell(self.table, i, 1, format_value(a[i], 6))
            set_cell(self.table, i, 2, format_value(naive[i], 6),
                     bad if not np.isfinite(naive[i]) else None)
            set_cell(self.table, i, 3, format_value(stable[i], 6))
        naive_sum = float(np.sum(naive))
        set_cell(self.table, n, 0, tr("sum"), align_right=False)
        set_cell(self.table, n, 1, "")
        set_cell(self.table, n, 2, format_value(naive_sum),
                 bad if not np.isfinite(naive_sum) else None)
        set_cell(self.table, n, 3, format_value(float(np.sum(stable))), ok)
        fit_table_height(self.table)
        if np.all(np.isfinite(naive)):
            text = tr("Both agree: the largest score is {max}, far from exp()'s limit "
                      "(about {limit:.0f}).").format(max=format_value(a.max()), limit=EXP_LIMIT)
            color = ok
        else:
            text = tr("Naive: exp({max}) overflows to ∞ and ∞/∞ = NaN. After subtracting "
                      "the maximum every exp() is ≤ 1 and the probabilities are correct."
                      ).format(max=format_value(a.max()))
            color = bad
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {color};")
        self._draw_inputs(a)
        self._draw_outputs(naive, stable)
        self.canvas.redraw()

    def _draw_inputs(self, a: NDArray) -> None:
        ax = self.ax_in
        ax.clear()
        style_axes(ax, self.colors)
        idx = np.arange(len(a))
        ax.bar(idx - 0.2, a, 0.38, color=SERIES[5], label=tr("a (naive exp input)"))
        ax.bar(idx + 0.2, a - a.max(), 0.38, color=SERIES[0],
               label=tr("a − max(a) (max-subtracted)"))
        ax.axhline(0, color=self.colors["text"], linewidth=0.8)
        top = max(float(a.max()), 0.0)
        if top > 0.3 * EXP_LIMIT:
            ax.axhline(EXP_LIMIT, color=theme.error_color(), linestyle="--", linewidth=1.2,
                       label=tr("exp() overflows above {limit:.1f}").format(limit=EXP_LIMIT))
        low = min(float(np.min(a - a.max())), float(a.min()), 0.0)
        high = max(top, EXP_LIMIT if top > 0.3 * EXP_LIMIT else 0.0)
        span = max(high - low, 1e-9)
        ax.set_ylim(low - 0.05 * span, high + 0.45 * span)
        ax.set_xticks(idx)
        ax.set_title(tr("What exp() receives"), fontsize=10)
        ax.set_xlabel(tr("class"))
        ax.set_ylabel(tr("exponent"))
        style_legend(ax, self.colors, loc="upper center", ncol=2)

    def _draw_outputs(self, naive: NDArray, stable: NDArray) -> None:
        ax = self.ax_out
        ax.clear()
        style_axes(ax, self.colors)
        idx = np.arange(len(stable))
        finite = np.isfinite(naive)
        if finite.any():
            ax.bar(idx[finite] - 0.2, naive[finite], 0.38, color=SERIES[5], label=tr("naive"))
        if not finite.all():
            ax.bar(idx[~finite] - 0.2, np.full((~finite).sum(), 1.0), 0.38, color="none",
                   edgecolor=theme.error_color(), hatch="//", linewidth=1.0,
                   label=tr("naive: NaN"))
            for i in idx[~finite]:
                ax.text(i - 0.2, 0.5, "NaN", ha="center", va="center", rotation=90,
                        color=theme.error_color(), fontsize=9, fontweight="bold")
        bars = ax.bar(idx + 0.2, stable, 0.38, color=SERIES[0], label=tr("stable (max-subtracted)"))
        for bar, p in zip(bars, stable, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, p + 0.02, format_value(p, 5),
                    ha="center", va="bottom", fontsize=8, color=self.colors["text"])
        ax.set_ylim(0, 1.4)
        ax.set_yticks([0, 0.2, 0.4, 0.6, 0.8, 1.0])
        ax.set_xticks(idx)
        ax.set_title(tr("softmax(a): probabilities summing to 1"), fontsize=10)
        ax.set_xlabel(tr("class"))
        ax.set_ylabel(tr("probability"))
        style_legend(ax, self.colors, loc="upper center", ncol=3)
