"""Reading what a run left behind for the assistant: history JSON, both metrics CSVs, an
experiment file and a model's metadata; damaged files are named."""

from __future__ import annotations

import json
import math

import pytest

import nn
from nn.diagnose.records import read_record, record_from_model
from nn.experiment import save_experiment
from nn.training import EpochEnd, History


def history() -> History:
    h = History()
    for i in range(1, 5):
        h.add(nn.training.StepEnd(i, 1 + (i > 2), i / 4, 2.3 - 0.1 * i, 0.1, 100.0))
    h.add(EpochEnd(1, 2, 2.0, 0.5, 2.1, 0.45, math.nan, math.nan, 1.0, True))
    h.add(EpochEnd(2, 4, 1.8, 0.6, 1.9, 0.55, math.nan, math.nan, 2.0, False))
    return h


def test_every_format_gives_the_same_history(tmp_path):
    h = history()
    (tmp_path / "h.json").write_text(json.dumps(h.to_dict()))
    h.write_csv(tmp_path / "epochs.csv", "epochs")
    h.write_csv(tmp_path / "iterations.csv", "iterations")
    save_experiment(tmp_path / "e.json", "train", {"optimizer": {"name": "sgd", "lr": 0.1}},
                    {"history": h, "train_acc": 0.6, "val_acc": 0.55, "diverged": "NaN."})
    assert read_record(tmp_path / "h.json").history.losses == h.losses
    epochs = read_record(tmp_path / "epochs.csv").history.epochs
    assert [(e.epoch, e.train_acc, e.is_best) for e in epochs] == [(1, 0.5, True),
                                                                   (2, 0.6, False)]
    assert math.isnan(epochs[0].test_acc)
    assert read_record(tmp_path / "iterations.csv").history.losses == h.losses
    record = read_record(tmp_path / "e.json")
    assert record.history.losses == h.losses and record.diverged == "NaN."
    assert record.final == {"train_acc": 0.6, "val_acc": 0.55}
    assert record.run_config["optimizer"]["lr"] == 0.1


def test_a_models_metadata(tmp_path):
    model = nn.presets.build("two_layer_net", seed=0)
    model.metadata = {"train_acc": 0.99, "val_acc": float("nan"), "run_config": {"label": ""}}
    record = record_from_model(model)
    assert record.final == {"train_acc": 0.99} and record.run_config == {"label": ""}
    assert record.history is None


@pytest.mark.parametrize(("name", "text", "message"), [
    ("x.csv", "a,b\n1,2\n", "not a metrics CSV"),
    ("x.csv", "iteration,loss,lr\none,2,3\n", "damaged metrics CSV"),
    ("x.json", "[1, 2]", "not an experiment file or a metrics history"),
    ("x.json", "{", "neither JSON nor CSV"),
])
def test_damaged_files_are_named(tmp_path, name, text, message):
    path = tmp_path / name
    path.write_text(text)
    with pytest.raises(ValueError, match=message):
        read_record(path)
    with pytest.raises(ValueError, match="no such file"):
        read_record(tmp_path / "missing.json")
