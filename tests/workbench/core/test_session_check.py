"""Sessions are checked whole before anything is applied (issue 14 points 4–6, the Qt-free half)
and carry the trainer's state so a reopened session continues exactly (issue 15 point 13)."""

from __future__ import annotations

import copy
from pathlib import Path

import numpy as np
import pytest

import nn
from nn.errors import ModelFileError
from nn.schema import SettingsError
from nn.training import StepEnd, Stopped, Trainer, TrainSettings
from workbench.core.session import Session, load_session, save_session
from workbench.core.session_check import check_restored, check_session_parts
from workbench.state.builder import BuilderState
from workbench.state.setup import TrainingSetup


def _parts() -> dict:
    builder = BuilderState()
    builder.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
    return {"builder": {"layers": copy.deepcopy(builder.layers),
                        "input_shape": list(builder.input_shape), "init": builder.init,
                        "preset": builder.preset},
            "setup": TrainingSetup().to_dict(), "history": nn.training.History().to_dict(),
            "status": "finished", "message": ""}


def _damaged(path: str, value) -> dict:
    parts = _parts()
    target = parts
    *keys, last = path
    for key in keys:
        target = target[key]
    target[last] = value
    return parts


#: The six damaged sessions of the issue, the too-large stack, and more of the same kind.
BAD = [
    (("builder", "init"), "magic", "builder.init: Unknown initializer 'magic'"),
    (("builder", "input_shape"), 5, "Invalid input shape 5"),
    (("builder", "layers", 0, "config"), [30, 5], "builder.layers[0].config must be an object"),
    (("builder", "layers", 3, "config", "units"), "many", "Invalid units: 'many'"),
    (("builder", "layers", 1), "junk", "builder.layers[1] must be an object"),
    (("setup", "data", "augment"), {"max_shift": "far"}, "Invalid max_shift: 'far'"),
    (("builder", "layers"), [{"type": "Conv2D", "config": {"filters": 1024, "kernel_size": 3,
                                                           "pad": 1}},
                             {"type": "Dense", "config": {"units": 8192}}],
     "Layer 1 (Dense(units=8192)) needs 6,576,676,864 parameters"),
    (("setup", "data", "data_dir"), 5, "setup.data.data_dir must be text or null, not 5"),
    (("setup", "optimizer", "lr"), "fast", "Invalid learning rate: 'fast'"),
    (("setup", "optimizer", "momentum"), 0.9, "unknown key 'momentum' in setup.optimizer"),
    (("setup", "training", "batch_size"), -1, "Invalid batch_size: -1"),
    (("setup", "training", "epochz"), 3, "did you mean 'epochs'?"),
    (("setup", "schedule"), {"name": "step", "every": "often"}, "setup.schedule.every"),
    (("setup", "dtype"), "float16", "setup.dtype: unknown value 'float16'"),
    (("setup",), [], "setup must be an object"),
    (("history", "losses"), {"a": 1}, "history.losses must be a list"),
    (("builder", "extra"), 1, "unknown key 'extra' in builder"),
]


@pytest.mark.parametrize(("path", "value", "needle"), BAD)
def test_every_part_is_checked_and_the_field_named(path, value, needle):
    parts = _damaged(path, value)
    with pytest.raises(SettingsError) as info:
        check_session_parts(**parts)
    assert needle in str(info.value)
    with pytest.raises(SettingsError, match="builder|setup|history"):
        check_restored(parts)  # the same check for a session remembered in the settings


def test_a_good_session_passes_normalised():
    checked = check_session_parts(**{**_parts(), "status": "running"})
    assert checked.status == "idle" and checked.builder["input_shape"] == [1, 28, 28]
    setup = TrainingSetup()
    setup.load_dict(checked.setup)  # what the window applies: no error
    builder = BuilderState()
    builder.load_dict(checked.builder)
    assert builder.validation().error is None


@pytest.mark.parametrize(("path", "value", "needle"), BAD[:7])
def test_a_damaged_session_file_is_one_model_file_error(tmp_path: Path, path, value, needle):
    parts = _damaged(path, value)
    file = tmp_path / "bad.nnwb"
    save_session(Session(parts["builder"], parts["setup"]), file)
    with pytest.raises(ModelFileError) as info:
        load_session(file)
    assert str(file) in str(info.value) and needle in str(info.value)


def test_nan_weights_in_a_session_are_named_and_left_out(tmp_path: Path):
    model = nn.presets.build("two_layer_net", hidden_size=4)
    model.named_parameters()["0.W"][0, 0] = np.nan
    parts = _parts()
    save_session(Session(parts["builder"], parts["setup"], model=model, status="finished"),
                 tmp_path / "nan.nnwb")
    session = load_session(tmp_path / "nan.nnwb")
    assert session.model is None and session.status == "diverged"
    assert "The saved model was not loaded: array 'model/0.W' holds 1 NaN" in session.message


def test_a_reopened_session_continues_bit_identically(tmp_path: Path):
    """Issue 15.13 (engine half): the session keeps Trainer.state_dict(); continuing after
    reopening gives exactly the weights of a run that never stopped."""
    ds = nn.datasets.load("digits")
    data = (ds.x_train[:256], ds.y_train[:256])

    def trainer(model: nn.Sequential | None = None) -> Trainer:
        model = model or nn.presets.build("multi_layer_net_extend", hidden_sizes=[16],
                                          use_batchnorm=True, use_dropout=True)
        return Trainer(model, nn.optimizers.get("adam", lr=0.003), data,
                       settings=TrainSettings(batch_size=32, epochs=2))

    straight = trainer()
    list(straight.run())
    first = trainer()
    for event in first.run():
        if isinstance(event, StepEnd) and event.iteration == 11:
            first.stop()
    assert isinstance(event, Stopped)
    parts = _parts()
    save_session(Session(parts["builder"], parts["setup"], first.history, first.model,
                         "stopped", trainer=first.state_dict()), tmp_path / "s.nnwb")
    session = load_session(tmp_path / "s.nnwb")
    assert session.trainer is not None and session.trainer["progress"]["iteration"] == 11
    resumed = trainer(session.model)
    resumed.load_state_dict(session.trainer)
    list(resumed.run())
    for key, value in straight.model.state_dict().items():
        assert np.array_equal(resumed.model.state_dict()[key], value), key
