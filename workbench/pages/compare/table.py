"""A sortable results table with CSV export, for every comparison.

Cells carry a display text and a value: the table sorts by the value (numbers as numbers, NaN
last when descending), and the CSV file holds the values — a mean and its spread in two
columns — in the order the table is sorted.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass

from PySide6.QtCore import QSortFilterProxyModel, Qt
from PySide6.QtGui import QStandardItem, QStandardItemModel
from PySide6.QtWidgets import (
    QAbstractItemView,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from nn.training import write_text_atomic
from workbench.core.i18n import language_changed, tr
from workbench.shell.file_actions import error_dialog
from workbench.ui.fields import muted_label
from workbench.ui.view import connect_weak

SORT_ROLE = Qt.ItemDataRole.UserRole + 1


@dataclass(frozen=True)
class Cell:
    """One table cell: ``text`` shown, ``value`` sorted on and exported (``text`` if None),
    ``spread`` (± over seeds) exported in a column of its own."""

    text: str
    value: float | int | str | None = None
    spread: float | None = None

    def sort_key(self) -> float | str:
        value = self.text if self.value is None else self.value
        if isinstance(value, float) and math.isnan(value):
            return -math.inf
        return value


def pct_cell(mean: float, spread: float | None = None) -> Cell:
    """An accuracy: "93.1 %" or "93.1 ± 0.4 %" (a fraction as value; "—" when NaN)."""
    if mean is None or math.isnan(mean):
        return Cell("—", math.nan, spread)
    if spread:
        return Cell(f"{100 * mean:.1f} ± {100 * spread:.1f} %", mean, spread)
    return Cell(f"{100 * mean:.1f} %", mean, spread)


def num_cell(mean: float, spread: float | None = None, digits: int = 4) -> Cell:
    """A number such as a loss: "0.2345" or "0.2345 ± 0.0100" ("—" when NaN)."""
    if mean is None or math.isnan(mean):
        return Cell("—", math.nan, spread)
    if spread:
        return Cell(f"{mean:.{digits}f} ± {spread:.{digits}f}", mean, spread)
    return Cell(f"{mean:.{digits}f}", mean, spread)


def sci_cell(value: float) -> Cell:
    """A setting spanning orders of magnitude (learning rate, weight decay): "1.2e-03"."""
    return Cell(f"{value:.2e}" if value else "0", value)


def wrap_header(text: str, longest: int = 12) -> str:
    """``text`` on two lines, broken at the space or comma nearest its middle, when it is longer
    than ``longest`` characters: a results table then fits the page at the window's minimum
    size instead of hiding its last columns. Text without a break point (Chinese) is split in
    the middle."""
    if len(text) <= longest or "\n" in text:
        return text
    middle = len(text) / 2
    breaks = [i for i, ch in enumerate(text) if ch in " ，、,"]
    if not breaks:  # Chinese: before a bracket, else near the middle but never inside a word
        def inside_word(i: int) -> bool:
            a, b = text[i - 1], text[i]
            return a.isascii() and b.isascii() and (a.isalnum() or a in "(")
        cuts = [i for i in range(1, len(text)) if text[i] in "（(" or not inside_word(i)]
        cut = min(cuts, key=lambda i: (text[i] not in "（(", abs(i - middle)), default=0)
        return text if not cut else text[:cut] + "\n" + text[cut:]
    i = min(breaks, key=lambda b: abs(b - middle))
    if text[i] == " ":
        return text[:i] + "\n" + text[i + 1:]
    return text[:i + 1] + "\n" + text[i + 1:].lstrip()


def _csv_value(value: object) -> object:
    if isinstance(value, float) and not math.isfinite(value):
        return ""
    return value


class ResultsTable(QWidget):
    """A :class:`QTableView` over a sort proxy, a caption and an "Export CSV…" button."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = QStandardItemModel(0, 0, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.model)
        self.proxy.setSortRole(SORT_ROLE)
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSortingEnabled(True)
        self.view.setAlternatingRowColors(True)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.verticalHeader().hide()
        self.view.horizontalHeader().setSectionResizeMode(
            QHeaderView.ResizeMode.ResizeToContents)
        self.view.horizontalHeader().setStretchLastSection(True)
        self.view.horizontalHeader().setSortIndicatorShown(True)
        self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
        self.proxy.sort(-1)  # the runner's order until the user clicks a header
        self.caption = muted_label(self)
        self.export_button = QPushButton(self)
        self.export_button.clicked.connect(self._ask_export)
        bar = QHBoxLayout()
        bar.addWidget(self.caption, 1)
        bar.addWidget(self.export_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(bar)
        layout.addWidget(self.view, 1)
        self.headers: list[str] = []
        self.rows: list[list[Cell]] = []
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        self._update_enabled()

    def retranslate(self) -> None:
        self.export_button.setText(tr("Export CSV…"))
        self.export_button.setToolTip(tr(
            "Save this table as a CSV file (numbers unrounded, in the order shown) for a "
            "spreadsheet or a report."))
        self.view.setToolTip(tr("Click a column header to sort by it; click again to reverse."))

    def set_caption(self, text: str) -> None:
        self.caption.setText(text)

    def set_table(self, headers: list[str], rows: list[list[Cell]]) -> None:
        """Show ``rows`` under ``headers``; cells are updated in place when the shape is
        unchanged, so the sort order and selection survive live updates."""
        if any(len(row) != len(headers) for row in rows):
            raise ValueError("Every row needs one cell per header")
        if headers != self.headers or len(rows) != len(self.rows):
            if headers != self.headers:  # another kind of table: back to the runner's order
                self.view.horizontalHeader().setSortIndicator(-1, Qt.SortOrder.AscendingOrder)
                self.proxy.sort(-1)
            self.model.clear()
            self.model.setHorizontalHeaderLabels([wrap_header(h) for h in headers])
            for c, h in enumerate(headers):
                self.model.horizontalHeaderItem(c).setToolTip(h)
            for row in rows:
                self.model.appendRow([self._item(cell) for cell in row])
        else:
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    if cell != self.rows[r][c]:
                        item = self.model.item(r, c)
                        item.setText(cell.text)
                        item.setData(cell.sort_key(), SORT_ROLE)
        self.headers, self.rows = list(headers), [list(row) for row in rows]
        self._update_enabled()

    @staticmethod
    def _item(cell: Cell) -> QStandardItem:
        item = QStandardItem(cell.text)
        item.setData(cell.sort_key(), SORT_ROLE)
        if cell.value is not None and not isinstance(cell.value, str):
            item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return item

    def _update_enabled(self) -> None:
        self.export_button.setEnabled(bool(self.rows))

    # -------------------------------------------------------------------------- export
    def rows_in_view_order(self) -> list[list[Cell]]:
        """The rows as the user sees them (sorted)."""
        order = [self.proxy.mapToSource(self.proxy.index(r, 0)).row()
                 for r in range(self.proxy.rowCount())]
        return [self.rows[i] for i in order]

    def csv_text(self) -> str:
        with_spread = [any(row[c].spread is not None for row in self.rows)
                       for c in range(len(self.headers))]
        header: list[str] = []
        for name, spread in zip(self.headers, with_spread, strict=True):
            header.append(name)
            if spread:
                header.append(tr("{column} (std over seeds)").format(column=name))
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(header)
        for row in self.rows_in_view_order():
            values: list[object] = []
            for cell, spread in zip(row, with_spread, strict=True):
                values.append(_csv_value(cell.text if cell.value is None else cell.value))
                if spread:
                    values.append(_csv_value(cell.spread) if cell.spread is not None else "")
            writer.writerow(values)
        return out.getvalue()

    def export_csv(self, path: str) -> None:
        """Write the table to ``path`` (atomically; raises ``OSError``)."""
        write_text_atomic(path, self.csv_text())

    def _ask_export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, tr("Export table"), "results.csv",
                                              tr("CSV files (*.csv)"))
        if not path:
            return
        try:
            self.export_csv(path)
        except OSError as exc:
            error_dialog(self, tr("Export table"), tr("Could not write {path}: {error}").format(
                path=path, error=exc.strerror or exc))


__all__ = ["Cell", "ResultsTable", "SORT_ROLE", "num_cell", "pct_cell", "sci_cell"]
