"""The final-values table of the optimizer-paths view: where each path ended, how good that
is, how fast it got near a minimum and how far it travelled."""

from __future__ import annotations

import math

from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableWidget, QTableWidgetItem

from nn.landscapes import Landscape
from workbench.core.i18n import tr
from workbench.pages.compare.paths_controls import COLORS, display_name, swatch
from workbench.state.compare.paths import PathsResult
from workbench.ui import theme

COLUMNS = ("optimizer", "final", "value", "distance", "within", "length", "status")


def _num(value: float) -> str:
    if not math.isfinite(value):
        return "—"
    return f"{value:.4g}" if abs(value) >= 1e-4 or value == 0 else f"{value:.2e}"


class ResultsTable(QTableWidget):
    """One row per optimizer of the last result (read-only)."""

    def __init__(self, parent=None) -> None:
        super().__init__(0, len(COLUMNS), parent)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.verticalHeader().hide()
        self.verticalHeader().setDefaultSectionSize(self.fontMetrics().height() + 8)
        self.setAlternatingRowColors(True)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        self._result: PathsResult | None = None
        self._land: Landscape | None = None
        self.retranslate()

    def retranslate(self) -> None:
        tol = self._result.snapshot.tolerance if self._result else 0.05
        heads = {
            "optimizer": (tr("Optimizer"), tr("The optimizer and its path's colour.")),
            "final": (tr("Final\n(x, y)"), tr("Where the path ended after the last step.")),
            "value": (tr("f(x, y)"), tr("The function's value at the end: the 'loss' the "
                                         "optimizer reached.")),
            "distance": (tr("Distance\nto minimum"), tr(
                "Straight-line distance from the end to the nearest minimum (which one, for "
                "the function with two minima). The saddle x² − y² has no minimum.")),
            "within": (tr("Steps to\n≤ {tol}").format(tol=f"{tol:g}"), tr(
                "The first step at which the path came within the tolerance of a minimum "
                "(set under Run); '—' if it never did.")),
            "length": (tr("Path\nlength"), tr(
                "Distance travelled along the path. A zig-zagging path (SGD on the book's "
                "function, ch. 6.1.3) is long for the progress it makes.")),
            "status": (tr("Status"), tr(
                "'diverged' when the steps blew up (learning rate too large for this "
                "function): the path is cut there and drawn until it leaves the view.")),
        }
        for col, key in enumerate(COLUMNS):
            text, tip = heads[key]
            item = QTableWidgetItem(text)
            item.setToolTip(tip)
            self.setHorizontalHeaderItem(col, item)
        if self._result is not None:
            self.show_result(self._result, self._land)

    def show_result(self, result: PathsResult, land: Landscape) -> None:
        self._result, self._land = result, land
        tol = result.snapshot.tolerance
        self.setSortingEnabled(False)
        self.setRowCount(len(result.summaries))
        for row, (name, s) in enumerate(result.summaries.items()):
            diverged = s.diverged_at is not None
            where = ""
            if s.minimum >= 0 and len(land.minima) > 1:
                where = " " + (tr("(global)") if s.minimum == 0 else tr("(local)"))
            if diverged:
                status = tr("diverged (step {k})").format(k=s.diverged_at)
            elif math.isfinite(s.distance) and s.distance <= tol:
                status = tr("converged")
            elif not land.minima:
                status = tr("no minimum")
            else:
                status = tr("still moving")
            final = "—" if diverged else f"({s.final[0]:.3g}, {s.final[1]:.3g})"
            cells = [display_name(name), final, _num(s.value), _num(s.distance) + where,
                     "—" if s.steps_to_tolerance is None else str(s.steps_to_tolerance),
                     "—" if diverged else _num(s.length), status]
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                item.setData(Qt.ItemDataRole.UserRole, name)
                if col:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight |
                                          Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, col, item)
            self.item(row, 0).setIcon(swatch(COLORS[name]))
            status_item = self.item(row, len(COLUMNS) - 1)
            status_item.setTextAlignment(Qt.AlignmentFlag.AlignLeft |
                                         Qt.AlignmentFlag.AlignVCenter)
            if diverged:
                status_item.setForeground(QBrush(QColor(theme.error_color())))
            elif status == tr("converged"):
                status_item.setForeground(QBrush(QColor(theme.ok_color())))
        self.retranslate_headers_only(tol)

    def retranslate_headers_only(self, tol: float) -> None:
        item = self.horizontalHeaderItem(COLUMNS.index("within"))
        if item is not None:
            item.setText(tr("Steps to\n≤ {tol}").format(tol=f"{tol:g}"))

    def cell(self, name: str, key: str) -> str:
        """The text shown for optimizer ``name`` in column ``key`` (for tests and export)."""
        col = COLUMNS.index(key)
        for row in range(self.rowCount()):
            if self.item(row, 0).data(Qt.ItemDataRole.UserRole) == name:
                return self.item(row, col).text()
        raise KeyError(name)
