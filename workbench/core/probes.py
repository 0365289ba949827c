"""Training probes, as plain data: what the pages ask the training worker to measure.

Qt-free, so :class:`~workbench.shell.context.AppContext` (which collects the pages' probes) and
the pages describe probes without importing the worker; :mod:`workbench.concurrency.workers`
runs them in its thread.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any


@dataclass
class Probe:
    """``compute(trainer)`` in the worker thread, at most every ``interval`` seconds; its result
    must be freshly allocated (copied) data, or None for nothing to send."""

    name: str
    compute: Callable[[Any], Any]
    interval: float = 0.5
    last: float = field(default=0.0, repr=False)


__all__ = ["Probe"]
