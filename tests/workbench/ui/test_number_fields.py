"""The number fields of the set-up panels: formatting, 1-2-5 steps on a log scale, and the
number box's text round trip."""

from __future__ import annotations

from workbench.ui.fields import NumberBox, format_number, nice_step


def test_number_field_helpers(qtbot):
    assert nice_step(0.001, 1, 1e-6) == 0.002 and nice_step(0.001, -1, 1e-6) == 0.0005
    assert nice_step(0.003, 1, 1e-6) == 0.005 and nice_step(0.003, -1, 1e-6) == 0.002
    assert nice_step(0.0, 1, 1e-5) == 1e-5 and nice_step(1e-5, -1, 1e-5) == 0.0
    assert [format_number(v) for v in (0.001, 1e-5, 0.999, 0.0)] == ["0.001", "1e-5", "0.999",
                                                                     "0"]
    box = NumberBox(log=True, soft_range=(1e-6, 10.0))
    qtbot.addWidget(box)
    for text, ok in (("1e-3", True), ("0.5", True), ("1e", None), ("-", None), ("abc", False),
                     ("nan", False)):
        state = box.validate(text, len(text))[0]
        expected = {True: "Acceptable", None: "Intermediate", False: "Invalid"}[ok]
        assert state.name == expected, text
    box.setValue(10.0)
    box.stepBy(1)  # the arrows stay in the soft range
    assert box.value() == 10.0
