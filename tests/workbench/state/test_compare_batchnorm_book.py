"""The Batch Norm tab's experiment with the book's setting (issue 15 point 11, book ch. 6.3.2,
Fig. 6-19): 16 weight scales, 5 hidden layers of 100, 1,000 training images, SGD lr 0.01,
batch 100, 20 epochs — run through the tab's own spec, without Qt.

The book's own script (``ch06/batch_norm_test.py`` with its ``MultiLayerNetExtend``), run on the
same 1,000 images, gives the same picture as this grid: BatchNorm learns at every scale and wins
at 14 of the 16; the plain network wins only at w ≈ 0.29 and 0.16, the two scales closest to He's
√(2/100) ≈ 0.14, where it needs no help; BatchNorm is slowest at w = 1 and 0.54, because it makes
each layer's output independent of the weights' scale, so the gradient of a weight — and with it
the effective learning rate — shrinks as 1/w.
"""

from __future__ import annotations

import math

import pytest

from nn.compare import Comparison
from nn.experiment import DataConfig
from nn.training import Diverged, Finished
from workbench.state.compare import specs


@pytest.fixture(scope="module")
def grid():
    settings = specs.book_settings("batchnorm")
    assert (settings["scales"], settings["epochs"], settings["train_size"], settings["lr"],
            settings["batch_size"], settings["layers"], settings["units"]) == \
        (16, 20, 1000, 0.01, 100, 5, 100)
    job = specs.batchnorm_job(settings, DataConfig("digits", train_size=1000, val_fraction=0.0))
    comparison = Comparison(job.base, job.variants, job.seeds)
    for _ in comparison.run():
        pass
    rows = []
    for i, w in enumerate(specs.weight_scales(16)):
        bn, plain = (comparison.trainers[2 * i + k][0] for k in (0, 1))
        outcome = comparison.outcomes[(2 * i + 1, 0)]
        plain_acc = bn_acc = math.nan
        if plain.history.epochs and not isinstance(outcome, Diverged):
            plain_acc = plain.history.epochs[-1].train_acc
        bn_acc = bn.history.epochs[-1].train_acc
        rows.append((w, bn_acc, plain_acc, comparison.outcomes[(2 * i, 0)], outcome))
    return rows


@pytest.mark.slow
def test_batchnorm_learns_at_every_scale_and_wins_at_most(grid):
    assert all(isinstance(row[3], Finished) for row in grid)  # no BatchNorm run diverges
    wins = [w for w, bn, plain, *_ in grid if math.isnan(plain) or bn >= plain]
    assert len(wins) >= 14, grid
    losses = [w for w, bn, plain, *_ in grid if not (math.isnan(plain) or bn >= plain)]
    assert all(0.1 < w < 0.5 for w in losses), losses  # only near He's √(2/100) ≈ 0.14
    assert all(bn > 0.4 for _, bn, *_ in grid)  # above chance everywhere (book: ~0.45 at w=1)
    assert all(bn > 0.85 for w, bn, *_ in grid if 0.001 < w < 0.1)


@pytest.mark.slow
def test_without_batchnorm_most_scales_stall_or_diverge(grid):
    stalled = [w for w, _, plain, *_ in grid if math.isnan(plain) or plain < 0.2]
    assert len(stalled) >= 12, grid
    diverged = [w for w, *_, outcome in grid if isinstance(outcome, Diverged)]
    assert diverged == [1.0, 0.5412]  # the exploding scales: the table says "(diverged)"
