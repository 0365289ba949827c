"""Issue 15.21: Undo groups a burst of changes to one setting into one entry, and names a
loaded preset by its display name."""

from __future__ import annotations

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QAbstractSpinBox

from workbench.core import i18n
from workbench.pages.train.builder import BuilderWidget
from workbench.shell.main_window import MainWindow
from workbench.state import BuilderState
from workbench.state.builder import MERGE_SECONDS


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def convnet_state() -> tuple[BuilderState, Clock]:
    clock = Clock()
    state = BuilderState(clock=clock)
    state.load_preset("simple_convnet")
    return state, clock


def test_a_burst_of_changes_to_one_setting_is_one_undo_entry():
    state, clock = convnet_state()
    for filters in (31, 32, 33, 34, 35):  # five arrow clicks, 0.2 s apart
        clock.now += 0.2
        state.update(0, filters=filters)
    assert state.layers[0]["config"]["filters"] == 35
    state.undo()
    assert state.layers[0]["config"]["filters"] == 30  # the whole burst
    assert state.undo_label == "Load preset {title}".format(title="Simple ConvNet")
    state.redo()
    assert state.layers[0]["config"]["filters"] == 35


def test_pauses_other_settings_and_other_edits_start_new_entries():
    state, clock = convnet_state()
    state.update(0, filters=31)
    clock.now += MERGE_SECONDS + 0.1  # a pause: a new entry
    state.update(0, filters=32)
    clock.now += 0.1
    state.update(0, kernel_size=3)  # another setting: a new entry
    clock.now += 0.1
    state.update(3, units=50)  # another layer: a new entry
    state.add({"type": "ReLU"})
    clock.now += 0.1
    state.update(3, units=60)  # after another edit: a new entry
    steps = []
    while state.can_undo:
        steps.append(state.undo_label)
        state.undo()
    assert steps == ["Edit Dense", "Add ReLU", "Edit Dense", "Edit Conv2D", "Edit Conv2D",
                     "Edit Conv2D", "Load preset Simple ConvNet"]


def test_a_burst_that_ends_where_it_began_leaves_no_entry():
    state, clock = convnet_state()
    for filters in (31, 32, 31, 30):
        clock.now += 0.1
        state.update(0, filters=filters)
    assert state.layers[0]["config"]["filters"] == 30
    assert state.preset == "simple_convnet"  # still the preset, not "Custom"
    assert state.undo_label == "Load preset Simple ConvNet"


def test_arrow_clicks_in_the_settings_spin_box_are_one_undo_step(qtbot):
    state = BuilderState()
    widget = BuilderWidget(state)
    qtbot.addWidget(widget)
    state.load_preset("simple_convnet")
    widget.select(0)
    box = widget.properties.editors["filters"]
    before = len(state._undo)
    for _ in range(4):
        box.stepBy(1)  # what a click on the up arrow does
    assert state.layers[0]["config"]["filters"] == 34 and len(state._undo) == before + 1
    state.undo()
    assert box.value() == 30
    assert box.stepEnabled() & QAbstractSpinBox.StepEnabledFlag.StepUpEnabled


def test_the_undo_menu_names_the_preset_by_its_title(qtbot, tmp_path):
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    try:
        win.builder.load_preset("two_layer_net")
        assert win.a_undo.text() == "&Undo — Load preset Two-layer net"
        i18n.set_language("zh_CN")
        assert win.a_undo.text() == i18n.tr("&Undo — {edit}").format(
            edit=i18n.tr("Load preset {title}").format(title=i18n.tr_dynamic("Two-layer net")))
        assert "two_layer_net" not in win.a_undo.text()
    finally:
        i18n.set_language("en")
        win.close()
