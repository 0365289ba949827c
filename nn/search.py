"""Random hyperparameter search (book ch. 6.5): sample settings log-uniformly, train each on a
small budget, rank by validation accuracy.

The book samples ``weight_decay = 10^U(−8, −4)`` and ``lr = 10^U(−6, −2)``, trains a 6×100 MLP
on 500 images (20 % held out) for 50 epochs, 100 trials, and keeps the best. Each trial here is an
ordinary :class:`~nn.training.Trainer` run, so the GUI can watch and stop it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from nn.experiment import PreparedData, RunConfig, make_trainer, prepare_data
from nn.training import TERMINAL, Diverged, Event, Finished

#: Optimizer settings a search may vary (they go into the run's optimizer config).
SEARCHABLE = ("lr", "weight_decay", "momentum", "beta1", "beta2", "decay_rate", "rho")
BOOK_SPACE = {"lr": (1e-6, 1e-2), "weight_decay": (1e-8, 1e-4)}


@dataclass(frozen=True)
class TrialStart:
    index: int
    params: dict[str, float]


@dataclass(frozen=True)
class TrialEvent:
    """An event of the running trial's trainer."""

    index: int
    event: Event


@dataclass(frozen=True)
class TrialEnd:
    index: int
    params: dict[str, float]
    val_acc: float
    train_acc: float
    diverged: bool


class RandomSearch:
    """Sample ``trials`` settings from ``space`` (``name: (low, high)``, log-uniform)."""

    def __init__(self, base: RunConfig, space: Mapping[str, tuple[float, float]] | None = None,
                 trials: int = 20, seed: int = 0, data: PreparedData | None = None) -> None:
        space = dict(BOOK_SPACE if space is None else space)
        for name, bounds in space.items():
            if name not in SEARCHABLE:
                raise ValueError(
                    f"Cannot search {name!r}; searchable settings: {', '.join(SEARCHABLE)}")
            low, high = bounds
            if not (0 < low <= high and math.isfinite(high)):
                raise ValueError(f"Invalid range for {name}: {bounds} (need 0 < low ≤ high)")
        if not isinstance(trials, int) or trials < 1:
            raise ValueError(f"Invalid trials: {trials!r} (must be an integer ≥ 1)")
        if base.data.val_fraction <= 0:
            raise ValueError("A search ranks by validation accuracy: set a validation fraction")
        self.base, self.space, self.trials = base, space, trials
        rng = np.random.default_rng(seed)
        self.samples = [
            {name: float(10 ** rng.uniform(math.log10(lo), math.log10(hi)))
             for name, (lo, hi) in space.items()}
            for _ in range(trials)
        ]
        for params in self.samples:  # every sample must be a valid optimizer setting
            base.make_optimizer().check_hyperparameters(**params)
        self.data = data if data is not None else prepare_data(base.data)
        self.results: list[TrialEnd] = []
        self._stop = threading.Event()
        self._current = None

    def stop(self) -> None:
        self._stop.set()
        if self._current is not None:
            self._current.stop()

    def run(self) -> Iterator[TrialStart | TrialEvent | TrialEnd]:
        for index, params in enumerate(self.samples):
            if self._stop.is_set():
                return
            yield TrialStart(index, params)
            run = self.base.with_overrides({"optimizer": params}, label=f"trial {index + 1}")
            trainer = self._current = make_trainer(run, self.data)
            outcome = None
            for event in trainer.run():
                yield TrialEvent(index, event)
                if isinstance(event, TERMINAL):
                    outcome = event
            if not isinstance(outcome, (Finished, Diverged)):
                return  # stopped
            diverged = isinstance(outcome, Diverged)
            last = trainer.history.epochs[-1] if trainer.history.epochs else None
            val_acc = math.nan if diverged or last is None else last.val_acc
            train_acc = math.nan if diverged or last is None else last.train_acc
            end = TrialEnd(index, params, val_acc, train_acc, diverged)
            self.results.append(end)
            yield end

    def ranked(self) -> list[TrialEnd]:
        """Finished trials, best validation accuracy first (diverged trials last)."""
        return sorted(self.results,
                      key=lambda r: (-r.val_acc if not math.isnan(r.val_acc) else math.inf))


__all__ = ["BOOK_SPACE", "SEARCHABLE", "RandomSearch", "TrialEnd", "TrialEvent", "TrialStart"]
