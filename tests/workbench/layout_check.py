"""Finding clipped and overlapping text in a widget tree: Qt labels, buttons and table headers
too small for their text, and Matplotlib texts that leave their figure (or their axes) or run
into one another.

Matplotlib texts are measured as they are drawn: :func:`drawn_texts` wraps ``Text.draw`` and
``Legend.draw`` during one ``canvas.draw()`` and records the window extent of every text and
legend actually painted, so tick labels outside the view, invisible and empty texts never count.
A widget may opt out of the Qt checks with the dynamic property ``elideOk`` (its text is elided
on purpose, e.g. a long path with a tooltip giving it in full).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QRadioButton,
    QToolButton,
    QWidget,
)

#: Pixels two boxes may share before they count as overlapping (antialiased edges touch).
OVERLAP_TOLERANCE = 1.5
#: Pixels a text may stick out of its figure or axes.
EDGE_TOLERANCE = 1.0


# ------------------------------------------------------------------------------------ Qt
def _opted_out(w: QWidget) -> bool:
    while w is not None:
        if w.property("elideOk"):
            return True
        w = w.parentWidget()
    return False


def _really_visible(w: QWidget) -> bool:
    return w.isVisible() and w.width() > 0 and w.height() > 0 and not w.visibleRegion().isEmpty()


def clipped_widgets(root: QWidget) -> list[str]:
    """Visible labels, buttons and header sections whose text does not fit their size."""
    problems: list[str] = []
    for w in [root, *root.findChildren(QWidget)]:
        if not _really_visible(w) or _opted_out(w):
            continue
        name = f"{type(w).__name__} {w.objectName() or ''}".strip()
        if isinstance(w, QLabel) and w.text().strip() and w.pixmap().isNull():
            contents = w.contentsRect()
            if w.wordWrap():
                need = w.heightForWidth(w.width())
                if need > w.height() + 1:
                    problems.append(f"{name} {w.text()[:60]!r}: needs {need} px of height, "
                                    f"has {w.height()}")
            else:
                hint = w.sizeHint()
                if hint.width() > w.width() + 1 or (
                        hint.height() > w.height() + 2 and contents.height() < hint.height() - 4):
                    problems.append(f"{name} {w.text()[:60]!r}: needs {hint.width()}×"
                                    f"{hint.height()}, has {w.width()}×{w.height()}")
        elif isinstance(w, (QPushButton, QToolButton, QCheckBox, QRadioButton)) and \
                isinstance(w, QAbstractButton) and w.text().strip() and not (
                    isinstance(w, QToolButton)
                    and w.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly):
            # the text (and icon, or a box's indicator) must fit; styles also ask buttons for
            # a minimum width (80 px in Fusion) that is not needed to show the text
            text = w.text().replace("&&", "\0").replace("&", "").replace("\0", "&")
            need = max(w.fontMetrics().horizontalAdvance(line) for line in text.split("\n"))
            if not w.icon().isNull():
                need += w.iconSize().width() + 4
            need += 8
            if isinstance(w, (QCheckBox, QRadioButton)):  # no minimum width: the hint is exact
                need = w.sizeHint().width()
            if need > w.width() + 1:
                problems.append(f"{name} {w.text()[:60]!r}: needs {need} px, has {w.width()}")
        elif isinstance(w, QHeaderView) and w.model() is not None:
            problems.extend(_clipped_sections(w, name))
    return problems


def _clipped_sections(header: QHeaderView, name: str) -> Iterator[str]:
    from PySide6.QtCore import QRect

    model = header.model()
    orientation = header.orientation()
    count = model.columnCount() if orientation == Qt.Orientation.Horizontal else model.rowCount()
    metrics = header.fontMetrics()
    for section in range(count):
        if header.isSectionHidden(section):
            continue
        text = str(model.headerData(section, orientation, Qt.ItemDataRole.DisplayRole) or "")
        if not text.strip():
            continue
        size = header.sectionSize(section)
        start = header.sectionViewportPosition(section)
        if orientation == Qt.Orientation.Horizontal:
            visible = min(start + size, header.viewport().width()) - max(start, 0)
            flags = int(Qt.AlignmentFlag.AlignCenter) | int(Qt.TextFlag.TextWordWrap) \
                if header.textElideMode() == Qt.TextElideMode.ElideNone else 0
            box = metrics.boundingRect(QRect(0, 0, max(size - 8, 1), 1000), flags, text)
            need_w, need_h = box.width() + 8, box.height()
            if need_w > visible + 1 or need_h > header.height() + 1:
                yield (f"{name} column {section} {text!r}: needs {need_w}×{need_h}, "
                       f"shows {visible}×{header.height()}")


# ---------------------------------------------------------------------------- Matplotlib
@dataclass(frozen=True)
class Drawn:
    """A text or legend painted during a draw, with its extent in display pixels."""

    artist: object
    x0: float
    y0: float
    x1: float
    y1: float

    def overlaps(self, other: Drawn, tol: float = OVERLAP_TOLERANCE) -> bool:
        return (min(self.x1, other.x1) - max(self.x0, other.x0) > tol
                and min(self.y1, other.y1) - max(self.y0, other.y0) > tol)

    def inside(self, x0: float, y0: float, x1: float, y1: float,
               tol: float = EDGE_TOLERANCE) -> bool:
        return (self.x0 >= x0 - tol and self.y0 >= y0 - tol and self.x1 <= x1 + tol
                and self.y1 <= y1 + tol)

    def label(self) -> str:
        from matplotlib.legend import Legend

        if isinstance(self.artist, Legend):
            return "legend [" + ", ".join(t.get_text() for t in self.artist.get_texts()) + "]"
        return repr(self.artist.get_text())


@contextmanager
def _recording(into: list[Drawn]):
    from matplotlib.legend import Legend
    from matplotlib.text import Text

    text_draw, legend_draw = Text.draw, Legend.draw
    seen: set[int] = set()

    def record(artist, renderer) -> None:
        if id(artist) in seen:
            return
        seen.add(id(artist))
        box = artist.get_window_extent(renderer)
        into.append(Drawn(artist, box.x0, box.y0, box.x1, box.y1))

    def draw_text(self, renderer):
        text_draw(self, renderer)
        if self.get_visible() and self.get_text().strip() and self.get_alpha() != 0:
            record(self, renderer)

    def draw_legend(self, renderer):
        legend_draw(self, renderer)
        if self.get_visible():
            record(self, renderer)

    Text.draw, Legend.draw = draw_text, draw_legend
    try:
        yield
    finally:
        Text.draw, Legend.draw = text_draw, legend_draw


def drawn_texts(figure) -> list[Drawn]:
    """Draw ``figure`` on its canvas and return every text and legend painted."""
    drawn: list[Drawn] = []
    with _recording(drawn):
        figure.canvas.draw()
    return drawn


def _in_legend(d: Drawn, legends: list[Drawn]) -> Drawn | None:
    for legend in legends:
        if d.artist in legend.artist.get_texts() or d.artist is legend.artist.get_title():
            return legend
    return None


def figure_problems(figure, where: str = "figure") -> list[str]:
    """Texts of ``figure`` that leave it, leave their axes (texts placed in data coordinates)
    or overlap another text or a legend they are not part of."""
    from matplotlib.legend import Legend

    drawn = drawn_texts(figure)
    width, height = figure.canvas.get_width_height(physical=True)
    legends = [d for d in drawn if isinstance(d.artist, Legend)]
    texts = [d for d in drawn if not isinstance(d.artist, Legend)]
    problems = []
    for d in drawn:
        if not d.inside(0, 0, width, height):
            problems.append(f"{where}: {d.label()} leaves the figure "
                            f"({d.x0:.0f},{d.y0:.0f})–({d.x1:.0f},{d.y1:.0f}) of {width}×{height}")
    for d in texts:
        ax = d.artist.axes
        # a diagram drawn on axes without a frame (axis off) may use the whole figure
        if ax is not None and ax.axison and d.artist in ax.texts and \
                d.artist.get_transform() is ax.transData:
            box = ax.get_window_extent()
            if not d.inside(box.x0, box.y0, box.x1, box.y1):
                problems.append(f"{where}: {d.label()} leaves its axes")
    loose = [d for d in texts if _in_legend(d, legends) is None]
    for i, a in enumerate(loose):
        for b in loose[i + 1:]:
            if a.overlaps(b):
                problems.append(f"{where}: {a.label()} overlaps {b.label()}")
        for legend in legends:
            if a.overlaps(legend):
                problems.append(f"{where}: {a.label()} is under {legend.label()}")
    for i, a in enumerate(legends):
        for b in legends[i + 1:]:
            if a.overlaps(b):
                problems.append(f"{where}: {a.label()} overlaps {b.label()}")
    return problems


def canvases(root: QWidget) -> list:
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg

    return [w for w in [root, *root.findChildren(QWidget)]
            if isinstance(w, FigureCanvasQTAgg) and _really_visible(w)]


def _in_scroll_area(w: QWidget) -> bool:
    from PySide6.QtWidgets import QAbstractScrollArea

    parent = w.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return True
        parent = parent.parentWidget()
    return False


def layout_problems(root: QWidget, where: str = "") -> list[str]:
    """Every clipped Qt text and every Matplotlib text problem in the visible part of ``root``."""
    problems = [f"{where}{p}" for p in clipped_widgets(root)]
    for canvas in canvases(root):
        name = canvas.objectName() or type(canvas).__name__
        problems.extend(figure_problems(canvas.figure, f"{where}{name}"))
        shown = canvas.visibleRegion().boundingRect()
        if _in_scroll_area(canvas):
            continue  # a scroll area shows the rest when scrolled
        if shown.width() < canvas.width() - 2 or shown.height() < canvas.height() - 2:
            problems.append(f"{where}{name}: only {shown.width()}×{shown.height()} of its "
                            f"{canvas.width()}×{canvas.height()} px are on screen")
    return problems


__all__ = ["Drawn", "canvases", "clipped_widgets", "drawn_texts", "figure_problems",
           "layout_problems"]
