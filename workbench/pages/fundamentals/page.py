"""The Fundamentals page: the book's chapters 2–5 as small interactive demos, chosen from a list
on the left; each demo shows its controls, explanation and figure on the right."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import tr
from workbench.pages.fundamentals.activations import ActivationsDemo
from workbench.pages.fundamentals.backprop import BackpropDemo
from workbench.pages.fundamentals.base import DemoPanel
from workbench.pages.fundamentals.derivative import DerivativeDemo
from workbench.pages.fundamentals.descent import DescentDemo
from workbench.pages.fundamentals.losses import LossesDemo
from workbench.pages.fundamentals.perceptron import PerceptronDemo
from workbench.pages.fundamentals.softmax import SoftmaxDemo
from workbench.pages.fundamentals.xor import XorLayersDemo
from workbench.pages.fundamentals.xor_network import XorNetworkDemo
from workbench.shell.context import AppContext
from workbench.ui.view import View

#: The demos in book order.
DEMOS: tuple[type[DemoPanel], ...] = (
    PerceptronDemo, XorLayersDemo, XorNetworkDemo, ActivationsDemo, SoftmaxDemo, LossesDemo,
    DerivativeDemo, DescentDemo, BackpropDemo,
)


class FundamentalsPage(View):
    """Chapters 2–5 of *Deep Learning from Scratch* to play with, one demo at a time.

    Parameters
    ----------
    context : AppContext
        The pages' shared state (the demos are self-contained and only keep a reference).
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.heading = QLabel()
        font = self.heading.font()
        font.setBold(True)
        self.heading.setFont(font)
        self.list = QListWidget()
        self.list.setFixedWidth(195)
        self.list.setSpacing(2)
        self.list.setWordWrap(True)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.setIconSize(QSize(0, 0))
        self.stack = QStackedWidget()
        self.demos: dict[str, DemoPanel] = {}
        for cls in DEMOS:
            demo = cls()
            self.demos[demo.key] = demo
            self.stack.addWidget(demo)
            item = QListWidgetItem()
            item.setData(Qt.ItemDataRole.UserRole, demo.key)
            item.setSizeHint(QSize(200, 2 * self.list.fontMetrics().height() + 14))
            self.list.addItem(item)
        left = QVBoxLayout()
        left.setContentsMargins(0, 0, 0, 0)
        left.addWidget(self.heading)
        left.addWidget(self.list, 1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(10)
        layout.addLayout(left)
        layout.addWidget(self.stack, 1)
        self.list.currentRowChanged.connect(self.stack.setCurrentIndex)
        self.list.setCurrentRow(0)
        self.retranslate()

    def retranslate(self) -> None:
        self.heading.setText(tr("Demos"))
        self.list.setToolTip(tr("Pick a demo; they follow the book from the perceptron "
                                "(ch. 2) to backpropagation (ch. 5)."))
        for row in range(self.list.count()):
            item = self.list.item(row)
            demo = self.demos[item.data(Qt.ItemDataRole.UserRole)]
            item.setText(f"{demo.title()}\n{demo.section()}")
            item.setToolTip(tr("{title} — Deep Learning from Scratch, {section}").format(
                title=demo.title(), section=demo.section()))

    # --------------------------------------------------------------------------- API
    def keys(self) -> list[str]:
        """The demos' keys in display order."""
        return list(self.demos)

    def demo(self, key: str) -> DemoPanel:
        return self.demos[key]

    def current_key(self) -> str:
        return self.list.currentItem().data(Qt.ItemDataRole.UserRole)

    def select(self, key: str) -> DemoPanel:
        """Show the demo ``key`` ("perceptron", "xor", "xor_network", "activations", "softmax",
        "losses", "derivative", "descent", "backprop")."""
        self.list.setCurrentRow(self.keys().index(key))
        return self.demos[key]

    def shutdown(self) -> None:
        """Stop every demo's background work (the main window calls this on close)."""
        for demo in self.demos.values():
            demo.shutdown()
