"""Issue 15.2: "+1 epoch" names the model it continues, and is off (saying why) when the
builder shows an invalid stack or another network than the last run's."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.workbench.shell.test_main_window import small_digits, train_and_wait, window  # noqa: F401


def trained_two_layer_net(qtbot, window):  # noqa: F811
    window.builder.load_preset("two_layer_net")
    small_digits(window, epochs=1)
    train_and_wait(qtbot, window)
    return window.train_page


def test_plus_one_epoch_names_the_model_and_trains_exactly_one_more(qtbot, window):  # noqa: F811
    page = trained_two_layer_net(qtbot, window)
    more = page.more_button
    assert more.isEnabled() and window.a_more.isEnabled()
    assert more.toolTip().startswith(
        "Continue the last run — Two-layer net (3 layers, 39,760 parameters), trained for 1 "
        "epoch — for exactly one more epoch")
    notices = []
    page.notice.connect(notices.append)
    with qtbot.waitSignal(page.controller.finished, timeout=120_000):
        qtbot.mouseClick(more, Qt.MouseButton.LeftButton)
    assert notices == ["Continuing Two-layer net (3 layers, 39,760 parameters) for one more "
                       "epoch."]
    assert len(page.run.history.epochs) == 2 and page.trainer.target_epochs == 2
    qtbot.waitUntil(lambda: more.isEnabled(), timeout=10_000)
    assert "trained for 2 epochs" in more.toolTip()


def test_another_network_in_the_builder_turns_it_off_until_undone(qtbot, window):  # noqa: F811
    page = trained_two_layer_net(qtbot, window)
    builder, more = window.builder, page.more_button
    builder.update(0, units=64)  # the builder now shows 784-64-10
    assert not more.isEnabled() and not window.a_more.isEnabled()
    assert more.toolTip().startswith("The builder now shows another network than the last "
                                     "run's (Two-layer net (3 layers, 39,760 parameters))")
    page.continue_training()  # the shortcut's path: nothing runs
    assert not page.controller.running and page.trainer.target_epochs == 1
    builder.undo()
    assert more.isEnabled() and "trained for 1 epoch" in more.toolTip()
    builder.set_init("xavier")  # another initializer is another network to train
    assert not more.isEnabled()
    builder.undo()
    assert more.isEnabled()


def test_an_invalid_stack_turns_it_off_with_the_reason(qtbot, window):  # noqa: F811
    page = trained_two_layer_net(qtbot, window)
    window.builder.add({"type": "Conv2D", "config": {"filters": 4, "kernel_size": 3}})
    assert not page.more_button.isEnabled()
    assert page.more_button.toolTip().startswith("The builder's stack is invalid.")
    window.builder.undo()
    assert page.more_button.isEnabled()


def test_before_any_run_it_says_to_train_first(window):  # noqa: F811
    more = window.train_page.more_button
    assert not more.isEnabled() and more.toolTip().startswith("Nothing to continue yet")
