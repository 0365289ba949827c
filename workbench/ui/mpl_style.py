"""The one home of Matplotlib styling: axes, legends and colour bars in the window's colours
(light or dark theme, :func:`workbench.ui.theme.plot_colors`), and recolouring a whole figure
after the palette changes. Every plotter uses these, so the pages look alike."""

from __future__ import annotations

from typing import Any

from matplotlib.axes import Axes
from matplotlib.legend import Legend

from workbench.ui.theme import plot_colors


def style_axes(ax: Axes, colors: dict[str, str]) -> None:
    """Apply the window's colours (light or dark theme) to an axes, with a light grid."""
    ax.set_facecolor(colors["face"])
    for spine in ax.spines.values():
        spine.set_color(colors["text"])
        spine.set_alpha(0.4)
    ax.tick_params(colors=colors["text"], labelsize=8)
    ax.xaxis.label.set_color(colors["text"])
    ax.yaxis.label.set_color(colors["text"])
    ax.title.set_color(colors["text"])
    ax.grid(True, color=colors["grid"], linewidth=0.6)


def style_legend(ax: Axes, colors: dict[str, str], *, fontsize: float = 8,
                 framealpha: float = 0.8, **kwargs: Any) -> Legend | None:
    """A small legend in the window's colours; ``kwargs`` go to :meth:`Axes.legend`.

    When nothing on ``ax`` is labelled (and no ``handles`` are given) there is no legend: an
    old one is removed and ``None`` returned.
    """
    if "handles" not in kwargs and not ax.get_legend_handles_labels()[0]:
        old = ax.get_legend()
        if old is not None:
            old.remove()
        return None
    legend = ax.legend(fontsize=fontsize, framealpha=framealpha, **kwargs)
    legend.get_frame().set_facecolor(colors["face"])
    legend.get_frame().set_edgecolor(colors["grid"])
    for text in legend.get_texts():
        text.set_color(colors["text"])
    return legend


def style_colorbar(cbar, colors: dict[str, str], label: str) -> None:
    """A colour bar's label, ticks and outline in the window's colours."""
    cbar.set_label(label, color=colors["text"], fontsize=8)
    cbar.ax.tick_params(colors=colors["text"], labelsize=7)
    cbar.outline.set_edgecolor(colors["text"])
    cbar.outline.set_alpha(0.4)


def restyle_figure(figure, colors: dict[str, str] | None = None) -> None:
    """Recolour a Matplotlib figure's background, axes, ticks, labels and legends in place
    (data colours are theme-independent), e.g. after the palette changes."""
    colors = colors or plot_colors()
    figure.set_facecolor(colors["window"])
    for ax in figure.axes:
        ax.set_facecolor(colors["face"])
        for spine in ax.spines.values():
            spine.set_color(colors["text"])
        ax.tick_params(colors=colors["text"])
        for text in (ax.title, ax.xaxis.label, ax.yaxis.label):
            text.set_color(colors["text"])
        for line in ax.get_xgridlines() + ax.get_ygridlines():
            line.set_color(colors["grid"])
        legend = ax.get_legend()
        if legend is not None:
            legend.get_frame().set_facecolor(colors["face"])
            for text in legend.get_texts():
                text.set_color(colors["text"])
