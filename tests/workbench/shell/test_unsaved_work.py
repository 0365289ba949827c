"""Nothing discards work without asking (issue 15, point 12): closing (also mid-training), Quit,
New session, Open session and Open model ask Save / Discard / Cancel when there is unsaved
training or an unsaved session, stop training cleanly on Save or Discard, and a fresh start with
nothing done asks nothing."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

import nn
from workbench.core.session import load_session
from workbench.shell import file_actions, unsaved
from workbench.shell.main_window import MainWindow

BUTTON = {"save": QMessageBox.StandardButton.Save, "discard": QMessageBox.StandardButton.Discard,
          "cancel": QMessageBox.StandardButton.Cancel}


@pytest.fixture
def questions(monkeypatch):
    """The real question, with ``QMessageBox.exec`` answering ``questions.answer`` and
    recording (text, informative text, buttons) of every box."""

    class Recorder(list):
        answer = "cancel"

    asked = Recorder()

    def exec_(box):
        asked.append((box.text(), box.informativeText(), box.standardButtons()))
        return int(BUTTON[asked.answer]) if box.objectName() == "unsavedWork" \
            else int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(unsaved, "ask", unsaved.real_ask)
    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    win.builder.load_preset("two_layer_net", hidden_size=16)
    win.setup.set_data(train_size=600, val_fraction=0.2)
    win.setup.set_training(epochs=1, batch_size=50, train_eval_size=200)
    win.take_baseline()  # this set-up is the test's "fresh start"
    yield win
    unsaved.ask = lambda *a: unsaved.DISCARD  # (monkeypatch restores it afterwards)
    win.close()


def train(qtbot, win, epochs=1):
    win.setup.set_training(epochs=epochs)
    page = win.train_page
    with qtbot.waitSignal(page.controller.finished, timeout=120_000):
        page.train_button.click()
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)


def start_long_training(qtbot, win):
    win.setup.set_training(epochs=200)
    page = win.train_page
    page.train_button.click()
    qtbot.waitUntil(lambda: len(page.run.history.iterations) >= 3, timeout=60_000)
    assert page.controller.running


def test_a_fresh_start_asks_nothing(qtbot, tmp_path, questions):
    win = MainWindow(QSettings(str(tmp_path / "fresh.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    assert win.unsaved_work() == []
    win.new_session()
    assert win.close() and questions == []


def test_closing_after_training_asks_and_cancel_keeps_everything(qtbot, window, questions):
    train(qtbot, window)
    model = window.train_page.model
    questions.answer = "cancel"
    assert not window.close()
    assert window.isVisible() and window.train_page.model is model
    text, details, buttons = questions[-1]
    assert text == "Save the session before closing?"
    assert "The trained model and its curves are not saved." in details
    assert buttons == (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                       | QMessageBox.StandardButton.Cancel)
    questions.answer = "discard"
    assert window.close() and not window.isVisible()


def test_quit_with_save_writes_the_session_then_closes(qtbot, window, questions, tmp_path,
                                                       monkeypatch):
    train(qtbot, window)
    path = tmp_path / "saved.nnwb"
    monkeypatch.setattr(file_actions, "ask_save_path", lambda *a: str(path))
    questions.answer = "save"
    window.a_quit.trigger()
    assert not window.isVisible()
    session = load_session(path)
    assert len(session.history.iterations) == len(window.train_page.run.history.iterations)
    assert session.trainer is not None


def test_save_as_cancelled_in_the_question_keeps_the_window(qtbot, window, questions,
                                                            monkeypatch):
    train(qtbot, window)
    monkeypatch.setattr(file_actions, "ask_save_path", lambda *a: None)
    questions.answer = "save"
    assert not window.close() and window.isVisible()


def test_closing_mid_training_with_discard_stops_the_run_cleanly(qtbot, window, questions):
    start_long_training(qtbot, window)
    questions.answer = "discard"
    assert window.close()
    assert not window.train_page.controller.running
    assert "Training is running" in questions[-1][1]


def test_closing_mid_training_with_save_stops_then_saves_every_step(qtbot, window, questions,
                                                                    tmp_path):
    start_long_training(qtbot, window)
    window.session_path = str(tmp_path / "mid.nnwb")
    questions.answer = "save"
    assert window.close()
    page = window.train_page
    assert not page.controller.running and page.run.status == "stopped"
    session = load_session(tmp_path / "mid.nnwb")
    assert session.status == "stopped"
    # stopped cleanly: the saved curve has every step the saved trainer state counts
    assert len(session.history.iterations) == session.trainer["progress"]["iteration"] > 0


def test_closing_mid_training_with_cancel_keeps_training(qtbot, window, questions):
    start_long_training(qtbot, window)
    questions.answer = "cancel"
    assert not window.close()
    assert window.train_page.controller.running
    window.train_page.controller.stop()
    qtbot.waitUntil(lambda: not window.train_page.controller.running, timeout=30_000)


def test_new_session_asks_and_cancel_changes_nothing(qtbot, window, questions):
    train(qtbot, window)
    model, layers = window.train_page.model, list(window.builder.layers)
    questions.answer = "cancel"
    window.a_new.trigger()
    assert window.train_page.model is model and window.builder.layers == layers
    assert questions[-1][0] == "Save the session before starting a new one?"
    questions.answer = "discard"
    window.a_new.trigger()
    assert window.train_page.model is None and window.builder.preset == "simple_convnet"
    assert window.unsaved_work() == []


def test_new_session_with_save_saves_first(qtbot, window, questions, tmp_path):
    train(qtbot, window)
    window.session_path = str(tmp_path / "before-new.nnwb")
    questions.answer = "save"
    window.a_new.trigger()
    assert window.train_page.model is None and window.session_path is None
    assert load_session(tmp_path / "before-new.nnwb").model is not None


def test_open_session_asks_before_replacing_unsaved_edits(qtbot, window, questions, tmp_path,
                                                          monkeypatch):
    other = MainWindow(QSettings(str(tmp_path / "other.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(other)
    other.session_path = str(tmp_path / "other.nnwb")
    assert other.save_session()
    other.close()
    window.builder.add({"type": "Dropout", "config": {"rate": 0.3}}, 1)  # an unsaved edit
    layers = list(window.builder.layers)
    monkeypatch.setattr(file_actions, "ask_open_path", lambda *a: str(tmp_path / "other.nnwb"))
    questions.answer = "cancel"
    window.a_open.trigger()
    assert window.builder.layers == layers and window.session_path is None
    assert "Changes to the model's layers are not saved." in questions[-1][1]
    questions.answer = "discard"
    window.a_open.trigger()
    assert window.session_path == str(tmp_path / "other.nnwb")
    assert window.builder.preset == "simple_convnet" and window.unsaved_work() == []


def test_open_model_asks_before_replacing_the_trained_model(qtbot, window, questions,
                                                            tmp_path):
    train(qtbot, window)
    trained = window.train_page.model
    path = tmp_path / "m.npz"
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=5), path)
    questions.answer = "cancel"
    window.open_model(str(path))
    assert window.train_page.model is trained
    questions.answer = "discard"
    window.open_model(str(path))
    assert window.train_page.model is not trained
    assert "training" not in window.unsaved_work()  # the opened model is in its file


def test_after_saving_nothing_is_unsaved_and_closing_asks_nothing(qtbot, window, questions,
                                                                  tmp_path):
    train(qtbot, window)
    window.session_path = str(tmp_path / "s.nnwb")
    assert window.save_session()
    assert window.unsaved_work() == []
    window.setup.set_training(epochs=3)
    assert window.unsaved_work() == ["setup"]
    assert window.unsaved_work(closing=True) == ["setup"]  # the file would be out of date
    assert window.save_session() and window.close() and questions == []


def test_untitled_edits_are_remembered_so_closing_does_not_ask(qtbot, window, questions):
    window.builder.add({"type": "Dropout", "config": {"rate": 0.3}}, 1)
    assert window.unsaved_work() == ["model"]
    assert window.unsaved_work(closing=True) == []  # the settings remember the stack
    assert window.close() and questions == []


def test_save_is_unavailable_while_training_runs(qtbot, window, questions):
    start_long_training(qtbot, window)
    assert not window.a_save.isEnabled() and not window.a_save_as.isEnabled()
    assert "Not while training runs" in window.a_save.toolTip()
    window.train_page.controller.stop()
    qtbot.waitUntil(lambda: not window.train_page.controller.running, timeout=30_000)
    assert window.a_save.isEnabled()
