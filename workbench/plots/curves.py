"""Loss curves, accuracy bars and search results drawn onto a Matplotlib :class:`Figure`.

Each ``draw_*`` function clears the figure it is given (unless an ``ax`` is passed) and draws
into it; it knows nothing of canvases, so the same call serves the CLI (an Agg canvas, saved as
PNG) and the GUI (a ``FigureCanvasQTAgg``). Never imports ``pyplot``: no global figure state.

The loss is drawn as the book draws it (ch. 6.1.7, ``optimizer_compare_mnist.py``): the raw
per-iteration loss faintly, a moving average on top; with several seeds, the mean over seeds and
a band of ± one standard deviation.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.ticker import NullFormatter
from numpy.typing import ArrayLike, NDArray

from nn.compare import smoothed

#: ``(label, iterations, losses)``: ``losses`` is one run's losses, or a list of runs' (seeds).
Series = tuple[str, ArrayLike, Any]


def _axes(fig: Figure, ax: Axes | None) -> Axes:
    if ax is not None:
        return ax
    fig.clear()
    return fig.add_subplot()


def _runs(losses: Any) -> list[NDArray[np.float64]]:
    """One 1-D array per run, whether ``losses`` holds one run or several."""
    if isinstance(losses, np.ndarray) and losses.ndim == 2:
        return [np.asarray(row, dtype=np.float64) for row in losses]
    items = list(losses)
    if items and all(isinstance(v, (Sequence, np.ndarray)) for v in items):
        return [np.asarray(v, dtype=np.float64).ravel() for v in items]
    return [np.asarray(items, dtype=np.float64).ravel()]


def _stack(runs: list[NDArray[np.float64]], length: int) -> NDArray[np.float64]:
    """Runs padded with NaN to ``length`` (a diverged run stops early): (runs, length)."""
    out = np.full((len(runs), length), np.nan)
    for i, run in enumerate(runs):
        out[i, : min(len(run), length)] = run[:length]
    return out


def loss_statistics(losses: Any, length: int, smooth_window: int
                    ) -> tuple[NDArray, NDArray, NDArray]:
    """Raw mean, smoothed mean and smoothed spread over runs, each of shape (length,).

    Each run is smoothed on its own (trailing moving average, :func:`nn.compare.smoothed`);
    points where no run has a finite value are NaN. The spread is the standard deviation over
    runs (0 with one run).
    """
    runs = _runs(losses)
    raw = _stack(runs, length)
    smooth = _stack([smoothed(r, smooth_window) for r in runs], length)
    with np.errstate(invalid="ignore"):
        counts = np.isfinite(raw).sum(axis=0)
        raw_mean = np.where(counts > 0, np.nansum(raw, axis=0) / np.maximum(counts, 1), np.nan)
        s_counts = np.isfinite(smooth).sum(axis=0)
        s_sum = np.nansum(smooth, axis=0)
        s_mean = np.where(s_counts > 0, s_sum / np.maximum(s_counts, 1), np.nan)
        dev = np.where(np.isfinite(smooth), smooth - s_mean, 0.0)
        spread = np.sqrt((dev**2).sum(axis=0) / np.maximum(s_counts, 1))
    spread[s_counts == 0] = np.nan
    return raw_mean, s_mean, spread


def draw_loss_curves(fig: Figure, series: Sequence[Series], smooth_window: int = 20,
                     title: str = "Training loss", ylabel: str = "loss",
                     xlabel: str = "iteration", ax: Axes | None = None,
                     logy: bool = False) -> Axes:
    """Overlaid loss curves, one colour per series.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        Cleared and drawn into (unless ``ax`` is given).
    series : sequence of (label, iterations, losses)
        ``iterations`` (N,) is the x axis; ``losses`` is (N,) for one run, or a list of runs /
        a (runs, N) array for several seeds (shorter runs are padded: a diverged seed stops).
    smooth_window : int
        Width of the trailing moving average.
    title, ylabel, xlabel : str
        Labels.
    ax : matplotlib.axes.Axes, optional
        Draw into this axes instead of clearing the figure.
    logy : bool
        Logarithmic loss axis.

    Returns
    -------
    matplotlib.axes.Axes
    """
    ax = _axes(fig, ax)
    tops: list[float] = []
    bottoms: list[float] = []
    for index, (label, iterations, losses) in enumerate(series):
        x = np.asarray(iterations, dtype=np.float64).ravel()
        runs = len(_runs(losses))
        raw, mean, spread = loss_statistics(losses, len(x), smooth_window)
        colour = f"C{index % 10}"
        ax.plot(x, raw, color=colour, alpha=0.2, linewidth=0.8)
        name = label if runs == 1 else f"{label} (mean of {runs})"
        ax.plot(x, mean, color=colour, linewidth=1.8, label=name)
        if runs > 1:
            ax.fill_between(x, mean - spread, mean + spread, color=colour, alpha=0.18,
                            linewidth=0)
        finite = mean[np.isfinite(mean)]
        if finite.size:
            # the whole smoothed curve, but an exploding run must not flatten the others
            tops.append(min(float(finite.max()), 2.0 * abs(float(finite[0]))))
            bottoms.append(float(np.nanmin(raw)))
    if logy:
        ax.set_yscale("log")
    elif tops:
        low = min(0.0, min(bottoms))
        high = 1.05 * max(tops)
        if high > low and math.isfinite(high):
            ax.set_ylim(low, high)
    ax.set_title(title)
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.grid(True, alpha=0.3)
    if series:
        ax.legend(loc="upper right", fontsize="small")
    return ax


def draw_accuracy_bars(fig: Figure, rows: Sequence[tuple[str, float, float]],
                       title: str = "Test accuracy", ylabel: str = "accuracy",
                       notes: Sequence[str] | None = None, ax: Axes | None = None) -> Axes:
    """One bar per ``(label, accuracy, spread)``, with ± spread error bars and the value on top.

    Accuracies are fractions in [0, 1]; NaN (no result, e.g. every seed diverged) draws no bar
    and writes ``notes[i]`` or "n/a" instead.
    """
    ax = _axes(fig, ax)
    labels = [row[0] for row in rows]
    values = np.array([row[1] for row in rows], dtype=np.float64)
    spreads = np.array([row[2] for row in rows], dtype=np.float64)
    x = np.arange(len(rows))
    heights = np.nan_to_num(values, nan=0.0)
    errors = np.where(np.isfinite(spreads) & (spreads > 0), spreads, 0.0)
    ax.bar(x, heights, yerr=errors, capsize=4,
           color=[f"C{i % 10}" for i in range(len(rows))], alpha=0.85)
    for i, value in enumerate(values):
        text = f"{100 * value:.1f} %" if np.isfinite(value) else "n/a"
        if notes is not None and notes[i]:
            text += f"\n{notes[i]}"
        ax.text(i, (heights[i] if np.isfinite(value) else 0.0) + 0.02, text, ha="center",
                va="bottom", fontsize="small")
    ax.set_xticks(x, labels, rotation=20 if max(map(len, labels), default=0) > 8 else 0)
    ax.set_ylim(0.0, 1.15)
    ax.set_ylabel(ylabel)
    ax.set_title(title)
    ax.grid(True, axis="y", alpha=0.3)
    return ax


def draw_comparison(fig: Figure, series: Sequence[Series],
                    rows: Sequence[tuple[str, float, float]], smooth_window: int = 20,
                    title: str = "Training loss", notes: Sequence[str] | None = None
                    ) -> tuple[Axes, Axes]:
    """Loss curves (left, wide) beside test-accuracy bars (right), for a comparison."""
    fig.clear()
    grid = fig.add_gridspec(1, 3)
    loss_ax = fig.add_subplot(grid[0, :2])
    bar_ax = fig.add_subplot(grid[0, 2])
    draw_loss_curves(fig, series, smooth_window, title=title, ax=loss_ax)
    draw_accuracy_bars(fig, rows, notes=notes, ax=bar_ax)
    return loss_ax, bar_ax


def _trial(trial: Any) -> tuple[dict[str, float], float]:
    if isinstance(trial, Mapping):
        return dict(trial["params"]), float(trial["val_acc"])
    return dict(trial.params), float(trial.val_acc)


def _log_axis(ax: Axes, which: str, bounds: tuple[float, float] | None) -> None:
    """Log scale on axis ``which`` ("x" or "y") without crowded minor labels; limits a little
    outside ``bounds`` when given."""
    getattr(ax, f"set_{which}scale")("log")
    getattr(ax, f"{which}axis").set_minor_formatter(NullFormatter())
    if bounds is not None and 0 < bounds[0] < bounds[1]:
        pad = (bounds[1] / bounds[0]) ** 0.04
        getattr(ax, f"set_{which}lim")(bounds[0] / pad, bounds[1] * pad)


def draw_search_results(fig: Figure, trials: Sequence[Any],
                        title: str = "Random search (book ch. 6.5)",
                        space: Mapping[str, tuple[float, float]] | None = None) -> list[Axes]:
    """Validation accuracy against the sampled settings, on log axes; the best one starred.

    Parameters
    ----------
    trials : sequence
        Objects with ``params`` (e.g. ``{"lr": …, "weight_decay": …}``) and ``val_acc``
        (:class:`nn.search.TrialEnd`), or mappings with those keys. NaN accuracy (diverged)
        is drawn as a grey cross.

    Returns
    -------
    list of matplotlib.axes.Axes
        With both ``lr`` and ``weight_decay``: the lr × weight-decay plane coloured by accuracy,
        and accuracy against lr; otherwise accuracy against the one searched setting.
    """
    fig.clear()
    points = [_trial(t) for t in trials]
    names = list(points[0][0]) if points else ["lr"]
    acc = np.array([a for _, a in points], dtype=np.float64)
    ok = np.isfinite(acc)
    best = int(np.nanargmax(np.where(ok, acc, -np.inf))) if ok.any() else None
    first = names[0]

    def values(name: str) -> NDArray[np.float64]:
        return np.array([p.get(name, np.nan) for p, _ in points], dtype=np.float64)

    axes: list[Axes] = []
    if "lr" in names and "weight_decay" in names:
        first = "lr"
        plane = fig.add_subplot(1, 2, 1)
        lr, wd = values("lr"), values("weight_decay")
        sc = plane.scatter(lr[ok], wd[ok], c=acc[ok], cmap="viridis", vmin=0.0, vmax=1.0,
                           s=36, edgecolors="k", linewidths=0.3)
        if (~ok).any():
            plane.scatter(lr[~ok], wd[~ok], marker="x", color="0.5", label="diverged")
            plane.legend(loc="lower left", fontsize="small")
        if best is not None:
            plane.scatter([lr[best]], [wd[best]], marker="*", s=260, facecolors="none",
                          edgecolors="red", linewidths=1.5)
        _log_axis(plane, "x", space.get("lr") if space else None)
        _log_axis(plane, "y", space.get("weight_decay") if space else None)
        plane.set_xlabel("learning rate")
        plane.set_ylabel("weight decay")
        plane.set_title("validation accuracy (colour) by setting")
        fig.colorbar(sc, ax=plane, label="validation accuracy")
        axes.append(plane)
        line = fig.add_subplot(1, 2, 2)
    else:
        line = fig.add_subplot()
    x = values(first)
    line.scatter(x[ok], acc[ok], s=30, color="C0")
    if (~ok).any():
        line.scatter(x[~ok], np.zeros(int((~ok).sum())), marker="x", color="0.5",
                     label="diverged")
    if best is not None:
        line.scatter([x[best]], [acc[best]], marker="*", s=220, color="red",
                     label=f"best: {100 * acc[best]:.1f} %")
    _log_axis(line, "x", space.get(first) if space else None)
    line.set_ylim(0.0, 1.02)
    line.set_xlabel("learning rate" if first == "lr" else first.replace("_", " "))
    line.set_ylabel("validation accuracy")
    line.set_title("validation accuracy")
    fig.suptitle(title)
    line.grid(True, alpha=0.3)
    if best is not None or (~ok).any():
        line.legend(loc="upper left", fontsize="small")
    axes.append(line)
    return axes
