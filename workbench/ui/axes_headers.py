"""Titles and legends of a live figure drawn by Qt, above each Matplotlib axes.

Text is the slowest part of a Matplotlib redraw (its layout is Python code that competes with the
training thread for the GIL): moving the titles and legends of a live figure into Qt labels
halves a full redraw. Exports put them back into the figure (see ``TrainingFigure.decorated``).
Each header is one word-wrapping rich-text label, so a long legend flows onto a second line.
"""

from __future__ import annotations

import re
from html import escape

from matplotlib.colors import to_rgba
from PySide6.QtWidgets import QLabel, QWidget

from workbench.plots.legend import LegendEntry
from workbench.ui import theme

_MARKERS = {"o": "●", "s": "■", "^": "▲", "": ""}
_CJK = "\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_GAP = re.compile(f"(?<=[{_CJK}])(?=.)|(?<=.)(?=[{_CJK}])")


def entry_html(entry: LegendEntry) -> str:
    """A coloured line/marker glyph and the label, as Qt rich text."""
    r, g, b, _a = to_rgba(entry.color)
    color = f"rgba({r * 255:.0f},{g * 255:.0f},{b * 255:.0f},{entry.alpha:.2f})"
    marker = _MARKERS.get(entry.marker, "")
    glyph = f"━{marker}━" if entry.linestyle and marker else ("━━" if entry.linestyle else marker)
    label = _CJK_GAP.sub("\u2060", entry.label.replace(" ", "\u00a0"))  # word joiners: Chinese
    # would break between any two characters
    return (f'<span style="color:{color}">{glyph}</span>&nbsp;'
            f'<span style="color:{theme.muted_color()}">'
            f'{escape(label)}</span>')  # wrap between entries, never inside one


class AxesHeader(QLabel):
    """The axes' title in bold followed by its legend entries."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self._title, self._entries = "", []

    def set_content(self, title: str, entries: list[LegendEntry]) -> None:
        self._title, self._entries = title, list(entries)
        items = "&nbsp;&nbsp; ".join(entry_html(e) for e in entries)
        self.setText(f"<b>{escape(title)}</b>&nbsp;&nbsp;&nbsp; {items}")

    def texts(self) -> list[str]:
        """The title and entry labels (for tests)."""
        return [self._title] + [e.label for e in self._entries]


class AxesHeaders(QWidget):
    """One :class:`AxesHeader` above each axes of a figure, following the axes' positions."""

    def __init__(self, canvas, axes: list, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas, self.axes = canvas, list(axes)
        self.headers = [AxesHeader(self) for _ in self.axes]

    def refresh(self) -> None:
        """Re-read the texts' heights (after new content or a resize)."""
        self._place()

    def _place(self) -> None:
        width = max(self.width(), 1)
        height = 0
        for ax, header in zip(self.axes, self.headers, strict=True):
            box = ax.get_position()
            w = max(int(box.width * width), 40)
            h = header.heightForWidth(w)
            header.setGeometry(int(box.x0 * width), 2, w, h)
            height = max(height, h)
        self.setFixedHeight(height + 4)

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().resizeEvent(event)
        self._place()
