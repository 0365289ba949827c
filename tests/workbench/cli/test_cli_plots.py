"""The Figure-only plotters behind ``compare`` and ``search`` (drawn with Agg, no pyplot)."""

from __future__ import annotations

import math
import subprocess
import sys

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import PolyCollection
from matplotlib.figure import Figure

from nn.search import TrialEnd
from tests.workbench.cli.test_cli import ROOT, cli_env
from workbench.plots import (
    draw_accuracy_bars,
    draw_comparison,
    draw_loss_curves,
    draw_search_results,
    loss_statistics,
)


def _render(fig: Figure) -> None:
    FigureCanvasAgg(fig).draw()


def test_loss_statistics_mean_and_spread_over_ragged_seeds():
    raw, mean, spread = loss_statistics([[1.0, 3.0, 5.0], [3.0, 5.0]], 3, smooth_window=1)
    np.testing.assert_allclose(raw, [2.0, 4.0, 5.0])
    np.testing.assert_allclose(mean, [2.0, 4.0, 5.0])
    np.testing.assert_allclose(spread, [1.0, 1.0, 0.0])
    _, smooth, _ = loss_statistics([4.0, 2.0, 0.0], 3, smooth_window=2)
    np.testing.assert_allclose(smooth, [4.0, 3.0, 1.0])


def test_loss_curves_raw_smoothed_legend_labels():
    fig = Figure(figsize=(6, 4), dpi=80)
    x = np.arange(1, 101)
    rng = np.random.default_rng(0)
    ax = draw_loss_curves(fig, [("sgd", x, 2.3 * np.exp(-x / 80) + rng.random(100) * 0.1),
                                ("adam", x, 2.3 * np.exp(-x / 20))],
                          smooth_window=10, title="Optimizers", ylabel="cross-entropy")
    _render(fig)
    assert len(ax.lines) == 4  # raw + smoothed per series
    assert ax.lines[0].get_alpha() < 0.5 and ax.lines[1].get_alpha() is None
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["sgd", "adam"]
    assert ax.get_title() == "Optimizers" and ax.get_ylabel() == "cross-entropy"
    assert ax.get_xlabel() == "iteration"
    assert not any(isinstance(c, PolyCollection) for c in ax.collections)  # one seed: no band


def test_loss_curves_with_seeds_draw_a_band_and_survive_an_exploding_run():
    fig = Figure()
    x = np.arange(1, 51)
    seeds = [2.0 * np.exp(-x / 10), 2.2 * np.exp(-x / 12), 1.8 * np.exp(-x / 9)]
    exploding = [np.r_[np.full(40, 2.0), np.geomspace(10, 1e12, 10)]]
    ax = draw_loss_curves(fig, [("adam", x, seeds), ("sgd lr 10", x, exploding)])
    _render(fig)
    assert sum(isinstance(c, PolyCollection) for c in ax.collections) == 1
    assert ax.get_legend().get_texts()[0].get_text() == "adam (mean of 3)"
    assert ax.get_ylim()[1] < 10  # clipped near the initial loss, not at 1e12


def test_accuracy_bars_and_comparison_layout():
    fig = Figure(figsize=(10, 4))
    rows = [("sgd", 0.8, 0.01), ("adam", 0.93, 0.0), ("all diverged", math.nan, math.nan)]
    loss_ax, bar_ax = draw_comparison(fig, [("sgd", [1, 2, 3], [2.3, 2.2, 2.0])], rows,
                                      smooth_window=2, notes=["", "", "diverged 2/2"])
    _render(fig)
    assert len(fig.axes) == 2 and loss_ax.get_title() == "Training loss"
    texts = [t.get_text() for t in bar_ax.texts]
    assert texts[:2] == ["80.0 %", "93.0 %"] and texts[2] == "n/a\ndiverged 2/2"
    assert [t.get_text() for t in bar_ax.get_xticklabels()] == [r[0] for r in rows]
    ax = draw_accuracy_bars(fig, rows[:2], title="Test")
    assert fig.axes == [ax] and ax.get_ylim() == pytest.approx((0.0, 1.15))


def test_search_results_on_log_axes_with_the_best_starred():
    trials = [TrialEnd(0, {"lr": 1e-3, "weight_decay": 1e-6}, 0.5, 0.6, False),
              TrialEnd(1, {"lr": 1e-2, "weight_decay": 1e-7}, 0.9, 0.95, False),
              TrialEnd(2, {"lr": 5e-2, "weight_decay": 1e-5}, math.nan, math.nan, True)]
    fig = Figure(figsize=(10, 4))
    plane, line = draw_search_results(fig, trials, space={"lr": (1e-4, 1e-1),
                                                          "weight_decay": (1e-8, 1e-4)})
    _render(fig)
    assert plane.get_xscale() == plane.get_yscale() == line.get_xscale() == "log"
    assert plane.get_xlim()[0] < 1e-4 < 1e-1 < plane.get_xlim()[1]
    assert any(t.get_text() == "best: 90.0 %" for t in line.get_legend().get_texts())
    assert len(fig.axes) == 3  # two plots and a colour bar
    only_lr = draw_search_results(fig, [{"params": {"lr": 0.1}, "val_acc": 0.4}])
    assert len(only_lr) == 1 and only_lr[0].get_xlabel() == "learning rate"


def test_plots_never_import_pyplot_or_qt():
    code = ("import sys, workbench.plots; "
            "bad = [m for m in ('matplotlib.pyplot', 'PySide6') if m in sys.modules]; "
            "sys.exit(len(bad))")
    proc = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=cli_env(), timeout=60)
    assert proc.returncode == 0
