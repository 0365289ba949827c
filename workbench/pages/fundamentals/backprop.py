"""Demo: backpropagation on the book's apple-shopping computational graph (ch. 5.1–5.4)."""

from __future__ import annotations

from matplotlib.lines import Line2D
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QWidget,
)

from nn.graph import (
    APPLE_GRAPH,
    BOOK_INPUTS,
    SHOPPING_GRAPH,
    Graph,
    GraphResult,
    numerical_input_gradients,
    run_graph,
)
from workbench.core.i18n import tr
from workbench.core.numbers import format_value
from workbench.pages.fundamentals.base import DemoPanel
from workbench.pages.fundamentals.fields import (
    fit_table_height,
    make_table,
    set_cell,
)
from workbench.plots.fundamentals.backprop_plot import BACKWARD_COLOR, draw_graph, forward_color
from workbench.ui import theme

GRAPHS = {SHOPPING_GRAPH.name: SHOPPING_GRAPH, APPLE_GRAPH.name: APPLE_GRAPH}
#: (minimum, maximum, step, decimals) of each input's spin box.
RANGES = {"apple": (0.0, 10000.0, 10.0, 2), "apple_num": (0.0, 1000.0, 1.0, 2),
          "orange": (0.0, 10000.0, 10.0, 2), "orange_num": (0.0, 1000.0, 1.0, 2),
          "tax": (0.0, 10.0, 0.01, 3)}


class BackpropDemo(DemoPanel):
    """Edit the inputs; every edge shows its forward value and its backward gradient."""

    key = "backprop"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        self.graph_combo = QComboBox()
        for name in GRAPHS:
            self.graph_combo.addItem("", name)
        self.spins: dict[str, QDoubleSpinBox] = {}
        self.captions: dict[str, QLabel] = {}
        self.inputs_box = QGroupBox()
        form = QFormLayout(self.inputs_box)
        self.graph_caption = QLabel()
        form.addRow(self.graph_caption, self.graph_combo)
        for name, (low, high, step, decimals) in RANGES.items():
            spin = QDoubleSpinBox()
            spin.setRange(low, high)
            spin.setSingleStep(step)
            spin.setDecimals(decimals)
            spin.setValue(BOOK_INPUTS[name])
            spin.valueChanged.connect(self.refresh)
            self.spins[name] = spin
            self.captions[name] = QLabel()
            form.addRow(self.captions[name], spin)
        self.dout = QDoubleSpinBox()
        self.dout.setRange(-100.0, 100.0)
        self.dout.setDecimals(2)
        self.dout.setValue(1.0)
        self.dout.valueChanged.connect(self.refresh)
        self.dout_caption = QLabel()
        form.addRow(self.dout_caption, self.dout)
        self.book_button = QPushButton()
        form.addRow(self.book_button)
        self.show_forward, self.show_backward = QCheckBox(), QCheckBox()
        for check in (self.show_forward, self.show_backward):
            check.setChecked(True)
            check.toggled.connect(self.refresh)
        passes = QHBoxLayout()
        passes.addWidget(self.show_forward)
        passes.addWidget(self.show_backward)
        form.addRow(passes)

        table = make_table(4, 0)
        table.horizontalHeader().setSectionResizeMode(
            0, QHeaderView.ResizeMode.ResizeToContents)
        self.controls.addWidget(self.inputs_box)
        self.add_table_box(table)

        self.ax = self.figure.add_subplot(1, 1, 1)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)
        self.graph_combo.currentIndexChanged.connect(self._on_graph)
        self.book_button.clicked.connect(self.use_book_inputs)
        self.retranslate()
        self._on_graph()

    # ------------------------------------------------------------------------- state
    @property
    def graph(self) -> Graph:
        return GRAPHS[self.graph_combo.currentData()]

    def inputs(self) -> dict[str, float]:
        return {name: self.spins[name].value() for name in self.graph.inputs}

    def result(self) -> GraphResult:
        """Forward and backward through the graph (engine :func:`nn.graph.run_graph`)."""
        return run_graph(self.graph, self.inputs(), self.dout.value())

    def use_book_inputs(self) -> None:
        for name, spin in self.spins.items():
            spin.setValue(BOOK_INPUTS[name])
        self.dout.setValue(1.0)

    def _on_graph(self) -> None:
        used = set(self.graph.inputs)
        for name, spin in self.spins.items():
            spin.setEnabled(name in used)
            self.captions[name].setEnabled(name in used)
        self.refresh()

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("Backpropagation")

    def section(self) -> str:
        return tr("ch. 5.1–5.4")

    def explanation_html(self) -> str:
        return tr(
            "<p>A <b>computational graph</b> breaks a calculation into simple nodes (ch. 5.1). "
            "Going left to right, the <span style='color:{fwd}'><b>forward</b></span> pass "
            "computes the price; going right to left, the "
            "<span style='color:{bwd}'><b>backward</b></span> pass carries ∂price/∂edge back "
            "to every input by the chain rule (ch. 5.2).</p>"
            "<p>A <b>+</b> node passes the gradient on unchanged; a <b>×</b> node multiplies "
            "it by the <i>other</i> input (ch. 5.3). So one more yen on an apple costs 2.2 yen "
            "and one more apple 110 yen. Each node is the book's AddLayer or MulLayer "
            "(ch. 5.4).</p>").format(fwd=forward_color(), bwd=BACKWARD_COLOR)

    def retranslate(self) -> None:
        super().retranslate()
        self.inputs_box.setTitle(tr("Shopping"))
        self.table_box.setTitle(tr("Gradients of the price"))
        self.graph_caption.setText(tr("Graph"))
        self.graph_combo.setItemText(0, tr("Apples and oranges (Fig. 5-17)"))
        self.graph_combo.setItemText(1, tr("Apples only (Fig. 5-16)"))
        self.graph_combo.setToolTip(tr("The book's two shopping examples: apples only "
                                       "(ch. 5.4.1) or apples and oranges (ch. 5.4.2)."))
        captions = {"apple": tr("Apple price"), "apple_num": tr("Apples"),
                    "orange": tr("Orange price"), "orange_num": tr("Oranges"),
                    "tax": tr("Tax rate")}
        tips = {"apple": tr("Yen per apple (the book: 100)."),
                "apple_num": tr("How many apples (the book: 2)."),
                "orange": tr("Yen per orange (the book: 150)."),
                "orange_num": tr("How many oranges (the book: 3)."),
                "tax": tr("Consumption-tax multiplier (the book: 1.1).")}
        for name, caption in captions.items():
            self.captions[name].setText(caption)
            self.spins[name].setToolTip(tips[name] + " " + tr(
                "Changes the forward values and, through the × nodes, the gradients of the "
                "other inputs."))
        self.dout_caption.setText(tr("Upstream ∂L/∂price"))
        self.dout.setToolTip(tr("The gradient arriving at the output; backpropagation starts "
                                "from 1 (ch. 5.4). Every gradient scales with it."))
        self.book_button.setText(tr("Book's values"))
        self.book_button.setToolTip(tr("2 apples at 100 yen, 3 oranges at 150 yen, tax 1.1 "
                                       "(ch. 5.4)."))
        self.show_forward.setText(tr("Forward values"))
        self.show_forward.setToolTip(tr("Show the value on each edge (forward pass, above the "
                                        "arrows)."))
        self.show_backward.setText(tr("Backward gradients"))
        self.show_backward.setToolTip(tr("Show ∂price/∂edge on each edge (backward pass, below "
                                         "the arrows)."))
        self.table.setHorizontalHeaderLabels([tr("input"), tr("value"), tr("backprop"),
                                              tr("numerical")])
        self.table.setToolTip(tr("∂price/∂input by backpropagation and by central differences "
                                 "(the gradient check of ch. 5.7.3)."))

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        graph, inputs = self.graph, self.inputs()
        result = self.result()
        numeric = numerical_input_gradients(graph, inputs)
        scale = self.dout.value()
        names = {"apple": tr("apple price"), "apple_num": tr("apples"),
                 "orange": tr("orange price"), "orange_num": tr("oranges"), "tax": tr("tax")}
        self.table.setRowCount(len(graph.inputs))
        worst = 0.0
        for row, name in enumerate(graph.inputs):
            check = numeric[name] * scale
            worst = max(worst, abs(check - result.grads[name]) / max(1.0, abs(check)))
            set_cell(self.table, row, 0, names[name], align_right=False)
            set_cell(self.table, row, 1, format_value(inputs[name], 6))
            set_cell(self.table, row, 2, format_value(result.grads[name], 6), BACKWARD_COLOR)
            set_cell(self.table, row, 3, format_value(check, 6))
        fit_table_height(self.table)
        if worst < 1e-6:
            self.result_label.setText(tr("Price {price}. Backpropagation and the numerical "
                                         "gradients agree.").format(
                price=format_value(result.output, 8)))
            self.result_label.setStyleSheet(f"color: {theme.ok_color()};")
        else:
            self.result_label.setText(tr("Backpropagation and the numerical gradients differ "
                                         "by {d}.").format(d=format_value(worst, 2)))
            self.result_label.setStyleSheet(f"color: {theme.error_color()};")
        labels = dict(names, out=tr("price"))
        draw_graph(self.ax, self.colors, graph, result, labels, self.show_forward.isChecked(),
                   self.show_backward.isChecked())
        self.ax.set_title(tr("Forward values (above) and backward gradients (below)"),
                          fontsize=10, color=self.colors["text"])
        self._legend()
        self.canvas.redraw()

    def _legend(self) -> None:
        handles = [Line2D([], [], color=forward_color(), linewidth=3),
                   Line2D([], [], color=BACKWARD_COLOR, linewidth=3)]
        self.figure.legends.clear()  # below the graph, not over its nodes
        legend = self.figure.legend(handles, [tr("forward: value on the edge"),
                                              tr("backward: ∂price/∂edge")],
                                    loc="outside lower center", ncol=2, fontsize=8,
                                    framealpha=0.8)
        legend.get_frame().set_facecolor(self.colors["face"])
        for t in legend.get_texts():
            t.set_color(self.colors["text"])
