"""The main window and the Build & Train workflow, driven through the widgets (offscreen)."""

from __future__ import annotations

import json
import math
import pickle

import numpy as np
import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtWidgets import QMessageBox

import nn
from nn.training import Finished
from workbench.shell import file_actions
from workbench.shell.main_window import MainWindow


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.resize(1360, 860)
    win.show()
    yield win
    win.close()


@pytest.fixture
def dialogs(monkeypatch):
    """Record error dialogs instead of showing them."""
    shown = []
    monkeypatch.setattr(file_actions, "error_dialog",
                        lambda parent, title, message: shown.append((title, message)))
    return shown


def small_digits(win, epochs=2):
    win.setup.set_data(train_size=600, val_fraction=0.2)
    win.setup.set_training(epochs=epochs, batch_size=50, train_eval_size=300)


def train_and_wait(qtbot, win, timeout=120_000):
    page = win.train_page
    with qtbot.waitSignal(page.controller.finished, timeout=timeout) as done:
        qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)
    page.plots.refresh(force=True)
    return done.args[0]


def build_mlp_through_widgets(qtbot, win):
    """Pick the two-layer preset in the builder's combo, then add a layer with the Add menu."""
    builder = win.train_page.builder_widget
    combo = builder.preset_combo
    index = combo.findData("two_layer_net")
    combo.setCurrentIndex(index)
    combo.activated.emit(index)  # what a user's pick emits
    assert [spec["type"] for spec in win.builder.layers] == ["Dense", "ReLU", "Dense"]
    builder.select(1)
    builder.add_layer("Dropout")
    assert [spec["type"] for spec in win.builder.layers] == ["Dense", "ReLU", "Dropout", "Dense"]


def test_opens_with_a_trainable_default(window):
    page = window.train_page
    assert window.builder.preset == "simple_convnet"
    assert page.train_button.isEnabled()
    assert not page.stop_button.isEnabled()
    assert "Neural Network Workbench" in window.windowTitle()
    assert page.status_text().startswith("Ready")


def test_build_train_and_plots_hold_the_reported_metrics(qtbot, window):
    build_mlp_through_widgets(qtbot, window)
    small_digits(window)
    page = window.train_page
    epochs = []
    page.controller.epochEnded.connect(epochs.append)
    outcome = train_and_wait(qtbot, window)
    assert isinstance(outcome, Finished)
    assert [e.epoch for e in epochs] == [1, 2]
    fig = page.plots.training
    history = page.run.history
    assert len(history.iterations) == 2 * 10  # 600 images, 20 % validate: 480 / batch 50
    np.testing.assert_array_equal(fig.raw.get_ydata(), history.losses)
    np.testing.assert_array_equal(fig.acc_val.get_ydata(), [e.val_acc for e in epochs])
    np.testing.assert_array_equal(fig.acc_test.get_ydata(), [e.test_acc for e in epochs])
    np.testing.assert_array_equal(fig.acc_train.get_ydata(), [e.train_acc for e in epochs])
    assert f"{epochs[-1].test_acc:.2%}" in page.status_text()
    assert window.context.model is page.model and not window.context.training
    assert page.more_button.isEnabled()
    # +1 epoch continues the same run
    with qtbot.waitSignal(page.controller.finished, timeout=60_000):
        qtbot.mouseClick(page.more_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)
    assert [e.epoch for e in page.run.history.epochs] == [1, 2, 3]


def test_invalid_stack_disables_train_and_shows_the_message(qtbot, window):
    builder = window.train_page.builder_widget
    page = window.train_page
    builder.select(window.builder.layers.__len__() - 1)
    builder.add_layer("Conv2D")  # a convolution after the last Dense: impossible
    assert not builder.is_valid
    assert not page.train_button.isEnabled()
    assert "needs a 3-D input" in page.train_button.toolTip()
    assert "3-D input" in builder.footer_error.text()
    window.builder.undo()
    assert page.train_button.isEnabled()


def test_step_layer_blocks_training(window):
    window.builder.load_preset("multi_layer_net", hidden_sizes=[8], activation="Step")
    assert window.train_page.builder_widget.is_valid  # it builds…
    assert not window.train_page.train_button.isEnabled()  # …but cannot be trained
    assert "Step" in window.train_page.train_button.toolTip()


def test_session_round_trip_restores_model_settings_and_curves(qtbot, window, tmp_path,
                                                               dialogs):
    window.builder.load_preset("two_layer_net", hidden_size=20)
    small_digits(window, epochs=1)
    window.setup.set_optimizer("momentum")
    window.setup.set_hyperparameter("lr", 0.05)
    train_and_wait(qtbot, window)
    path = str(tmp_path / "run.nnwb")
    window.session_path = path
    assert window.save_session()
    trained = window.train_page.model.state_dict()
    losses = list(window.train_page.run.history.losses)

    window.new_session()
    assert window.builder.preset == "simple_convnet" and window.train_page.model is None
    window.open_path(path)
    assert dialogs == []
    assert window.setup.optimizer == {"name": "momentum", "lr": 0.05}
    assert window.setup.training.epochs == 1
    assert [s["type"] for s in window.builder.layers] == ["Dense", "ReLU", "Dense"]
    restored = window.train_page.model.state_dict()
    assert restored.keys() == trained.keys()
    assert all(np.array_equal(restored[k], trained[k]) for k in trained)
    assert window.train_page.run.history.losses == losses
    np.testing.assert_array_equal(window.train_page.plots.training.raw.get_ydata(), losses)
    assert path in window.recent.paths()[0]


@pytest.mark.parametrize("kind", ["truncated", "foreign", "pickled", "text"])
def test_bad_session_files_give_a_dialog(window, tmp_path, dialogs, kind):
    path = tmp_path / "bad.nnwb"
    if kind == "truncated":
        window.session_path = str(path)
        window.save_session()
        path.write_bytes(path.read_bytes()[:100])
    elif kind == "foreign":
        with open(path, "wb") as f:
            np.savez(f, a=np.zeros(3))
    elif kind == "pickled":
        path.write_bytes(pickle.dumps({"x": 1}))
    else:
        path.write_text("hello")
    before = json.dumps(window.setup.to_dict())
    window.open_path(str(path))
    assert len(dialogs) == 1 and str(path) in dialogs[0][1]
    assert json.dumps(window.setup.to_dict()) == before  # nothing changed


def test_open_and_save_model_files(window, tmp_path, dialogs, monkeypatch):
    model = nn.presets.build("two_layer_net", hidden_size=12, seed=3)
    path = tmp_path / "m.npz"
    nn.save_model(model, path)
    window.open_model(str(path))
    assert dialogs == []
    assert window.train_page.model is not None
    assert window.builder.layers[0]["config"]["units"] == 12
    out = tmp_path / "saved.npz"
    monkeypatch.setattr(file_actions, "ask_save_path", lambda *a: str(out))
    window.save_model_dialog()
    again = nn.load_model(out)
    np.testing.assert_array_equal(again.named_parameters()["0.W"],
                                  model.named_parameters()["0.W"])
    (tmp_path / "bad.npz").write_bytes(b"PK\x03\x04 not really")
    window.open_model(str(tmp_path / "bad.npz"))
    assert dialogs and "truncated or damaged" in dialogs[-1][1]


def test_diverged_run_shows_a_clear_message(qtbot, window):
    window.setup.set_dataset("spiral")
    window.setup.set_optimizer("sgd")
    window.setup.set_hyperparameter("lr", 1e6)
    window.setup.set_training(epochs=5)
    train_and_wait(qtbot, window)
    page = window.train_page
    assert page.run.status == "diverged"
    assert page.message.isVisible() and "diverged" in page.message.text()
    assert all(math.isfinite(v) for v in page.plots.training.raw.get_ydata())
    assert not page.more_button.isEnabled()


def test_toy_data_shows_the_decision_boundary(qtbot, window):
    window.setup.set_dataset("moons")
    window.setup.set_training(epochs=3)
    assert window.builder.input_shape == (2,)
    train_and_wait(qtbot, window)
    plots = window.train_page.plots
    assert plots.boundary_canvas.isVisible()
    grid = window.train_page.run.probes["boundary"]
    assert grid.classes.shape == (120, 120) and set(np.unique(grid.classes)) <= {0, 1}


def test_closing_mid_training_stops_the_worker(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.setup.set_training(epochs=50)
    win.show()
    page = win.train_page
    page.train_button.click()
    qtbot.waitUntil(lambda: len(page.run.history.iterations) > 0, timeout=30_000)
    win.close()
    assert not page.controller.running


def test_settings_remember_choices(qtbot, tmp_path):
    path = str(tmp_path / "s.ini")
    first = MainWindow(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(first)
    first.setup.set_optimizer("rmsprop")
    first.builder.load_preset("two_layer_net")
    first.close()
    second = MainWindow(QSettings(path, QSettings.Format.IniFormat))
    qtbot.addWidget(second)
    assert second.setup.optimizer_name == "rmsprop"
    assert [s["type"] for s in second.builder.layers] == ["Dense", "ReLU", "Dense"]
    second.close()


def test_every_action_and_control_explains_itself(window):
    for action in window.findChildren(type(window.a_new)):
        if action.text() and not action.isSeparator() and action.menu() is None:
            assert action.toolTip() and action.toolTip() != action.text().replace("&", ""), \
                action.text()
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox

    for kind in (QAbstractButton, QComboBox, QAbstractSpinBox):
        for widget in window.train_page.findChildren(kind):
            if widget.isVisibleTo(window) and widget.parent().objectName() != "qt_spinbox_lineedit":
                assert widget.toolTip(), f"{type(widget).__name__} {widget.objectName()} " \
                                         f"{getattr(widget, 'text', lambda: '')()}"


def test_help_dialogs_open(window, qtbot):
    from PySide6.QtWidgets import QTableWidget

    from workbench.shell import dialogs

    expected = {dialogs.shortcuts: len(dialogs.SHORTCUTS),
                dialogs.chapters: len(dialogs.CHAPTERS)}
    for make, rows in expected.items():
        dialog = make(window)
        assert dialog.isVisible() and dialog.parent() is window
        table = dialog.findChild(QTableWidget)
        assert table.rowCount() == rows and table.item(0, 0).text()
        dialog.close()
    box = dialogs.about(window)
    assert isinstance(box, QMessageBox) and box.isVisible()
    assert box.windowTitle() == "About Neural Network Workbench"
    assert nn.__version__ in box.text() and "MNIST" in box.text()
    box.close()


def test_drawing_feature_maps_open_on_the_inspect_page(qtbot, window):
    from workbench.pages.inspect.feature_maps import DRAWING

    model = nn.presets.build("simple_convnet", filters=4, hidden_size=10)
    image = np.zeros((28, 28), np.float32)
    image[8:20, 12:16] = 1.0
    window.context.request_feature_maps(image, model)
    assert window.pages[window.sidebar.currentRow()][0] == "inspect"
    inspect = window.page("inspect")
    assert inspect.tabs.currentWidget() is inspect.feature_maps
    assert inspect.feature_maps.source_combo.currentData() == DRAWING
    assert window.context.drawing_model is model
    np.testing.assert_array_equal(window.context.drawing, image)
