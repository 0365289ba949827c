"""Diagnose and explain a network (issue 22), NumPy and the standard library only.

* **Training assistant** — :func:`diagnose` runs pure checks over an :class:`Evidence` (a run's
  history, settings, architecture, last gradients, activation statistics, class counts) and
  returns ranked :class:`Finding` objects, each with machine-readable :class:`Fix` suggestions
  that :func:`apply_fix` performs on a :class:`~nn.experiment.RunConfig`.
* **Learning-rate finder** — :func:`lr_range_test` (Smith 2015) on a copy of the model.
* **Robustness curves** — :func:`robustness`: accuracy under noise, rotation, shift, scale and
  stroke thickness, for one model or several on the same images.
* **Maps of the representations** — :func:`layer_features`, :func:`pca`, :func:`tsne` (exact,
  NumPy), scored by :func:`trustworthiness` and :func:`knn_accuracy`.
* **Ablation** — :func:`ablate`: switch off filters or units on a copy and compare accuracy and
  confusion matrix.

>>> from nn import diagnose
>>> findings = diagnose.diagnose(diagnose.from_trainer(trainer))   # doctest: +SKIP
>>> findings[0].title, [fix.label for fix in findings[0].fixes]     # doctest: +SKIP
"""

from nn.diagnose.ablation import AblationResult, ablate, ablated_copy, choose_units, unit_count
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
from nn.diagnose.maps import (
    PCAResult,
    knn_accuracy,
    layer_features,
    pca,
    sample_indices,
    trustworthiness,
)
from nn.diagnose.records import RunRecord, read_record, record_from_model
from nn.diagnose.robustness import (
    KINDS,
    PERTURBATIONS,
    Perturbation,
    RobustnessReport,
    perturb,
    robustness,
)
from nn.diagnose.thresholds import Thresholds
from nn.diagnose.tsne import TSNEResult, tsne

__all__ = [
    "CHECKS", "FIX_KINDS", "KINDS", "PERTURBATIONS", "PRIORITY", "SEVERITIES", "AblationResult",
    "ActivationStats", "Evidence", "Finding", "Fix", "LRFinderResult", "LayerFacts",
    "PCAResult", "Perturbation", "RobustnessReport", "RunRecord", "TSNEResult", "Thresholds",
    "ablate",
    "ablated_copy", "activation_stats", "apply_fix", "architecture", "choose_units",
    "collect", "diagnose", "from_trainer", "knn_accuracy", "layer_features", "lr_range_test",
    "pca", "perturb", "probe", "rank", "read_record", "record_from_model", "robustness",
    "sample_indices", "trustworthiness",
    "tsne", "unit_count",
]
