"""The metrics a run accumulates: loss per iteration and metrics per epoch; CSV and JSON export."""

from __future__ import annotations

import csv
import io
import math
import os
from dataclasses import asdict, dataclass, field, fields
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.fileio import write_text_atomic
from nn.training.events import EpochEnd, StepEnd

EPOCH_COLUMNS = tuple(f.name for f in fields(EpochEnd))


@dataclass
class History:
    """Append-only record of a run (the GUI keeps its own copy, fed by events)."""

    iterations: list[int] = field(default_factory=list)
    losses: list[float] = field(default_factory=list)
    lrs: list[float] = field(default_factory=list)
    epochs: list[EpochEnd] = field(default_factory=list)

    def add(self, event: StepEnd | EpochEnd) -> None:
        if isinstance(event, StepEnd):
            self.iterations.append(event.iteration)
            self.losses.append(event.loss)
            self.lrs.append(event.lr)
        elif isinstance(event, EpochEnd):
            self.epochs.append(event)

    def __len__(self) -> int:
        return len(self.iterations)

    def epoch_column(self, name: str) -> NDArray:
        """One metric across epochs, e.g. ``epoch_column("val_acc")``, float64 (n_epochs,)."""
        if name not in EPOCH_COLUMNS:
            raise KeyError(f"Unknown metric {name!r}; expected one of {', '.join(EPOCH_COLUMNS)}")
        return np.array([getattr(e, name) for e in self.epochs], dtype=np.float64)

    # ------------------------------------------------------------------------------ export
    def epochs_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(EPOCH_COLUMNS)
        for e in self.epochs:
            writer.writerow([_cell(getattr(e, c)) for c in EPOCH_COLUMNS])
        return out.getvalue()

    def iterations_csv(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(("iteration", "loss", "lr"))
        for row in zip(self.iterations, self.losses, self.lrs, strict=True):
            writer.writerow([_cell(v) for v in row])
        return out.getvalue()

    def write_csv(self, path: str | os.PathLike, kind: str = "epochs") -> None:
        """Write per-epoch metrics (``kind="epochs"``) or per-iteration loss (``"iterations"``)."""
        text = {"epochs": self.epochs_csv, "iterations": self.iterations_csv}[kind]()
        write_text_atomic(path, text, "metrics file")

    def to_dict(self) -> dict[str, Any]:
        """JSON-able form (NaN becomes ``None``)."""
        return {
            "iterations": list(self.iterations),
            "losses": [_json_float(v) for v in self.losses],
            "lrs": [_json_float(v) for v in self.lrs],
            "epochs": [{k: _json_float(v) for k, v in asdict(e).items()} for e in self.epochs],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> History:
        def f(v: Any) -> float:
            return math.nan if v is None else float(v)

        try:
            epochs = []
            for row in data.get("epochs", []):
                values = {c: row[c] for c in EPOCH_COLUMNS}
                for c in EPOCH_COLUMNS:
                    if c in ("epoch", "iteration"):
                        values[c] = int(values[c])
                    elif c == "is_best":
                        values[c] = bool(values[c])
                    else:
                        values[c] = f(values[c])
                epochs.append(EpochEnd(**values))
            return cls(
                iterations=[int(i) for i in data.get("iterations", [])],
                losses=[f(v) for v in data.get("losses", [])],
                lrs=[f(v) for v in data.get("lrs", [])],
                epochs=epochs,
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise ValueError(f"Invalid metrics history: {exc}") from None


def _json_float(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _cell(v: Any) -> str:
    if isinstance(v, float):
        return "" if math.isnan(v) else repr(v)
    return str(v)
