"""What the training assistant reports: :class:`Finding` objects, each with machine-readable
:class:`Fix` suggestions, ranked so the most important comes first.

A finding is plain frozen data (safe to hand to another thread, JSON-able through
:meth:`Finding.to_dict`). A fix names a change to the run's settings; :func:`nn.diagnose.fixes.
apply_fix` performs it on a :class:`~nn.experiment.RunConfig`, and the GUI performs the same
change on its own (undoable) settings.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

#: Severities, most serious first.
SEVERITIES = ("critical", "warning", "info")

#: What each :attr:`Fix.kind` changes (``name`` and ``value`` as documented here).
FIX_KINDS: dict[str, str] = {
    "set_hyperparameter": "optimizer setting `name` (lr, weight_decay, momentum…) := `value`",
    "set_optimizer": "optimizer := `value`, a config such as {'name': 'adam', 'lr': 0.001}",
    "set_schedule": "learning-rate schedule := `value`, a nn.schedules config",
    "set_init": "initializer of every weighted layer := `value` ('he', 'xavier')",
    "add_layers": "insert `value` (a layer spec) after each layer index in `positions`",
    "replace_layers": "replace every layer of type `name` by the layer spec `value`",
    "widen": "multiply the units/filters of every hidden Dense/Conv2D layer by `value`",
    "deepen": "insert the layer specs `value` before the last weighted layer",
    "set_data": "data setting `name` (augment, train_size) := `value`",
    "advice": "no automatic change: the label says what to do by hand",
}


@dataclass(frozen=True)
class Fix:
    """One suggested change.

    Parameters
    ----------
    kind
        One of :data:`FIX_KINDS`.
    label
        What the change does, for a button or a line of output ("Divide the learning rate by
        10 (0.1 → 0.01)").
    name, value, positions
        The change itself; their meaning depends on ``kind`` (see :data:`FIX_KINDS`).
    """

    kind: str
    label: str
    name: str | None = None
    value: Any = None
    positions: tuple[int, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in FIX_KINDS:
            raise ValueError(f"Unknown fix kind {self.kind!r}; expected one of "
                             f"{', '.join(FIX_KINDS)}")

    @property
    def applicable(self) -> bool:
        """False for advice, which changes no setting."""
        return self.kind != "advice"

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "label": self.label, "name": self.name,
                "value": _jsonable(self.value), "positions": list(self.positions)}


@dataclass(frozen=True)
class Finding:
    """One diagnosis.

    Parameters
    ----------
    id
        Stable identifier of the check (``"lr_too_high"``); the GUI keys translations on it.
    severity
        ``"critical"`` (training cannot work like this), ``"warning"`` or ``"info"``.
    title
        One line.
    explanation
        A few sentences: what was measured, why it matters, with the book's section.
    fixes
        Suggested changes, best first.
    evidence
        The measured numbers behind the finding (JSON-able), for a tooltip or a test.
    explains
        Ids of other findings this one causes (a vanishing gradient explains a loss that does
        not move); :func:`rank` drops those when this one is reported.
    """

    id: str
    severity: str
    title: str
    explanation: str
    fixes: tuple[Fix, ...] = ()
    evidence: Mapping[str, Any] = field(default_factory=dict)
    explains: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.severity not in SEVERITIES:
            raise ValueError(f"Unknown severity {self.severity!r}; expected one of "
                             f"{', '.join(SEVERITIES)}")

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "severity": self.severity, "title": self.title,
                "explanation": self.explanation, "fixes": [f.to_dict() for f in self.fixes],
                "evidence": _jsonable(dict(self.evidence)), "explains": list(self.explains)}


#: Order of the checks when severities tie: causes before the symptoms they produce (a tiny
#: initialization before the loss that does not move), then the more actionable.
PRIORITY = (
    "lr_too_high", "small_init", "vanishing_gradients", "exploding_gradients",
    "saturated_activations", "dead_relus", "lr_too_low", "overfitting", "underfitting",
    "class_imbalance", "plateau",
)


def rank(findings: Iterable[Finding | None]) -> list[Finding]:
    """Most important first: by severity, then :data:`PRIORITY`. A finding that another
    reported finding ``explains`` is dropped (its cause is the thing to fix)."""
    found = [f for f in findings if f is not None]
    explained = {i for f in found for i in f.explains if i != f.id}

    def key(f: Finding) -> tuple[int, int]:
        order = PRIORITY.index(f.id) if f.id in PRIORITY else len(PRIORITY)
        return SEVERITIES.index(f.severity), order

    return sorted((f for f in found if f.id not in explained), key=key)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if hasattr(value, "item") and callable(value.item):  # NumPy scalars
        return _jsonable(value.item())
    return value


__all__ = ["FIX_KINDS", "PRIORITY", "SEVERITIES", "Finding", "Fix", "rank"]
