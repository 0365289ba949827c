"""Demo: one perceptron as AND, NAND, OR — and its failure on XOR (book ch. 2.1–2.4)."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtCore import QSignalBlocker, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QWidget,
)

from nn.perceptron import (
    BOOK_WEIGHTS,
    INPUTS,
    TRUTH_TABLES,
    RuleStep,
    best_linear_split,
    perceptron,
    perceptron_rule,
)
from workbench.core.i18n import tr
from workbench.core.numbers import format_value
from workbench.pages.fundamentals.base import DemoPanel
from workbench.pages.fundamentals.fields import (
    SliderField,
    fit_table_height,
    make_table,
    set_cell,
)
from workbench.plots.fundamentals.gate_plot import GateAxes, gate_name
from workbench.ui import theme
from workbench.ui.mpl_style import style_axes

GATES = ("AND", "NAND", "OR", "XOR")
RULE_LR = 0.1
RULE_EPOCHS = 40
ANIMATION_MS = 180


class PerceptronDemo(DemoPanel):
    """Weights and bias on sliders, the decision line over the four inputs, the truth table."""

    key = "perceptron"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.gate_combo = QComboBox()
        for name in GATES:
            self.gate_combo.addItem(name, name)
        w1, w2, b = BOOK_WEIGHTS["AND"]
        self.w1 = SliderField(-1.5, 1.5, w1, step=0.05)
        self.w2 = SliderField(-1.5, 1.5, w2, step=0.05)
        self.b = SliderField(-1.5, 1.5, b, step=0.05)
        self.book_button = QPushButton()
        self.learn_button = QPushButton()
        self.rule_label = QLabel()
        self.rule_label.setWordWrap(True)
        self.rule_label.hide()

        self.setup_box = QGroupBox()
        form = QFormLayout(self.setup_box)
        self.gate_caption, self.w1_caption = QLabel(), QLabel("w₁")
        self.w2_caption, self.b_caption = QLabel("w₂"), QLabel("b")
        form.addRow(self.gate_caption, self.gate_combo)
        form.addRow(self.w1_caption, self.w1)
        form.addRow(self.w2_caption, self.w2)
        form.addRow(self.b_caption, self.b)
        buttons = QHBoxLayout()
        buttons.addWidget(self.book_button)
        buttons.addWidget(self.learn_button)
        form.addRow(buttons)
        table = make_table(6, 4)
        fit_table_height(table)
        self.controls.addWidget(self.setup_box)
        self.add_table_box(table, self.rule_label)

        ax = self.figure.add_subplot(1, 1, 1)
        style_axes(ax, self.colors)
        self.ax = ax
        self.gate_axes = GateAxes(ax, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

        #: The most XOR points any single line gets right (exact search by the engine: 3).
        self._best_xor = best_linear_split(INPUTS, TRUTH_TABLES["XOR"]).correct
        self._rule_steps: list[RuleStep] = []
        self._rule_index = 0
        self._applying_rule = False
        self._rule_message: Callable[[], str] | None = None
        self.timer = QTimer(self)
        self.timer.setInterval(ANIMATION_MS)
        self.timer.timeout.connect(self._next_rule_step)

        self.gate_combo.currentIndexChanged.connect(self._on_gate)
        for field in (self.w1, self.w2, self.b):
            field.valueChanged.connect(self._on_weights)
        self.book_button.clicked.connect(self.use_book_weights)
        self.learn_button.clicked.connect(self._on_learn)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------------- state
    @property
    def gate(self) -> str:
        return self.gate_combo.currentData()

    def weights(self) -> tuple[np.ndarray, float]:
        return np.array([self.w1.value(), self.w2.value()]), self.b.value()

    def set_weights(self, w1: float, w2: float, b: float) -> None:
        """Set all three sliders, then redraw once."""
        with QSignalBlocker(self.w1), QSignalBlocker(self.w2), QSignalBlocker(self.b):
            for field, value in ((self.w1, w1), (self.w2, w2), (self.b, b)):
                field.setValue(value)
        self._on_weights()

    def outputs(self) -> np.ndarray:
        """The perceptron's output for the four inputs (engine: ``nn.perceptron.perceptron``)."""
        w, b = self.weights()
        return perceptron(INPUTS, w, b)

    def correct(self) -> int:
        return int(np.sum(self.outputs() == TRUTH_TABLES[self.gate]))

    def use_book_weights(self) -> None:
        """The book's weights for the gate (ch. 2.3.3); XOR has none."""
        self.stop_rule()
        if self.gate in BOOK_WEIGHTS:
            self.set_weights(*BOOK_WEIGHTS[self.gate])

    # ------------------------------------------------------------------ learning rule
    def start_rule(self) -> None:
        """Animate Rosenblatt's rule from w = 0, b = 0, one epoch per frame."""
        self._rule_steps = list(perceptron_rule(INPUTS, TRUTH_TABLES[self.gate], (0.0, 0.0), 0.0,
                                                lr=RULE_LR, epochs=RULE_EPOCHS))
        self._rule_index = 0
        self._apply_rule_values(0.0, 0.0, 0.0)
        self._set_rule_text(lambda: tr("Learning from w = 0, b = 0…"))
        self.timer.start()
        self._update_learn_button()

    def stop_rule(self) -> None:
        if self.timer.isActive():
            self.timer.stop()
            self._update_learn_button()

    def finish_rule(self) -> None:
        """Jump to the end of the running animation (used by tests and impatient users)."""
        while self.timer.isActive():
            self._next_rule_step()

    def _next_rule_step(self) -> None:
        if self._rule_index >= len(self._rule_steps):
            self.stop_rule()
            return
        step = self._rule_steps[self._rule_index]
        self._rule_index += 1
        self._apply_rule_values(float(step.w[0]), float(step.w[1]), step.b)
        done = self._rule_index >= len(self._rule_steps)
        epoch, errors = step.epoch, step.errors
        if errors == 0:
            self._set_rule_text(lambda: tr(
                "Epoch {epoch}: every point is right — the rule has converged.").format(
                epoch=epoch))
        elif done:
            self._set_rule_text(lambda: tr(
                "Epoch {epoch}: still {errors} wrong. The rule never settles: no line "
                "separates these classes.").format(epoch=epoch, errors=errors))
        else:
            self._set_rule_text(lambda: tr("Epoch {epoch}: {errors} wrong…").format(
                epoch=epoch, errors=errors))
        if done:
            self.stop_rule()

    def _apply_rule_values(self, w1: float, w2: float, b: float) -> None:
        self._applying_rule = True
        try:
            self.set_weights(round(w1, 10), round(w2, 10), round(b, 10))
        finally:
            self._applying_rule = False

    def _set_rule_text(self, render: Callable[[], str] | None) -> None:
        """Show the learning rule's status, ``render()`` (called again on a language change)."""
        self._rule_message = render
        text = render() if render is not None else ""
        self.rule_label.setText(text)
        self.rule_label.setVisible(bool(text))

    def _on_learn(self) -> None:
        if self.timer.isActive():
            self.stop_rule()
        else:
            self.start_rule()

    def _update_learn_button(self) -> None:
        self.learn_button.setText(tr("Stop") if self.timer.isActive()
                                  else tr("Learn the weights"))

    # ------------------------------------------------------------------------ events
    def _on_gate(self) -> None:
        self.stop_rule()
        self._set_rule_text(None)
        self.book_button.setEnabled(self.gate in BOOK_WEIGHTS)
        self.refresh()

    def _on_weights(self) -> None:
        if not self._applying_rule:
            self.stop_rule()
            self._set_rule_text(None)
        self.refresh()

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Perceptron and logic gates")

    def section(self) -> str:
        return tr("ch. 2.1–2.4")

    def explanation_html(self) -> str:
        return tr(
            "<p>A perceptron outputs <b>1</b> when <i>w₁x₁ + w₂x₂ + b</i> &gt; 0 and <b>0</b> "
            "otherwise. The line <i>w₁x₁ + w₂x₂ + b</i> = 0 splits the plane in two; the arrow "
            "(the weight vector) points to the side that outputs 1.</p>"
            "<p>Drag the sliders until every point sits on its side. AND, NAND and OR each "
            "need only different weights (ch. 2.3.3). For <b>XOR</b> no line works: at most "
            "3 of the 4 points can be right (ch. 2.4) — the next demo adds a second layer.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.setup_box.setTitle(tr("Perceptron"))
        self.table_box.setTitle(tr("Truth table"))
        self.gate_caption.setText(tr("Gate"))
        self.gate_combo.setToolTip(tr("The logic gate to reproduce: its truth table is the "
                                      "target for the four inputs (ch. 2.1)."))
        for i in range(self.gate_combo.count()):
            self.gate_combo.setItemText(i, gate_name(self.gate_combo.itemData(i)))
        self.w1.setToolTip(tr("Weight w₁ of input x₁: how strongly x₁ pushes the output "
                              "towards 1 (ch. 2.3.1). Tilts the decision line."))
        self.w2.setToolTip(tr("Weight w₂ of input x₂: how strongly x₂ pushes the output "
                              "towards 1 (ch. 2.3.1). Tilts the decision line."))
        self.b.setToolTip(tr("Bias b (= −θ, the threshold): how easily the perceptron fires "
                             "(ch. 2.3.2). Shifts the decision line without turning it."))
        self.book_button.setText(tr("Book's weights"))
        self.book_button.setToolTip(tr("Set the weights the book uses for this gate "
                                       "(ch. 2.3.3). XOR has none: no single perceptron can "
                                       "compute it."))
        self._update_learn_button()
        self._set_rule_text(self._rule_message)
        self.learn_button.setToolTip(tr(
            "Find weights with Rosenblatt's perceptron rule (w += 0.1·(t − y)·x, from w = 0), "
            "one pass over the four points per frame. It converges for AND, NAND and OR and "
            "cycles for ever on XOR. The book sets weights by hand (ch. 2.3); learning them "
            "from data is ch. 4."))
        self.table.setHorizontalHeaderLabels(
            ["x₁", "x₂", tr("target"), "w·x+b", tr("output"), ""])
        self.table.setToolTip(tr("The four inputs of the gate (ch. 2.1), the target output, "
                                 "the weighted sum and what the perceptron outputs."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        w, b = self.weights()
        target = TRUTH_TABLES[self.gate]
        out = self.outputs()
        sums = INPUTS @ w + b
        ok, bad = theme.ok_color(), theme.error_color()
        for row, (x, t, s, y) in enumerate(zip(INPUTS, target, sums, out, strict=True)):
            set_cell(self.table, row, 0, f"{x[0]:g}")
            set_cell(self.table, row, 1, f"{x[1]:g}")
            set_cell(self.table, row, 2, f"{t:d}")
            set_cell(self.table, row, 3, format_value(float(s), 3))
            set_cell(self.table, row, 4, f"{int(y):d}", ok if y == t else bad)
            set_cell(self.table, row, 5, "✓" if y == t else "✗", ok if y == t else bad)
        correct = self.correct()
        if correct == 4:
            text = tr("4 of 4 correct: this perceptron computes {gate}.").format(
                gate=gate_name(self.gate))
            color = ok
        else:
            text = tr("{n} of 4 correct.").format(n=correct)
            if self.gate == "XOR":
                text += " " + tr("No line can do better than {best} of 4 for XOR.").format(
                    best=self._best_xor)
            else:
                text += " " + tr("Move the sliders, or try the book's weights.")
            color = bad
        self.result_label.setText(text)
        self.result_label.setStyleSheet(f"color: {color};")

        self.gate_axes.show_perceptron_region(w, b)
        self.gate_axes.show_lines([(w, b)])
        self.gate_axes.show_points(INPUTS, target, out,
                                   [tr("y = {y}").format(y=int(y)) for y in out])
        self.ax.set_title(tr("{gate} with one perceptron: {n} of 4 correct").format(
            gate=gate_name(self.gate), n=correct), fontsize=10)
        self.ax.set_xlabel("x₁")
        self.ax.set_ylabel("x₂")
        handles, labels = self.gate_axes.legend_handles(self._legend_names(),
                                                        [tr("decision line w·x + b = 0")])
        self.figure.legends.clear()  # below the plot, in room the constrained layout makes
        legend = self.figure.legend(handles, labels, loc="outside lower center", ncol=3,
                                    fontsize=8, framealpha=0.8)
        legend.get_frame().set_facecolor(self.colors["face"])
        legend.get_frame().set_edgecolor(self.colors["grid"])
        for t in legend.get_texts():
            t.set_color(self.colors["text"])
        self.canvas.redraw()

    def _legend_names(self) -> dict[str, str]:
        return {"one": tr("output 1"), "zero": tr("output 0"), "target0": tr("target 0"),
                "target1": tr("target 1"), "wrong": tr("wrong output")}
