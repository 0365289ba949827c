"""Issue 15.4 and 15.5: switching between images and 2-D points says what it changed, and
only that; the settings can be put back; the user's own stack is not replaced unasked."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.workbench.shell.test_main_window import window  # noqa: F401


def test_a_preset_is_replaced_and_the_bar_lists_exactly_what_changed(qtbot, window):  # noqa: F811
    page, setup, builder = window.train_page, window.setup, window.builder
    assert builder.preset == "simple_convnet" and setup.optimizer == {"name": "adam",
                                                                      "lr": 0.001}
    setup.set_dataset("spiral")
    bar = page.change_bar
    assert not bar.isHidden()
    assert bar.label.text() == (
        "For 2-D points: model Simple ConvNet (6 layers, input 1×28×28) → Multi-layer net "
        "(5 layers, input 2) (Edit → Undo brings it back); epochs 3 → 50; batch size 100 → 32; "
        "Adam learning rate 0.001 → 0.01.")
    assert builder.preset == "multi_layer_net" and builder.input_shape == (2,)
    assert (setup.training.epochs, setup.training.batch_size) == (50, 32)
    picker = page.builder_widget.presets
    assert "This one: 2-32-32-3." in picker.info.text()  # not only the book's 784-100×4-10
    assert bar.first.text() == "Undo the settings" and bar.second.isHidden()
    qtbot.mouseClick(bar.first, Qt.MouseButton.LeftButton)
    assert (setup.training.epochs, setup.training.batch_size) == (3, 100)
    assert setup.optimizer["lr"] == 0.001 and bar.isHidden()
    assert builder.input_shape == (2,)  # the network for points stays


def test_sgd_keeps_its_learning_rate_and_unchanged_settings_are_not_mentioned(
        qtbot, window):  # noqa: F811
    page, setup = window.train_page, window.setup
    setup.set_optimizer("sgd")
    setup.set_hyperparameter("lr", 10.0)
    setup.set_training(batch_size=32)
    setup.set_dataset("moons")
    text = page.change_bar.label.text()
    assert text.endswith("; epochs 3 → 50.")  # batch 32 already; SGD's rate is not Adam's
    assert "learning rate" not in text and "batch" not in text
    assert setup.optimizer == {"name": "sgd", "lr": 10.0}
    page.change_bar.dismiss()
    setup.set_dataset("spiral")  # same kind: only the output width follows, silently
    assert page.change_bar.isHidden() and window.builder.validation().output_shape == (3,)


def test_a_custom_stack_is_kept_until_the_user_says_replace(qtbot, window):  # noqa: F811
    page, setup, builder = window.train_page, window.setup, window.builder
    builder.update(3, units=64)  # the user's own network now
    layers = [dict(spec) for spec in builder.layers]
    setup.set_dataset("spiral")
    bar = page.change_bar
    assert builder.layers == layers and builder.input_shape == (1, 28, 28)  # not replaced
    assert bar.label.text().startswith(
        "“spiral” gives 2-D points, but your stack (your own network (6 layers, input "
        "1×28×28)) takes images.")
    assert (bar.first.text(), bar.second.text()) == ("Replace my stack", "Keep my stack")
    assert setup.training.epochs == 3  # nothing changed before the answer
    assert not page.train_button.isEnabled()
    assert "gives 2" in page.train_button.toolTip()
    qtbot.mouseClick(bar.second, Qt.MouseButton.LeftButton)  # keep it
    assert bar.isHidden() and builder.layers == layers
    setup.set_training(epochs=4)  # another setting: no second question
    assert bar.isHidden() and builder.layers == layers
    setup.set_dataset("digits")  # back to images: the stack fits again
    assert page.train_button.isEnabled()
    setup.set_dataset("moons")  # a new switch asks again
    assert not bar.isHidden()
    qtbot.mouseClick(bar.first, Qt.MouseButton.LeftButton)  # replace
    assert builder.input_shape == (2,) and builder.preset == "multi_layer_net"
    assert bar.label.text().startswith("For 2-D points: model your own network (6 layers, "
                                       "input 1×28×28) → Multi-layer net")
    builder.undo()  # Edit → Undo brings the user's stack back
    assert builder.layers == layers


def test_the_bar_follows_a_language_switch(qtbot, window):  # noqa: F811
    from workbench.core import i18n

    window.setup.set_dataset("spiral")
    bar = window.train_page.change_bar
    try:
        i18n.set_language("zh_CN")
        assert bar.label.text().startswith("针对二维点：模型")
        assert bar.first.text() == "撤销设置更改"
    finally:
        i18n.set_language("en")
    assert bar.label.text().startswith("For 2-D points: model Simple ConvNet")
