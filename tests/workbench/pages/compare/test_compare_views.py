"""The Compare page's 2-D optimizer paths and initializer histogram grid (pytest-qt, offscreen):
inputs set through the widgets, and what is drawn equals the engine's results."""

from __future__ import annotations

import json
import math
import warnings

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt

from nn import init_experiment as E
from nn import landscapes as L
from workbench.core import i18n
from workbench.pages.compare.init_grid import InitHistogramView
from workbench.pages.compare.paths import OptimizerPathsView
from workbench.pages.compare.paths_playback import FRAME_MS
from workbench.state.compare.init_grid import InitGridSettings


# ------------------------------------------------------------------------------ helpers
@pytest.fixture
def paths_view(qtbot):
    view = OptimizerPathsView()
    qtbot.addWidget(view)
    view.resize(1100, 760)
    wait_paths(qtbot, view)
    yield view
    view.shutdown()


@pytest.fixture
def grid_view(qtbot):
    view = InitHistogramView()
    qtbot.addWidget(view)
    view.resize(1100, 760)
    wait_grid(qtbot, view)
    yield view
    view.shutdown()


def wait_paths(qtbot, view) -> None:
    qtbot.waitUntil(lambda: view.result is not None
                    and view.result.snapshot == view.state.snapshot(), timeout=15000)


def wait_grid(qtbot, view) -> None:
    qtbot.waitUntil(lambda: view.shown_settings == view.settings, timeout=15000)


def engine_paths(view) -> dict[str, np.ndarray]:
    s = view.state
    configs = {n: dict(s.hyper[n]) for n in s.enabled if s.enabled[n]}
    return L.optimizer_paths(s.function, configs, s.start, s.steps)


def drawn(view, name) -> np.ndarray:
    x, y = view.figure.lines[name].get_data()
    return np.column_stack([x, y])


def choose(combo, data) -> None:
    index = combo.findData(data)
    assert index >= 0
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


BOOK = {"sgd": 0.95, "momentum": 0.1, "adagrad": 1.5, "adam": 0.3}


# ------------------------------------------------------------------------ optimizer paths
def test_opens_on_the_books_figure_and_draws_the_engines_paths(paths_view):
    view = paths_view
    assert view.state.function == "book" and view.state.start == (-7.0, 2.0)
    assert set(view.figure.lines) == set(BOOK)
    view.set_step(30)
    for name, path in engine_paths(view).items():
        assert path.shape == (31, 2)
        np.testing.assert_array_equal(drawn(view, name), path)
        np.testing.assert_array_equal(view.result.paths[name], path)
        x, y = view.figure.loss_lines[name].get_data()
        np.testing.assert_allclose(y, np.maximum(L.get("book").value(path), 1e-12))
    assert view.table.rowCount() == 4
    sgd = L.summarize("book", view.result.paths["sgd"], view.state.tolerance)
    assert view.table.cell("sgd", "distance") == f"{sgd.distance:.4g}"
    assert view.table.cell("sgd", "value") == f"{sgd.value:.4g}"


def test_books_button_sets_exactly_the_books_settings(qtbot, paths_view):
    view = paths_view
    choose(view.function_combo, "rosenbrock")
    view.optimizers.checks["sgd"].setChecked(False)
    view.optimizers.checks["rmsprop"].setChecked(True)
    view.optimizers.boxes["adam", "lr"].setValue(0.01)
    view.steps_spin.setValue(77)
    wait_paths(qtbot, view)
    qtbot.mouseClick(view.book_button, Qt.MouseButton.LeftButton)
    wait_paths(qtbot, view)
    s = view.state
    assert (s.function, s.start, s.steps) == ("book", (-7.0, 2.0), 30)
    assert {n for n, on in s.enabled.items() if on} == set(BOOK)
    for name, lr in BOOK.items():
        assert s.hyper[name]["lr"] == lr
        assert view.optimizers.boxes[name, "lr"].value() == lr
        assert view.optimizers.checks[name].isChecked()
    assert s.hyper["momentum"]["momentum"] == 0.9
    assert s.hyper["adam"]["beta1"] == 0.9 and s.hyper["adam"]["beta2"] == 0.999
    assert not view.optimizers.checks["rmsprop"].isChecked()
    assert view.function_combo.currentData() == "book"
    assert (view.start_x.value(), view.start_y.value(), view.steps_spin.value()) == (-7, 2, 30)
    assert view.playing  # one click shows the figure being drawn
    view.set_step(30)
    fig = L.BOOK_FIGURE
    expected = L.optimizer_paths(fig["function"], fig["optimizers"], fig["start"], fig["steps"])
    for name, path in expected.items():
        np.testing.assert_array_equal(drawn(view, name), path)


def test_clicking_the_map_sets_the_start_point(qtbot, paths_view):
    view = paths_view
    view.show()
    qtbot.waitExposed(view)
    canvas = view.canvas.canvas
    canvas.draw()
    target = (3.0, -2.5)
    px, py = view.figure.ax.transData.transform(target)
    ratio = canvas.device_pixel_ratio
    pos = QPoint(round(px / ratio), round(canvas.height() - py / ratio))
    qtbot.mouseClick(canvas, Qt.MouseButton.LeftButton, pos=pos)
    wait_paths(qtbot, view)
    x, y = view.state.start
    assert x == pytest.approx(3.0, abs=0.1) and y == pytest.approx(-2.5, abs=0.1)
    assert (view.start_x.value(), view.start_y.value()) == (x, y)
    view.set_step(view.state.steps)
    for name, path in engine_paths(view).items():
        assert tuple(path[0]) == (x, y)
        np.testing.assert_array_equal(drawn(view, name), path)
    assert tuple(view.figure.start_marker.get_data()[0]) == (x,)


def test_widgets_change_the_paths(qtbot, paths_view):
    view = paths_view
    view.optimizers.checks["nesterov"].setChecked(True)
    view.optimizers.boxes["nesterov", "momentum"].setValue(0.5)
    view.optimizers.boxes["sgd", "lr"].setValue(0.2)
    view.start_x.setValue(5.0)
    view.start_y.setValue(-3.0)
    view.steps_spin.setValue(12)
    wait_paths(qtbot, view)
    assert view.state.hyper["nesterov"] == {"lr": 0.1, "momentum": 0.5}
    view.set_step(12)
    expected = engine_paths(view)
    assert set(expected) == {*BOOK, "nesterov"}
    for name, path in expected.items():
        assert path.shape == (13, 2) and tuple(path[0]) == (5.0, -3.0)
        np.testing.assert_array_equal(drawn(view, name), path)
    np.testing.assert_array_equal(
        expected["sgd"], L.optimizer_path("book", {"name": "sgd", "lr": 0.2}, (5, -3), 12))


def test_step_slider_scrubs_every_path(qtbot, paths_view):
    view = paths_view
    view.playback.slider.setValue(7)
    assert not view.playing
    assert view.playback.step_label.text() == "step 7 / 30"
    for name, path in view.result.paths.items():
        np.testing.assert_array_equal(drawn(view, name), path[:8])
        np.testing.assert_array_equal(np.column_stack(view.figure.heads[name].get_data()),
                                      path[7:8])
        assert len(view.figure.loss_lines[name].get_data()[0]) == 8
    assert view.figure.cursor.get_xdata()[0] == 7


def test_playback_animates_to_the_end(qtbot, paths_view):
    view = paths_view
    assert view.playback.timer.interval() <= FRAME_MS <= 34  # ≤ ~30 frames per second
    view.playback.speed_combo.setCurrentIndex(view.playback.speed_combo.findData(250))
    view.replay()
    assert view.playing and view.figure.step == 0
    qtbot.waitUntil(lambda: 0 < view.figure.step < 30 or not view.playing, timeout=3000)
    qtbot.waitUntil(lambda: not view.playing, timeout=5000)
    bar = view.playback
    assert view.figure.step == 30 and bar.slider.value() == 30 and bar.frames > 0
    qtbot.mouseClick(view.playback.play_button, Qt.MouseButton.LeftButton)  # at the end: replays
    assert view.playing
    qtbot.mouseClick(view.playback.play_button, Qt.MouseButton.LeftButton)
    assert not view.playing


def test_divergence_is_marked_and_drawn_sanely(qtbot, paths_view):
    view = paths_view
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)
        choose(view.function_combo, "rosenbrock")
        view.optimizers.boxes["sgd", "lr"].setValue(0.95)
        wait_paths(qtbot, view)
        view.set_step(view.state.steps)
        view.canvas.canvas.draw()
    summary = view.result.summaries["sgd"]
    assert summary.diverged_at is not None
    assert view.table.cell("sgd", "status") == f"diverged (step {summary.diverged_at})"
    assert view.table.cell("sgd", "final") == "—"
    verts = drawn(view, "sgd")
    finite = verts[np.all(np.isfinite(verts), axis=1)]
    x0, x1, y0, y1 = L.get("rosenbrock").view
    assert np.all(np.abs(finite) <= 3 * max(x1 - x0, y1 - y0) + 3)  # clipped near the view
    np.testing.assert_array_equal(verts[0], view.result.paths["sgd"][0])
    assert view.table.cell("adam", "status") != "diverged"


def test_bad_values_are_explained_inline(qtbot, paths_view):
    view = paths_view
    box = view.optimizers.boxes["momentum", "momentum"]
    box.setValue(1.5)
    assert not view.optimizers.error.isHidden()
    assert "momentum" in view.optimizers.error.text()
    assert view.state.hyper["momentum"]["momentum"] == 0.9 and box.value() == 0.9
    view.optimizers.boxes["sgd", "lr"].setValue(0.0)
    assert "learning rate" in view.optimizers.error.text()
    assert view.state.hyper["sgd"]["lr"] == 0.95
    view.start_x.setValue(1e6)
    assert not view.run_error.isHidden() and view.state.start == (-7.0, 2.0)
    view.optimizers.boxes["sgd", "lr"].setValue(0.5)
    assert view.optimizers.error.isHidden()


def test_large_runs_go_to_a_worker_thread(qtbot, paths_view):
    view = paths_view
    for check in view.optimizers.checks.values():
        check.setChecked(True)
    wait_paths(qtbot, view)  # nothing in flight: the next request starts at once, not queued
    qtbot.waitUntil(lambda: not view.job.busy, timeout=15000)
    background = view.job.background_runs
    view.steps_spin.setValue(5000)
    assert view.job.background_runs == background + 1  # 35,000 steps are never run inline
    wait_paths(qtbot, view)
    view.set_step(5000)
    for name, path in engine_paths(view).items():
        assert path.shape == (5001, 2)
        np.testing.assert_array_equal(view.result.paths[name], path)


def test_settings_round_trip_and_bad_settings(qtbot, paths_view):
    view = paths_view
    choose(view.function_combo, "two_minima")
    view.optimizers.checks["rmsprop"].setChecked(True)
    view.optimizers.boxes["rmsprop", "decay_rate"].setValue(0.8)
    wait_paths(qtbot, view)
    saved = json.loads(json.dumps(view.to_dict()))
    other = OptimizerPathsView()
    qtbot.addWidget(other)
    other.load_dict(saved)
    wait_paths(qtbot, other)
    assert other.to_dict() == saved
    for name, path in view.result.paths.items():
        np.testing.assert_array_equal(other.result.paths[name], path)
    before = other.to_dict()
    for bad in ({"function": "himmelblau"}, {"steps": 0}, {"start": [1]},
                {"optimizers": {"sgd": {"lr": -1}}}, {"optimizers": {"lbfgs": {}}}, [1, 2]):
        with pytest.raises(ValueError):
            other.load_dict(bad)
        assert other.to_dict() == before
    other.shutdown()


def test_export_retranslate_and_shutdown(qtbot, paths_view, tmp_path, monkeypatch):
    view = paths_view
    path = tmp_path / "paths.png"
    view.export_png(str(path))
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and path.stat().st_size > 20000
    monkeypatch.setitem(i18n._state, "catalog", {"Play": "播放", "Optimizers": "优化器",
                                                   "Loss along the path": "沿路径的损失"})
    i18n.language_changed.emit()
    assert view.playback.play_button.text() == "播放"
    assert view.optimizer_box.title() == "优化器"
    assert view.figure.ax_loss.get_title() == "沿路径的损失"
    monkeypatch.setitem(i18n._state, "catalog", {})
    i18n.language_changed.emit()
    view.replay()
    view.shutdown()
    assert not view.playing


# ------------------------------------------------------------------ initializer histograms
def engine_histograms(settings: InitGridSettings):
    out = {}
    for name in settings.row_names():
        acts = E.layer_activations(name, settings.activation, n_inputs=settings.n_inputs,
                                   seed=settings.seed)
        value_range = E.histogram_range(settings.activation, acts)
        rows = []
        for a in acts:
            values = a[a != 0] if settings.activation == "relu" else a
            rows.append(np.histogram(values, bins=30, range=value_range))
        out[name] = rows
    return out


def assert_grid_matches_engine(view) -> None:
    expected = engine_histograms(view.settings)
    assert view.figure.rows == tuple(expected)
    assert view.figure.axes.shape == (len(expected), 5)
    for name, rows in expected.items():
        for c, (counts, edges) in enumerate(rows):
            data = view.figure.stairs[name, c].get_data()
            np.testing.assert_array_equal(data.values, counts)
            np.testing.assert_allclose(data.edges, edges, rtol=1e-12)


def test_grid_opens_on_the_books_experiment_and_matches_the_engine(grid_view):
    view = grid_view
    assert view.settings == InitGridSettings()
    assert view.figure.rows == ("std1", "std0.01", "xavier", "he")
    assert_grid_matches_engine(view)
    std1 = view.figure.stairs["std1", 0].get_data().values
    assert std1[0] + std1[-1] > 0.5 * std1.sum()  # saturated at 0 and 1 (fig. 6-10)
    assert "saturated" in view.figure.texts["std1", 0].get_text()


def test_widgets_drive_the_grid(qtbot, grid_view):
    view = grid_view
    view.activation.setCurrentIndex(view.activation.findData("relu"))
    view.inputs.setValue(300)
    view.seed.setValue(5)
    view.row_checks["std1"].setChecked(False)
    view.custom_check.setChecked(True)
    view.custom_std.setValue(0.2)
    wait_grid(qtbot, view)
    assert view.settings.row_names() == ("std0.01", "xavier", "he", "std0.2")
    assert_grid_matches_engine(view)
    acts = E.layer_activations("he", "relu", n_inputs=300, seed=5)
    zeros = np.mean(acts[2] == 0)
    assert f"{zeros:.0%}" in view.figure.texts["he", 2].get_text()
    view.redraw_button.click()
    wait_grid(qtbot, view)
    assert view.settings.seed == 6
    assert_grid_matches_engine(view)


def test_grid_books_button_and_bad_input(qtbot, grid_view):
    view = grid_view
    view.activation.setCurrentIndex(view.activation.findData("tanh"))
    for check in view.row_checks.values():
        check.setChecked(False)
    assert "at least one" in view.error.text() and not view.error.isHidden()
    assert view.figure.axes.size == 0 and view.grid is None
    view.custom_check.setChecked(True)
    view.custom_std.setValue(-1.0)
    assert "custom std" in view.error.text()
    assert view.settings.custom_std == 0.05 and view.custom_std.value() == 0.05
    qtbot.mouseClick(view.book_button, Qt.MouseButton.LeftButton)
    wait_grid(qtbot, view)
    assert view.settings == InitGridSettings() and view.error.isHidden()
    assert view.activation.currentData() == "sigmoid" and view.inputs.value() == 1000
    assert all(c.isChecked() for c in view.row_checks.values())
    assert_grid_matches_engine(view)


def test_small_grids_are_computed_inline(qtbot, grid_view):
    view = grid_view
    view.inputs.setValue(20)  # a measured rate is known by now: 20 × 4 rows is instant
    # The inline decision compares the measured rate with the budget; on a loaded machine the
    # measured rate can be slow, so give the budget room: this tests the decision, not the CPU.
    view.job.budget = 60.0
    runs = view.job.inline_runs
    view.seed.setValue(9)
    assert view.job.inline_runs == runs + 1 and view.shown_settings == view.settings
    assert_grid_matches_engine(view)


def test_grid_round_trip_export_and_retranslate(qtbot, grid_view, tmp_path, monkeypatch):
    view = grid_view
    view.activation.setCurrentIndex(view.activation.findData("relu"))
    view.row_checks["xavier"].setChecked(False)
    wait_grid(qtbot, view)
    saved = json.loads(json.dumps(view.to_dict()))
    other = InitHistogramView()
    qtbot.addWidget(other)
    other.load_dict(saved)
    wait_grid(qtbot, other)
    assert other.settings == view.settings and other.to_dict() == saved
    assert_grid_matches_engine(other)
    for bad in ({"activation": "softplus"}, {"n_inputs": 0}, {"rows": ["glorot"]},
                {"custom_std": math.inf}, {"seed": -1}, "x"):
        with pytest.raises(ValueError):
            other.load_dict(bad)
        assert other.settings == view.settings
    other.shutdown()
    png = tmp_path / "grid.png"
    view.export_png(str(png))
    assert png.read_bytes()[:4] == b"\x89PNG"
    monkeypatch.setitem(i18n._state, "catalog", {"Layer {k}": "第{k}层",
                                                   "Initializers (rows)": "初始值（行）"})
    i18n.language_changed.emit()
    assert view.figure.axes[0, 2].get_title() == "第3层"
    assert view.rows_box.title() == "初始值（行）"
    monkeypatch.setitem(i18n._state, "catalog", {})
    i18n.language_changed.emit()
    assert view.figure.axes[0, 2].get_title() == "Layer 3"


# ------------------------------------------------------------------------------- themes
def test_theme_switch_restyles_both_views(qtbot, paths_view, grid_view):
    from matplotlib.colors import to_rgba

    from workbench.plots.compare.init_grid_plot import ROW_COLORS
    from workbench.ui import theme

    light_face = paths_view.figure.fig.get_facecolor()
    try:
        theme.apply_theme("dark")
        qtbot.waitUntil(lambda: paths_view.figure.fig.get_facecolor() != light_face,
                        timeout=3000)
        dark = theme.plot_colors()
        for fig in (paths_view.figure, grid_view.figure):
            assert fig.fig.get_facecolor() == to_rgba(dark["window"])
            assert fig.colors == dark
        row = grid_view.figure.row_titles["he"]  # keeps its row colour
        assert to_rgba(row.get_color()) == to_rgba(ROW_COLORS["he"])
        assert_grid_matches_engine(grid_view)  # the data survive the restyle
        paths_view.set_step(30)
        for name, path in engine_paths(paths_view).items():
            np.testing.assert_array_equal(drawn(paths_view, name), path)
    finally:
        theme.apply_theme("system")
