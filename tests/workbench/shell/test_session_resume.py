"""A reopened session can be continued (issue 15, point 13) and keeps the Compare page's results
(point 14): the trainer's state is saved with the session, "+1 epoch" is enabled after opening,
and continuing gives bit for bit the weights of a run that never stopped."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings

from nn.compare import Comparison, init_variants
from nn.experiment import DataConfig, ModelSpec, RunConfig, save_experiment
from nn.training import TrainSettings
from workbench.core.session import load_session
from workbench.shell import file_actions
from workbench.shell.main_window import MainWindow

pytestmark = pytest.mark.usefixtures("private_data_folders")
FIXTURES = Path(__file__).parents[2] / "fixtures"


@pytest.fixture
def dialogs(monkeypatch):
    shown = []
    monkeypatch.setattr(file_actions, "error_dialog",
                        lambda parent, title, message: shown.append((title, message)))
    return shown


def fresh_window(qtbot, tmp_path, name: str) -> MainWindow:
    win = MainWindow(QSettings(str(tmp_path / f"{name}.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    return win


def configure(win: MainWindow, epochs: int) -> None:
    """An MLP with BatchNorm (buffers) and Dropout (the model's generator) on augmented digits
    (the augmenter's generator), trained by Adam (moments and a step count)."""
    win.builder.load_preset("multi_layer_net_extend", input_shape=(1, 28, 28),
                            hidden_sizes=[24, 24], use_batchnorm=True, use_dropout=True,
                            dropout_rate=0.2)
    win.setup.set_data(train_size=600, val_fraction=0.2)
    win.setup.set_augment(True)
    win.setup.set_optimizer("adam")
    win.setup.set_hyperparameter("lr", 0.003)
    win.setup.set_training(epochs=epochs, batch_size=50, train_eval_size=200, seed=7)


def wait_finished(qtbot, win, start) -> None:
    page = win.train_page
    with qtbot.waitSignal(page.controller.finished, timeout=120_000):
        start()
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)


def test_continuing_a_reopened_session_is_bit_identical_to_never_stopping(qtbot, tmp_path,
                                                                          dialogs):
    first = fresh_window(qtbot, tmp_path, "first")
    configure(first, epochs=40)
    page = first.train_page
    page.train_button.click()
    qtbot.waitUntil(lambda: len(page.run.history.iterations) >= 13, timeout=60_000)
    wait_finished(qtbot, first, page.controller.stop)  # stopped somewhere in epoch 2 or later
    assert page.run.status == "stopped"
    path = tmp_path / "stopped.nnwb"
    first.session_path = str(path)
    assert first.save_session() and dialogs == []
    stopped_at = page.trainer.iteration
    first.close()

    second = fresh_window(qtbot, tmp_path, "second")  # a new window: nothing in memory
    second.open_path(str(path))
    assert dialogs == []
    resumed = second.train_page
    assert resumed.trainer is None and resumed.resume is not None
    assert resumed.more_button.isEnabled() and second.a_more.isEnabled()
    wait_finished(qtbot, second, resumed.more_button.click)
    assert resumed.run.status == "finished", resumed.run.message
    target = resumed.trainer.target_epochs
    assert resumed.trainer.iteration > stopped_at and resumed.trainer.epoch == target
    continued = resumed.model.state_dict()
    losses = list(resumed.run.history.losses)
    second.close()

    third = fresh_window(qtbot, tmp_path, "third")
    configure(third, epochs=target)
    wait_finished(qtbot, third, third.train_page.train_button.click)
    straight = third.train_page.model.state_dict()
    assert continued.keys() == straight.keys()
    different = [k for k in straight if not np.array_equal(continued[k], straight[k])]
    assert different == [], different
    assert losses == list(third.train_page.run.history.losses)
    third.close()


def test_the_saved_trainer_state_holds_arrays_without_pickle(qtbot, tmp_path, dialogs):
    win = fresh_window(qtbot, tmp_path, "w")
    configure(win, epochs=1)
    wait_finished(qtbot, win, win.train_page.train_button.click)
    win.session_path = str(tmp_path / "one.nnwb")
    assert win.save_session()
    with zipfile.ZipFile(tmp_path / "one.nnwb") as zf:
        names = zf.namelist()
        for name in names:
            np.load(io.BytesIO(zf.read(name)), allow_pickle=False)  # no object arrays
    assert any(n.startswith("trainer/optim/") for n in names)
    session = load_session(tmp_path / "one.nnwb")
    assert session.trainer["progress"]["epoch"] == 1
    assert session.trainer["optimizer"]["name"] == "adam"
    win.close()


def _without_trainer(source: Path, target: Path) -> Path:
    """``source`` as the session writer before trainer states wrote it: no "trainer" entry,
    no ``trainer/`` members (otherwise the same format, version 1)."""
    with zipfile.ZipFile(source) as zf:
        members = {n: zf.read(n) for n in zf.namelist() if not n.startswith("trainer/")}
    config = json.loads(np.load(io.BytesIO(members["__config__.npy"])).tobytes())
    config.pop("trainer", None)
    buf = io.BytesIO()
    np.save(buf, np.frombuffer(json.dumps(config).encode(), np.uint8), allow_pickle=False)
    members["__config__.npy"] = buf.getvalue()
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return target


def test_an_old_session_without_trainer_state_still_opens(qtbot, tmp_path, dialogs):
    old = _without_trainer(FIXTURES / "session-v1.nnwb", tmp_path / "old.nnwb")
    expected = json.loads((FIXTURES / "session-v1-expected.json").read_text())
    weights = np.load(FIXTURES / "session-v1-expected.npz")
    win = fresh_window(qtbot, tmp_path, "old")
    win.open_path(str(old))
    assert dialogs == []
    page = win.train_page
    assert win.setup.data.name == expected["setup"]["data"]["name"]
    assert all(np.array_equal(page.model.state_dict()[k], weights[k]) for k in weights.files)
    assert page.resume is None and not page.more_button.isEnabled()  # nothing to continue
    assert page.train_button.isEnabled()
    win.close()


def test_the_fixture_session_with_trainer_state_continues(qtbot, tmp_path, dialogs):
    path = tmp_path / "fixture.nnwb"
    shutil.copy(FIXTURES / "session-v1.nnwb", path)
    win = fresh_window(qtbot, tmp_path, "fixture")
    win.open_path(str(path))
    page = win.train_page
    assert dialogs == [] and page.more_button.isEnabled()
    wait_finished(qtbot, win, page.more_button.click)
    assert page.run.status == "finished", page.run.message
    target = page.trainer.target_epochs  # the interrupted epoch, finished, and one more
    assert page.trainer.epoch == target and len(page.run.history.epochs) == target
    win.close()


def test_a_run_that_cannot_continue_here_says_why(qtbot, tmp_path, dialogs):
    """A saved mid-epoch order made on 480 training samples, data that now has 400: "+1
    epoch" fails with the page's message instead of training something else."""
    win = fresh_window(qtbot, tmp_path, "w")
    configure(win, epochs=1)
    wait_finished(qtbot, win, win.train_page.train_button.click)
    win.session_path = str(tmp_path / "s.nnwb")
    assert win.save_session()
    session = load_session(tmp_path / "s.nnwb")
    session.trainer["order"] = np.random.default_rng(0).permutation(480)
    session.trainer["progress"]["position"] = 100
    session.setup["data"]["train_size"] = 500
    other = fresh_window(qtbot, tmp_path, "other")
    assert other.apply_session(session, None)
    page = other.train_page
    with qtbot.waitSignal(page.controller.failed, timeout=60_000) as failed:
        page.more_button.click()
    assert "cannot continue on this data" in failed.args[0]
    assert "480 training samples, not 400" in failed.args[0]
    qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)
    assert page.message.isVisible() and page.run.status == "failed"
    other.close()
    win.close()


# --------------------------------------------------------------------- Compare results
@pytest.fixture(scope="module")
def comparison_file(tmp_path_factory) -> Path:
    """A small initializer comparison as ``main.py compare --inits … --experiment`` writes."""
    base = RunConfig(ModelSpec("multi_layer_net", {"hidden_sizes": [12]}),
                     DataConfig("digits", val_fraction=0), {"name": "sgd", "lr": 0.01},
                     TrainSettings(batch_size=50, epochs=10, max_iterations=12))
    variants = init_variants(["std0.01", "he"])
    comparison = Comparison(base, variants, seeds=[3])
    list(comparison.run())
    path = tmp_path_factory.mktemp("compare") / "inits.json"
    config = {"base": base.to_dict(), "seeds": [3], "command": "compare --inits std0.01,he",
              "variants": [{"label": v.label, "overrides": v.overrides} for v in variants]}
    save_experiment(path, "compare", config, comparison.results())
    return path


@pytest.fixture
def compare_window(qtbot, tmp_path, comparison_file):
    win = fresh_window(qtbot, tmp_path, "a")
    compare = win.page("compare")
    assert compare.open_comparison(str(comparison_file)) == "init"
    return win, compare


def test_compare_results_are_saved_with_the_session_and_restored(qtbot, tmp_path, dialogs,
                                                                 compare_window):
    win, compare = compare_window
    tab = compare.comparison_tabs["init"]
    assert "comparisons" in win.unsaved_work()
    saved = tab.to_document()
    win.session_path = str(tmp_path / "with-compare.nnwb")
    assert win.save_session() and win.unsaved_work() == []
    win.close()

    other = fresh_window(qtbot, tmp_path, "b")
    assert other._compare_page() is None  # not built yet: opening the session builds it
    other.open_path(str(tmp_path / "with-compare.nnwb"))
    assert dialogs == []
    restored = other._compare_page().comparison_tabs["init"]
    assert restored.has_results
    kind, config, results = restored.to_document()
    assert (kind, json.dumps(results, sort_keys=True, default=str)) == \
        (saved[0], json.dumps(saved[2], sort_keys=True, default=str))
    assert config["workbench"]["settings"] == saved[1]["workbench"]["settings"]
    assert other.unsaved_work() == []
    other.new_session()  # a new session has no Compare results
    assert not restored.has_results
    other.close()


def test_a_damaged_compare_entry_leaves_every_tab_unchanged(qtbot, tmp_path, dialogs,
                                                            compare_window):
    win, compare = compare_window
    tab = compare.comparison_tabs["init"]
    win.session_path = str(tmp_path / "c.nnwb")
    assert win.save_session()
    session = load_session(tmp_path / "c.nnwb")
    session.comparisons["init"]["results"]["histories"] = []  # no longer matches
    state, layers = tab.state, list(win.builder.layers)
    assert not win.apply_session(session, "damaged.nnwb")
    assert len(dialogs) == 1 and "comparisons.init" in dialogs[0][1]
    assert tab.state is state and win.builder.layers == layers
    win.close()
