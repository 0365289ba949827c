"""The training assistant: every check over one :class:`Evidence`, ranked."""

from __future__ import annotations

from collections.abc import Callable

from nn.diagnose import checks_network, checks_training
from nn.diagnose.evidence import Evidence
from nn.diagnose.findings import Finding, rank
from nn.diagnose.thresholds import DEFAULT, Thresholds

Check = Callable[[Evidence, Thresholds], "Finding | None"]

#: Every check, in no particular order (:func:`nn.diagnose.findings.rank` orders the results).
CHECKS: tuple[Check, ...] = (*checks_training.CHECKS, *checks_network.CHECKS)


def diagnose(evidence: Evidence, thresholds: Thresholds | None = None) -> list[Finding]:
    """The findings for ``evidence``, most important first (empty: nothing to report).

    A finding caused by another reported one (a loss that does not move because the gradients
    vanish) is left out; the cause's fixes are the ones to try.
    """
    th = thresholds or DEFAULT
    return rank(check(evidence, th) for check in CHECKS)


__all__ = ["CHECKS", "diagnose"]
