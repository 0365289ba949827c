"""``--augment draw`` (the Draw model's recipe): parsing, and a seeded run that resumes from its
checkpoint to the same weights, bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import nn
from nn.datasets import DRAW_AUGMENT, Augmenter
from workbench.cli import run_cli
from workbench.cli.common import UsageError, parse_augment


def test_parse_the_draw_recipe_and_the_new_keys() -> None:
    assert parse_augment("draw") == DRAW_AUGMENT
    config = parse_augment("shift=2,shear=20,elastic=0.5,restroke=0.3")
    aug = Augmenter.from_config(config)
    assert aug.shear and aug.max_shear == 20.0
    assert aug.elastic and aug.elastic_prob == 0.5
    assert aug.restroke and aug.restroke_prob == 0.3
    assert not aug.rotation and not aug.thickness
    with pytest.raises(UsageError):
        parse_augment("shear=steep")


def test_draw_recipe_run_resumes_bit_for_bit(tmp_path, monkeypatch) -> None:
    monkeypatch.setenv("OPENBLAS_NUM_THREADS", "1")
    common = ["--preset", "simple_convnet", "--dataset", "digits", "--train-size", "300",
              "--val-fraction", "0", "--augment", "draw", "--batch-size", "50", "--seed", "3",
              "-q"]
    straight = tmp_path / "straight.npz"
    assert run_cli(["train", *common, "--epochs", "2", "--out", str(straight)]) == 0
    ckpt = tmp_path / "ckpt.npz"
    assert run_cli(["train", *common, "--epochs", "1", "--checkpoint", str(ckpt)]) == 0
    resumed = tmp_path / "resumed.npz"
    assert run_cli(["train", "--resume", str(ckpt), "--epochs", "2", "--out", str(resumed),
                    "-q"]) == 0
    a, b = nn.load_model(straight), nn.load_model(resumed)
    for name, value in a.state_dict().items():
        np.testing.assert_array_equal(value, b.state_dict()[name], err_msg=name)
    assert b.metadata["run_config"]["data"]["augment"] == DRAW_AUGMENT
