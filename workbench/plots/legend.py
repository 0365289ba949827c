"""A legend entry as plain data: live figures hand these to Qt to draw their legends."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class LegendEntry:
    label: str
    color: str
    linestyle: str  # "-" or "" (markers only)
    marker: str  # "o", "s", "^" or ""
    alpha: float = 1.0
    linewidth: float = 1.6


def entry_for(line) -> LegendEntry:
    """The entry describing a Matplotlib ``Line2D``."""
    marker = line.get_marker()
    return LegendEntry(line.get_label(), line.get_color(),
                       "-" if line.get_linestyle() not in ("None", "") else "",
                       marker if marker in ("o", "s", "^") else "",
                       line.get_alpha() or 1.0, line.get_linewidth())
