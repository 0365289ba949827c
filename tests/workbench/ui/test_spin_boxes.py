"""Issue 15.6: a number typed beyond a spin box's range is refused with a message that names
the limit, instead of Qt dropping the keystroke (30 in a 1–8 box gave 3)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtTest import QTest

from workbench.pages.train.setup import SetupWidget
from workbench.state import TrainingSetup
from workbench.ui.spin_boxes import BoundedDoubleSpinBox, BoundedSpinBox


def type_into(box, text: str) -> None:
    box.setFocus()
    box.selectAll()
    QTest.keyClicks(box, text)
    QTest.keyClick(box, Qt.Key.Key_Return)


def test_a_number_above_the_range_is_refused_and_the_box_keeps_its_value(qtbot):
    box = BoundedSpinBox()
    qtbot.addWidget(box)
    box.setRange(1, 8)
    box.setValue(2)
    box.setToolTip("Pooling window.")
    assert box.toolTip() == "Pooling window.\nAllowed: 1 to 8."
    box.setToolTip(box.toolTip())  # the range is named once
    assert box.toolTip().count("Allowed") == 1
    box.show()
    with qtbot.waitSignal(box.refused) as refused:
        type_into(box, "30")
    assert refused.args == [30.0] and box.value() == 2
    assert box.refusal == "30 is more than the largest allowed, 8; it stays 2."
    type_into(box, "5")
    assert box.value() == 5 and box.refusal == ""
    type_into(box, "0")
    assert box.value() == 5
    assert box.refusal == "0 is less than the smallest allowed, 1; it stays 5."


def test_thousands_separators_and_decimals(qtbot):
    box = BoundedSpinBox()
    qtbot.addWidget(box)
    box.setGroupSeparatorShown(True)
    box.setRange(0, 1_000_000)
    box.show()
    type_into(box, "30,000")
    assert box.value() == 30_000
    type_into(box, "2,000,000")
    assert box.value() == 30_000
    assert box.refusal == ("2,000,000 is more than the largest allowed, 1,000,000; it stays "
                           "30,000.")
    rate = BoundedDoubleSpinBox()
    qtbot.addWidget(rate)
    rate.setRange(0.05, 0.95)
    rate.setValue(0.5)
    rate.show()
    type_into(rate, "1.5")
    assert rate.value() == 0.5
    assert rate.refusal == "1.5 is more than the largest allowed, 0.95; it stays 0.5."


def test_the_epochs_box_refuses_more_than_its_maximum(qtbot):
    setup = TrainingSetup()
    widget = SetupWidget(setup)
    qtbot.addWidget(widget)
    widget.show()
    epochs = widget.training_panel.epochs
    assert "Allowed: 1 to 100,000." in epochs.toolTip()
    type_into(epochs, "250000")
    assert setup.training.epochs == 3 and epochs.value() == 3
    assert epochs.refusal.startswith("250,000 is more than the largest allowed, 100,000")
