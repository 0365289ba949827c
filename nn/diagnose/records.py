"""What a finished run left behind, read for the assistant: a model file's record (settings and
final metrics in its metadata), an experiment file from ``train --experiment``, a metrics
history as JSON (``History.to_dict``) or as the CSV of ``train --metrics-csv`` / File →
Export metrics."""

from __future__ import annotations

import csv
import io
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nn.experiment import EXPERIMENT_FORMAT
from nn.model import Sequential
from nn.training.history import EPOCH_COLUMNS, History

#: Final metrics a model file's metadata may hold (``train --out`` writes them).
FINAL_KEYS = ("train_acc", "val_acc", "test_acc")


@dataclass(frozen=True)
class RunRecord:
    """A run as recorded: its curves (if kept), its settings and its final results."""

    history: History | None = None
    run_config: Mapping[str, Any] | None = None
    final: Mapping[str, float] = field(default_factory=dict)
    diverged: str | None = None
    source: str = ""

    def merged(self, other: RunRecord) -> RunRecord:
        """This record completed by ``other`` (its history wins if this one has none)."""
        history = self.history if self.history is not None else other.history
        return RunRecord(history, self.run_config or other.run_config,
                         {**other.final, **self.final}, self.diverged or other.diverged,
                         " + ".join(s for s in (self.source, other.source) if s))


def _finals(results: Mapping[str, Any]) -> dict[str, float]:
    out = {}
    for key in FINAL_KEYS:
        value = results.get(key)
        if isinstance(value, (int, float)) and not isinstance(value, bool) \
                and math.isfinite(value):
            out[key] = float(value)
    return out


def record_from_model(model: Sequential, source: str = "model file") -> RunRecord:
    """The record ``nn.save_model`` keeps in the metadata (``train --out`` fills it)."""
    meta = model.metadata if isinstance(model.metadata, dict) else {}
    run = meta.get("run_config") if isinstance(meta.get("run_config"), dict) else None
    history = None
    if isinstance(meta.get("history"), dict):
        history = History.from_dict(meta["history"])
    diverged = meta.get("diverged") if isinstance(meta.get("diverged"), str) else None
    return RunRecord(history, run, _finals(meta), diverged, source)


def _history_from_csv(text: str, path: Path) -> History:
    rows = list(csv.DictReader(io.StringIO(text)))
    header = set(rows[0]) if rows else set()

    def num(value: str) -> float:
        return math.nan if value in ("", None) else float(value)

    history = History()
    try:
        if set(EPOCH_COLUMNS) <= header:
            doc = {"epochs": [{c: (None if row[c] == "" else
                                   (row[c] == "True" if c == "is_best" else num(row[c])))
                               for c in EPOCH_COLUMNS} for row in rows]}
            return History.from_dict(doc)
        if {"iteration", "loss"} <= header:
            history.iterations = [int(row["iteration"]) for row in rows]
            history.losses = [num(row["loss"]) for row in rows]
            history.lrs = [num(row.get("lr", "")) for row in rows]
            return history
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{path}: damaged metrics CSV ({exc})") from None
    raise ValueError(f"{path}: not a metrics CSV (expected the columns of `train --metrics-csv`"
                     f": {', '.join(EPOCH_COLUMNS)}; or iteration, loss, lr)")


def read_record(path: str | os.PathLike) -> RunRecord:
    """A :class:`RunRecord` from an experiment file, a history JSON or a metrics CSV.

    Raises ``ValueError`` naming the file and what is wrong with it.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ValueError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ValueError(f"{path}: cannot be read ({exc})") from None
    if path.suffix.lower() == ".csv":
        return RunRecord(_history_from_csv(text, path), source=path.name)
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{path}: neither JSON nor CSV ({exc})") from None
    if isinstance(doc, dict) and doc.get("format") == EXPERIMENT_FORMAT:
        if doc.get("kind") != "train":
            raise ValueError(f"{path}: a {doc.get('kind')!r} experiment holds several runs; "
                             "diagnose one of them (train it with --experiment or --out)")
        results = doc.get("results") if isinstance(doc.get("results"), dict) else {}
        history = History.from_dict(results["history"]) if isinstance(
            results.get("history"), dict) else None
        config = doc.get("config") if isinstance(doc.get("config"), dict) else None
        diverged = results.get("diverged") if isinstance(results.get("diverged"), str) else None
        return RunRecord(history, config, _finals(results), diverged, path.name)
    if isinstance(doc, dict) and ("losses" in doc or "epochs" in doc):
        return RunRecord(History.from_dict(doc), source=path.name)
    raise ValueError(f"{path}: not an experiment file or a metrics history")


__all__ = ["FINAL_KEYS", "RunRecord", "read_record", "record_from_model"]
