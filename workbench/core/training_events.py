"""What a training run sends to the GUI, made in the worker thread (Qt-free, testable inline).

:func:`training_events` iterates a trainer's ``run()`` and turns its events into what the GUI
needs: step events batched into :class:`StepBatch` snapshots of plain floats at most every
``emit_interval`` seconds (0.1 s: the plots redraw at ~7 Hz anyway, and every delivery makes the
GUI thread take the GIL from training), epoch and terminal events as they come, and the results
of *probes* — functions of the trainer evaluated in the worker thread at most every
``interval`` seconds (decision boundaries, activation histograms) — which are copies before
they cross threads. :class:`~workbench.concurrency.training.TrainingController` runs it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from nn.training import TERMINAL, EpochEnd, Paused, Resumed, StepEnd, Trainer
from workbench.core.cancel import CancelToken


@dataclass(frozen=True)
class StepBatch:
    """Steps since the previous snapshot."""

    iterations: list[int]
    losses: list[float]
    lrs: list[float]
    last: StepEnd


@dataclass(frozen=True)
class Prepared:
    """The trainer is built (in the worker thread, when a factory was given) and starts."""

    trainer: Trainer


@dataclass(frozen=True)
class Probed:
    """A probe's result (fresh data)."""

    name: str
    payload: Any


@dataclass
class Probe:
    """``compute(trainer)`` in the worker thread, at most every ``interval`` seconds; its result
    must be freshly allocated (copied) data, or None for nothing to send."""

    name: str
    compute: Callable[[Any], Any]
    interval: float = 0.5
    last: float = field(default=0.0, repr=False)


def training_events(trainer: Trainer | Callable[[], Trainer], token: CancelToken,
                    epochs: int | None = None, probes: list[Probe] | None = None,
                    emit_interval: float = 0.1) -> Iterator[Any]:
    """Train ``trainer`` (or the one ``trainer()`` builds, here: data loading and model
    building stay off the GUI thread) and yield :class:`Prepared`, :class:`StepBatch`,
    :class:`~nn.training.EpochEnd`, ``Paused``/``Resumed``, :class:`Probed` and finally the
    terminal event (``Finished``, ``Stopped`` or ``Diverged``). Setting ``token`` stops the
    trainer, even while it is being built."""
    if not isinstance(trainer, Trainer):
        trainer = trainer()
    token.attach(trainer.stop)
    probes = list(probes or [])
    yield Prepared(trainer)
    yield from _probe(probes, trainer, force=True)
    batch: list[StepEnd] = []
    last_emit = time.perf_counter()
    for event in trainer.run(epochs):
        if token.is_set():  # also a stop that came before run() began:
            trainer.stop()  # run() clears the trainer's own flag when it starts
        if isinstance(event, StepEnd):
            batch.append(event)
            now = time.perf_counter()
            if now - last_emit >= emit_interval:
                yield _snapshot(batch)
                batch, last_emit = [], now
                yield from _probe(probes, trainer)
            continue
        if batch:
            yield _snapshot(batch)
            batch = []
        if isinstance(event, EpochEnd):
            yield event
            yield from _probe(probes, trainer, force=True)
        elif isinstance(event, (Paused, Resumed)):
            yield event
        elif isinstance(event, TERMINAL):
            yield from _probe(probes, trainer, force=True)
            yield event
            return


def _snapshot(batch: list[StepEnd]) -> StepBatch:
    return StepBatch([e.iteration for e in batch], [e.loss for e in batch],
                     [e.lr for e in batch], batch[-1])


def _probe(probes: list[Probe], trainer: Trainer, force: bool = False) -> Iterator[Probed]:
    now = time.perf_counter()
    for probe in probes:
        if force or now - probe.last >= probe.interval:
            probe.last = now
            payload = probe.compute(trainer)
            if payload is not None:
                yield Probed(probe.name, payload)
