"""Diagnose and explain a network (issue 22): a training assistant whose checks are pure
functions of a run's evidence, and — in later modules — a learning-rate finder, robustness
curves, maps of the representations and ablation.

>>> from nn import diagnose
>>> evidence = diagnose.from_trainer(trainer)              # doctest: +SKIP
>>> for finding in diagnose.diagnose(evidence):            # doctest: +SKIP
...     print(finding.severity, finding.title, [f.label for f in finding.fixes])

NumPy and the standard library only.
"""

from nn.diagnose.assistant import CHECKS, diagnose
from nn.diagnose.evidence import (
    ActivationStats,
    Evidence,
    LayerFacts,
    activation_stats,
    architecture,
    collect,
    from_trainer,
    probe,
)
from nn.diagnose.findings import FIX_KINDS, PRIORITY, SEVERITIES, Finding, Fix, rank
from nn.diagnose.fixes import apply_fix
from nn.diagnose.lr_finder import LRFinderResult, lr_range_test
from nn.diagnose.thresholds import Thresholds

__all__ = [
    "CHECKS", "FIX_KINDS", "PRIORITY", "SEVERITIES", "ActivationStats", "Evidence", "Finding",
    "Fix", "LRFinderResult", "LayerFacts", "Thresholds", "activation_stats", "apply_fix",
    "architecture", "collect", "diagnose", "from_trainer", "lr_range_test", "probe", "rank",
]
