"""nn.ood: the energy score, its calibration on digits, blank inputs and the stored threshold."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

import nn
from nn import datasets, ood

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "resources" / "models" / "digits_deep_convnet.npz"
SHARED = ROOT.parent / "shared" / "data" / "mnist"
DATA_DIR = SHARED if SHARED.is_dir() else os.environ.get(datasets.DATA_ENV)


def test_energy_score_is_logsumexp_and_stable() -> None:
    rng = np.random.default_rng(0)
    z = rng.normal(0, 3, (50, 10))
    np.testing.assert_allclose(ood.energy_score(z), np.log(np.exp(z).sum(1)), rtol=1e-12)
    np.testing.assert_allclose(ood.energy_score(z, 2.0), 2 * np.log(np.exp(z / 2).sum(1)))
    big = np.array([[1000.0, 999.0, -5.0]])
    assert ood.energy_score(big)[0] == pytest.approx(1000 + np.log(1 + np.exp(-1.0)))
    # shifting every logit by c shifts the score by c; the softmax would not notice
    np.testing.assert_allclose(ood.energy_score(z + 4.0), ood.energy_score(z) + 4.0)


@pytest.mark.parametrize("rate", [0.0, 0.02, 0.1, 0.5])
def test_calibration_flags_at_most_the_allowed_share(rate: float) -> None:
    scores = np.random.default_rng(1).normal(5, 2, 1234)
    cal = ood.calibrate(scores, rate, "test")
    flagged = cal.flags(scores).mean()
    assert flagged <= rate and flagged == pytest.approx(cal.flag_rate)
    assert flagged > rate - 2 / len(scores)  # the highest such threshold, not a timid one
    assert cal.count == 1234 and cal.source == "test"


def test_calibration_with_ties_never_exceeds_the_rate() -> None:
    scores = np.array([1.0] * 50 + [2.0] * 50)
    cal = ood.calibrate(scores, 0.3)
    assert cal.flags(scores).mean() <= 0.3
    with pytest.raises(ValueError):
        ood.calibrate([], 0.02)
    with pytest.raises(ValueError):
        ood.calibrate([1.0, np.nan], 0.02)
    with pytest.raises(ValueError):
        ood.calibrate([1.0], 1.0)


def test_blank_and_verdicts() -> None:
    x = np.zeros((3, 1, 28, 28), np.float32)
    x[1, 0, 10:18, 13:15] = 1.0
    x[2, 0, 5, 5] = 0.5
    z = np.array([[0.0] * 10, [9.0] + [0.0] * 9, [0.1] * 10])
    cal = ood.OodCalibration(threshold=5.0, flag_rate=0.02, max_flag_rate=0.02, count=10,
                             source="t")
    assert ood.is_blank(x).tolist() == [True, False, False]
    assert ood.verdict(x, z, cal) == [ood.BLANK, ood.DIGIT, ood.NOT_A_DIGIT]
    assert ood.verdict(x, z, None) == [ood.BLANK, ood.DIGIT, ood.DIGIT]


def test_metadata_round_trip_and_malformed_entries() -> None:
    cal = ood.calibrate(np.arange(100.0), 0.02, "mnist test")
    meta = {"ood": ood.to_metadata(cal)}
    assert ood.from_metadata(meta) == cal
    for bad in ({}, {"ood": 3}, {"ood": {"score": "msp"}}, {"ood": {"score": "energy"}},
                {"ood": {**ood.to_metadata(cal), "threshold": "x"}},
                {"ood": {**ood.to_metadata(cal), "temperature": 0}},
                {"ood": {**ood.to_metadata(cal), "threshold": float("nan")}}, None):
        assert ood.from_metadata(bad) is None


def test_logits_match_the_models_forward_pass() -> None:
    model = nn.presets.build("simple_convnet")
    x = np.random.default_rng(2).random((7, 1, 28, 28)).astype(np.float32)
    z = ood.logits(model, x, batch_size=3)
    assert z.shape == (7, 10) and z.dtype == np.float64
    np.testing.assert_allclose(z, model.forward(x), rtol=1e-5, atol=1e-6)
    assert ood.logits(model, x[:0]).shape == (0, 10)


def test_the_shipped_model_carries_a_calibration_on_the_mnist_test_set() -> None:
    cal = ood.from_metadata(nn.load_model(MODEL).metadata)
    assert cal is not None and cal.source == "MNIST test" and cal.count == 10_000
    assert cal.flag_rate <= 0.02 and cal.max_flag_rate == 0.02


@pytest.mark.mnist
@pytest.mark.skipif(not (DATA_DIR and datasets.mnist_available(DATA_DIR)),
                    reason="full MNIST files not found (../shared/data/mnist or NN_WORKBENCH_DATA)")
def test_the_shipped_threshold_flags_at_most_2_percent_of_mnist_test_digits() -> None:
    model = nn.load_model(MODEL)
    cal = ood.from_metadata(model.metadata)
    mnist = datasets.load("mnist", data_dir=DATA_DIR)
    flagged = cal.flags(ood.energy_score(ood.logits(model, mnist.x_test)))
    assert flagged.mean() <= 0.02
