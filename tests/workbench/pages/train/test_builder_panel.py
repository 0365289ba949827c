"""Issue 15.6: the settings panel of an invalid stack names the layer at fault, and a typed
value beyond a setting's range is refused with a message instead of being cut short."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.pages.train.builder import BuilderWidget
from workbench.state import BuilderState


def make(qtbot) -> tuple[BuilderWidget, BuilderState]:
    state = BuilderState()
    widget = BuilderWidget(state)
    qtbot.addWidget(widget)
    widget.resize(420, 820)
    widget.show()
    state.load_preset("simple_convnet")
    return widget, state


def type_into(box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)


def test_the_problem_layer_says_it_is_the_problem_and_later_ones_name_it(qtbot):
    widget, state = make(qtbot)
    state.add({"type": "Conv2D", "config": {"filters": 4, "kernel_size": 3}})  # after Dense
    state.add({"type": "ReLU"})
    assert state.validation().error_index == 6
    widget.select(6)
    panel = widget.properties
    assert panel.status.text() == "No output: this layer is the problem (see below)."
    assert not panel.error.isHidden() and "3-D input" in panel.error.text()
    widget.select(7)
    assert panel.status.text() == "Output unknown until layer 6 (Convolution (Conv2D)) is fixed."
    widget.select(5)  # above the problem: a real shape
    assert panel.status.text().startswith("Output 10 · ")


def test_typing_beyond_the_maximum_is_refused_with_the_limit(qtbot):
    widget, state = make(qtbot)
    widget.select(2)  # MaxPool2D
    pair = widget.properties.editors["pool_size"]
    assert "Allowed: 1 to 8." in pair.first.toolTip()
    type_into(pair.first, "30")
    assert state.layers[2]["config"]["pool_size"] == 2  # not 3, not 8
    assert pair.first.value() == 2
    refusal = widget.properties.refusal
    assert not refusal.isHidden()
    assert refusal.text() == "Window: 30 is more than the largest allowed, 8; it stays 2."
    type_into(pair.first, "3")  # an allowed value applies and clears the message
    assert state.layers[2]["config"]["pool_size"] == 3 and refusal.isHidden()


def test_typing_below_the_minimum_and_a_decimal_beyond_its_range(qtbot):
    widget, state = make(qtbot)
    widget.select(0)
    filters = widget.properties.editors["filters"]
    type_into(filters, "0")
    assert state.layers[0]["config"]["filters"] == 30
    assert widget.properties.refusal.text().startswith(
        "Filters: 0 is less than the smallest allowed, 1; it stays 30.")
    state.load_preset("multi_layer_net_extend", use_dropout=True)
    index = next(i for i, s in enumerate(state.layers) if s["type"] == "Dropout")
    widget.select(index)
    assert widget.properties.refusal.isHidden()  # another layer: the old message is gone
    rate = widget.properties.editors["rate"]
    type_into(rate, "1.5")
    assert state.layers[index]["config"]["rate"] == 0.5
    assert "1.5 is more than the largest allowed" in widget.properties.refusal.text()
