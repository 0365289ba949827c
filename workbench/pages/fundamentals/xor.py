"""Demo: XOR is impossible for one line and easy for two layers, AND(NAND, OR) (ch. 2.4–2.5)."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QGroupBox,
    QLabel,
    QPushButton,
    QWidget,
)

from nn.perceptron import (
    BOOK_WEIGHTS,
    INPUTS,
    SINGLE_LAYER_GATES,
    TRUTH_TABLES,
    best_linear_split,
    perceptron,
    two_layer,
)
from workbench.core.i18n import tr
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.pages.fundamentals.fields import fit_table_height, make_table, set_cell
from workbench.plots.fundamentals.gate_plot import GateAxes, draw_network, gate_name
from workbench.ui import theme
from workbench.ui.mpl_style import style_axes, style_legend

BOOK_LAYERS = ("NAND", "OR", "AND")


class XorLayersDemo(DemoPanel):
    """Three views of XOR: the best single line (3 of 4), the first layer's two lines in the
    input plane, and the second layer's line in the plane of the hidden signals (s₁, s₂)."""

    key = "xor"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.combos: list[QComboBox] = []
        for default in BOOK_LAYERS:
            combo = QComboBox()
            for name in SINGLE_LAYER_GATES:
                combo.addItem(name, name)
            combo.setCurrentIndex(SINGLE_LAYER_GATES.index(default))
            combo.currentIndexChanged.connect(self.refresh)
            self.combos.append(combo)
        self.book_button = QPushButton()
        self.book_button.clicked.connect(self.use_book_layers)
        self.layers_box = QGroupBox()
        form = QFormLayout(self.layers_box)
        self.captions = [QLabel() for _ in self.combos]
        for caption, combo in zip(self.captions, self.combos, strict=True):
            form.addRow(caption, combo)
        form.addRow(self.book_button)
        table = make_table(6, 4)
        fit_table_height(table)
        self.controls.addWidget(self.layers_box)
        self.add_table_box(table)

        axes = [self.figure.add_subplot(2, 2, i + 1) for i in range(4)]
        for ax in axes:
            style_axes(ax, self.colors)
        self.ax_single, self.ax_first, self.ax_second, self.ax_net = axes
        self.single = GateAxes(self.ax_single, self.colors)
        self.first = GateAxes(self.ax_first, self.colors)
        self.second = GateAxes(self.ax_second, self.colors)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        self.retranslate()
        self.refresh()

    # ------------------------------------------------------------------------- state
    def layers(self) -> tuple[str, str, str]:
        first, second, out = (c.currentData() for c in self.combos)
        return first, second, out

    def set_layers(self, first: str, second: str, out: str) -> None:
        for combo, name in zip(self.combos, (first, second, out), strict=True):
            combo.setCurrentIndex(SINGLE_LAYER_GATES.index(name))

    def use_book_layers(self) -> None:
        self.set_layers(*BOOK_LAYERS)

    def network_output(self) -> np.ndarray:
        """The two-layer network's output for the four inputs (engine :func:`two_layer`)."""
        return two_layer(INPUTS, *self.layers()).y

    def single_line_best(self) -> int:
        """How many XOR points the best single line gets right (engine, exact: 3)."""
        return best_linear_split(INPUTS, TRUTH_TABLES["XOR"]).correct

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("XOR with two layers")

    def section(self) -> str:
        return tr("ch. 2.4–2.5")

    def explanation_html(self) -> str:
        return tr(
            "<p>XOR outputs 1 when exactly one input is 1. Its two classes sit on opposite "
            "corners, so <b>no single line</b> separates them: the best one still gets a point "
            "wrong (top left).</p>"
            "<p>Stacking perceptrons solves it (ch. 2.5): the first layer computes "
            "s₁ = NAND(x) and s₂ = OR(x) — two lines whose strip between them is XOR's "
            "class 1 (top right). In the (s₁, s₂) plane the four inputs land on only three "
            "points, and one more line, AND, separates them (bottom left). Try other gates "
            "to see which combinations also give XOR.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.layers_box.setTitle(tr("Two-layer perceptron"))
        self.table_box.setTitle(tr("Signals (book table 2-5)"))
        self.captions[0].setText(tr("First hidden s₁"))
        self.captions[1].setText(tr("Second hidden s₂"))
        self.captions[2].setText(tr("Output y"))
        for combo in self.combos:
            for i in range(combo.count()):
                combo.setItemText(i, gate_name(combo.itemData(i)))
        self.combos[0].setToolTip(tr("The gate computing the first hidden signal s₁ from "
                                     "(x₁, x₂); the book uses NAND (ch. 2.5.2)."))
        self.combos[1].setToolTip(tr("The gate computing the second hidden signal s₂ from "
                                     "(x₁, x₂); the book uses OR (ch. 2.5.2)."))
        self.combos[2].setToolTip(tr("The output gate, applied to (s₁, s₂); the book uses AND "
                                     "(ch. 2.5.2)."))
        self.book_button.setText(tr("Book's XOR: NAND, OR → AND"))
        self.book_button.setToolTip(tr("Restore the book's composition XOR(x) = "
                                       "AND(NAND(x), OR(x)) (ch. 2.5.2, Fig. 2-13)."))
        self.table.setHorizontalHeaderLabels(["x₁", "x₂", "s₁", "s₂", "y", tr("XOR")])
        self.table.setToolTip(tr("Every signal of the two-layer network for the four inputs "
                                 "(the book's table 2-5), with XOR's target beside y."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        first, second, out = self.layers()
        signals = two_layer(INPUTS, first, second, out)
        target = TRUTH_TABLES["XOR"]
        ok, bad = theme.ok_color(), theme.error_color()
        for row in range(4):
            values = (INPUTS[row, 0], INPUTS[row, 1], signals.s1[row], signals.s2[row],
                      signals.y[row], target[row])
            for col, value in enumerate(values):
                color = None if col != 4 else (ok if signals.y[row] == target[row] else bad)
                set_cell(self.table, row, col, f"{value:g}", color)
        wrong = int(np.sum(signals.y != target))
        if wrong == 0:
            text = tr("y = {out}({first}(x), {second}(x)) equals XOR on all four inputs.")
            color = ok
        else:
            text = tr("y = {out}({first}(x), {second}(x)) differs from XOR on {n} of 4 inputs.")
            color = bad
        self.result_label.setText(text.format(out=out, first=first, second=second, n=wrong))
        self.result_label.setStyleSheet(f"color: {color};")
        self._draw_single(target)
        self._draw_first(first, second, signals.y, target)
        self._draw_second(out, signals, target)
        draw_network(self.ax_net, self.colors, first, second, out,
                     {"layer0": tr("layer 0"), "layer1": tr("layer 1"), "layer2": tr("layer 2")})
        self.ax_net.set_title(tr("The network (Fig. 2-13)"), fontsize=9,
                              color=self.colors["text"])
        handles, labels = self.first.legend_handles(
            {"one": tr("output 1"), "zero": tr("output 0"), "target0": tr("XOR = 0"),
             "target1": tr("XOR = 1"), "wrong": tr("wrong output")},
            [tr("s₁ line"), tr("s₂ line")])
        self.figure.legends.clear()
        legend = self.figure.legend(handles, labels, loc="outside lower center", ncol=4,
                                    fontsize=8,
                                    framealpha=0.8)
        legend.get_frame().set_facecolor(self.colors["face"])
        for t in legend.get_texts():
            t.set_color(self.colors["text"])
        self.canvas.redraw()

    def _draw_single(self, target: np.ndarray) -> None:
        best = best_linear_split(INPUTS, target)
        self.single.show_perceptron_region(best.w, best.b)
        self.single.show_lines([(best.w, best.b)], arrows=False)
        self.single.show_points(INPUTS, target, perceptron(INPUTS, best.w, best.b))
        self.ax_single.set_title(tr("One line: at best {n} of 4").format(n=best.correct),
                                 fontsize=9)
        self._label(self.ax_single, "x₁", "x₂")

    def _draw_first(self, first: str, second: str, y: np.ndarray, target: np.ndarray) -> None:
        self.first.show_region(two_layer(self.first.grid, first, second,
                                         self.layers()[2]).y)
        self.first.show_lines([(BOOK_WEIGHTS[first][:2], BOOK_WEIGHTS[first][2]),
                               (BOOK_WEIGHTS[second][:2], BOOK_WEIGHTS[second][2])])
        self.first.show_points(INPUTS, target, y)
        self.ax_first.set_title(tr("Layer 1: {first} and {second} lines").format(
            first=first, second=second), fontsize=9)
        self._label(self.ax_first, "x₁", "x₂")

    def _draw_second(self, out: str, signals, target: np.ndarray) -> None:
        w1, w2, b = BOOK_WEIGHTS[out]
        hidden = np.stack([signals.s1, signals.s2], axis=1)
        self.second.show_perceptron_region(np.array([w1, w2]), b)
        self.second.show_lines([(np.array([w1, w2]), b)])
        captions = []
        for row in range(4):  # several inputs can land on the same (s₁, s₂)
            same = [f"({INPUTS[r, 0]:g},{INPUTS[r, 1]:g})" for r in range(4)
                    if np.array_equal(hidden[r], hidden[row])]
            captions.append(" ".join(same) if same[0] == f"({INPUTS[row, 0]:g},"
                            f"{INPUTS[row, 1]:g})" else "")
        self.second.show_points(hidden, target, signals.y, captions)
        self.ax_second.set_title(tr("Layer 2: {out} of (s₁, s₂)").format(out=out), fontsize=9)
        self._label(self.ax_second, "s₁", "s₂")
        style_legend(self.ax_second, self.colors)  # none: the figure legend explains

    @staticmethod
    def _label(ax, xlabel: str, ylabel: str) -> None:
        ax.set_xlabel(xlabel, fontsize=9)
        ax.set_ylabel(ylabel, fontsize=9)
        ax.tick_params(labelsize=7)
