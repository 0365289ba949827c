"""The Compare page as a container: its tabs, Stop in mid-run, saving and reopening a comparison
(settings and curves, no re-run), command-line experiment files, bad files, inline errors, and
the sortable, exportable results table."""

from __future__ import annotations

import csv
import json
import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFileDialog

from nn.compare import Comparison, init_variants
from nn.experiment import DataConfig, ModelSpec, RunConfig, save_experiment
from nn.training import Diverged, Stopped, TrainSettings
from workbench.core import i18n
from workbench.pages.compare import ComparePage
from workbench.pages.compare import page as page_module
from workbench.pages.compare.table import Cell, ResultsTable, pct_cell
from workbench.shell.context import AppContext

RUN_TIMEOUT_MS = 120_000


pytestmark = pytest.mark.usefixtures("private_data_folders")


@pytest.fixture
def page(qtbot) -> ComparePage:
    widget = ComparePage(AppContext())
    qtbot.addWidget(widget)
    widget.resize(1100, 800)
    widget.show()
    yield widget
    widget.shutdown()


def tiny_optimizer_run(qtbot, page: ComparePage, **extra) -> None:
    page.show_key("optimizers")
    tab = page.optimizers_tab
    settings = tab.settings()
    for name, row in settings["optimizers"].items():
        row["enabled"] = name in ("sgd", "adam")
    settings.update(iterations=20, batch_size=64, **extra)
    tab.apply_settings(settings)
    tab.run_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=RUN_TIMEOUT_MS)
    tab.refresh(force=True)


def test_every_comparison_has_a_tab_and_retranslates(page):
    assert page.tabs.count() == 6
    assert page.init_tabs.count() == 2
    keys = []
    for key in ("paths", "optimizers", "init_histograms", "init", "batchnorm", "overfitting",
                "search"):
        page.show_key(key)
        keys.append(page.current_key())
    assert keys == ["paths", "optimizers", "init_histograms", "init", "batchnorm",
                    "overfitting", "search"]
    assert page.tabs.tabText(4) == "Regularization (6.4)"
    for index in range(page.tabs.count()):
        assert page.tabs.tabToolTip(index).startswith("Book ch. 6.")
    tab = page.batchnorm_tab
    for widget in (tab.scales, tab.scale_max, tab.epochs, tab.book_button, tab.run_button,
                   tab.seeds.count, tab.data_choice):
        assert widget.toolTip(), widget
    try:  # switching the language re-labels every tab without errors
        i18n.set_language("zh_CN")
    finally:
        i18n.set_language("en")
    assert page.save_button.text() == "Save comparison…"


def test_invalid_settings_give_an_inline_message_and_no_run(page):
    tab = page.optimizers_tab
    settings = tab.settings()
    for row in settings["optimizers"].values():
        row["enabled"] = False
    tab.apply_settings(settings)
    assert not tab.start()
    assert not tab.running and tab.error.isVisibleTo(tab)
    assert "at least one optimizer" in tab.error.text()
    bn = page.batchnorm_tab
    bn.scale_min.setValue(0.5)
    bn.scale_max.setValue(0.01)
    assert not bn.start()
    assert "smallest weight scale" in bn.error.text()
    assert "Need 0 < smallest" in bn.scale_list.text()


def test_stop_mid_run_keeps_what_was_done(qtbot, page):
    page.show_key("batchnorm")
    tab = page.batchnorm_tab
    tab.book_button.click()  # 32 networks × 20 epochs: long enough to stop in the middle
    assert not page.save_button.isEnabled()
    tab.run_button.click()
    assert tab.running and tab.stop_button.isEnabled() and not tab.run_button.isEnabled()
    assert not tab.settings_box.isEnabled()
    qtbot.waitUntil(lambda: tab.state.done_steps >= 40, timeout=RUN_TIMEOUT_MS)
    page.show_key("search")  # the page stays usable meanwhile
    page.show_key("batchnorm")
    assert "iteration" in tab.status_text() and "of 200 · 32 runs" in tab.status_text()
    assert not page.save_button.isEnabled()  # not while it runs
    tab.stop_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=RUN_TIMEOUT_MS)
    state = tab.state
    assert state.status == "stopped"
    assert len(state.outcomes) == 32
    for (variant, _seed), event in state.outcomes.items():
        if variant % 2 == 0:  # with BatchNorm: stopped by the button
            assert isinstance(event, Stopped), (variant, event)
        else:  # plain: stopped, or already blown up by a large weight scale
            assert isinstance(event, (Stopped, Diverged)), (variant, event)
    assert 40 <= state.done_steps < state.total_steps == 32 * 20 * 10
    assert tab.status.text().startswith("Stopped")
    assert tab.run_button.isEnabled() and tab.settings_box.isEnabled()
    assert page.save_button.isEnabled()  # partial results can be saved
    assert tab.draws >= 2


def test_save_and_open_restore_settings_and_curves(qtbot, page, tmp_path):
    page.show_key("optimizers")
    assert not page.save_button.isEnabled()  # nothing to save before a run
    tiny_optimizer_run(qtbot, page, seeds=2)
    assert page.save_button.isEnabled()
    path = tmp_path / "adam-vs-sgd.json"
    page.save_comparison(str(path))
    doc = json.loads(path.read_text())
    assert doc["kind"] == "compare" and doc["config"]["workbench"]["tab"] == "optimizers"
    assert doc["config"]["seeds"] == [0, 1] and len(doc["results"]["histories"][0]) == 2
    original = page.optimizers_tab
    lines = [s.smooth.get_xydata().copy() for s in original.figure.series]
    rows = [[c.text for c in row] for row in original.table.rows]

    other = ComparePage(AppContext())
    qtbot.addWidget(other)
    other.show()
    try:
        assert other.open_comparison(str(path)) == "optimizers"
        assert other.current_key() == "optimizers"
        tab = other.optimizers_tab
        assert not tab.running and tab.state.status == "finished"
        assert tab.settings() == original.settings()
        assert tab.iterations.value() == 20 and tab.seeds.count.value() == 2
        tab.refresh(force=True)
        for series, xy in zip(tab.figure.series, lines, strict=True):
            np.testing.assert_allclose(series.smooth.get_xydata(), xy)
            assert series.band is not None
        assert [[c.text for c in row] for row in tab.table.rows] == rows
        # saved again, the file is the same comparison
        again = tmp_path / "again.json"
        other.save_comparison(str(again))
        assert json.loads(again.read_text())["results"] == doc["results"]
    finally:
        other.shutdown()


def test_search_and_views_round_trip(qtbot, page, tmp_path):
    page.show_key("search")
    tab = page.search_tab
    settings = tab.settings()
    settings.update(trials=2, epochs=1, train_size=100, layers=1, show_best=2)
    tab.apply_settings(settings)
    tab.run_button.click()
    qtbot.waitUntil(lambda: not tab.running, timeout=RUN_TIMEOUT_MS)
    path = tmp_path / "search.json"
    page.save_comparison(str(path))
    doc = json.loads(path.read_text())
    assert doc["kind"] == "search" and len(doc["results"]["trials"]) == 2
    ranking = [t.index for t in tab.state.ranked()]
    tab.apply_settings({**settings, "trials": 50})
    tab.state.begin(50)
    assert page.open_comparison(str(path)) == "search"
    assert tab.trials.value() == 2
    assert [t.index for t in tab.state.ranked()] == ranking
    assert len(tab.state.histories) == 2
    for key in ("paths", "init_histograms"):  # the self-contained views save their settings
        view_path = tmp_path / f"{key}.json"
        page.save_comparison(str(view_path), key)
        page.show_key("optimizers")
        assert page.open_comparison(str(view_path)) == key
        assert page.current_key() == key


def test_command_line_experiment_opens_on_its_tab(qtbot, page, tmp_path):
    base = RunConfig(ModelSpec("multi_layer_net", {"hidden_sizes": [20, 20]}),
                     DataConfig("digits", val_fraction=0),
                     {"name": "sgd", "lr": 0.01},
                     TrainSettings(batch_size=50, epochs=10, max_iterations=15))
    variants = init_variants(["std0.01", "he"])
    comparison = Comparison(base, variants, seeds=[3])
    list(comparison.run())
    path = tmp_path / "cli.json"
    config = {"base": base.to_dict(), "seeds": [3], "command": "compare --inits std0.01,he",
              "variants": [{"label": v.label, "overrides": v.overrides} for v in variants]}
    save_experiment(path, "compare", config, comparison.results())
    assert page.open_comparison(str(path)) == "init"
    tab = page.init_curves
    assert tab.iterations.value() == 15 and tab.network.layers.value() == 2
    assert tab.network.units.value() == 20 and tab.seeds.first.value() == 3
    assert tab.init_checks["he"].isChecked() and not tab.init_checks["xavier"].isChecked()
    tab.refresh(force=True)
    np.testing.assert_allclose(tab.figure.series[1].raw.get_ydata(),
                               comparison.histories(1)[0].losses)


def test_bad_files_are_reported_in_a_dialog(qtbot, page, tmp_path, monkeypatch):
    messages = []
    monkeypatch.setattr(page_module, "error_dialog",
                        lambda _parent, title, text: messages.append((title, text)))
    chosen = {"path": ""}
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        lambda *_a, **_k: (chosen["path"], ""))
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    train = tmp_path / "train.json"
    save_experiment(train, "train", {}, {})
    broken = tmp_path / "broken.json"
    save_experiment(broken, "compare", {"workbench": {"tab": "optimizers", "settings": {}}},
                    {"variants": [{"label": "sgd"}], "seeds": [0], "histories": []})
    before = page.optimizers_tab.settings()
    for path, expected in ((bad, "not an experiment file"), (train, "not a comparison"),
                           (broken, "do not match"), (tmp_path / "missing.json", "no such file")):
        chosen["path"] = str(path)
        page._ask_open()
        assert messages and expected in messages[-1][1], messages[-1:]
    assert len(messages) == 4
    assert page.optimizers_tab.settings() == before  # a bad file changes nothing


def test_results_table_sorts_numbers_and_exports_csv(qtbot, tmp_path):
    table = ResultsTable()
    qtbot.addWidget(table)
    rows = [[Cell("SGD", "sgd"), pct_cell(0.62, 0.02), Cell("0 / 2", 0)],
            [Cell("Adam", "adam"), pct_cell(0.91, 0.01), Cell("0 / 2", 0)],
            [Cell("AdaGrad", "adagrad"), pct_cell(math.nan), Cell("2 / 2", 2)],
            [Cell("Momentum", "momentum"), pct_cell(0.105, 0.0), Cell("0 / 2", 0)]]
    table.set_table(["Optimizer", "Test accuracy", "Diverged"], rows)
    assert [r[0].text for r in table.rows_in_view_order()] == ["SGD", "Adam", "AdaGrad",
                                                               "Momentum"]
    table.view.sortByColumn(1, Qt.SortOrder.DescendingOrder)  # numbers, not "91.1 %" strings
    assert [r[0].text for r in table.rows_in_view_order()] == ["Adam", "SGD", "Momentum",
                                                               "AdaGrad"]
    table.view.sortByColumn(1, Qt.SortOrder.AscendingOrder)
    assert [r[0].text for r in table.rows_in_view_order()][0] == "AdaGrad"  # NaN first
    # a live update in place keeps the order
    rows[3][1] = pct_cell(0.99, 0.0)
    table.set_table(["Optimizer", "Test accuracy", "Diverged"], rows)
    assert [r[0].text for r in table.rows_in_view_order()][-1] == "Momentum"
    path = tmp_path / "table.csv"
    table.export_csv(str(path))
    with path.open(newline="") as f:
        data = list(csv.reader(f))
    assert data[0] == ["Optimizer", "Test accuracy", "Test accuracy (std over seeds)",
                       "Diverged"]
    assert [row[0] for row in data[1:]] == ["adagrad", "sgd", "adam", "momentum"]
    assert data[1][1] == "" and float(data[2][1]) == 0.62 and float(data[2][2]) == 0.02
    assert table.export_button.isEnabled()
