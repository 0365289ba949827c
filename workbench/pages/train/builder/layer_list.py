"""The layer stack as a table-like list: index, description, output shape, parameters.

One painted row per layer (a delegate, so the engine's message can wrap under the offending
layer), a header with the column titles and the input row, and drag-and-drop reordering that
only *requests* a move: the builder applies it through the state and then refreshes the rows.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QEvent, QModelIndex, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPalette
from PySide6.QtWidgets import (
    QAbstractItemView,
    QListWidget,
    QListWidgetItem,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QWidget,
)

from workbench.core.i18n import tr
from workbench.pages.train.builder import catalog
from workbench.ui import theme

ROW_ROLE = Qt.ItemDataRole.UserRole + 1
CATEGORY_COLORS = {catalog.LAYERS: theme.SERIES[0], catalog.ACTIVATIONS: theme.SERIES[1],
                   catalog.REGULARIZATION: theme.SERIES[2]}
PAD_X, PAD_Y, BAR = 8, 6, 3


@dataclass(frozen=True)
class RowData:
    """Everything one painted row shows."""

    index: str
    description: str
    shape: str
    params: str
    category: str = catalog.LAYERS
    error: str | None = None
    muted: bool = False  # after an invalid layer: nothing is known


@dataclass(frozen=True)
class Columns:
    index: QRect
    text: QRect
    shape: QRect
    params: QRect


def columns(rect: QRect, fm: QFontMetrics, widths: tuple[int, int] = (0, 0)) -> Columns:
    """Column rectangles inside one row; shared by the rows and the header.

    ``widths`` are the output-shape and parameter-count columns' content widths (the widest
    text in them), so short models leave more room for the description.
    """
    index_w = fm.horizontalAdvance("00")
    shape_w, params_w = (w + PAD_X for w in widths)
    left = rect.left() + BAR + PAD_X
    right = rect.right() - PAD_X
    params = QRect(right - params_w + 1, rect.top(), params_w, rect.height())
    shape = QRect(params.left() - shape_w, rect.top(), shape_w, rect.height())
    index = QRect(left, rect.top(), index_w, rect.height())
    text = QRect(index.right() + PAD_X, rect.top(), shape.left() - index.right() - 2 * PAD_X,
                 rect.height())
    return Columns(index, text, shape, params)


def content_widths(font: QFont, rows: list[RowData]) -> tuple[int, int]:
    """Widths of the widest output shape and parameter count, at least their (bold) titles'."""
    fm = QFontMetrics(font)
    title = QFont(font)
    title.setBold(True)
    tfm = QFontMetrics(title)
    shape = max([fm.horizontalAdvance(r.shape) for r in rows]
                + [tfm.horizontalAdvance(tr("Output"))])
    params = max([fm.horizontalAdvance(r.params) for r in rows]
                 + [tfm.horizontalAdvance(tr("Params"))])
    return shape, params


def line_height(fm: QFontMetrics) -> int:
    return fm.height() + 2 * PAD_Y


def paint_row(painter: QPainter, rect: QRect, row: RowData, pal: QPalette, font: QFont,
              widths: tuple[int, int], selected: bool = False) -> None:
    """Draw one row's text columns (the background is drawn by the caller)."""
    fm = QFontMetrics(font)
    top = QRect(rect.left(), rect.top(), rect.width(), line_height(fm))
    cols = columns(top, fm, widths)
    text_role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
    text = pal.color(text_role)
    muted = QColor(text) if selected else QColor(theme.muted_color())
    error = QColor(text) if selected else QColor(theme.error_color())
    painter.save()
    painter.setFont(font)
    # category bar
    bar = QRect(rect.left() + 3, rect.top() + 4, BAR, rect.height() - 8)
    if row.category in CATEGORY_COLORS:
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor(CATEGORY_COLORS[row.category]))
        painter.drawRoundedRect(bar, 1.5, 1.5)
    align_v = Qt.AlignmentFlag.AlignVCenter
    painter.setPen(muted)
    painter.drawText(cols.index, align_v | Qt.AlignmentFlag.AlignRight, row.index)
    text_rect = QRect(cols.text)
    if row.error:
        icon = QRect(text_rect.left(), text_rect.center().y() - 7, 14, 14)
        draw_error_icon(painter, icon, pal)
        text_rect.setLeft(icon.right() + 5)
    painter.setPen(error if row.error else (muted if row.muted else text))
    painter.drawText(text_rect, align_v | Qt.AlignmentFlag.AlignLeft,
                     fm.elidedText(row.description, Qt.TextElideMode.ElideRight,
                                   text_rect.width()))
    painter.setPen(muted if row.muted else text)
    painter.drawText(cols.shape, align_v | Qt.AlignmentFlag.AlignRight,
                     fm.elidedText(row.shape, Qt.TextElideMode.ElideLeft, cols.shape.width()))
    painter.setPen(muted if row.muted or row.params in ("0", "—") else text)
    painter.drawText(cols.params, align_v | Qt.AlignmentFlag.AlignRight, row.params)
    if row.error:
        msg = error_rect(rect, fm, widths)
        painter.setPen(error)
        painter.drawText(msg, Qt.TextFlag.TextWordWrap | Qt.AlignmentFlag.AlignLeft, row.error)
    painter.restore()


def error_rect(rect: QRect, fm: QFontMetrics, widths: tuple[int, int]) -> QRect:
    """Where the wrapped engine message goes under a row's first line."""
    cols = columns(rect, fm, widths)
    top = rect.top() + line_height(fm) - PAD_Y // 2
    return QRect(cols.text.left(), top, rect.right() - PAD_X - cols.text.left(),
                 rect.bottom() - top - PAD_Y)


def draw_error_icon(painter: QPainter, rect: QRect, pal: QPalette) -> None:
    painter.save()
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(theme.error_color()))
    painter.drawEllipse(rect)
    painter.setPen(pal.color(QPalette.ColorRole.Base))
    bold = QFont(painter.font())
    bold.setBold(True)
    bold.setPixelSize(max(8, rect.height() - 4))
    painter.setFont(bold)
    painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, "!")
    painter.restore()


class _RowDelegate(QStyledItemDelegate):
    def __init__(self, view: LayerListView) -> None:
        super().__init__(view)
        self._view = view

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        fm = QFontMetrics(option.font)
        row: RowData | None = index.data(ROW_ROLE)
        height = line_height(fm)
        width = max(self._view.viewport().width(), 200)
        if row is not None and row.error:
            msg = error_rect(QRect(0, 0, width, 10_000), fm, self._view.widths)
            bound = fm.boundingRect(QRect(0, 0, msg.width(), 10_000),
                                    Qt.TextFlag.TextWordWrap, row.error)
            height += bound.height() + PAD_Y // 2
        return QSize(width, height)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        row: RowData | None = index.data(ROW_ROLE)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        if row is not None and row.error and not selected:
            tint = QColor(theme.error_color())
            tint.setAlphaF(0.13)
            painter.fillRect(opt.rect, tint)
        style = opt.widget.style() if opt.widget else self._view.style()
        style.drawPrimitive(QStyle.PrimitiveElement.PE_PanelItemViewItem, opt, painter, opt.widget)
        if row is not None:
            paint_row(painter, opt.rect, row, opt.palette, opt.font, self._view.widths,
                      selected)


class LayerListView(QListWidget):
    """The stack's rows. Emits :attr:`moveRequested` ``(from, to)`` when a row is dropped."""

    moveRequested = Signal(int, int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setItemDelegate(_RowDelegate(self))
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setDragDropMode(QAbstractItemView.DragDropMode.InternalMove)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDropIndicatorShown(True)
        self.setUniformItemSizes(False)
        self.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setFrameShape(QListWidget.Shape.NoFrame)
        self.setMouseTracking(True)
        self.placeholder = ""
        self.widths = (0, 0)

    def set_rows(self, rows: list[RowData], tooltips: list[str], header: RowData | None = None
                 ) -> None:
        """Show ``rows``; items are updated in place so the view keeps its scroll position.

        ``header`` (the input row) only takes part in sizing the columns.
        """
        extra = [header] if header is not None else []
        self.widths = content_widths(self.font(), rows + extra)
        while self.count() > len(rows):
            self.takeItem(self.count() - 1)
        flags = (Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
                 | Qt.ItemFlag.ItemIsDragEnabled)
        while self.count() < len(rows):
            item = QListWidgetItem()
            item.setFlags(flags)
            self.addItem(item)
        for i, (row, tip) in enumerate(zip(rows, tooltips, strict=True)):
            item = self.item(i)
            item.setData(ROW_ROLE, row)
            item.setText(row.description)
            item.setToolTip(tip)
        self.doItemsLayout()
        self.viewport().update()

    def row_data(self, index: int) -> RowData:
        return self.item(index).data(ROW_ROLE)

    # ------------------------------------------------------------------------- drag & drop
    def drop_target(self, pos: QPoint) -> int:
        """Final position of the current row if it were dropped at viewport point ``pos``."""
        source, count = self.currentRow(), self.count()
        index = self.indexAt(pos)
        if not index.isValid():
            before = count if pos.y() > 0 else 0
        else:
            rect = self.visualRect(index)
            before = index.row() + (1 if pos.y() >= rect.center().y() else 0)
        to = before if before <= source else before - 1
        return max(0, min(to, count - 1))

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt override
        source = self.currentRow()
        if event.source() is not self or source < 0:
            event.ignore()
            return
        to = self.drop_target(event.position().toPoint())
        # Nothing moves in the view itself: the state applies the move and the rows refresh.
        # IgnoreAction also stops QAbstractItemView from deleting the "moved" source row.
        event.setDropAction(Qt.DropAction.IgnoreAction)
        event.accept()
        self.setState(QAbstractItemView.State.NoState)
        self.stopAutoScroll()
        self.viewport().update()
        if to != source:
            self.moveRequested.emit(source, to)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().paintEvent(event)
        if self.count() == 0 and self.placeholder:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(theme.muted_color()))
            painter.drawText(self.viewport().rect().adjusted(16, 16, -16, -16),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                             self.placeholder)
            painter.end()


class StackHeader(QWidget):
    """Column titles and the (read-only) input row, aligned with the list's columns."""

    def __init__(self, view: LayerListView, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view = view
        self.input_row = RowData("", "", "", "")
        self.titles = ("#", "", "", "")
        view.viewport().installEventFilter(self)
        self.setSizePolicy(self.sizePolicy().horizontalPolicy(),
                           self.sizePolicy().Policy.Fixed)
        self.setAutoFillBackground(False)

    def set_input(self, row: RowData, titles: tuple[str, str, str, str]) -> None:
        self.input_row, self.titles = row, titles
        self.updateGeometry()
        self.update()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() == QEvent.Type.Resize:
            self.update()
        return False

    def _title_font(self) -> QFont:
        font = QFont(self.font())
        font.setBold(True)
        return font

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        fm = QFontMetrics(self.font())
        return QSize(300, QFontMetrics(self._title_font()).height() + 8 + line_height(fm) + 1)

    def paintEvent(self, event) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        pal = self.palette()
        width = self._view.viewport().width()
        title_font = self._title_font()
        th = QFontMetrics(title_font).height() + 8
        painter.fillRect(self.rect(), pal.color(QPalette.ColorRole.Window))
        cols = columns(QRect(0, 0, width, th), QFontMetrics(self.font()), self._view.widths)
        body = QRect(0, th, self.width(), self.height() - th)
        painter.fillRect(body, pal.color(QPalette.ColorRole.Base))
        painter.setFont(title_font)
        painter.setPen(QColor(theme.muted_color()))
        v = Qt.AlignmentFlag.AlignVCenter
        right = v | Qt.AlignmentFlag.AlignRight
        painter.drawText(cols.index, right, self.titles[0])
        painter.drawText(cols.text, v | Qt.AlignmentFlag.AlignLeft, self.titles[1])
        painter.drawText(cols.shape, right, self.titles[2])
        painter.drawText(cols.params, right, self.titles[3])
        painter.setPen(pal.color(QPalette.ColorRole.Mid))
        painter.drawLine(0, th - 1, self.width(), th - 1)
        row_rect = QRect(0, th, width, line_height(QFontMetrics(self.font())))
        paint_row(painter, row_rect, self.input_row, pal, self.font(), self._view.widths)
        painter.setPen(pal.color(QPalette.ColorRole.Midlight))
        painter.drawLine(0, self.height() - 1, self.width(), self.height() - 1)
        painter.end()
