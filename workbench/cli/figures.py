"""PNG output for the commands that plot: Matplotlib is imported here, lazily, with the Agg
canvas (never ``pyplot``), so the other commands start without it."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def new_figure(width: float, height: float, dpi: int = 100) -> Figure:
    """A free-standing figure (no pyplot state) laid out with the constrained engine."""
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), dpi=dpi, layout="constrained")


def save_png(fig: Figure, path: str) -> None:
    """Render ``fig`` with the Agg canvas and write it to ``path`` (folders created)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    FigureCanvasAgg(fig).print_png(str(target))
