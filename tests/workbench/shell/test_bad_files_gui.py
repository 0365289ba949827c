"""Bad files opened through the real menus get a dialog and change nothing (issue 14, points 5
and 6): File → Open session, File → Open model and Draw → Open model, with damaged files made by
the fuzz module's generators; and a session applied whole or not at all."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox

import nn
from tests.test_fuzz_files import (
    _members,
    _npy,
    _rezip,
    config_damage,
    flips,
    member_damage,
    truncations,
    valid_files,
)
from workbench.core.session import load_session
from workbench.shell import file_actions
from workbench.shell.main_window import MainWindow


@pytest.fixture(scope="module")
def valid(tmp_path_factory) -> dict[str, Path]:
    return valid_files(tmp_path_factory.mktemp("valid"))


@pytest.fixture
def window(qtbot, tmp_path):
    win = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    yield win
    win.close()


@pytest.fixture
def shown(monkeypatch):
    """Every QMessageBox shown: (title, text); answered with its default."""
    boxes: list[tuple[str, str]] = []

    def exec_(box):
        boxes.append((box.windowTitle(), box.text()))
        return int(QMessageBox.StandardButton.Ok)

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return boxes


def choose_file(monkeypatch, path: Path) -> None:
    monkeypatch.setattr(QFileDialog, "getOpenFileName",
                        staticmethod(lambda *a, **k: (str(path), "")))


def _refused(load, path: Path) -> bool:
    try:
        load(path)
    except nn.ModelFileError:
        return True
    return False


#: One case of each kind of damage, by a part of its label in the fuzz module.
MODEL_KINDS = ("truncated at 0/16", "truncated at 8/16", "flipped", "random bytes at",
               "removed", "a pickle", "an object array", "a header claiming 8 TB", " NaN",
               "another shape", "an extra member claiming 8 TB", "config: a list",
               "config: version 99", "nested 100000 deep", "config: invalid UTF-8")
SESSION_KINDS = (*MODEL_KINDS, "config: builder = 'x'", "config: setup = []",
                 "config: history = {'a': [1]}", "config: builder.layers = 'x'",
                 "config: builder.init = 'x'", "config: builder.input_shape = -1",
                 "config: setup.data = -1", "config: trainer = 'x'",
                 "config: model = 5")


def damaged(kind: str, valid: Path, folder: Path, kinds: tuple[str, ...], load) -> list:
    """(kind, path) for the first case of every kind in ``kinds`` that the loader refuses."""
    data = valid.read_bytes()
    cases = [*truncations(data), *flips(data), *member_damage(data), *config_damage(data)]
    picked = []
    for wanted in kinds:
        for label, blob in cases:
            if wanted in label:
                path = folder / f"{len(picked):02d}{valid.suffix}"
                path.write_bytes(blob)
                if _refused(load, path):
                    picked.append((label, path))
                    break
        else:
            raise AssertionError(f"no refused case of kind {wanted!r}")
    return picked


def snapshot(win) -> str:
    page = win.train_page
    return json.dumps({"builder": [win.builder.layers, list(win.builder.input_shape),
                                   win.builder.init, win.builder.preset],
                       "setup": win.setup.to_dict(), "model": id(page.model),
                       "history": page.run.history.to_dict(), "status": page.run.status,
                       "path": win.session_path, "title": win.windowTitle()}, default=str)


def test_file_open_session_shows_a_dialog_for_every_kind_of_bad_session(
        window, valid, tmp_path, monkeypatch, shown):
    cases = damaged("session", valid["session"], tmp_path, SESSION_KINDS, load_session)
    assert len(cases) >= 12
    before = snapshot(window)
    for label, path in cases:
        shown.clear()
        choose_file(monkeypatch, path)
        window.a_open.trigger()
        assert len(shown) == 1, (label, shown)
        title, text = shown[0]
        assert title == "Could not open the session", label
        assert str(path) in text and len(text) > len(str(path)) + 10, (label, text)
        assert "Traceback" not in text
        assert snapshot(window) == before, label


def test_file_open_model_shows_a_dialog_for_every_kind_of_bad_model(
        window, valid, tmp_path, monkeypatch, shown):
    cases = damaged("model", valid["model"], tmp_path, MODEL_KINDS, nn.load_model)
    assert len(cases) >= 10
    before = snapshot(window)
    for label, path in cases:
        shown.clear()
        choose_file(monkeypatch, path)
        window.a_open_model.trigger()
        assert [t for t, _ in shown] == ["Could not open the model"], (label, shown)
        assert str(path) in shown[0][1], (label, shown[0][1])
        assert snapshot(window) == before, label


def test_draw_open_model_shows_a_dialog_for_every_kind_of_bad_model(
        window, valid, tmp_path, monkeypatch, shown):
    cases = damaged("model", valid["model"], tmp_path, MODEL_KINDS, nn.load_model)
    draw = window.page("draw")
    picker = draw.picker
    before = (picker.source, picker.model, picker.combo.count())
    for label, path in cases:
        shown.clear()
        choose_file(monkeypatch, path)
        picker.open_button.click()
        assert [t for t, _ in shown] == ["Could not open the model"], (label, shown)
        assert str(path) in shown[0][1], (label, shown[0][1])
        assert (picker.source, picker.model, picker.combo.count()) == before, label


@pytest.mark.parametrize("error", [RuntimeError("encrypted"), MemoryError(),
                                   RecursionError("deep"), KeyError("x"),
                                   NotImplementedError("zip method 99"),
                                   PermissionError(13, "Permission denied")])
def test_any_other_error_of_a_loader_becomes_a_dialog(window, valid, monkeypatch, shown,
                                                      error):
    def broken(path):
        raise error

    monkeypatch.setattr(nn, "load_model", broken)
    monkeypatch.setattr(file_actions, "load_session", broken)
    before = snapshot(window)
    for action, path in ((window.a_open_model, valid["model"]),
                         (window.a_open, valid["session"])):
        shown.clear()
        choose_file(monkeypatch, path)
        action.trigger()
        assert len(shown) == 1 and str(path) in shown[0][1], shown
        assert shown[0][0].startswith("Could not open the")
    assert snapshot(window) == before


# ------------------------------------------------------------------- atomic application
def _resave(valid: Path, target: Path, change) -> Path:
    members = _members(valid.read_bytes())
    config = json.loads(np.load(io.BytesIO(members["__config__.npy"])).tobytes())
    change(config)
    members["__config__.npy"] = _npy(np.frombuffer(json.dumps(config).encode(), np.uint8))
    target.write_bytes(_rezip(members))
    return target


def _set(path: tuple, value):
    def change(config):
        target = config
        for key in path[:-1]:
            target = target[key]
        target[path[-1]] = value
    return change


#: Sessions whose builder is valid but whose set-up (or a later part) is not.
LATE_DAMAGE = [
    (("setup", "data", "augment"), {"max_shift": "far"}, "Invalid max_shift: 'far'"),
    (("setup", "training", "batch_size"), -1, "Invalid batch_size: -1"),
    (("setup", "optimizer", "lr"), "fast", "Invalid learning rate: 'fast'"),
    (("history", "losses"), {"a": 1}, "history.losses must be a list"),
    (("comparisons",), {"optimizers": {"kind": "compare", "config": {}, "results": 5}},
     "comparisons.optimizers.results must be an object"),
]


@pytest.mark.parametrize(("path", "value", "needle"), LATE_DAMAGE)
def test_a_session_valid_in_the_builder_but_not_later_changes_nothing(
        window, valid, tmp_path, monkeypatch, shown, path, value, needle):
    bad = _resave(valid["session"], tmp_path / "late.nnwb", _set(path, value))
    window.builder.load_preset("two_layer_net", hidden_size=7)
    window.setup.set_training(epochs=4)
    before = snapshot(window)
    undo = window.builder.undo_label
    choose_file(monkeypatch, bad)
    window.a_open.trigger()
    assert len(shown) == 1 and needle in shown[0][1] and str(bad) in shown[0][1], shown
    assert snapshot(window) == before
    assert window.builder.undo_label == undo  # not even an undo step was added


def test_apply_session_checks_the_whole_session_before_changing_anything(
        window, valid, monkeypatch, shown):
    """A Session object that did not come through load_session (e.g. built in code) is
    checked whole by apply_session too."""
    session = load_session(valid["session"])
    bad = copy.deepcopy(session)
    bad.setup["optimizer"] = {"name": "adam", "lr": -1}
    before = snapshot(window)
    assert not window.apply_session(bad, "made-up.nnwb")
    assert len(shown) == 1 and "Invalid learning rate: -1" in shown[0][1]
    assert snapshot(window) == before
    assert window.apply_session(session, str(valid["session"]))
    assert window.builder.input_shape == (2,) and window.train_page.model is session.model


def test_a_session_of_another_data_kind_keeps_its_own_settings(window, valid, shown):
    """Opening a 2-D-points session in a window on images applies the session's epochs and
    batch size as saved (the data-kind defaults are not applied on top)."""
    session = load_session(valid["session"])
    assert window.builder.input_shape == (1, 28, 28)
    assert window.apply_session(session, str(valid["session"]))
    assert window.setup.training.to_dict() == session.setup["training"]
    assert window.setup.data.name == "blobs" and shown == []
    assert [s["type"] for s in window.builder.layers] == \
        [s["type"] for s in session.builder["layers"]]

