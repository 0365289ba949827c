"""Demo: mean squared error and cross-entropy for an editable prediction (ch. 4.2.1–4.2.2)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtWidgets import (
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nn.functions import cross_entropy_error, mean_squared_error, one_hot
from workbench.core.i18n import tr
from workbench.core.numbers import format_value, format_vector, parse_vector
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

#: The book's predictions (ch. 4.2.1): class 2 is correct; example 2 favours class 7.
BOOK_Y1 = (0.1, 0.05, 0.6, 0.0, 0.05, 0.1, 0.0, 0.1, 0.0, 0.0)
BOOK_Y2 = (0.1, 0.05, 0.1, 0.0, 0.05, 0.1, 0.0, 0.6, 0.0, 0.0)
BOOK_TARGET = 2
MAX_CLASSES = 20


def one_hot_target(n: int, k: int) -> NDArray:
    """The one-hot target of class ``k`` among ``n`` (the engine's :func:`nn.functions.one_hot`
    for one label), float64 as the demo computes."""
    return one_hot(np.array([k]), n, np.float64)[0]


def spread_prediction(n: int, k: int, p: float) -> NDArray:
    """A prediction giving ``p`` to class ``k`` and sharing ``1 − p`` equally among the others."""
    y = np.full(n, (1.0 - p) / max(n - 1, 1))
    y[k] = p
    return y


class LossesDemo(DemoPanel):
    """Edit y and the correct class; both losses update, with their curves for comparison."""

    key = "losses"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.y_edit = QLineEdit(format_vector(np.array(BOOK_Y1)))
        self.target = QSpinBox()
        self.target.setRange(0, len(BOOK_Y1) - 1)
        self.target.setValue(BOOK_TARGET)
        self.example1 = QPushButton()
        self.example2 = QPushButton()
        self.error = ErrorLabel()
        self.warning = QLabel()
        self.warning.setWordWrap(True)
        self.warning.setStyleSheet(f"color: {theme.muted_color()};")
        self.input_box = QGroupBox()
        box = QVBoxLayout(self.input_box)
        self.y_caption, self.target_caption = QLabel(), QLabel()
        box.addWidget(self.y_caption)
        box.addWidget(self.y_edit)
        box.addWidget(self.error)
        row = QFormLayout()
        row.addRow(self.target_caption, self.target)
        box.addLayout(row)
        buttons = QHBoxLayout()
        buttons.addWidget(self.example1)
        buttons.addWidget(self.example2)
        box.addLayout(buttons)
        box.addWidget(self.warning)
        self.result_box = QGroupBox()
        results = QFormLayout(self.result_box)
        self.mse_caption, self.cee_caption = QLabel(), QLabel()
        self.mse_value, self.cee_value = QLabel(), QLabel()
        for label in (self.mse_value, self.cee_value):
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 1.4)
            font.setBold(True)
            label.setFont(font)
        results.addRow(self.mse_caption, self.mse_value)
        results.addRow(self.cee_caption, self.cee_value)
        self.controls.addWidget(self.input_box)
        self.controls.addWidget(self.result_box)

        self.ax_bars = self.figure.add_subplot(2, 1, 1)
        self.ax_curve = self.figure.add_subplot(2, 1, 2)
        for ax in (self.ax_bars, self.ax_curve):
            style_axes(ax, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

        self.y = np.array(BOOK_Y1)
        self.y_edit.textChanged.connect(self._on_text)
        self.target.valueChanged.connect(self.refresh)
        self.example1.clicked.connect(lambda: self.set_example(BOOK_Y1))
        self.example2.clicked.connect(lambda: self.set_example(BOOK_Y2))
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------------- state
    def set_example(self, y, target: int = BOOK_TARGET) -> None:
        self.y_edit.setText(format_vector(np.asarray(y, dtype=float)))
        self.target.setValue(target)

    def t(self) -> NDArray:
        return one_hot_target(len(self.y), self.target.value())

    def losses(self) -> tuple[float, float]:
        """(mean squared error, cross-entropy error) of y against the one-hot target (engine)."""
        t = self.t()
        return mean_squared_error(self.y, t), cross_entropy_error(self.y, t)

    def _on_text(self, text: str) -> None:
        try:
            y = parse_vector(text, minimum=2, maximum=MAX_CLASSES)
        except ValueError as exc:
            self.error.show_error(str(exc))
            return
        self.error.show_error(None)
        self.y = y
        self.target.setMaximum(len(y) - 1)  # clamps (and refreshes) if it was out of range
        self.refresh()

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Loss functions")

    def section(self) -> str:
        return tr("ch. 4.2")

    def explanation_html(self) -> str:
        return tr(
            "<p>A loss says how bad a prediction <i>y</i> is against the one-hot target "
            "<i>t</i>; learning makes it small (ch. 4.2).</p>"
            "<p><b>Mean squared error</b> E = ½ Σ (y<sub>k</sub> − t<sub>k</sub>)² looks at "
            "every output. <b>Cross-entropy</b> E = −Σ t<sub>k</sub> log(y<sub>k</sub> + δ) "
            "only looks at the probability of the correct class: −log(y) is 0 when it is 1 "
            "and grows without bound as it falls to 0 (δ = 10⁻⁷ keeps log(0) finite). Compare "
            "the book's two examples: 0.6 on the right class, then on a wrong one.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.input_box.setTitle(tr("Prediction"))
        self.result_box.setTitle(tr("Losses"))
        self.y_caption.setText(tr("Network output y (probabilities, one per class):"))
        self.y_edit.setToolTip(tr("The network's softmax output, one number per class "
                                  "separated by commas (ch. 4.2.1). 2–{n} classes.").format(
            n=MAX_CLASSES))
        self.target_caption.setText(tr("Correct class"))
        self.target.setToolTip(tr("The label: t is one-hot, 1 for this class and 0 for the "
                                  "others (ch. 4.2.1)."))
        self.example1.setText(tr("Book example 1"))
        self.example1.setToolTip(tr("y gives 0.6 to class 2, the correct one: MSE ≈ 0.0975, "
                                    "cross-entropy ≈ 0.51 (ch. 4.2.1–4.2.2)."))
        self.example2.setText(tr("Book example 2"))
        self.example2.setToolTip(tr("y gives 0.6 to class 7, a wrong one: MSE ≈ 0.5975, "
                                    "cross-entropy ≈ 2.30 (ch. 4.2.1–4.2.2)."))
        self.mse_caption.setText(tr("Mean squared error"))
        self.cee_caption.setText(tr("Cross-entropy error"))
        self.mse_value.setToolTip(tr("½ Σ (y − t)², the engine's mean_squared_error "
                                     "(ch. 4.2.1)."))
        self.cee_value.setToolTip(tr("−Σ t·log(y + 1e-7), the engine's cross_entropy_error "
                                     "(ch. 4.2.2)."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        y, t, k = self.y, self.t(), self.target.value()
        mse, cee = self.losses()
        self.mse_value.setText(format_value(mse, 5))
        self.cee_value.setText(format_value(cee, 5))
        notes = []
        if np.any(y < 0) or np.any(y > 1):
            notes.append(tr("Some values are outside 0–1."))
        if abs(float(np.sum(y)) - 1.0) > 1e-6:
            notes.append(tr("The values sum to {s}, not 1.").format(s=format_value(np.sum(y))))
        if notes:
            notes.append(tr("A softmax output would be probabilities; the losses are "
                            "computed anyway."))
        self.warning.setText(" ".join(notes))
        self.warning.setVisible(bool(notes))
        self._draw_bars(y, t)
        self._draw_curves(len(y), k, y[k], mse, cee)
        self.canvas.redraw()

    def _draw_bars(self, y: NDArray, t: NDArray) -> None:
        ax = self.ax_bars
        ax.clear()
        style_axes(ax, self.colors)
        idx = np.arange(len(y))
        ax.bar(idx, t, 0.8, color="none", edgecolor=SERIES[2], linewidth=1.8,
               label=tr("target t (one-hot)"))
        ax.bar(idx, y, 0.5, color=SERIES[0], label=tr("prediction y"))
        ax.set_xticks(idx)
        ax.set_ylim(min(0.0, float(y.min()) * 1.1), max(1.0, float(y.max())) * 1.3)
        ax.set_title(tr("Prediction and target"), fontsize=10)
        ax.set_xlabel(tr("class"))
        ax.set_ylabel(tr("value"))
        style_legend(ax, self.colors, loc="upper center", ncol=2)

    def _draw_curves(self, n: int, k: int, yk: float, mse: float, cee: float) -> None:
        ax = self.ax_curve
        ax.clear()
        style_axes(ax, self.colors)
        t = one_hot_target(n, k)
        ps = np.linspace(0.0, 1.0, 401)
        cee_curve = [cross_entropy_error(spread_prediction(n, k, p), t) for p in ps]
        mse_curve = [mean_squared_error(spread_prediction(n, k, p), t) for p in ps]
        ax.plot(ps, cee_curve, color=SERIES[5], linewidth=2,
                label=tr("cross-entropy = −log(p + δ)"))
        ax.plot(ps, mse_curve, color=SERIES[0], linewidth=2,
                label=tr("MSE (rest shared equally)"))
        ax.plot([yk], [cee], "o", color=SERIES[5], markersize=8,
                markeredgecolor=self.colors["text"], label=tr("your y: cross-entropy"))
        ax.plot([yk], [mse], "s", color=SERIES[0], markersize=7,
                markeredgecolor=self.colors["text"], label=tr("your y: MSE"))
        ax.set_xlim(-0.02, 1.02)
        ax.set_ylim(0, max(5.0, min(cee, 17.0) * 1.1))
        ax.set_title(tr("Loss against the probability p of the correct class"), fontsize=10)
        ax.set_xlabel(tr("p = y[correct class]"))
        ax.set_ylabel(tr("loss"))
        style_legend(ax, self.colors, loc="upper right")
