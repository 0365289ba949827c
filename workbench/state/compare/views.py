"""What a comparison view shows, fed by its job's events (Qt-free; style §9).

:class:`ComparisonState` keeps one :class:`~nn.training.History` per variant and seed — built
from the same ``StepEnd`` / ``EpochEnd`` events the trainers record, so it equals the runner's
histories — plus outcomes, the runner's latest summary, progress and an ETA.
:class:`SearchState` does the same for a random search, trial by trial. Both mark themselves
``dirty``; the view redraws on a timer. Both round-trip through the JSON of experiment files.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterable, Sequence
from dataclasses import asdict
from typing import Any

from nn.compare import Variant, VariantEvent, VariantSummary
from nn.search import TrialEnd, TrialEvent, TrialStart
from nn.training import TERMINAL, Diverged, EpochEnd, Finished, History, StepEnd, Stopped
from workbench.core.compare_jobs import ComparisonDone, JobStarted, SearchDone, SummaryUpdate
from workbench.core.i18n import tr

STATUSES = ("idle", "preparing", "running", "finished", "stopped", "failed")


class _Progress:
    """Status, step counts and a time estimate shared by both states."""

    def __init__(self) -> None:
        self.status = "idle"
        self.message = ""
        self.total_steps = 0
        self.done_steps = 0
        self.steps_per_run = 0
        self.steps_per_epoch = 0
        self.data_name = ""
        self.dirty = True
        self.version = 0  # bumped whenever the table's numbers may have changed
        self._started: float | None = None
        self._elapsed = 0.0

    def _begin(self) -> None:
        self.status, self.message = "preparing", ""
        self.total_steps = self.done_steps = self.steps_per_run = self.steps_per_epoch = 0
        self._started, self._elapsed = None, 0.0
        self._touch()

    def _start(self, event: JobStarted) -> None:
        self.status = "running"
        self.total_steps, self.steps_per_run = event.total_steps, event.steps_per_run
        self.steps_per_epoch, self.data_name = event.steps_per_epoch, event.data_name
        self._started = time.monotonic()

    def _touch(self) -> None:
        self.dirty = True
        self.version += 1

    @property
    def running(self) -> bool:
        return self.status in ("preparing", "running")

    @property
    def elapsed(self) -> float:
        if self._started is not None and self.running:
            return time.monotonic() - self._started
        return self._elapsed

    def eta_seconds(self) -> float | None:
        """Time left at the speed so far (None until a few steps are done)."""
        if self.status != "running" or self.done_steps < 3 or not self.total_steps:
            return None
        rate = self.done_steps / max(self.elapsed, 1e-9)
        return max(0, self.total_steps - self.done_steps) / rate

    def fail(self, message: str) -> None:
        self._end("failed")
        self.message = message

    def _end(self, status: str) -> None:
        if self._started is not None:
            self._elapsed = time.monotonic() - self._started
        self._started = None
        self.status = status
        self._touch()


class ComparisonState(_Progress):
    """The live record of one :class:`~nn.compare.Comparison`."""

    def __init__(self) -> None:
        super().__init__()
        self.variants: list[Variant] = []
        self.seeds: list[int] = []
        self.histories: list[list[History]] = []
        self.outcomes: dict[tuple[int, int], Any] = {}  # (variant, seed index) → terminal
        self.summary: list[VariantSummary] = []
        self.results: dict[str, Any] | None = None  # the runner's own, once done

    @property
    def labels(self) -> list[str]:
        return [v.label for v in self.variants]

    def begin(self, variants: Sequence[Variant], seeds: Sequence[int]) -> None:
        """Forget the last run; expect ``variants`` × ``seeds``."""
        self.variants, self.seeds = list(variants), [int(s) for s in seeds]
        self.histories = [[History() for _ in self.seeds] for _ in self.variants]
        self.outcomes, self.summary, self.results = {}, [], None
        self._begin()

    def preview(self, variants: Sequence[Variant], seeds: Sequence[int]) -> None:
        """Empty histories for ``variants`` × ``seeds``, idle: the figure shows what a run
        will draw before there is anything to draw."""
        self.begin(variants, seeds)
        self.status = "idle"

    def feed(self, events: Iterable[Any]) -> None:
        """Apply a batch of job events (GUI thread)."""
        for item in events:
            if isinstance(item, VariantEvent):
                event = item.event
                if isinstance(event, (StepEnd, EpochEnd)):
                    self.histories[item.variant][item.seed_index].add(event)
                    if isinstance(event, StepEnd):
                        self.done_steps += 1
                elif isinstance(event, TERMINAL):
                    self.outcomes[(item.variant, item.seed_index)] = event
                    self.version += 1
            elif isinstance(item, JobStarted):
                self._start(item)
            elif isinstance(item, SummaryUpdate):
                self.summary = list(item.rows)
                self.version += 1
            elif isinstance(item, ComparisonDone):
                self.summary, self.results = list(item.rows), item.results
                stopped = any(isinstance(e, Stopped) for e in self.outcomes.values())
                self._end("stopped" if stopped else "finished")
        self.dirty = True

    def finish(self) -> None:
        """The job ended without a final event (e.g. it was superseded)."""
        if self.running:
            self._end("stopped")

    # ------------------------------------------------------------------------- queries
    @property
    def iteration(self) -> int:
        """The furthest iteration any run has reached."""
        return max((h.iterations[-1] for row in self.histories for h in row if h.iterations),
                   default=0)

    @property
    def epoch(self) -> int:
        return max((h.epochs[-1].epoch for row in self.histories for h in row if h.epochs),
                   default=0)

    def diverged(self, variant: int) -> list[Diverged]:
        return [e for (v, _s), e in self.outcomes.items()
                if v == variant and isinstance(e, Diverged)]

    def finished(self, variant: int, seed: int) -> Finished | None:
        event = self.outcomes.get((variant, seed))
        return event if isinstance(event, Finished) else None

    @property
    def has_results(self) -> bool:
        return any(len(h) for row in self.histories for h in row)

    # ------------------------------------------------------------------------- files
    def to_results(self) -> dict[str, Any]:
        """The structure :meth:`nn.compare.Comparison.results` returns, plus the outcomes."""
        return {
            "variants": [{"label": v.label, "overrides": v.overrides} for v in self.variants],
            "seeds": list(self.seeds),
            "histories": [[h.to_dict() for h in row] for row in self.histories],
            "summary": [dict(s.__dict__) for s in self.summary],
            "outcomes": [[_outcome_dict(self.outcomes.get((v, s)))
                          for s in range(len(self.seeds))] for v in range(len(self.variants))],
        }

    def load_results(self, results: dict[str, Any]) -> None:
        """Show saved results (raises ``ValueError`` naming what is wrong)."""
        try:
            variants = [Variant(str(v["label"]), dict(v.get("overrides") or {}))
                        for v in results["variants"]]
            seeds = [int(s) for s in results["seeds"]]
            histories = [[History.from_dict(h) for h in row] for row in results["histories"]]
            summary = [VariantSummary(**{k: _float_or(v) for k, v in row.items()})
                       for row in results.get("summary") or []]
            outcomes_doc = results.get("outcomes")
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(tr("Invalid comparison results: {error}").format(error=exc)) from None
        if len(histories) != len(variants) or any(len(r) != len(seeds) for r in histories):
            raise ValueError(tr("Invalid comparison results: the histories do not match the "
                                "variants and seeds"))
        self.begin(variants, seeds)
        self.histories, self.summary = histories, summary
        if outcomes_doc:
            for v, row in enumerate(outcomes_doc):
                for s, doc in enumerate(row):
                    event = _outcome_event(doc)
                    if event is not None:
                        self.outcomes[(v, s)] = event
        stopped = any(isinstance(e, Stopped) for e in self.outcomes.values())
        self._end("stopped" if stopped else "finished")
        self.results = self.to_results()


class SearchState(_Progress):
    """The live record of one :class:`~nn.search.RandomSearch`."""

    def __init__(self) -> None:
        super().__init__()
        self.trials = 0
        self.params: dict[int, dict[str, float]] = {}
        self.histories: dict[int, History] = {}
        self.ends: dict[int, TrialEnd] = {}
        self.current: int | None = None
        self.stopped = False
        self.runner_ranking: list[int] | None = None  # RandomSearch.ranked(), once done

    def begin(self, trials: int) -> None:
        self.trials = int(trials)
        self.params, self.histories, self.ends = {}, {}, {}
        self.current, self.stopped, self.runner_ranking = None, False, None
        self._begin()

    def feed(self, events: Iterable[Any]) -> None:
        for item in events:
            if isinstance(item, TrialEvent):
                event = item.event
                if isinstance(event, (StepEnd, EpochEnd)):
                    self.histories[item.index].add(event)
                    if isinstance(event, StepEnd):
                        self.done_steps += 1
                    else:
                        self.version += 1
                elif isinstance(event, Stopped):
                    self.stopped = True
            elif isinstance(item, TrialStart):
                self.current = item.index
                self.params[item.index] = dict(item.params)
                self.histories[item.index] = History()
                # a trial that ended early (diverged) leaves steps undone: count them as done
                self.done_steps = max(self.done_steps, item.index * self.steps_per_run)
            elif isinstance(item, TrialEnd):
                self.ends[item.index] = item
                self.current = None
                self.version += 1
            elif isinstance(item, JobStarted):
                self._start(item)
            elif isinstance(item, SearchDone):
                self.runner_ranking = [t.index for t in item.ranked]
                self._end("stopped" if self.stopped or len(self.ends) < self.trials
                          else "finished")
        self.dirty = True

    def finish(self) -> None:
        if self.running:
            self._end("stopped")

    def ranked(self) -> list[TrialEnd]:
        """Finished trials, best validation accuracy first (as :meth:`RandomSearch.ranked`)."""
        return sorted(self.ends.values(),
                      key=lambda r: (-r.val_acc if not math.isnan(r.val_acc) else math.inf))

    @property
    def has_results(self) -> bool:
        return bool(self.histories)

    def to_results(self) -> dict[str, Any]:
        """As the CLI's ``search --experiment`` writes, plus every trial's history."""
        ranked = self.ranked()
        return {"trials": [asdict(t) for t in sorted(self.ends.values(), key=lambda t: t.index)],
                "ranking": [t.index for t in ranked],
                "histories": {str(i): h.to_dict() for i, h in self.histories.items()},
                "params": {str(i): p for i, p in self.params.items()}}

    def load_results(self, results: dict[str, Any], trials: int) -> None:
        try:
            ends = [TrialEnd(int(t["index"]), {k: float(v) for k, v in t["params"].items()},
                             _float_or(t["val_acc"]), _float_or(t["train_acc"]),
                             bool(t["diverged"])) for t in results["trials"]]
            histories = {int(i): History.from_dict(h)
                         for i, h in (results.get("histories") or {}).items()}
            params = {int(i): {k: float(v) for k, v in p.items()}
                      for i, p in (results.get("params") or {}).items()}
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ValueError(tr("Invalid search results: {error}").format(error=exc)) from None
        self.begin(max(trials, len(ends)))
        self.ends = {t.index: t for t in ends}
        self.params = {**params, **{t.index: dict(t.params) for t in ends}}
        self.histories = histories
        self._end("finished" if len(ends) >= self.trials else "stopped")


def _float_or(value: Any) -> Any:
    """JSON ``null`` (a NaN when saved) back to NaN; other values unchanged."""
    return math.nan if value is None else value


_OUTCOMES = {"finished": Finished, "stopped": Stopped, "diverged": Diverged}


def _outcome_dict(event: Any) -> dict[str, Any] | None:
    if event is None:
        return None
    kind = {Finished: "finished", Stopped: "stopped", Diverged: "diverged"}[type(event)]
    return {"kind": kind, **asdict(event)}


def _outcome_event(doc: Any) -> Any:
    if not isinstance(doc, dict) or doc.get("kind") not in _OUTCOMES:
        return None
    cls = _OUTCOMES[doc["kind"]]
    fields = {k: _float_or(v) for k, v in doc.items() if k != "kind"}
    try:
        return cls(**fields)
    except TypeError:
        return None


__all__ = ["STATUSES", "ComparisonState", "SearchState"]
