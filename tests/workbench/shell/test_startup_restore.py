"""The app always starts (issue 14, point 4): poisoned settings fall back to the defaults with a
one-line notice, and a stack too large to build is refused before allocation and never saved in
a way that breaks the next start."""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import tracemalloc

import pytest
from PySide6.QtCore import QSettings

from workbench.core.i18n import set_language
from workbench.shell.main_window import MainWindow
from workbench.state import BuilderState, TrainingSetup


def _default_builder() -> dict:
    state = BuilderState()
    state.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
    return {"layers": copy.deepcopy(state.layers), "input_shape": [1, 28, 28], "init": "he",
            "name": "simple_convnet"}


def _builder(change) -> str:
    doc = _default_builder()
    change(doc)
    return json.dumps(doc)


def _setup(change) -> str:
    doc = TrainingSetup().to_dict()
    change(doc)
    return json.dumps(doc)


def _set(*path_value):
    *path, value = path_value

    def change(doc):
        target = doc
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


#: The issue's six damaged states, then more of the same kind: (builder text, set-up text,
#: what the notice must name).
POISONED = {
    "init magic": (_builder(_set("init", "magic")), None, "Unknown initializer 'magic'"),
    "input_shape 5": (_builder(_set("input_shape", 5)), None, "Invalid input shape 5"),
    "layer config a list": (_builder(_set("layers", 0, "config", [30, 5])), None,
                            "builder.layers[0].config must be an object"),
    "units many": (_builder(_set("layers", 3, "config", "units", "many")), None,
                   "Invalid units: 'many'"),
    "junk layer item": (_builder(_set("layers", 1, "junk")), None,
                        "builder.layers[1] must be an object"),
    "augment far": (None, _setup(_set("data", "augment", {"max_shift": "far"})),
                    "Invalid max_shift: 'far'"),
    "not JSON": ("{not json", None, "not valid JSON"),
    "nested deeply": ("[" * 50_000 + "]" * 50_000, None, "nested"),
    "a number": (None, 5, "expected JSON text"),
    "too large": (_builder(_set("layers", [
        {"type": "Conv2D", "config": {"filters": 1024, "kernel_size": 3, "pad": 1}},
        {"type": "Dense", "config": {"units": 8192}}])), None, "parameters"),
    "unknown optimizer key": (None, _setup(_set("optimizer", "beta9", 0.5)),
                              "unknown key 'beta9'"),
}


def _settings(tmp_path, builder, setup) -> QSettings:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    if builder is not None:
        settings.setValue("builder", builder)
    if setup is not None:
        settings.setValue("setup", setup)
    settings.sync()
    return settings


def _start(qtbot, settings) -> MainWindow:
    win = MainWindow(settings)
    qtbot.addWidget(win)
    win.show()
    return win


@pytest.mark.parametrize("case", list(POISONED))
def test_poisoned_settings_start_with_defaults_and_a_notice(qtbot, tmp_path, case):
    builder, setup, needle = POISONED[case]
    win = _start(qtbot, _settings(tmp_path, builder, setup))
    default = _default_builder()
    assert win.builder.layers == default["layers"] and win.builder.preset == "simple_convnet"
    assert win.setup.to_dict() == TrainingSetup().to_dict()
    assert win.train_page.train_button.isEnabled()
    notice = win.statusBar().currentMessage()
    assert notice == win.restore_notice and "\n" not in notice
    assert notice.startswith("Could not restore the remembered ") and needle in notice
    assert notice.endswith("started with the defaults.")
    part = "model" if builder is not None else "data and training settings"
    assert f"the remembered {part}" in notice
    win.close()  # the defaults are remembered now: the next start has nothing to say
    again = _start(qtbot, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.restore_notice == "" and again.builder.layers == default["layers"]
    again.close()


def test_a_bad_part_does_not_cost_the_good_one(qtbot, tmp_path):
    state = BuilderState()
    state.load_preset("two_layer_net", input_shape=(1, 28, 28), hidden_size=33)
    builder = json.dumps({"layers": state.layers, "input_shape": [1, 28, 28], "init": "xavier",
                          "name": "two_layer_net"})
    win = _start(qtbot, _settings(tmp_path, builder, _setup(_set("dtype", "float16"))))
    assert win.builder.layers[0]["config"]["units"] == 33 and win.builder.init == "xavier"
    assert not win.builder.can_undo  # restoring is not an edit
    assert win.setup.dtype == "float32"
    assert "the remembered data and training settings" in win.restore_notice
    assert "setup.dtype" in win.restore_notice and "model" not in win.restore_notice
    win.close()


def test_the_notice_is_translated(qtbot, tmp_path):
    set_language("zh_CN")
    try:
        win = _start(qtbot, _settings(tmp_path, _builder(_set("init", "magic")), None))
        assert "Could not restore" not in win.restore_notice
        assert "magic" in win.restore_notice  # the engine's detail names the value
        win.close()
    finally:
        set_language("en")


def test_a_too_large_stack_from_the_property_panel_is_refused_without_allocating(
        qtbot, tmp_path):
    """Conv2D 1024 filters, pad 1, then Dense 8192 — each within the panel's limits — is
    refused by the builder's shape-only check, and the next start falls back to defaults."""
    win = _start(qtbot, _settings(tmp_path, None, None))
    builder = win.train_page.builder_widget
    dense = [i for i, s in enumerate(win.builder.layers) if s["type"] == "Dense"][0]
    tracemalloc.start()
    try:  # (the middle stack, 1024 filters and Dense 100, is valid: 17 M parameters)
        builder.select(0)
        editors = builder.properties.editors
        editors["filters"].setValue(1024)
        editors["pad"].setValue(1)
        builder.select(dense)
        builder.properties.editors["units"].setValue(8192)
        peak = tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()
    assert win.builder.layers[dense]["config"]["units"] == 8192
    assert peak < 50, f"{peak:.0f} MB allocated to check the stack"
    validation = win.builder.validation()
    assert not validation.ok and "parameters" in validation.error
    assert not win.train_page.train_button.isEnabled()
    assert "parameters" in win.train_page.train_button.toolTip()
    win.close()
    again = _start(qtbot, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.builder.layers == _default_builder()["layers"]
    assert "parameters" in again.restore_notice
    assert again.train_page.train_button.isEnabled()
    again.close()


def test_the_builder_is_remembered_in_the_session_shape_and_old_name_keys_still_load(qtbot,
                                                                                     tmp_path):
    # One document shape for the builder (BuilderState.to_dict, "preset"), in sessions and in
    # the remembered settings; settings written before stored the preset under "name".
    state = BuilderState()
    state.load_preset("two_layer_net", input_shape=(1, 28, 28), hidden_size=21)
    old = {"layers": state.layers, "input_shape": [1, 28, 28], "init": "xavier",
           "name": "two_layer_net"}
    win = _start(qtbot, _settings(tmp_path, json.dumps(old), None))
    assert win.restore_notice == ""
    assert win.builder.preset == "two_layer_net" and win.builder.init == "xavier"
    assert win.builder.layers == state.layers
    win.save_settings()
    stored = json.loads(win.settings.value("builder"))
    assert stored == win.builder.to_dict() == win.current_session().builder
    assert stored["preset"] == "two_layer_net" and "name" not in stored
    win.close()
    again = _start(qtbot, QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    assert again.builder.to_dict() == stored
    again.close()


JUNK = (5, [1, "a"], {"a": 1}, "", "x" * 5000, -1, 2**40, True, "1e999")


@pytest.mark.parametrize("junk", JUNK, ids=[type(j).__name__ + str(i) for i, j in enumerate(JUNK)])
def test_junk_in_every_other_remembered_value_still_starts(qtbot, tmp_path, junk):
    """Geometry, page, theme, language, folders, recent files and the Draw page's choices:
    whatever type they hold, the window (and its Draw page) starts."""
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    for key in ("geometry", "page", "theme", "language", "lastDir", "recentFiles",
                "draw/drawingsFolder", "draw/clearAfterSaving", "draw/recentModels",
                "draw/notSureBelow", "draw/mnistPen"):
        settings.setValue(key, junk)
    win = _start(qtbot, settings)
    assert win.page("draw") is not None
    win._fill_recent()
    assert win.restore_notice == ""
    win.close()


def test_the_real_start_with_poisoned_default_settings(tmp_path):
    """As ``python main.py`` starts: the application's own QSettings (here in a private
    config folder) holding the damaged model, set-up, language and theme."""
    env = {**os.environ, "XDG_CONFIG_HOME": str(tmp_path), "HOME": str(tmp_path),
           "QT_QPA_PLATFORM": "offscreen"}
    poison = (
        "from PySide6.QtCore import QSettings; from workbench.shell.app import "
        "create_application; app = create_application([]); s = QSettings(); "
        f"s.setValue('builder', {POISONED['junk layer item'][0]!r}); "
        f"s.setValue('setup', {POISONED['augment far'][1]!r}); "
        "s.setValue('language', [3]); s.setValue('theme', {'a': 1}); s.sync()")
    start = (
        "from workbench.shell.app import create_application; app = create_application([]); "
        "from workbench.shell.main_window import MainWindow; w = MainWindow(); w.show(); "
        "app.processEvents(); print('NOTICE', w.statusBar().currentMessage()); "
        "w.close(); print('CLOSED', not w.isVisible())")
    for code in (poison, start):
        result = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True,
                                text=True, timeout=120)
        assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "NOTICE Could not restore the remembered model and the remembered data and " \
           "training settings (builder.layers[1] must be an object" in result.stdout
    assert "CLOSED True" in result.stdout
