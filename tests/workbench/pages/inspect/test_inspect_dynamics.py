"""Issue 15.9: the gradient-norm and dead-ReLU curves get a point about every second, as the
Histograms tab says, even when the full histograms are measured rarely (a slow machine, a
hidden page)."""

from __future__ import annotations

import numpy as np
import pytest

from tests.workbench.pages.inspect.inspect_support import small_convnet
from workbench.pages.inspect.histograms import dynamics_status
from workbench.state.inspect import records
from workbench.state.inspect.records import (
    PROBE_BUDGET_HIDDEN,
    PROBE_INTERVAL,
    InspectProbe,
    ModelRecord,
)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def run_probe(monkeypatch, seconds: int, iterations: int, histogram_cost: float,
              dynamics_cost: float) -> tuple[ModelRecord, list]:
    """Call the probe once per ``PROBE_INTERVAL`` (the worker's schedule) over a run of
    ``seconds`` and ``iterations``; measuring histograms takes ``histogram_cost`` seconds of
    the fake clock, gradient norms and dead fractions alone ``dynamics_cost``."""
    clock = FakeClock()
    real_stats, real_dynamics = records.layer_stats, records.layer_dynamics

    def slow(real, cost):
        def measured(*args, **kwargs):
            clock.now += cost
            return real(*args, **kwargs)
        return measured

    monkeypatch.setattr(records, "layer_stats", slow(real_stats, histogram_cost))
    monkeypatch.setattr(records, "layer_dynamics", slow(real_dynamics, dynamics_cost))
    model = small_convnet()
    rng = np.random.default_rng(0)
    x, t = rng.random((60, 1, 28, 28), dtype=np.float32), rng.integers(0, 10, 60)
    model.loss_and_grads(x[:20], t[:20])

    class Trainer:
        iteration = 0
        train = (x, t)

    Trainer.model = model
    probe = InspectProbe(batch=20, budget=PROBE_BUDGET_HIDDEN, clock=clock)
    record, payloads = ModelRecord(), []
    for second in range(seconds + 1):
        clock.now = max(clock.now, second * PROBE_INTERVAL)
        Trainer.iteration = round(second * iterations / seconds)
        payload = probe(Trainer)
        if payload is not None:
            payloads.append(payload)
            record.add(payload)
    return record, payloads


def test_a_35_second_run_gets_about_one_measurement_a_second(monkeypatch):
    # The run: 216 iterations in 35 s; histograms that take 0.25 s may use 2 % of the
    # time (the page is hidden), so they are measured every 12.5 s — three times.
    record, payloads = run_probe(monkeypatch, 35, 216, histogram_cost=0.25,
                                 dynamics_cost=0.01)
    full = [p for p in payloads if p.stats is not None]
    assert 2 <= len(full) <= 4
    history = record.history
    assert len(history) == 36  # one per call, the histogram calls included
    assert history.iterations[0] == 0 and history.iterations[-1] == 216
    assert history.typical_spacing() == pytest.approx(1.0, abs=0.05)
    assert all(len(v) == 36 for v in history.dead.values())
    norms = history.grad_norms
    assert norms and all(np.isfinite(v[1:]).all() for v in norms.values())
    assert dynamics_status(history) == (
        "36 measurements during training, about one every 1.0 s (fewer for large networks, "
        "to keep training fast).")


def test_slow_dynamics_are_spaced_out_and_the_text_says_so(monkeypatch):
    # A network whose forward pass takes 0.08 s: 5 % of the time allows one every 1.6 s,
    # so with a call each second every other call measures.
    record, _ = run_probe(monkeypatch, 40, 100, histogram_cost=0.5, dynamics_cost=0.08)
    spacing = record.history.typical_spacing()
    assert spacing == pytest.approx(2.0, abs=0.15)
    assert f"about one every {spacing:.1f} s" in dynamics_status(record.history)


def test_status_before_and_at_the_first_measurement():
    assert dynamics_status(None).startswith("Recorded while a model trains")
    history = records.StatsHistory()
    history.add(records.LayerDynamics({"1.ReLU": 0.5}, {}, 0), 3.0)
    assert dynamics_status(history) == ("1 measurement so far; during training one is taken "
                                        "about every second.")
