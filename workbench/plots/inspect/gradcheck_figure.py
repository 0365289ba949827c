"""Gradient-check results on a Matplotlib ``Figure``: relative error per parameter array and
the time each method took, both on log scales (book ch. 5.7)."""

from __future__ import annotations

import numpy as np
from matplotlib.figure import Figure

from nn.gradcheck import GradCheckResult
from workbench.core.i18n import tr
from workbench.plots.inspect.figure_common import (
    FigurePlot,
    prepare_axes,
    series_color,
)
from workbench.ui.mpl_style import style_legend

GOOD, FAIR = 1e-7, 1e-4  # float64 relative errors: excellent below GOOD, suspicious above FAIR


def verdict(error: float) -> str:
    """``good`` / ``fair`` / ``bad`` for a float64 relative error."""
    return "good" if error < GOOD else "fair" if error < FAIR else "bad"


def duration(seconds: float) -> str:
    """A human-readable duration: µs, ms, s, min, h or days."""
    if seconds < 1e-3:
        return tr("{v:.0f} µs").format(v=seconds * 1e6)
    if seconds < 1:
        return tr("{v:.1f} ms").format(v=seconds * 1e3)
    if seconds < 120:
        return tr("{v:.1f} s").format(v=seconds)
    if seconds < 7200:
        return tr("{v:.0f} min").format(v=seconds / 60)
    if seconds < 2 * 86400:
        return tr("{v:.1f} h").format(v=seconds / 3600)
    return tr("{v:.1f} days").format(v=seconds / 86400)


class GradCheckFigure(FigurePlot):
    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        super().__init__(fig, colors)
        self.result: GradCheckResult | None = None
        self.ax_err = self.ax_time = None

    def show(self, result: GradCheckResult | None) -> None:
        self.result = result
        fig, colors = self.fig, self.colors
        fig.clear()
        self.ax_err, self.ax_time = fig.subplots(1, 2, width_ratios=[1.6, 1])
        fig.subplots_adjust(left=0.08, right=0.97, top=0.88, bottom=0.24, wspace=0.3)
        for ax in (self.ax_err, self.ax_time):
            prepare_axes(ax, colors)
        ax = self.ax_err
        ax.set_title(tr("Relative error ‖a − n‖ / (‖a‖ + ‖n‖) per array"), fontsize=9)
        ax.set_ylabel(tr("relative error (log scale)"), fontsize=8)
        ax.set_xlabel(tr("parameter array"), fontsize=8)
        ax.set_yscale("log")
        ax = self.ax_time
        ax.set_title(tr("Time for one gradient"), fontsize=9)
        ax.set_ylabel(tr("seconds (log scale)"), fontsize=8)
        ax.set_yscale("log")
        if result is None or not result.checks:
            return
        names = [c.name for c in result.checks]
        errors = np.array([max(c.relative_error, 1e-18) for c in result.checks])
        palette = {"good": series_color(2), "fair": series_color(1), "bad": series_color(5)}
        ax = self.ax_err
        x = np.arange(len(names))
        ax.bar(x, errors, color=[palette[verdict(e)] for e in errors], width=0.7)
        ax.axhline(GOOD, color=series_color(2), linestyle="--", linewidth=1,
                   label=tr("< 1e-7: backprop is right"))
        ax.axhline(FAIR, color=series_color(5), linestyle=":", linewidth=1,
                   label=tr("> 1e-4: suspicious"))
        ax.set_xticks(x, labels=names, rotation=45 if len(names) > 6 else 0, ha="right"
                      if len(names) > 6 else "center", fontsize=7)
        ax.set_ylim(min(errors.min(), GOOD) / 10, max(errors.max(), FAIR) * 10)
        style_legend(ax, colors, fontsize=7, loc="upper left")

        ax = self.ax_time
        values = [result.backprop_seconds, result.numerical_seconds,
                  result.numerical_seconds_full]
        labels = [tr("backprop\n(all entries)"), tr("numerical\n(checked)"),
                  tr("numerical\n(all, estimated)")]
        bars = ax.bar(np.arange(3), values, color=[series_color(0), series_color(1),
                                                   series_color(3)], width=0.65)
        bars[2].set_hatch("//")
        ax.set_xticks(np.arange(3), labels=labels, fontsize=7)
        for bar, v in zip(bars, values, strict=True):
            ax.text(bar.get_x() + bar.get_width() / 2, v * 1.3, duration(v), ha="center",
                    va="bottom", fontsize=7, color=colors["text"])
        ax.set_ylim(min(values) / 5, max(values) * 30)

    def readout(self, ax, x: float | None, y: float | None) -> str:
        r = self.result
        if r is None or x is None or ax is not self.ax_err:
            return ""
        i = int(round(x))
        if not 0 <= i < len(r.checks):
            return ""
        c = r.checks[i]
        return tr("{name}: relative error {e:.2e}, {k:,} of {n:,} entries checked").format(
            name=c.name, e=c.relative_error, k=c.checked, n=c.size)
