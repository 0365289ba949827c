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
    """Render ``fig`` with the Agg canvas and write it to ``path`` as PNG, atomically
    (:func:`nn.fileio.atomic_write`; folders created)."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    from nn.fileio import atomic_write

    canvas = FigureCanvasAgg(fig)
    atomic_write(Path(path), lambda fh: canvas.print_png(fh), "figure")
