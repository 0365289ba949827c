"""Each comparison of the Compare page, run through its widgets on a small budget: the plotted
series are the runner's results (histories, summary, ranking), and with fixed seeds the
outcomes agree with the book (ch. 6.1.8, 6.2.4, 6.3.2, 6.4, 6.5)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from matplotlib.collections import PolyCollection

from nn.compare import smoothed
from workbench.pages.compare.batchnorm_tab import BatchNormTab
from workbench.pages.compare.init_curves_tab import InitCurvesTab
from workbench.pages.compare.optimizers_tab import OptimizersTab
from workbench.pages.compare.overfit_tab import OverfitTab
from workbench.pages.compare.search_tab import SearchTab
from workbench.shell.context import AppContext
from workbench.state.compare.views import ComparisonState

RUN_TIMEOUT_MS = 120_000


pytestmark = pytest.mark.usefixtures("private_data_folders")


@pytest.fixture
def context() -> AppContext:
    return AppContext()


def make(qtbot, cls, context):
    tab = cls(context)
    qtbot.addWidget(tab)
    tab.resize(1100, 760)
    tab.show()
    return tab


def run(qtbot, tab, **settings):
    """Apply ``settings`` over the tab's current ones, press Run, wait for the end."""
    values = tab.settings()
    values.update(settings)
    tab.apply_settings(values)
    tab.run_button.click()
    assert tab.running, tab.error.text()
    qtbot.waitUntil(lambda: not tab.running, timeout=RUN_TIMEOUT_MS)
    tab.refresh(force=True)
    assert tab.state.status == "finished", tab.state.message
    return tab.state


def table_column(tab, header: str) -> dict[str, object]:
    """``{first column's value: header column's value}`` of the results table."""
    c = tab.table.headers.index(header)
    return {row[0].value: row[c].value for row in tab.table.rows}


def test_optimizers_plot_the_runner_histories_and_sgd_is_slowest(qtbot, context):
    tab = make(qtbot, OptimizersTab, context)
    tab.book_button.click()  # SGD, Momentum, AdaGrad at 0.01, Adam at 0.001; 784-100×4-10
    state = run(qtbot, tab, iterations=150)
    results, fig = state.results, tab.figure
    assert [v["label"] for v in results["variants"]] == ["sgd", "momentum", "adagrad", "adam"]
    for v, series in enumerate(fig.series):
        history = results["histories"][v][0]
        x, raw = series.raw.get_data()
        np.testing.assert_array_equal(x, history["iterations"])
        np.testing.assert_allclose(raw, history["losses"])
        np.testing.assert_allclose(series.smooth.get_ydata(),
                                   smoothed(history["losses"], fig.window))
        # test accuracy after each epoch, then at the end of the budget (the table's value)
        acc_x, acc_y = series.acc.get_data()
        summary = results["summary"][v]
        np.testing.assert_allclose(acc_y, [e["test_acc"] for e in history["epochs"]]
                                   + [summary["test_acc"]])
        assert acc_x[-1] == 150
        assert series.band is None  # one seed: no spread band
    legend = [t.get_text() for t in fig.ax_loss.get_legend().get_texts()]
    assert legend == ["SGD, lr 0.01", "Momentum, lr 0.01", "AdaGrad, lr 0.01", "Adam, lr 0.001"]
    loss = table_column(tab, "Final loss")
    test = table_column(tab, "Test accuracy")
    for row in results["summary"]:
        assert loss[row["label"]] == pytest.approx(row["final_loss"])
        assert test[row["label"]] == pytest.approx(row["test_acc"])
    others = ("momentum", "adagrad", "adam")
    assert loss["sgd"] > max(loss[n] for n in others)  # the book's Fig. 6-9: SGD is slowest
    assert test["sgd"] < min(test[n] for n in others)
    assert "iteration 150 of 150" in tab.status.text()


def test_seeds_give_mean_and_spread_bands(qtbot, context):
    tab = make(qtbot, OptimizersTab, context)
    settings = tab.settings()
    for name, row in settings["optimizers"].items():
        row["enabled"] = name in ("sgd", "adam")
    tab.apply_settings(settings)
    state = run(qtbot, tab, iterations=30, seeds=3, first_seed=5)
    assert state.seeds == [5, 6, 7]
    fig = tab.figure
    for v, series in enumerate(fig.series):
        runs = [h["losses"] for h in state.results["histories"][v]]
        assert len(runs) == 3 and runs[0] != runs[1]  # other weights and batches per seed
        per_seed = np.array([smoothed(r, fig.window) for r in runs])
        np.testing.assert_allclose(series.smooth.get_ydata(), per_seed.mean(axis=0))
        np.testing.assert_allclose(series.raw.get_ydata(), np.mean(runs, axis=0))
        assert isinstance(series.band, PolyCollection)
        # the band spans mean ± std over seeds
        top = series.band.get_paths()[0].vertices[:, 1].max()
        assert top == pytest.approx((per_seed.mean(0) + per_seed.std(0)).max(), rel=1e-6)
    assert "mean of 3 seeds" in fig.ax_loss.get_legend().get_texts()[0].get_text()
    cell = tab.table.rows[0][4]  # SGD's test accuracy: mean ± spread
    assert "±" in cell.text and cell.spread == pytest.approx(
        state.results["summary"][0]["test_acc_std"])
    train = tab.table.rows[0][3]  # and its training accuracy, from the summary
    assert "±" in train.text and train.spread == pytest.approx(
        state.results["summary"][0]["train_acc_std"])
    state.summary = [replace(row, train_acc_std=0.125) for row in state.summary]
    state.version += 1
    tab.refresh(force=True)
    assert tab.table.rows[0][3].spread == 0.125  # the table shows the summary's spread
    # results saved before the summary had a training spread: recomputed from the runs
    state.summary = [replace(row, train_acc_std=math.nan) for row in state.summary]
    state.version += 1
    tab.refresh(force=True)
    assert tab.table.rows[0][3].spread == pytest.approx(train.spread)


def test_initializers_std001_stalls_and_he_learns_fastest(qtbot, context):
    tab = make(qtbot, InitCurvesTab, context)
    tab.book_button.click()  # SGD lr 0.01, 784-100×4-10 ReLU, std 0.01 / Xavier / He
    state = run(qtbot, tab, iterations=250)
    labels = [v.label for v in state.variants]
    assert labels == ["std0.01", "xavier", "he"]
    for v, series in enumerate(tab.figure.series):
        losses = state.results["histories"][v][0]["losses"]
        np.testing.assert_allclose(series.smooth.get_ydata(), smoothed(losses, tab.figure.window))
    loss = table_column(tab, "Final loss")
    assert loss["std0.01"] == pytest.approx(2.30, abs=0.02)  # the signal vanishes: no learning
    assert loss["he"] < loss["xavier"] < 2.1  # He learns fastest with ReLU (book Fig. 6-15)
    assert [r[0].text for r in tab.table.rows] == ["std 0.01", "Xavier", "He"]


def test_batchnorm_learns_where_the_plain_network_stalls(qtbot, context):
    tab = make(qtbot, BatchNormTab, context)
    tab.book_button.click()  # 5×100 MultiLayerNetExtend, 1,000 images, SGD 0.01, batch 100
    state = run(qtbot, tab, scales=2, scale_max=0.01, scale_min=0.001, epochs=6)
    assert [v.label for v in state.variants] == ["w=0.01 BatchNorm", "w=0.01 plain",
                                                 "w=0.001 BatchNorm", "w=0.001 plain"]
    fig = tab.figure
    assert [ax.get_title() for ax in fig.axes] == ["w = 0.01", "w = 0.001"]
    for i, (bn_line, plain_line) in enumerate(fig.lines):
        for line, v in ((bn_line, 2 * i), (plain_line, 2 * i + 1)):
            epochs = state.results["histories"][v][0]["epochs"]
            np.testing.assert_allclose(line.get_xdata(), [e["epoch"] for e in epochs])
            np.testing.assert_allclose(line.get_ydata(), [e["train_acc"] for e in epochs])
    assert bn_line.get_linestyle() == "-" and plain_line.get_linestyle() == "--"
    bn = table_column(tab, "Train accuracy, BatchNorm")
    plain = table_column(tab, "Train accuracy, plain")
    for w in (0.01, 0.001):
        assert plain[w] < 0.2  # stalls at chance
        assert bn[w] > plain[w] + 0.4  # BatchNorm learns (book Fig. 6-19)
    summary = state.results["summary"]
    assert bn[0.01] == pytest.approx(summary[0]["train_acc"])


def test_weight_decay_narrows_the_train_test_gap(qtbot, context):
    tab = make(qtbot, OverfitTab, context)
    tab.book_button.click()  # 784-100×6-10 on 300 images, batch 100, λ = 0.1
    settings = tab.settings()
    settings["variants"] = {"none": True, "weight_decay": True, "dropout": False,
                            "both": False}
    tab.apply_settings(settings)
    state = run(qtbot, tab, epochs=25, lr=0.05)  # the book's 201 epochs at lr 0.01, sooner
    fig = tab.figure
    assert [ax.get_title() for ax in fig.panels] == ["No regularization",
                                                     "Weight decay λ = 0.1"]
    gaps = []
    for v, lines in enumerate(fig.lines):
        epochs = state.results["histories"][v][0]["epochs"]
        train = np.array([e["train_acc"] for e in epochs])
        test = np.array([e["test_acc"] for e in epochs])
        np.testing.assert_allclose(lines["train"].get_ydata(), train)
        np.testing.assert_allclose(lines["test"].get_ydata(), test)
        np.testing.assert_allclose(lines["gap"].get_ydata(), train - test)
        gaps.append(float(np.mean((train - test)[-5:])))
    assert gaps[0] > 0.1  # 300 images: the plain network overfits
    assert gaps[1] < gaps[0] - 0.03  # weight decay narrows the gap (book Fig. 6-21)
    last_gap = table_column(tab, "Gap (train − test)")
    assert last_gap["none"] == pytest.approx(state.histories[0][0].epochs[-1].train_acc
                                             - state.histories[0][0].epochs[-1].test_acc)


def test_search_ranks_trials_like_the_runner(qtbot, context):
    tab = make(qtbot, SearchTab, context)
    state = run(qtbot, tab, trials=4, epochs=2, train_size=200, layers=2, show_best=4,
                lr_range=[1e-3, 1e-1])
    assert len(state.ends) == 4
    ranking = [t.index for t in state.ranked()]
    assert ranking == state.runner_ranking  # the table's order is RandomSearch.ranked()
    assert [row[1].value for row in tab.table.rows] == [i + 1 for i in ranking]
    fig = tab.figure
    ok, _bad, best = fig.points["lr"]
    ends = sorted(state.ends.values(), key=lambda t: t.index)
    np.testing.assert_allclose(ok.get_xdata(), [t.params["lr"] for t in ends])
    np.testing.assert_allclose(ok.get_ydata(), [t.val_acc for t in ends])
    assert best.get_ydata()[0] == max(t.val_acc for t in ends)
    assert all(1e-3 <= t.params["lr"] <= 1e-1 for t in ends)
    for k, trial in enumerate(ranking):  # the book's small multiples, best first
        val_line, train_line = fig.panel_lines[k]
        history = state.histories[trial]
        np.testing.assert_allclose(val_line.get_ydata(), history.epoch_column("val_acc"))
        np.testing.assert_allclose(train_line.get_ydata(), history.epoch_column("train_acc"))
        assert fig.panels[k].get_title().startswith(f"Best-{k + 1}")


def test_state_matches_the_runner_results_exactly(qtbot, context):
    """The GUI's histories, built from the streamed events, equal the trainers' own."""
    tab = make(qtbot, OptimizersTab, context)
    settings = tab.settings()
    for name, row in settings["optimizers"].items():
        row["enabled"] = name in ("momentum", "rmsprop")
    tab.apply_settings(settings)
    state: ComparisonState = run(qtbot, tab, iterations=20, batch_size=32)
    mine = state.to_results()
    assert mine["histories"] == state.results["histories"]
    assert mine["summary"] == state.results["summary"]
    assert state.done_steps == state.total_steps == 40
