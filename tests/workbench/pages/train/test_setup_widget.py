"""The set-up widget drives TrainingSetup and follows it (style §12): data, augmentation,
optimizer, schedule and training fields, inline errors, tooltips and retranslation."""

from __future__ import annotations

from pathlib import Path

import pytest
import shiboken6
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractSpinBox,
    QComboBox,
    QDialog,
    QFileDialog,
    QLineEdit,
    QWidget,
)

import nn
from workbench.core import i18n
from workbench.pages.train.setup import DownloadDialog, SetupWidget
from workbench.pages.train.setup import data_panel as data_panel_module
from workbench.state.setup import TrainingSetup

IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")


pytestmark = pytest.mark.usefixtures("private_data_folders")


@pytest.fixture
def setup() -> TrainingSetup:
    return TrainingSetup()


@pytest.fixture
def widget(qtbot, setup: TrainingSetup) -> SetupWidget:
    w = SetupWidget(setup)
    qtbot.addWidget(w)
    w.show()
    return w


def _choose(combo: QComboBox, data: str) -> None:
    index = combo.findData(data)
    assert index >= 0, data
    combo.setCurrentIndex(index)


def _shown(w: QWidget, top: QWidget) -> bool:
    return w.isVisibleTo(top)


# ------------------------------------------------------------------------------------- data
def test_dataset_and_toy_options_update_the_state(widget: SetupWidget, setup: TrainingSetup):
    data = widget.data_panel
    data.train_size.setValue(500)
    assert setup.data.train_size == 500
    _choose(data.dataset, "moons")
    assert setup.data.name == "moons"
    assert setup.data.train_size is None  # would silently truncate the generated points
    assert _shown(data.toy_n, widget) and not _shown(data.train_size, widget)
    assert not _shown(data.augment, widget) and not _shown(data.files, widget)
    assert data.toy_noise.value() == pytest.approx(nn.datasets.TOY_DEFAULT_NOISE["moons"])
    data.toy_n.setValue(250)
    data.toy_noise.setValue(0.3)
    data.toy_seed.setValue(7)
    assert (setup.data.toy_n, setup.data.toy_noise, setup.data.toy_seed) == (250, 0.3, 7)
    _choose(data.dataset, "digits")
    assert setup.data.name == "digits"
    assert _shown(data.train_size, widget) and _shown(data.augment, widget)
    assert not _shown(data.toy_n, widget)


def test_image_options_update_the_state(widget: SetupWidget, setup: TrainingSetup):
    data = widget.data_panel
    data.train_size.setValue(1000)
    data.val_fraction.setValue(20)
    assert (setup.data.train_size, setup.data.val_fraction) == (1000, 0.2)
    data.train_size.setValue(0)
    assert setup.data.train_size is None
    assert data.train_size.text() == "All"


def test_state_changes_update_the_data_widgets(widget: SetupWidget, setup: TrainingSetup):
    values = setup.to_dict()
    values["data"].update(name="spiral", toy_n=123, toy_noise=0.05, toy_seed=3,
                          val_fraction=0.25)
    setup.load_dict(values)
    data = widget.data_panel
    assert data.dataset.currentData() == "spiral"
    assert (data.toy_n.value(), data.toy_noise.value(), data.toy_seed.value()) == (123, 0.05, 3)
    assert data.val_fraction.value() == 25
    setup.set_dataset("digits")
    setup.set_data(train_size=777)
    assert data.dataset.currentData() == "digits" and data.train_size.value() == 777


def test_one_edit_announces_one_change(widget: SetupWidget, setup: TrainingSetup):
    calls: list[int] = []
    setup.changed.connect(lambda: calls.append(1))
    widget.training_panel.batch_size.setValue(64)
    widget.optimizer_panel.lr_edit.setValue(0.002)
    assert len(calls) == 2  # no echo from the widgets following the state


def test_augmentation_settings(widget: SetupWidget, setup: TrainingSetup):
    box = widget.data_panel.augment
    assert setup.data.augment is None and not _shown(box.settings, widget)
    box.enabled_check.setChecked(True)
    assert _shown(box.settings, widget)
    assert setup.data.augment["max_shift"] == 2.0
    box.shift.setValue(3.0)
    box.rotation.setValue(15)
    box.scale_low.setValue(0.8)
    box.noise.setValue(0.05)
    box.thickness.setValue(40)
    config = setup.data.augment
    assert config["max_shift"] == 3.0 and config["max_rotation"] == 15
    assert config["scale_range"] == [0.8, 1.1]
    assert config["noise"] and config["noise_std"] == 0.05
    assert config["thickness"] and config["thickness_prob"] == pytest.approx(0.4)
    augmenter = nn.datasets.Augmenter.from_config(config)
    assert augmenter.max_shift == 3.0 and augmenter.thickness_prob == pytest.approx(0.4)

    box.scale_low.setValue(1.5)  # above the upper end: the engine refuses
    assert _shown(box.error, widget) and "Invalid scale_range" in box.error.text()
    assert setup.data.augment["scale_range"] == [0.8, 1.1]

    box.enabled_check.setChecked(False)
    assert setup.data.augment is None and not _shown(box.settings, widget)

    setup.set_augment(True, {"max_shift": 1.0, "max_rotation": 5.0, "scale_range": [1.0, 1.0],
                             "noise": True, "noise_std": 0.1})
    assert box.enabled_check.isChecked() and _shown(box.settings, widget)
    assert (box.shift.value(), box.rotation.value(), box.noise.value()) == (1.0, 5.0, 0.1)
    assert box.thickness.value() == 0 and not box.error.isVisible()


def test_choosing_a_folder_without_mnist_shows_an_inline_error(
        widget: SetupWidget, setup: TrainingSetup, tmp_path: Path, monkeypatch):
    data = widget.data_panel
    _choose(data.dataset, "mnist")
    assert setup.data.name == "mnist" and _shown(data.files, widget)
    assert "Not found" in data.files_status.text() and data.download_button.isEnabled()
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(empty))
    data.choose_button.click()
    assert _shown(data.folder_error, widget)
    assert str(empty) in data.folder_error.text() and "train-images-idx3-ubyte" in \
        data.folder_error.text()
    assert setup.data.data_dir is None

    full = tmp_path / "data"
    (full / "mnist").mkdir(parents=True)
    for name in IDX_NAMES:
        (full / "mnist" / (name + ".gz")).write_bytes(b"")
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: str(full))
    data.choose_button.click()
    assert setup.data.data_dir == str(full)
    assert not data.folder_error.isVisible()
    assert "Found" in data.files_status.text()
    assert data.files_path.full_text() == str(full / "mnist")
    assert not data.download_button.isEnabled()
    # the folder is remembered across a detour through another data set
    _choose(data.dataset, "xor")
    _choose(data.dataset, "mnist")
    assert setup.data.data_dir == str(full)

    monkeypatch.setattr(QFileDialog, "getExistingDirectory", lambda *a, **k: "")
    data.choose_button.click()  # the user cancelled the folder dialog: nothing changes
    assert setup.data.data_dir == str(full)


def test_download_button_opens_the_dialog_and_announces_the_files(
        widget: SetupWidget, setup: TrainingSetup, monkeypatch):
    opened: list[tuple[str, object]] = []

    class FakeDialog(QDialog):
        def __init__(self, name, data_dir, parent):
            super().__init__(parent)
            opened.append((name, data_dir))

        def open(self):
            self.accept()

    monkeypatch.setattr(data_panel_module, "DownloadDialog", FakeDialog)
    _choose(widget.data_panel.dataset, "fashion-mnist")
    changes: list[int] = []
    setup.changed.connect(lambda: changes.append(1))
    widget.data_panel.download_button.click()
    assert opened == [("fashion-mnist", None)]
    assert changes == [1]  # listeners learn that the files may be there now


# -------------------------------------------------------------------------------- optimizer
EXPECTED_FIELDS = {"sgd": set(), "momentum": {"momentum"}, "nesterov": {"momentum"},
                   "adagrad": set(), "rmsprop": {"decay_rate"}, "adadelta": {"rho"},
                   "adam": {"beta1", "beta2"}}


@pytest.mark.parametrize("name", list(EXPECTED_FIELDS))
def test_optimizer_switch_shows_only_its_fields(widget: SetupWidget, setup: TrainingSetup,
                                                name: str):
    panel = widget.optimizer_panel
    _choose(panel.optimizer, name)
    assert setup.optimizer_name == name
    shown = {key for key in ("momentum", "decay_rate", "rho", "beta1", "beta2")
             if _shown(panel.fields[key], widget)}
    assert shown == EXPECTED_FIELDS[name]
    assert _shown(panel.lr_edit, widget) and _shown(panel.fields["weight_decay"], widget)
    assert panel.lr_edit.value() == pytest.approx(nn.optimizers.RULES[name].default_lr)
    has_eps = "eps" in nn.optimizers.RULES[name].defaults
    assert _shown(panel.advanced, widget) == has_eps
    assert not _shown(panel.fields["eps"], widget)
    panel.advanced.click()
    assert _shown(panel.fields["eps"], widget) == has_eps


def test_hyperparameters_update_the_state(qtbot, widget: SetupWidget, setup: TrainingSetup):
    panel = widget.optimizer_panel
    with qtbot.waitSignal(widget.learningRateEdited) as blocker:
        widget.lr_edit.setValue(0.01)
    assert blocker.args == [0.01] and setup.optimizer["lr"] == 0.01
    panel.fields["beta1"].setValue(0.8)
    panel.fields["beta2"].setValue(0.99)
    panel.fields["weight_decay"].setValue(1e-4)
    assert setup.optimizer_fields()["beta1"] == 0.8 and setup.optimizer["beta2"] == 0.99
    assert setup.optimizer["weight_decay"] == 1e-4
    _choose(panel.optimizer, "momentum")
    panel.fields["momentum"].setValue(0.5)
    assert setup.optimizer["momentum"] == 0.5
    assert setup.optimizer["weight_decay"] == 1e-4  # kept across the switch


def test_learning_rate_accepts_scientific_notation_and_steps_1_2_5(qtbot, widget: SetupWidget,
                                                                   setup: TrainingSetup):
    edit = widget.lr_edit
    edit.lineEdit().selectAll()
    qtbot.keyClicks(edit.lineEdit(), "1e-4")
    qtbot.keyClick(edit.lineEdit(), Qt.Key.Key_Return)
    assert setup.optimizer["lr"] == pytest.approx(1e-4)
    assert edit.text() == "0.0001"
    edit.stepBy(1)
    assert setup.optimizer["lr"] == pytest.approx(2e-4)
    edit.stepBy(-2)
    assert setup.optimizer["lr"] == pytest.approx(5e-5) and edit.text() == "5e-5"


def test_invalid_values_show_the_engine_message_and_keep_the_old_value(
        widget: SetupWidget, setup: TrainingSetup):
    panel = widget.optimizer_panel
    edited: list[float] = []
    widget.learningRateEdited.connect(edited.append)
    with pytest.raises(ValueError) as expected:
        nn.optimizers.get("adam").check_hyperparameters(lr=0.0)
    panel.lr_edit.setValue(0.0)
    assert _shown(panel.errors["lr"], widget)
    assert panel.errors["lr"].text() == str(expected.value)
    assert setup.optimizer["lr"] == 0.001 and edited == []

    _choose(panel.optimizer, "momentum")  # a state change re-reads the fields, clearing errors
    assert not panel.errors["lr"].isVisible()
    panel.fields["momentum"].setValue(1.5)
    assert "Invalid momentum: 1.5" in panel.errors["momentum"].text()
    assert setup.optimizer_fields()["momentum"] == 0.9
    panel.fields["weight_decay"].setValue(-1.0)
    assert "Invalid weight_decay" in panel.errors["weight_decay"].text()
    assert setup.optimizer.get("weight_decay", 0.0) == 0.0
    panel.fields["momentum"].setValue(0.8)  # a valid value clears its message
    assert not panel.errors["momentum"].isVisible() and setup.optimizer["momentum"] == 0.8


def test_schedule_in_epochs(widget: SetupWidget, setup: TrainingSetup):
    panel = widget.optimizer_panel
    assert not _shown(panel.every, widget) and not _shown(panel.gamma, widget)
    _choose(panel.schedule, "step")
    assert setup.schedule == {"name": "step", "every": 2, "gamma": 0.5}
    assert _shown(panel.every, widget) and _shown(panel.gamma, widget)
    panel.every.setValue(3)
    panel.gamma.setValue(0.25)
    assert setup.schedule == {"name": "step", "every": 3, "gamma": 0.25}
    _choose(panel.schedule, "exponential")
    assert setup.schedule == {"name": "exponential", "gamma": 0.9}
    assert not _shown(panel.every, widget)
    _choose(panel.schedule, "cosine")
    panel.min_factor.setValue(10)
    assert setup.schedule == {"name": "cosine", "min_factor": 0.1}
    assert _shown(panel.min_factor, widget) and not _shown(panel.gamma, widget)
    assert "0.0001" in panel.schedule_hint.text()  # 10 % of 0.001 at the end

    _choose(panel.schedule, "step")
    assert setup.schedule["gamma"] == 0.25  # step decay remembered its own γ
    panel.gamma.setValue(1.5)
    assert "Invalid decay factor" in panel.schedule_error.text()
    assert setup.schedule["gamma"] == 0.25

    setup.set_schedule("step", every=4, gamma=0.5)
    assert panel.schedule.currentData() == "step"
    assert (panel.every.value(), panel.gamma.value()) == (4, 0.5)
    assert not panel.schedule_error.isVisible()
    setup.set_schedule("constant")
    assert not _shown(panel.schedule_hint, widget)


def test_state_changes_update_the_optimizer_widgets(widget: SetupWidget, setup: TrainingSetup):
    values = setup.to_dict()
    values["optimizer"] = {"name": "rmsprop", "lr": 0.005, "decay_rate": 0.9,
                           "weight_decay": 0.01}
    setup.load_dict(values)
    panel = widget.optimizer_panel
    assert panel.optimizer.currentData() == "rmsprop"
    assert panel.lr_edit.value() == 0.005 and panel.fields["decay_rate"].value() == 0.9
    assert panel.fields["weight_decay"].value() == 0.01
    assert _shown(panel.fields["decay_rate"], widget) and not _shown(panel.fields["beta1"],
                                                                     widget)


# --------------------------------------------------------------------------------- training
def test_training_fields_update_the_state(widget: SetupWidget, setup: TrainingSetup):
    panel = widget.training_panel
    panel.batch_size.setValue(32)
    panel.epochs.setValue(7)
    panel.seed.setValue(5)
    panel.dtype.setCurrentIndex(1)
    panel.train_eval_size.setValue(0)
    panel.advanced.click()
    panel.eval_size.setValue(3000)
    panel.max_iterations.setValue(200)
    t = setup.training
    assert (t.batch_size, t.epochs, t.seed) == (32, 7, 5)
    assert setup.dtype == "float64"
    assert t.train_eval_size is None and t.eval_size == 3000 and t.max_iterations == 200


def test_state_changes_update_the_training_widgets(widget: SetupWidget, setup: TrainingSetup):
    values = setup.to_dict()
    values["training"].update(batch_size=16, epochs=12, seed=9, train_eval_size=500)
    values["dtype"] = "float64"
    setup.load_dict(values)
    panel = widget.training_panel
    assert (panel.batch_size.value(), panel.epochs.value(), panel.seed.value()) == (16, 12, 9)
    assert panel.train_eval_size.value() == 500 and panel.dtype.currentIndex() == 1


def test_model_initializer(qtbot, widget: SetupWidget):
    combo = widget.training_panel.init
    assert [combo.itemData(i) for i in range(combo.count())] == list(nn.initializers.NAMES)
    assert widget.model_init() == "he"
    with qtbot.waitSignal(widget.modelInitChanged) as blocker:
        _choose(combo, "xavier")
    assert blocker.args == ["xavier"]
    emitted: list[str] = []
    widget.modelInitChanged.connect(emitted.append)
    widget.set_model_init("relu")  # an alias
    assert widget.model_init() == "he" and emitted == []
    widget.set_model_init("std0.1")  # not listed: added
    assert widget.model_init() == "std0.1" and "0.1" in combo.currentText()
    for index in range(combo.count()):
        assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole)


def test_training_lock_keeps_only_the_learning_rate_editable(widget: SetupWidget):
    widget.set_training_locked(True)
    assert widget.is_training_locked() and _shown(widget.lock_hint, widget)
    for w in (widget.data_panel.dataset, widget.data_panel.augment.enabled_check,
              widget.optimizer_panel.optimizer, widget.optimizer_panel.schedule,
              widget.optimizer_panel.fields["beta1"], widget.training_panel.batch_size,
              widget.training_panel.epochs, widget.training_panel.init,
              widget.training_panel.dtype, widget.training_panel.seed):
        assert not w.isEnabled(), w
    assert widget.lr_edit.isEnabled()
    widget.set_training_locked(False)
    assert widget.training_panel.batch_size.isEnabled() and not widget.lock_hint.isVisible()


# ------------------------------------------------------------------- tooltips and language
def _interactive(root: QWidget) -> list[QWidget]:
    found = []
    for w in root.findChildren(QWidget):
        if isinstance(w, QLineEdit) and isinstance(w.parent(), (QAbstractSpinBox, QComboBox)):
            continue  # the editor inside a spin box or combo box
        if isinstance(w, (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit)):
            found.append(w)
    return found


def test_every_control_has_a_tooltip(qtbot, widget: SetupWidget):
    controls = _interactive(widget)
    assert len(controls) > 30
    missing = [(type(w).__name__, getattr(w, "text", str)()) for w in controls
               if not w.toolTip()]
    assert missing == []
    for combo in widget.findChildren(QComboBox):
        if combo is widget.training_panel.dtype:
            continue  # two self-explaining entries; the combo's tooltip explains them
        for index in range(combo.count()):
            if combo.itemData(index) is not None:
                assert combo.itemData(index, Qt.ItemDataRole.ToolTipRole), combo.itemText(index)
    dialog = DownloadDialog("mnist")
    qtbot.addWidget(dialog)
    assert all(w.toolTip() for w in _interactive(dialog))


def test_retranslate_is_connected(qtbot, setup: TrainingSetup, monkeypatch):
    widget = SetupWidget(setup)
    qtbot.addWidget(widget)
    catalog = {"Data": "数据", "Optimizer": "优化器", "Training": "训练", "Batch size": "批大小",
               "MNIST (60,000)": "MNIST（60,000）"}
    monkeypatch.setitem(i18n._state, "catalog", catalog)
    i18n.language_changed.emit()
    assert widget.data_panel.title() == "数据" and widget.optimizer_panel.title() == "优化器"
    assert widget.training_panel.title() == "训练"
    assert widget.training_panel._labels["batch_size"].text() == "批大小"
    data = widget.data_panel.dataset
    assert data.itemText(data.findData("mnist")) == "MNIST（60,000）"
    monkeypatch.setitem(i18n._state, "catalog", {})
    widget.retranslate()
    widget.data_panel.retranslate()
    assert widget.data_panel.title() == "Data"


def test_deleted_widgets_stop_listening(setup: TrainingSetup):
    widget = SetupWidget(setup)
    assert setup.changed._slots
    shiboken6.delete(widget)
    setup.set_training(batch_size=20)  # the relays notice and disconnect themselves
    assert setup.changed._slots == []
    i18n.language_changed.emit()  # nothing calls into the deleted widgets
