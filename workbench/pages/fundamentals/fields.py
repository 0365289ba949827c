"""Input fields and read-only tables shared by the demos: a slider paired with a spin box,
a spin box for values spanning many decades, and small tables sized to their rows (the numbers
they parse and show: :mod:`workbench.core.numbers`)."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QValidator
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QSizePolicy,
    QSlider,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from workbench.core.numbers import format_value


class SciSpinBox(QDoubleSpinBox):
    """A spin box for positive values spanning many decades: shows ``1e-4``, accepts ``0.0001``
    or ``1e-4``, and the arrows step by a fixed factor."""

    def __init__(self, minimum: float, maximum: float, factor: float = 10 ** 0.1,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.factor = factor
        self.setDecimals(320)
        self.setRange(minimum, maximum)
        self.setKeyboardTracking(False)

    def textFromValue(self, value: float) -> str:  # noqa: N802 — Qt override
        return format_value(value, 3)

    def valueFromText(self, text: str) -> float:  # noqa: N802 — Qt override
        try:
            return float(text.replace("−", "-"))
        except ValueError:
            return self.value()

    def validate(self, text: str, pos: int) -> object:
        candidate = text.replace("−", "-").strip()
        try:
            value = float(candidate)
        except ValueError:
            if re.fullmatch(r"[+-]?\d*\.?\d*([eE][+-]?\d*)?", candidate):
                return QValidator.State.Intermediate, text, pos
            return QValidator.State.Invalid, text, pos
        if self.minimum() <= value <= self.maximum():
            return QValidator.State.Acceptable, text, pos
        return QValidator.State.Intermediate, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 — Qt override
        self.setValue(min(self.maximum(), max(self.minimum(), self.value() * self.factor ** steps)))


class SliderField(QWidget):
    """A horizontal slider with a spin box beside it: drag for a feel, type for an exact value.

    ``log=True`` spaces the slider logarithmically (learning rates, step sizes).
    """

    valueChanged = Signal(float)

    def __init__(self, minimum: float, maximum: float, value: float, *, decimals: int = 2,
                 step: float = 0.01, log: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.minimum, self.maximum, self.log = minimum, maximum, log
        self.slider = QSlider(Qt.Orientation.Horizontal)
        if log:
            self.ticks = 1000
            self.spin: QDoubleSpinBox = SciSpinBox(minimum, maximum)
        else:
            self.ticks = max(1, round((maximum - minimum) / step))
            self.spin = QDoubleSpinBox()
            self.spin.setDecimals(decimals)
            self.spin.setSingleStep(step)
            self.spin.setRange(minimum, maximum)
        self.slider.setRange(0, self.ticks)
        self.spin.setMinimumWidth(78)
        self.spin.setAlignment(Qt.AlignmentFlag.AlignRight)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.slider, 1)
        layout.addWidget(self.spin)
        self.setValue(value)
        self.slider.valueChanged.connect(self._from_slider)
        self.spin.valueChanged.connect(self._from_spin)

    def setToolTip(self, text: str) -> None:  # noqa: N802 — Qt override
        super().setToolTip(text)
        self.slider.setToolTip(text)
        self.spin.setToolTip(text)

    def value(self) -> float:
        return float(self.spin.value())

    def setValue(self, value: float) -> None:  # noqa: N802 — Qt naming
        """Set without emitting :attr:`valueChanged` twice (once, if the value changed)."""
        old = self.value()
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self.spin.setValue(value)
            self.slider.setValue(self._to_tick(self.value()))
        if self.value() != old:
            self.valueChanged.emit(self.value())

    def setRange(self, minimum: float, maximum: float) -> None:  # noqa: N802 — Qt naming
        """Change the range, clamping the value (emits :attr:`valueChanged` if it moved)."""
        old = self.value()
        self.minimum, self.maximum = minimum, maximum
        with QSignalBlocker(self.spin), QSignalBlocker(self.slider):
            self.spin.setRange(minimum, maximum)
            if not self.log:
                self.ticks = max(1, round((maximum - minimum) / self.spin.singleStep()))
                self.slider.setRange(0, self.ticks)
            self.slider.setValue(self._to_tick(self.value()))
        if self.value() != old:
            self.valueChanged.emit(self.value())

    def _to_tick(self, value: float) -> int:
        if self.log:
            lo, hi = math.log10(self.minimum), math.log10(self.maximum)
            frac = (math.log10(max(value, self.minimum)) - lo) / (hi - lo)
        else:
            frac = (value - self.minimum) / (self.maximum - self.minimum)
        return round(frac * self.ticks)

    def _from_tick(self, tick: int) -> float:
        frac = tick / self.ticks
        if self.log:
            lo, hi = math.log10(self.minimum), math.log10(self.maximum)
            return float(f"{10 ** (lo + frac * (hi - lo)):.3g}")
        return self.minimum + frac * (self.maximum - self.minimum)

    def _from_slider(self, tick: int) -> None:
        with QSignalBlocker(self.spin):
            self.spin.setValue(self._from_tick(tick))
        self.valueChanged.emit(self.value())

    def _from_spin(self, value: float) -> None:
        with QSignalBlocker(self.slider):
            self.slider.setValue(self._to_tick(value))
        self.valueChanged.emit(self.value())


# ------------------------------------------------------------------------------ tables
def make_table(columns: int, rows: int = 0) -> QTableWidget:
    """A compact read-only table that sizes its columns to the contents."""
    table = QTableWidget(rows, columns)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.verticalHeader().setVisible(False)
    table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 6)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return table


def fit_table_height(table: QTableWidget) -> None:
    """Make the table exactly as tall as its rows (no inner scroll bar)."""
    height = table.horizontalHeader().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(r) for r in range(table.rowCount()))
    table.setFixedHeight(height)


def set_cell(table: QTableWidget, row: int, column: int, text: str,
             color: str | None = None, align_right: bool = True, icon=None) -> None:
    item = table.item(row, column)
    if item is None:
        item = QTableWidgetItem()
        table.setItem(row, column, item)
    item.setText(text)
    if icon is not None:
        item.setIcon(icon)
    item.setTextAlignment(
        (Qt.AlignmentFlag.AlignRight if align_right else Qt.AlignmentFlag.AlignLeft)
        | Qt.AlignmentFlag.AlignVCenter)
    if color is not None:
        item.setForeground(QColor(color))
    else:
        item.setData(Qt.ItemDataRole.ForegroundRole, None)
