"""Plotters that only know Matplotlib's ``Figure``: shared by the CLI (Agg, PNG files) and
the GUI (a Qt canvas). Never imports ``pyplot`` or Qt."""

from workbench.plots.curves import (
    draw_accuracy_bars,
    draw_comparison,
    draw_loss_curves,
    draw_search_results,
    loss_statistics,
)

__all__ = [
    "draw_accuracy_bars", "draw_comparison", "draw_loss_curves", "draw_search_results",
    "loss_statistics",
]
