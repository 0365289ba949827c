"""Comparison runner (book ch. 6): N variants of one run, trained in lock-step.

Every variant starts from the same :class:`~nn.experiment.RunConfig` with a few settings changed
(optimizer, initializer, BatchNorm, dropout, weight decay, learning rate…). For each seed, all
variants see identical batches in identical order and — where the architecture allows — identical
initial weights (the model is seeded the same way; layers that draw no random numbers, such as
BatchNorm, leave the other layers' draws unchanged). Variants advance one step each in turn, so a
live view shows them progressing together. Repeating over several seeds gives mean ± spread.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nn.experiment import PreparedData, RunConfig, make_trainer, prepare_data
from nn.training import TERMINAL, Diverged, Event, Finished, History, StepEnd, Trainer


@dataclass(frozen=True)
class Variant:
    """One arm of a comparison: a label and the settings it changes."""

    label: str
    overrides: dict[str, Any] = field(default_factory=dict)


def optimizer_variants(names: Sequence[str], lrs: dict[str, float] | None = None) -> list[Variant]:
    """One variant per optimizer (``lrs`` gives a learning rate per name; else its default)."""
    out = []
    for name in names:
        opt: dict[str, Any] = {"name": name}
        if lrs and name in lrs:
            opt["lr"] = lrs[name]
        out.append(Variant(name, {"optimizer": opt}))
    return out


def init_variants(names: Sequence[str]) -> list[Variant]:
    """One variant per weight initializer (book ch. 6.2: ``std0.01``, ``xavier``, ``he``…)."""
    return [Variant(name, {"model": {"init": name}}) for name in names]


@dataclass(frozen=True)
class VariantEvent:
    """An event of one variant's trainer (``seed_index`` into the comparison's seeds)."""

    variant: int
    seed_index: int
    event: Event


@dataclass
class VariantSummary:
    """A variant's outcome, averaged over seeds (``*_std`` is the spread across seeds)."""

    label: str
    final_loss: float
    final_loss_std: float
    train_acc: float
    test_acc: float
    test_acc_std: float
    diverged: int  # how many seeds diverged
    train_acc_std: float = math.nan  # (after ``diverged``: files from before it load)


class Comparison:
    """Train ``variants`` of ``base`` over ``seeds`` in lock-step; iterate :meth:`run`."""

    def __init__(self, base: RunConfig, variants: Sequence[Variant],
                 seeds: Sequence[int] = (0,), data: PreparedData | None = None,
                 smooth_window: int = 20) -> None:
        if not variants:
            raise ValueError("A comparison needs at least one variant")
        if not seeds:
            raise ValueError("A comparison needs at least one seed")
        self.base, self.variants, self.seeds = base, list(variants), [int(s) for s in seeds]
        self.data = data if data is not None else prepare_data(base.data)
        self.smooth_window = smooth_window
        self.runs: list[list[RunConfig]] = [
            [base.with_overrides({**v.overrides,
                                  "training": {**(v.overrides.get("training") or {}), "seed": s}},
                                 label=v.label)
             for s in self.seeds]
            for v in self.variants
        ]
        # Build every trainer now, so a bad variant fails before any training starts.
        self.trainers: list[list[Trainer]] = [
            [make_trainer(run, self.data) for run in runs] for runs in self.runs
        ]
        self.outcomes: dict[tuple[int, int], Event] = {}
        self._stop = threading.Event()

    def stop(self) -> None:
        self._stop.set()
        for row in self.trainers:
            for trainer in row:
                trainer.stop()

    def histories(self, variant: int) -> list[History]:
        return [t.history for t in self.trainers[variant]]

    def run(self) -> Iterator[VariantEvent]:
        """Yield every trainer's events, one step of each live trainer per round."""
        live = {(v, s): self.trainers[v][s].run()
                for v in range(len(self.variants)) for s in range(len(self.seeds))}
        while live:
            for key in list(live):
                if self._stop.is_set():
                    self.trainers[key[0]][key[1]].stop()
                for event in _until_step(live[key]):
                    if isinstance(event, TERMINAL):
                        self.outcomes[key] = event
                        del live[key]
                    yield VariantEvent(key[0], key[1], event)

    def summary(self) -> list[VariantSummary]:
        """Per-variant results, averaged over seeds, in the variants' order."""
        rows = []
        for v, variant in enumerate(self.variants):
            finals, tests, trains, diverged = [], [], [], 0
            for s, trainer in enumerate(self.trainers[v]):
                outcome = self.outcomes.get((v, s))
                if isinstance(outcome, Diverged):
                    diverged += 1
                    continue
                losses = trainer.history.losses
                if losses:
                    finals.append(float(np.mean(losses[-self.smooth_window:])))
                if isinstance(outcome, Finished):
                    tests.append(outcome.test_acc)
                    trains.append(outcome.train_acc)
                elif trainer.history.epochs:
                    tests.append(trainer.history.epochs[-1].test_acc)
                    trains.append(trainer.history.epochs[-1].train_acc)
            rows.append(VariantSummary(variant.label, _mean(finals), _std(finals),
                                       _mean(trains), _mean(tests), _std(tests), diverged,
                                       _std(trains)))
        return rows

    def results(self) -> dict[str, Any]:
        """JSON-able results: every history and the summary (for experiment files)."""
        return {
            "variants": [{"label": v.label, "overrides": v.overrides} for v in self.variants],
            "seeds": self.seeds,
            "histories": [[t.history.to_dict() for t in row] for row in self.trainers],
            "summary": [s.__dict__ for s in self.summary()],
        }


def _until_step(events: Iterator[Event]) -> Iterator[Event]:
    """Events of one trainer up to and including its next step or terminal event."""
    for event in events:
        yield event
        if isinstance(event, (StepEnd, *TERMINAL)):
            return


def _mean(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.mean(values)) if values else math.nan


def _std(values: list[float]) -> float:
    values = [v for v in values if not math.isnan(v)]
    return float(np.std(values)) if len(values) > 1 else 0.0 if values else math.nan


def smoothed(values: Sequence[float], window: int = 20) -> np.ndarray:
    """Trailing moving average (the first points average what exists so far)."""
    x = np.asarray(values, dtype=np.float64)
    if x.size == 0 or window <= 1:
        return x.copy()
    c = np.cumsum(np.insert(x, 0, 0.0))
    idx = np.arange(1, x.size + 1)
    lo = np.maximum(idx - window, 0)
    return (c[idx] - c[lo]) / (idx - lo)


__all__ = [
    "Comparison", "Variant", "VariantEvent", "VariantSummary", "init_variants",
    "optimizer_variants", "smoothed",
]
