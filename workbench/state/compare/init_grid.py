"""Settings of the activation-histogram grid (book ch. 6.2), Qt-free and JSON-able."""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

from nn import init_experiment, initializers

ROW_CHOICES = init_experiment.BOOK_INITIALIZERS  # std1, std0.01, xavier, he
MAX_INPUTS = 10_000
MAX_SEED = 2**31 - 1
FORMAT = "init-histograms/1"


@dataclass(frozen=True)
class InitGridSettings:
    """What the grid shows: activation, inputs, seed and which initializer rows.

    ``rows`` holds the chosen book initializers in the book's order; ``custom_std`` adds a row
    ``std<custom_std>`` when ``custom`` is on.
    """

    activation: str = "sigmoid"
    n_inputs: int = 1000
    seed: int = 0
    rows: tuple[str, ...] = ROW_CHOICES
    custom: bool = False
    custom_std: float = 0.05

    def validated(self) -> InitGridSettings:
        """This, checked; ``ValueError`` names the first bad setting."""
        if self.activation not in init_experiment.ACTIVATIONS:
            raise ValueError(f"Unknown activation {self.activation!r}; expected one of "
                             f"{', '.join(init_experiment.ACTIVATIONS)}")
        n = self.n_inputs
        if isinstance(n, bool) or not isinstance(n, int) or not 1 <= n <= MAX_INPUTS:
            raise ValueError(f"Invalid number of inputs: {n!r} (must be 1–{MAX_INPUTS})")
        s = self.seed
        if isinstance(s, bool) or not isinstance(s, int) or not 0 <= s <= MAX_SEED:
            raise ValueError(f"Invalid seed: {s!r} (must be 0–{MAX_SEED})")
        unknown = [r for r in self.rows if r not in ROW_CHOICES]
        if unknown:
            raise ValueError(f"Unknown initializer row {unknown[0]!r}; expected some of "
                             f"{', '.join(ROW_CHOICES)}")
        std = self.custom_std
        if isinstance(std, bool) or not isinstance(std, (int, float)) or not (
                math.isfinite(std) and 0 < std <= 100):
            raise ValueError(f"Invalid custom std: {std!r} (must be in (0, 100])")
        initializers.get(self.custom_name)
        ordered = tuple(r for r in ROW_CHOICES if r in self.rows)
        return replace(self, rows=ordered, custom_std=float(std))

    @property
    def custom_name(self) -> str:
        return f"std{self.custom_std:g}"

    def row_names(self) -> tuple[str, ...]:
        """The initializer names of the grid's rows, top to bottom, without duplicates."""
        names = list(self.rows)
        if self.custom and self.custom_name not in names:
            names.append(self.custom_name)
        return tuple(names)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "activation": self.activation, "n_inputs": self.n_inputs,
                "seed": self.seed, "rows": list(self.rows), "custom": self.custom,
                "custom_std": self.custom_std}

    @classmethod
    def from_dict(cls, d: Mapping[str, Any], base: InitGridSettings | None = None
                  ) -> InitGridSettings:
        """Settings from :meth:`to_dict` output (missing keys from ``base``); validated."""
        if not isinstance(d, Mapping):
            raise ValueError("Initializer-histogram settings must be a JSON object")
        base = base or cls()
        rows = d.get("rows", base.rows)
        if not isinstance(rows, (list, tuple)):
            raise ValueError(f"Invalid rows: {rows!r} (expected a list of initializer names)")
        return replace(base, activation=d.get("activation", base.activation),
                       n_inputs=d.get("n_inputs", base.n_inputs), seed=d.get("seed", base.seed),
                       rows=tuple(str(r) for r in rows), custom=bool(d.get("custom", base.custom)),
                       custom_std=d.get("custom_std", base.custom_std)).validated()
