"""File → Export model as…: the dialog driven through its widgets, file dialogs monkeypatched."""

from __future__ import annotations

import numpy as np
import onnxruntime as ort
import pytest
from PySide6.QtCore import QSettings, Qt, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QMessageBox, QPushButton

import nn
from workbench.core.i18n import set_language
from workbench.shell import export_dialog, file_actions
from workbench.shell.export_dialog import ExportDialog, export_model_dialog
from workbench.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def model():
    m = nn.presets.build("simple_convnet", seed=0, filters=4, hidden_size=16)
    m.metadata = {"class_names": [f"digit {d}" for d in range(10)]}
    return m


@pytest.fixture
def errors(monkeypatch):
    shown = []
    monkeypatch.setattr(file_actions, "error_dialog",
                        lambda parent, title, message: shown.append((title, message)))
    return shown


def make_dialog(qtbot, model, folder, note=None) -> ExportDialog:
    dialog = ExportDialog(None, model, str(folder), note)
    qtbot.addWidget(dialog)
    dialog.show()
    return dialog


def export(qtbot, dialog) -> None:
    qtbot.mouseClick(dialog.export_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.runner.running and not dialog.progress.isVisible(),
                    timeout=30_000)


def test_formats_are_explained_and_the_path_follows_the_format(qtbot, model, tmp_path):
    dialog = make_dialog(qtbot, model, tmp_path)
    assert dialog.selected_format() == "onnx"
    assert dialog.path_edit.text() == str(tmp_path / "simple_convnet.onnx")
    for widget in (*dialog.radios.values(), dialog.path_edit, dialog.browse_button,
                   dialog.export_button):
        assert len(widget.toolTip()) > 20, widget
    dialog.radios["numpy"].setChecked(True)
    assert dialog.path_edit.text() == str(tmp_path / "simple_convnet_numpy")
    assert "predict.py + weights.npz" in dialog.writes.text()
    dialog.path_edit.setText(str(tmp_path / "mine"))  # typed by the user: kept
    dialog.radios["pytorch"].setChecked(True)
    assert dialog.path_edit.text() == str(tmp_path / "mine")


def test_browse_then_export_onnx_gives_the_same_probabilities(qtbot, model, tmp_path,
                                                              monkeypatch, errors):
    chosen = tmp_path / "picked"  # no suffix: .onnx is added
    monkeypatch.setattr(QFileDialog, "getSaveFileName",
                        staticmethod(lambda *a, **k: (str(chosen), "ONNX models (*.onnx)")))
    dialog = make_dialog(qtbot, model, tmp_path)
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    assert dialog.path_edit.text() == str(chosen)
    export(qtbot, dialog)
    assert errors == [] and dialog.result_path == str(tmp_path / "picked.onnx")
    x = nn.datasets.load("digits").x_test[:20]
    session = ort.InferenceSession(dialog.result_path, providers=["CPUExecutionProvider"])
    (probabilities,) = session.run(None, {"input": x})
    np.testing.assert_allclose(probabilities, model.predict_proba(x), atol=1e-5)
    meta = session.get_modelmeta().custom_metadata_map
    assert '"digit 3"' in meta["class_names"]


@pytest.mark.parametrize("fmt, script", [("numpy", "predict.py"), ("pytorch", "model.py")])
def test_export_a_folder_format(qtbot, model, tmp_path, monkeypatch, errors, fmt, script):
    monkeypatch.setattr(QFileDialog, "getExistingDirectory",
                        staticmethod(lambda *a, **k: str(tmp_path / "out")))
    dialog = make_dialog(qtbot, model, tmp_path)
    dialog.radios[fmt].setChecked(True)
    qtbot.mouseClick(dialog.browse_button, Qt.MouseButton.LeftButton)
    export(qtbot, dialog)
    assert errors == [] and dialog.result_path == str(tmp_path / "out")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted([script,
                                                                           "weights.npz"])


def test_a_failure_is_an_error_dialog_and_the_dialog_stays(qtbot, model, tmp_path, errors):
    (tmp_path / "taken").write_text("a file, not a folder")
    dialog = make_dialog(qtbot, model, tmp_path)
    dialog.radios["numpy"].setChecked(True)
    dialog.path_edit.setText(str(tmp_path / "taken"))
    export(qtbot, dialog)
    assert dialog.result_path is None and dialog.isVisible()
    ((title, message),) = errors
    assert title == "Could not export the model" and "a file is in the way" in message
    assert dialog.export_button.isEnabled()  # ready for another try
    dialog.path_edit.setText("")
    export(qtbot, dialog)
    assert errors[-1][1] == "Choose where to write the export."


def test_existing_files_are_replaced_only_when_confirmed(qtbot, model, tmp_path, monkeypatch,
                                                         errors):
    target = tmp_path / "m.onnx"
    target.write_bytes(b"old")
    answers, asked = [], []
    monkeypatch.setattr(export_dialog, "confirm_replace",
                        lambda parent, files: asked.append(files) or answers.pop(0))
    dialog = make_dialog(qtbot, model, tmp_path)
    dialog.path_edit.setText(str(target))
    answers.append(False)
    export(qtbot, dialog)
    assert asked == [[target]]
    assert target.read_bytes() == b"old" and dialog.result_path is None
    answers.append(True)
    export(qtbot, dialog)
    assert target.read_bytes() != b"old" and dialog.result_path == str(target)


def test_without_onnx_the_onnx_choice_says_how_to_install_it(qtbot, model, tmp_path,
                                                             monkeypatch):
    monkeypatch.setattr(export_dialog, "onnx_available", lambda: False)
    dialog = make_dialog(qtbot, model, tmp_path)
    assert not dialog.radios["onnx"].isEnabled()
    assert dialog.selected_format() == "numpy"
    assert "nn-workbench[export]" in dialog.radios["onnx"].toolTip()


def test_export_model_dialog_returns_the_written_path(qtbot, model, tmp_path, errors):
    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, ExportDialog)
        dialog.radios["numpy"].setChecked(True)
        dialog.export_button.click()

    QTimer.singleShot(50, drive)
    path = export_model_dialog(None, model, str(tmp_path))
    assert errors == [] and path == str(tmp_path / "simple_convnet_numpy")
    assert (tmp_path / "simple_convnet_numpy" / "predict.py").is_file()


def test_cancel_returns_none(qtbot, model, tmp_path):
    QTimer.singleShot(50, lambda: QApplication.activeModalWidget().reject())
    assert export_model_dialog(None, model, str(tmp_path)) is None
    assert list(tmp_path.iterdir()) == []


def test_chinese_texts(qtbot, model, tmp_path):
    set_language("zh_CN")
    try:
        dialog = make_dialog(qtbot, model, tmp_path)
        assert dialog.windowTitle() == "导出模型"
        assert dialog.export_button.text() == "导出"
    finally:
        set_language("en")


def test_file_menu_action_exports_the_current_model(qtbot, tmp_path, monkeypatch):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    qtbot.addWidget(window)
    calls = []
    monkeypatch.setattr(export_dialog, "export_model_dialog",
                        lambda *args: calls.append(args) or str(tmp_path / "x.onnx"))
    assert window.a_export_model in window.m_file.actions()
    assert window.a_export_model.text() == "E&xport model as…"
    assert "ONNX" in window.a_export_model.toolTip()
    window.a_export_model.trigger()
    ((parent, exported, start, note),) = calls
    assert parent is window and isinstance(exported, nn.Sequential)
    assert "not been trained" in note  # nothing trained yet: the builder's fresh model
    assert str(tmp_path / "x.onnx") in window.statusBar().currentMessage()
    window.close()


def test_dialog_is_all_chinese_in_chinese(qtbot, model, tmp_path):
    from tests.workbench.i18n_walk import assert_all_chinese

    set_language("zh_CN")
    try:
        dialog = make_dialog(qtbot, model, tmp_path, note="这个模型还没有训练")
        assert_all_chinese(dialog)
    finally:
        set_language("en")


def test_replace_question_has_translated_buttons(qtbot, tmp_path):
    def answer(choice: str) -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox) and str(tmp_path / "a.onnx") in box.text()
        (button,) = [b for b in box.findChildren(QPushButton) if b.text() == choice]
        button.click()

    QTimer.singleShot(50, lambda: answer("Cancel"))
    assert not export_dialog.confirm_replace(None, [tmp_path / "a.onnx"])
    QTimer.singleShot(50, lambda: answer("Replace"))
    assert export_dialog.confirm_replace(None, [tmp_path / "a.onnx"])
