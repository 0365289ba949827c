"""The Compare page's background jobs: Qt-free generators that a
:class:`~workbench.concurrency.runner.JobRunner` iterates in its worker thread.

A job loads its data (cached, so re-running a comparison does not reload MNIST), builds the
engine's runner (:class:`nn.compare.Comparison` or :class:`nn.search.RandomSearch`), announces
the amount of work with :class:`JobStarted`, forwards the runner's events, sends summary
snapshots made in the worker thread, and ends with the runner's own results. Everything that
crosses to the GUI thread is a frozen event or a fresh copy.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np

from nn.compare import Comparison, Variant, VariantEvent, VariantSummary
from nn.experiment import DataConfig, PreparedData, RunConfig
from nn.search import RandomSearch, TrialEnd
from workbench.core.cancel import CancelToken
from workbench.core.data_cache import DATA_CACHE

SUMMARY_INTERVAL = 0.25  # seconds between summary snapshots while a comparison runs


# ---------------------------------------------------------------------------------- data
def load_data(config: DataConfig, should_cancel: Callable[[], bool] | None = None
              ) -> PreparedData:
    """The prepared set for ``config`` from the cache every page shares."""
    return DATA_CACHE.get(config, should_cancel=should_cancel)


# ------------------------------------------------------------------------------- events
@dataclass(frozen=True)
class JobStarted:
    """The data is loaded and the runner built: how much work there is."""

    total_steps: int  # optimizer steps over every run of the job
    steps_per_run: int  # steps of one run (one variant and seed, or one trial)
    steps_per_epoch: int
    n_train: int
    n_test: int
    data_name: str


@dataclass(frozen=True)
class SummaryUpdate:
    """:meth:`Comparison.summary` made in the worker thread (fresh objects)."""

    rows: tuple[VariantSummary, ...]


@dataclass(frozen=True)
class ComparisonDone:
    """The comparison ended (finished or stopped): its summary and JSON-able results."""

    rows: tuple[VariantSummary, ...]
    results: dict[str, Any]


@dataclass(frozen=True)
class SearchDone:
    """The search ended: its ranking (best first) and every finished trial."""

    ranked: tuple[TrialEnd, ...]
    results: tuple[TrialEnd, ...]


@dataclass(frozen=True)
class ComparisonJob:
    """What a comparison trains: ``variants`` of ``base`` over ``seeds``."""

    base: RunConfig
    variants: tuple[Variant, ...]
    seeds: tuple[int, ...]
    smooth_window: int = 20


@dataclass(frozen=True)
class SearchJob:
    """A random search of ``space`` (``name: (low, high)``, log-uniform) around ``base``."""

    base: RunConfig
    space: dict[str, tuple[float, float]] = field(default_factory=dict)
    trials: int = 20
    seed: int = 0


# --------------------------------------------------------------------------- generators
def comparison_events(job: ComparisonJob, token: CancelToken,
                      summary_interval: float = SUMMARY_INTERVAL) -> Iterator[Any]:
    """Run ``job``: :class:`JobStarted`, then :class:`~nn.compare.VariantEvent` and
    :class:`SummaryUpdate` events, and finally :class:`ComparisonDone`."""
    data = load_data(job.base.data, should_cancel=token.is_set)
    comparison = Comparison(job.base, job.variants, job.seeds, data=data,
                            smooth_window=job.smooth_window)
    token.attach(comparison.stop)
    n_train = len(data.train[0])
    per_run = comparison.runs[0][0].training.planned_steps(n_train)
    total = sum(r.training.planned_steps(n_train) for runs in comparison.runs for r in runs)
    yield JobStarted(total, per_run, math.ceil(n_train / job.base.training.batch_size),
                     n_train, len(data.test[0]), data.name)
    last = time.perf_counter()
    event: VariantEvent
    # A diverging network overflows while it is evaluated too; Diverged reports it.
    with np.errstate(over="ignore", invalid="ignore"):
        for event in comparison.run():
            yield event
            now = time.perf_counter()
            if now - last >= summary_interval:
                last = now
                yield SummaryUpdate(tuple(comparison.summary()))
    rows = tuple(comparison.summary())
    yield ComparisonDone(rows, comparison.results())


def search_events(job: SearchJob, token: CancelToken) -> Iterator[Any]:
    """Run ``job``: :class:`JobStarted`, the search's own events
    (:class:`~nn.search.TrialStart`, :class:`~nn.search.TrialEvent`,
    :class:`~nn.search.TrialEnd`), and finally :class:`SearchDone`."""
    data = load_data(job.base.data, should_cancel=token.is_set)
    search = RandomSearch(job.base, job.space, job.trials, job.seed, data=data)
    token.attach(search.stop)
    n_train = len(data.train[0])
    per_run = job.base.training.planned_steps(n_train)
    yield JobStarted(per_run * job.trials, per_run,
                     math.ceil(n_train / job.base.training.batch_size), n_train,
                     len(data.test[0]), data.name)
    with np.errstate(over="ignore", invalid="ignore"):
        yield from search.run()  # TrialStart, TrialEvent, TrialEnd
    yield SearchDone(tuple(search.ranked()), tuple(search.results))


def trial_to_dict(trial: TrialEnd) -> dict[str, Any]:
    """JSON-able form of a trial result (as the CLI's ``search --experiment`` writes it)."""
    return asdict(trial)


__all__ = [
    "ComparisonDone", "ComparisonJob", "JobStarted", "SearchDone", "SearchJob",
    "SummaryUpdate", "comparison_events", "load_data", "search_events",
    "trial_to_dict",
]
