"""What the Inspect page remembers about each model, and the training probe that records it.

Qt-free. :class:`InspectProbe` runs in the training worker thread (see
:meth:`workbench.shell.context.AppContext.add_probe`): its first call of a fresh run — forced before
the first step — copies every parameter ("at initialization", book ch. 7.6), later calls
measure activation, weight and gradient histograms (book ch. 6.2) when their cost allows, and
gradient norms and dead-ReLU fractions — cheap — at every call, about once a second. The GUI
thread files each payload in the :class:`ModelRecord` of its model.
"""

from __future__ import annotations

import math
import time
import traceback
import weakref
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

import nn
from nn.inspect import LayerDynamics, LayerStats, layer_dynamics, layer_stats

PROBE_NAME = "inspect"
PROBE_INTERVAL = 1.0  # seconds between probe calls, at most (the worker's schedule)
PROBE_BATCH = 100  # images whose activations are histogrammed
PROBE_BUDGET = 0.08  # the probe may take at most this fraction of the training time
PROBE_BUDGET_HIDDEN = 0.02  # … while the Inspect page is not shown
#: Gradient norms and dead fractions over time may take this fraction of the training time;
#: they cost a fifth of the histograms, so they are measured at every call for most networks.
DYNAMICS_BUDGET = 0.05
BATCH_SEED = 0


def fixed_batch(n: int, size: int = PROBE_BATCH, seed: int = BATCH_SEED) -> NDArray[np.intp]:
    """Sorted indices of a fixed random subset of ``size`` out of ``n`` samples."""
    rng = np.random.default_rng(seed)
    return np.sort(rng.choice(n, min(n, size), replace=False))


@dataclass(frozen=True)
class ProbePayload:
    """One probe result. ``model`` identifies the trained model (a weak reference: it is never
    dereferenced for reading weights); everything else is freshly allocated."""

    model: Callable[[], Any]
    iteration: int
    initial: dict[str, NDArray] | None = None
    stats: LayerStats | None = None
    error: str | None = None
    #: Gradient norms and dead fractions alone (when ``stats``, which has them too, is None).
    dynamics: LayerDynamics | None = None
    #: When it was measured (``time.perf_counter()`` of the worker), for the curves' spacing.
    seconds: float = 0.0


class InspectProbe:
    """``compute(trainer)`` for a :class:`workbench.core.training_events.Probe` (worker thread).

    Remembers, for the model being trained, its weights before the first step and its first
    gradients, so weight and gradient histograms come with their starting distribution on
    the same bins. Keeps the histograms' cost under :attr:`budget` of the training time by
    skipping them after an expensive call (a deep network's forward pass over the batch),
    except the forced first call; in between it measures gradient norms and dead fractions
    alone (:func:`~nn.inspect.layer_dynamics`, under :data:`DYNAMICS_BUDGET`), so their curves
    get a point at about every call. ``clock`` is for tests. Never raises: a failure is
    reported in the payload instead of ending the training run.
    """

    def __init__(self, batch: int = PROBE_BATCH, budget: float = PROBE_BUDGET,
                 dynamics_budget: float = DYNAMICS_BUDGET,
                 clock: Callable[[], float] = time.perf_counter) -> None:
        self.batch, self.budget, self.dynamics_budget = batch, budget, dynamics_budget
        self._clock = clock
        self._cost = self._dynamics_cost = 0.0
        self._last = self._last_dynamics = -math.inf
        self._inputs: tuple[Any, NDArray] | None = None  # (training array, its batch)
        self._model: Callable[[], Any] = lambda: None
        self._start_weights: dict[str, NDArray] | None = None
        self._start_grads: dict[str, NDArray] | None = None

    def _batch(self, x: NDArray) -> NDArray:
        cached = self._inputs
        if cached is None or cached[0] is not x:
            cached = (x, x[fixed_batch(len(x), self.batch)])
            self._inputs = cached
        return cached[1]

    def __call__(self, trainer: Any) -> ProbePayload | None:
        model, iteration = trainer.model, int(trainer.iteration)
        first = iteration == 0
        now = self._clock()
        full = first or now - self._last >= self._cost / self.budget
        if not full and now - self._last_dynamics < self._dynamics_cost / self.dynamics_budget:
            return None
        try:
            initial = None
            if first:
                initial = {k: v.copy() for k, v in model.named_parameters().items()}
                self._model, self._start_weights, self._start_grads = (
                    weakref.ref(model), initial, None)
            elif self._model() is not model:  # a model whose start this probe never saw
                self._model, self._start_weights, self._start_grads = (
                    weakref.ref(model), None, None)
            elif self._start_grads is None:
                self._start_grads = {k: g.copy() for k, g in model.named_grads().items()}
            batch = self._batch(trainer.train[0])
            if not full:
                dynamics = layer_dynamics(model, batch, iteration=iteration)
                return ProbePayload(weakref.ref(model), iteration, dynamics=dynamics,
                                    seconds=now)
            stats = layer_stats(model, batch, grads=not first, iteration=iteration,
                                start_weights=self._start_weights,
                                start_grads=self._start_grads)
        except Exception as exc:  # noqa: BLE001 — shown on the page; training goes on
            detail = traceback.format_exception_only(type(exc), exc)[-1].strip()
            return ProbePayload(weakref.ref(model), iteration, error=detail, seconds=now)
        finally:
            # a measurement of cost c may start again c / budget seconds after this one began
            cost = self._clock() - now
            self._last_dynamics = now
            if full:
                self._last, self._cost = now, cost
            else:
                self._dynamics_cost = cost
        return ProbePayload(weakref.ref(model), iteration, initial, stats, seconds=now)


@dataclass
class StatsHistory:
    """Gradient norm and dead-ReLU fraction per layer over training iterations."""

    iterations: list[int] = field(default_factory=list)
    grad_norms: dict[str, list[float]] = field(default_factory=dict)
    dead: dict[str, list[float]] = field(default_factory=dict)
    #: When each measurement was taken (the worker's ``time.perf_counter()``).
    seconds: list[float] = field(default_factory=list)

    def add(self, stats: LayerStats | LayerDynamics, seconds: float = math.nan) -> None:
        """Append one measurement (a repeated iteration replaces the previous one)."""
        if self.iterations and self.iterations[-1] == stats.iteration:
            self._drop_last()
        n = len(self.iterations)
        self.iterations.append(stats.iteration)
        self.seconds.append(float(seconds))
        for series, values in ((self.grad_norms, stats.grad_norms), (self.dead, stats.dead)):
            for name in values:
                series.setdefault(name, [math.nan] * n)
            for name, column in series.items():
                column.append(float(values.get(name, math.nan)))

    def _drop_last(self) -> None:
        self.iterations.pop()
        self.seconds.pop()
        for series in (self.grad_norms, self.dead):
            for column in series.values():
                column.pop()

    def __len__(self) -> int:
        return len(self.iterations)

    def typical_spacing(self) -> float | None:
        """Seconds between two measurements, the median over the run (a pause or a Stop
        followed by "+1 epoch" does not count as one long gap); None with fewer than two."""
        gaps = np.diff(np.asarray(self.seconds, dtype=np.float64))
        gaps = gaps[np.isfinite(gaps) & (gaps > 0)]
        return float(np.median(gaps)) if gaps.size else None


@dataclass
class ModelRecord:
    """What the page knows about one model beyond its current weights."""

    #: Every parameter before the first training step (recorded by the probe), or None.
    initial: dict[str, NDArray] | None = None
    #: A fresh initialization (same initializer and seed) when ``initial`` is unknown.
    reference: dict[str, NDArray] | None = None
    #: The most recent live statistics from the probe.
    latest: LayerStats | None = None
    #: Statistics measured before the first step (activations at initialization).
    initial_stats: LayerStats | None = None
    history: StatsHistory = field(default_factory=StatsHistory)
    error: str | None = None

    def add(self, payload: ProbePayload) -> None:
        """File a probe payload."""
        self.error = payload.error
        if payload.initial is not None and self.initial is None:
            self.initial = payload.initial
        stats = payload.stats
        if stats is None:
            dynamics = payload.dynamics
            if dynamics is not None and (dynamics.grad_norms or dynamics.dead):
                self.history.add(dynamics, payload.seconds)
            return
        self.latest = stats
        if payload.initial is not None and self.initial_stats is None:
            self.initial_stats = stats
        if stats.grad_norms or stats.dead:
            self.history.add(stats, payload.seconds)

    def start_params(self, model: nn.Sequential) -> tuple[dict[str, NDArray], bool]:
        """The weights "at initialization" and whether they were recorded (True) or are a
        fresh initialization with the model's initializer and seed (False)."""
        if self.initial is not None:
            return self.initial, True
        if self.reference is None:
            fresh = nn.Sequential.from_config(model.to_config())
            self.reference = {k: v.copy() for k, v in fresh.named_parameters().items()}
        return self.reference, False


class Records:
    """:class:`ModelRecord` per model object, forgotten when the model is."""

    def __init__(self) -> None:
        self._records: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()

    def get(self, model: nn.Sequential) -> ModelRecord:
        record = self._records.get(model)
        if record is None:
            record = self._records[model] = ModelRecord()
        return record

    def add(self, payload: ProbePayload) -> nn.Sequential | None:
        """File ``payload`` under its model; returns that model (None if it is gone)."""
        model = payload.model()
        if model is not None:
            self.get(model).add(payload)
        return model
