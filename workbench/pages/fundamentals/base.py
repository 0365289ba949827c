"""What every demo of the Fundamentals page shares: the panel layout (title, book section,
explanation and controls in a side column, the figure beside them), language following that
survives deleted widgets, and legend styling."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QScrollArea,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import tr
from workbench.ui import theme
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import View

SIDE_WIDTH = 335


# ------------------------------------------------------------------------------ figures
class DemoPanel(View):
    """One demo: title, book section and explanation above its controls on the left, the
    figure on the right. Subclasses fill :attr:`controls`, draw on :attr:`figure` and override
    :meth:`retranslate` (calling the base) and, if they run jobs, :meth:`shutdown`."""

    #: Stable identifier ("perceptron", "softmax", …), used for screenshots and selection.
    key = ""
    translated_figures = True  # titles and labels are drawn in the figure

    def __init__(self, parent: QWidget | None = None,
                 figsize: tuple[float, float] = (6.0, 6.0)) -> None:
        super().__init__(parent)
        self.colors = theme.plot_colors()
        self.title_label = QLabel()
        font = QFont(self.title_label.font())
        font.setPointSizeF(font.pointSizeF() * 1.35)
        font.setBold(True)
        self.title_label.setFont(font)
        self.title_label.setWordWrap(True)
        self.section_label = QLabel()
        self.section_label.setStyleSheet(f"color: {theme.muted_color()};")
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.explanation.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        rule = QFrame()
        rule.setFrameShape(QFrame.Shape.HLine)
        rule.setFrameShadow(QFrame.Shadow.Sunken)

        side = QWidget()
        self.controls = QVBoxLayout()
        self.controls.setSpacing(8)
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 10, 4)
        side_layout.setSpacing(6)
        side_layout.addWidget(self.title_label)
        side_layout.addWidget(self.section_label)
        side_layout.addWidget(self.explanation)
        side_layout.addWidget(rule)
        side_layout.addLayout(self.controls)
        side_layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setFixedWidth(SIDE_WIDTH)
        self.side_scroll = scroll

        self.canvas = PlotCanvas(self, figsize=figsize)
        self.figure = self.canvas.figure
        self.figure.set_facecolor(self.colors["window"])
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(8)
        layout.addWidget(scroll)
        layout.addWidget(self.canvas, 1)
        self._compacted = False

    def showEvent(self, event) -> None:  # noqa: N802 — Qt override
        if not self._compacted:  # long item texts must not widen the fixed side column
            self._compacted = True
            for combo in self.side_scroll.widget().findChildren(QComboBox):
                combo.setSizeAdjustPolicy(
                    QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
                combo.setMinimumContentsLength(8)
                combo.setMinimumWidth(90)
        if self._view_stale:  # refreshed before it is painted (the base would wait a pass)
            self._view_stale = False
            self.refresh()
        super().showEvent(event)

    # ----------------------------------------------------------------------- texts
    def add_table_box(self, table: QTableWidget, *below: QWidget) -> None:
        """Add the demo's value table in a group box (titled by :meth:`retranslate`), with
        :attr:`result_label` (the verdict on the current values) and ``below`` under it."""
        self.table = table
        self.result_label = QLabel()
        self.result_label.setWordWrap(True)
        self.table_box = QGroupBox()
        layout = QVBoxLayout(self.table_box)
        for widget in (table, self.result_label, *below):
            layout.addWidget(widget)
        self.controls.addWidget(self.table_box)

    def title(self) -> str:
        """The demo's name in the current language."""
        raise NotImplementedError

    def section(self) -> str:
        """The book section(s) it follows, e.g. ``ch. 2.3``."""
        raise NotImplementedError

    def explanation_html(self) -> str:
        raise NotImplementedError

    def retranslate(self) -> None:
        self.title_label.setText(self.title())
        self.section_label.setText(tr("Deep Learning from Scratch, {section}").format(
            section=self.section()))
        self.explanation.setText(self.explanation_html())

    def recompute(self) -> None:
        self.refresh()

    def refresh(self) -> None:
        """Recompute from the controls and redraw; subclasses override."""

    def shutdown(self) -> None:
        """Stop background work; the page calls it when the window closes."""
