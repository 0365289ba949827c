"""Learning-rate schedules: a multiplier of the base learning rate per optimizer step.

``schedule(step)`` returns the factor for step ``step`` (0-based). All are JSON-configurable:
``get("cosine", total_steps=1000)``; ``get_config()`` round-trips.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass
from typing import Any


@dataclass(frozen=True)
class Constant:
    """The base learning rate throughout."""

    name = "constant"

    def __call__(self, step: int) -> float:
        return 1.0

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name}


@dataclass(frozen=True)
class StepDecay:
    """Multiply by ``gamma`` every ``step_size`` steps."""

    step_size: int = 1000
    gamma: float = 0.1
    name = "step"

    def __post_init__(self) -> None:
        if not (isinstance(self.step_size, int) and self.step_size >= 1):
            raise ValueError(f"Invalid step_size: {self.step_size!r} (must be an integer ≥ 1)")
        if not (math.isfinite(self.gamma) and 0 < self.gamma <= 1):
            raise ValueError(f"Invalid gamma: {self.gamma!r} (must be in (0, 1])")

    def __call__(self, step: int) -> float:
        return self.gamma ** (step // self.step_size)

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


@dataclass(frozen=True)
class Exponential:
    """Multiply by ``gamma`` every step: ``factor = gamma^step``."""

    gamma: float = 0.999
    name = "exponential"

    def __post_init__(self) -> None:
        if not (math.isfinite(self.gamma) and 0 < self.gamma <= 1):
            raise ValueError(f"Invalid gamma: {self.gamma!r} (must be in (0, 1])")

    def __call__(self, step: int) -> float:
        return self.gamma**step

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


@dataclass(frozen=True)
class Cosine:
    """Half a cosine from 1 down to ``min_factor`` over ``total_steps``, then ``min_factor``."""

    total_steps: int = 1000
    min_factor: float = 0.0
    name = "cosine"

    def __post_init__(self) -> None:
        if not (isinstance(self.total_steps, int) and self.total_steps >= 1):
            raise ValueError(f"Invalid total_steps: {self.total_steps!r} (must be an integer ≥ 1)")
        if not (math.isfinite(self.min_factor) and 0 <= self.min_factor <= 1):
            raise ValueError(f"Invalid min_factor: {self.min_factor!r} (must be in [0, 1])")

    def __call__(self, step: int) -> float:
        progress = min(step, self.total_steps) / self.total_steps
        return self.min_factor + (1 - self.min_factor) * 0.5 * (1 + math.cos(math.pi * progress))

    def get_config(self) -> dict[str, Any]:
        return {"name": self.name, **asdict(self)}


Schedule = Constant | StepDecay | Exponential | Cosine
SCHEDULES: dict[str, type] = {
    cls.name: cls for cls in (Constant, StepDecay, Exponential, Cosine)
}


def get(name: str | dict[str, Any] | Schedule | None = "constant", **kwargs: Any) -> Schedule:
    """Resolve a schedule from a name plus arguments, or from a ``get_config()`` dict."""
    if name is None:
        return Constant()
    if isinstance(name, (Constant, StepDecay, Exponential, Cosine)):
        return name
    if isinstance(name, dict):
        kwargs = {**{k: v for k, v in name.items() if k != "name"}, **kwargs}
        name = name.get("name", "constant")
    key = str(name).strip().lower()
    if key not in SCHEDULES:
        raise ValueError(f"Unknown schedule {name!r}; expected one of {', '.join(SCHEDULES)}")
    try:
        return SCHEDULES[key](**kwargs)
    except TypeError as exc:
        raise ValueError(f"Invalid settings for the {key} schedule: {exc}") from None


def from_config(config: dict[str, Any]) -> Schedule:
    """The schedule a :meth:`get_config` dict describes (``{"name": ..., **arguments}``)."""
    if not isinstance(config, dict):
        raise ValueError(f"A schedule config must be a dict with a 'name', not {config!r}")
    return get(config)


__all__ = ["SCHEDULES", "Constant", "Cosine", "Exponential", "Schedule", "StepDecay",
           "from_config", "get"]
