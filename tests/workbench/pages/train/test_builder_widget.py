"""The model builder widget: state → widget and widget → state (pytest-qt, offscreen)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QCoreApplication, QEvent, QPoint, Qt
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QAbstractSpinBox,
    QComboBox,
    QLineEdit,
    QSpinBox,
    QWidget,
)

import nn
from workbench.core import i18n
from workbench.pages.train.builder import BuilderWidget, catalog
from workbench.pages.train.builder.property_panel import SizePairEdit
from workbench.state import BuilderState


@pytest.fixture
def state() -> BuilderState:
    return BuilderState()


@pytest.fixture
def widget(qtbot, state: BuilderState) -> BuilderWidget:
    w = BuilderWidget(state)
    qtbot.addWidget(w)
    w.resize(420, 820)
    return w


def choose_preset(widget: BuilderWidget, name: str) -> None:
    combo = widget.preset_combo
    index = combo.findData(name)
    combo.setCurrentIndex(index)
    combo.activated.emit(index)


def row(widget: BuilderWidget, i: int):
    return widget.layer_list.row_data(i)


def loaded(widget: BuilderWidget, state: BuilderState, name: str = "simple_convnet") -> None:
    choose_preset(widget, name)
    assert state.preset == name


# ------------------------------------------------------------------------------ presets, rows
def test_preset_combo_builds_simple_convnet_matching_the_engine(widget, state):
    loaded(widget, state)
    model = nn.presets.build("simple_convnet")
    summary = model.summary()
    assert widget.layer_list.count() == len(summary) == 6
    for i, expected in enumerate(summary):
        shown = row(widget, i)
        assert shown.shape == "×".join(map(str, expected.output_shape))
        assert shown.params == f"{expected.parameters:,}"
        assert shown.error is None
    assert row(widget, 0).description == "Conv2D 30@5×5, stride 1, pad 0"
    assert row(widget, 3).description == "Dense 100"
    assert f"{model.parameter_count:,}" in widget.summary_label.text()
    assert "std0.01" in widget.init_label.text()
    assert widget.stack_header.input_row.shape == "1×28×28"
    assert widget.is_valid
    assert widget.preset_combo.currentData() == "simple_convnet"


def test_edit_shows_custom_and_undo_restores_preset(widget, state):
    loaded(widget, state)
    state.update(0, filters=8)
    assert widget.preset_combo.currentText() == "Custom"
    state.undo()
    assert widget.preset_combo.currentData() == "simple_convnet"


def test_extend_switches_reload_the_preset(widget, state):
    assert widget.extend_box.isHidden()
    loaded(widget, state, "multi_layer_net_extend")
    assert not widget.extend_box.isHidden()
    widget.bn_check.setChecked(True)
    assert [s["type"] for s in state.layers].count("BatchNorm") == 4
    widget.dropout_check.setChecked(True)
    assert [s["type"] for s in state.layers].count("Dropout") == 4
    widget.rate_spin.setValue(0.3)
    assert {s["config"]["rate"] for s in state.layers if s["type"] == "Dropout"} == {0.3}
    assert state.preset == "multi_layer_net_extend"


def test_preset_that_cannot_take_the_input_shows_the_error(widget, state):
    state.set_input_shape((2,))
    choose_preset(widget, "simple_convnet")
    assert state.layers == []
    assert "Conv2D" in widget.preset_error.text() and not widget.preset_error.isHidden()


# ------------------------------------------------------------------------------------ editing
def test_add_via_menu_inserts_after_selection_with_catalog_defaults(widget, state):
    loaded(widget, state)
    widget.select(3)
    action = next(a for a in widget.add_menu.actions() if a.data() == "Dropout")
    assert action.toolTip()
    action.trigger()
    assert state.layers[4] == {"type": "Dropout", "config": {"rate": 0.5}}
    assert widget.selected_index() == 4
    assert widget.layer_list.count() == 7
    assert row(widget, 4).description == "Dropout 0.5"


def test_remove_move_duplicate_buttons(widget, state):
    loaded(widget, state)
    types = [s["type"] for s in state.layers]
    widget.select(1)
    widget.remove_button.click()
    assert [s["type"] for s in state.layers] == types[:1] + types[2:]
    assert widget.selected_index() == 1  # the next layer
    widget.down_button.click()  # MaxPool2D moves below Dense
    assert [s["type"] for s in state.layers][1:3] == ["Dense", "MaxPool2D"]
    assert widget.selected_index() == 2
    widget.up_button.click()
    assert [s["type"] for s in state.layers][1:3] == ["MaxPool2D", "Dense"]
    widget.select(0)
    assert not widget.up_button.isEnabled()
    widget.dup_button.click()
    assert state.layers[0] == state.layers[1] and widget.selected_index() == 1
    assert row(widget, 1).shape == "30×20×20"


def test_keyboard_shortcuts(qtbot, widget, state):
    loaded(widget, state)
    widget.show()
    with qtbot.waitActive(widget):
        widget.activateWindow()
    widget.select(2)
    widget.layer_list.setFocus()
    n = len(state.layers)
    qtbot.keyClick(widget.layer_list, Qt.Key.Key_D, Qt.KeyboardModifier.ControlModifier)
    assert len(state.layers) == n + 1 and widget.selected_index() == 3
    qtbot.keyClick(widget.layer_list, Qt.Key.Key_Up, Qt.KeyboardModifier.ControlModifier)
    assert widget.selected_index() == 2
    qtbot.keyClick(widget.layer_list, Qt.Key.Key_Delete)
    assert len(state.layers) == n
    for act in (widget.act_remove, widget.act_duplicate, widget.act_up, widget.act_down):
        assert act.shortcutContext() == Qt.ShortcutContext.WidgetWithChildrenShortcut


def test_drop_requests_a_move_through_the_state(widget, state):
    loaded(widget, state)
    widget.show()
    lst = widget.layer_list
    widget.select(0)
    last = lst.visualItemRect(lst.item(5))
    assert lst.drop_target(last.bottomLeft() - QPoint(0, 2)) == 5
    first = lst.visualItemRect(lst.item(0))
    widget.select(5)
    assert lst.drop_target(first.topLeft() + QPoint(0, 2)) == 0
    lst.moveRequested.emit(5, 0)
    assert state.layers[0]["type"] == "Dense" and widget.selected_index() == 0


class FakeDrop:
    """What ``LayerListView.dropEvent`` reads from a QDropEvent (a real drag needs a display)."""

    def __init__(self, source, pos: QPoint) -> None:
        self._source, self._pos = source, pos
        self.action, self.accepted = None, False

    def source(self):
        return self._source

    def position(self):
        return self._pos.toPointF()

    def setDropAction(self, action) -> None:  # noqa: N802 - Qt naming
        self.action = action

    def accept(self) -> None:
        self.accepted = True

    def ignore(self) -> None:
        self.accepted = False


def test_drop_event_moves_through_the_state_not_the_view(widget, state):
    loaded(widget, state)
    widget.show()
    lst = widget.layer_list
    widget.select(0)
    bottom = lst.visualItemRect(lst.item(3)).bottomLeft() - QPoint(0, 2)
    event = FakeDrop(lst, bottom)
    lst.dropEvent(event)
    assert event.accepted and event.action == Qt.DropAction.IgnoreAction  # view removes nothing
    assert [s["type"] for s in state.layers][:4] == ["ReLU", "MaxPool2D", "Dense", "Conv2D"]
    assert lst.count() == 6 and widget.selected_index() == 3
    assert not widget.is_valid  # Conv2D after Dense
    foreign = FakeDrop(None, bottom)
    lst.dropEvent(foreign)
    assert not foreign.accepted


def test_property_editor_changes_state_row_and_parameters(widget, state):
    loaded(widget, state)
    widget.select(0)
    filters = widget.properties.editors["filters"]
    assert isinstance(filters, QSpinBox) and filters.value() == 30
    assert filters.minimum() == 1  # 0 filters cannot be typed
    filters.setValue(8)
    assert state.layers[0]["config"]["filters"] == 8
    assert row(widget, 0).description.startswith("Conv2D 8@5×5")
    assert row(widget, 0).params == f"{8 * 25 + 8:,}"
    assert row(widget, 3).params == f"{8 * 12 * 12 * 100 + 100:,}"
    assert widget.properties.editors["filters"] is filters  # not rebuilt: focus stays
    kernel = widget.properties.editors["kernel_size"]
    assert isinstance(kernel, SizePairEdit)
    kernel.first.setValue(3)  # square kernels stay square
    assert state.layers[0]["config"]["kernel_size"] == 3
    kernel.second.setValue(5)
    assert state.layers[0]["config"]["kernel_size"] == [3, 5]
    init = widget.properties.editors["init"]
    init.setCurrentIndex(init.findData("xavier"))
    assert state.layers[0]["config"]["init"] == "xavier"
    init.setCurrentIndex(0)
    assert "init" not in state.layers[0]["config"]
    assert init.itemText(0) == "Model default (std0.01)"


def test_float_editor_and_rejected_setting_shown_inline(widget, state):
    loaded(widget, state)
    widget.select(2)  # MaxPool2D 2×2
    widget.properties.editors["pad"].setValue(2)  # the engine wants pad < pool size
    message = row(widget, 2).error
    assert message and "pad" in message
    assert widget.properties.error.text() == message and not widget.properties.error.isHidden()
    assert row(widget, 0).shape == "30×24×24"  # rows above keep their shapes
    state.undo()
    widget.add_layer("Dropout")
    rate = widget.properties.editors["rate"]
    assert rate.maximum() < 1.0
    rate.setValue(0.25)
    assert state.layers[widget.selected_index()]["config"]["rate"] == 0.25


# ------------------------------------------------------------------------------- validation
def test_invalid_stack_inline_and_back(qtbot, widget, state):
    loaded(widget, state)
    widget.select(3)  # Dense 100
    with qtbot.waitSignal(widget.validityChanged) as blocker:
        widget.add_layer("Conv2D")
    assert blocker.args == [False] and not widget.is_valid
    bad = row(widget, 4)
    assert bad.error and "3-D input" in bad.error
    assert bad.error.lower() in state.validation().error.lower()
    assert row(widget, 5).shape == "—" and row(widget, 5).params == "—"
    assert state.validation().error in widget.footer_error.text()
    assert not widget.footer_error.isHidden()
    with qtbot.waitSignal(widget.validityChanged) as blocker:
        widget.remove_button.click()
    assert blocker.args == [True] and widget.is_valid
    assert widget.footer_error.isHidden()
    assert all(row(widget, i).error is None for i in range(widget.layer_list.count()))


def test_empty_stack_is_invalid(widget, state):
    assert not widget.is_valid
    assert widget.layer_list.count() == 0
    assert "no layers" in widget.footer_error.text()
    assert widget.properties.editors == {}


def test_undo_redo_refresh_and_selection(widget, state):
    loaded(widget, state)
    widget.select(4)
    widget.remove_button.click()
    assert widget.layer_list.count() == 5
    state.undo()
    assert widget.layer_list.count() == 6 and widget.selected_index() == 4
    assert row(widget, 4).description == "ReLU"
    widget.select(0)
    widget.properties.editors["filters"].setValue(10)
    state.undo()
    assert widget.properties.editors["filters"].value() == 30
    assert row(widget, 0).description.startswith("Conv2D 30@")
    state.redo()
    assert widget.properties.editors["filters"].value() == 10
    assert state.undo_label == "Edit Conv2D"


def test_model_wide_changes_are_displayed(widget, state):
    loaded(widget, state)
    state.set_init("xavier")
    assert "xavier" in widget.init_label.text()
    widget.select(0)
    assert widget.properties.editors["init"].itemText(0) == "Model default (xavier)"
    state.set_input_shape((1, 16, 16))
    assert widget.stack_header.input_row.shape == "1×16×16"
    assert row(widget, 0).shape == "30×12×12"


def test_explanation_follows_selection(widget, state):
    loaded(widget, state)
    widget.select(2)
    assert "ch. 7.3" in widget.explanation.text()
    assert "Max pooling" in widget.properties.title.text()


# ------------------------------------------------------------------------------ polish, i18n
def inside(widget: QWidget, kinds: tuple[type, ...]) -> bool:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, kinds):
            return True
        parent = parent.parentWidget()
    return False


def test_every_interactive_child_has_a_tooltip(widget, state):
    loaded(widget, state, "multi_layer_net_extend")
    kinds = (QAbstractButton, QComboBox, QAbstractSpinBox, QLineEdit, QAbstractItemView)
    for entry in catalog.ENTRIES:  # every generated editor, too
        widget.add_layer(entry.type)
        for child in widget.findChildren(QWidget):
            if not isinstance(child, kinds) or inside(child, (QAbstractSpinBox, QComboBox)):
                continue  # a spin box's line edit, a combo's popup list: the owner's tooltip
            assert child.toolTip().strip(), f"{type(child).__name__} {child.objectName()!r}"
    for act in widget.add_menu.actions():
        assert act.isSeparator() or act.toolTip()


def test_catalog_defaults_build_and_describe():
    for entry in catalog.ENTRIES:
        layer = nn.layers.from_config(entry.new_layer())
        assert type(layer).__name__ == entry.type
        assert entry.explanation and entry.chapter and entry.summary
        for fld in entry.fields:
            assert "ch." in fld.tooltip or fld.kind in ("bool",) or fld.name == "alpha"
        assert catalog.describe(entry.new_layer())


def test_retranslate_runs_and_is_connected(widget, monkeypatch):
    widget.retranslate()
    calls = []
    monkeypatch.setattr(widget, "retranslate", lambda: calls.append(1))
    i18n.language_changed.emit()
    assert calls == [1]


def test_state_outliving_the_widget_does_not_call_it(qtbot, state):
    w = BuilderWidget(state)
    w.deleteLater()
    qtbot.wait(1)
    QCoreApplication.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    state.load_preset("two_layer_net")  # must not touch the deleted widget
    i18n.language_changed.emit()
