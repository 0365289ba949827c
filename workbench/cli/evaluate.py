"""``eval``: a saved model's loss, accuracy, per-class accuracy and confusions on a test set."""

from __future__ import annotations

import argparse
import json
from typing import Any

import numpy as np
from numpy.typing import NDArray

import nn
from nn import datasets
from nn.experiment import DataConfig, PreparedData
from nn.model import Sequential
from workbench.cli.common import (
    EXIT_OK,
    CliError,
    finite_or_none,
    format_table,
    load_data,
    num,
    out,
    pct,
)
from workbench.cli.data_choice import choose_dataset


def data_config_for(model: Sequential, name: str | None, data_dir: str | None,
                    download: bool) -> DataConfig:
    """The test data for ``model``: ``name``, else the set recorded in its metadata, else
    digits; toy-set settings (points, noise, seed) are taken from the recorded run."""
    meta = model.metadata if isinstance(model.metadata, dict) else {}
    recorded = meta.get("dataset") if isinstance(meta.get("dataset"), str) else None
    config = DataConfig(name or recorded or "digits", data_dir, bool(download), val_fraction=0.0)
    run = meta.get("run_config")
    data = run.get("data") if isinstance(run, dict) else None
    if isinstance(data, dict) and data.get("name") == config.name:
        for key in ("toy_n", "toy_noise", "toy_seed"):
            if key in data:
                setattr(config, key, data[key])
        folder = data.get("data_dir")
        if data_dir is None and isinstance(folder, str) and config.name in datasets.IDX_SETS \
                and not datasets.is_available(config.name) \
                and datasets.is_available(config.name, folder):
            config.data_dir = folder  # where the model was trained from
    return config


def check_fits(model: Sequential, data: PreparedData) -> NDArray:
    """The test inputs in the model's shape; :class:`CliError` if they cannot fit."""
    x = data.test[0]
    shape = tuple(model.input_shape)
    if tuple(x.shape[1:]) != shape:
        if int(np.prod(x.shape[1:])) != int(np.prod(shape)):
            raise CliError(f"the model takes inputs of shape {shape}, but {data.name} has "
                           f"{tuple(x.shape[1:])}; choose another --dataset")
        x = x.reshape(len(x), *shape)
    if model.num_classes != data.num_classes:
        raise CliError(f"the model has {model.num_classes} classes, but {data.name} has "
                       f"{data.num_classes}; choose another --dataset")
    return x


def evaluate(model: Sequential, x: NDArray, y: NDArray, batch_size: int) -> dict[str, Any]:
    """Loss, accuracy, per-class accuracy and the confusion matrix (rows: true class)."""
    loss, acc = model.evaluate(x, y, batch_size)
    pred = model.predict(x, batch_size)
    k = model.num_classes
    confusion = np.zeros((k, k), dtype=np.int64)
    np.add.at(confusion, (y, pred), 1)
    counts = confusion.sum(axis=1)
    correct = np.diag(confusion)
    per_class = np.divide(correct, counts, out=np.full(k, np.nan), where=counts > 0)
    return {"loss": float(loss), "accuracy": float(acc), "counts": counts,
            "correct": correct, "per_class": per_class, "confusion": confusion}


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``eval`` command."""
    model = nn.load_model(args.model)
    config = data_config_for(model, args.dataset, args.data_dir, args.download)
    choose_dataset(config, dataset_given=args.dataset is not None)
    data = load_data(config, quiet=args.json)
    x = check_fits(model, data)
    y = data.test[1]
    if len(y) == 0:
        raise CliError(f"the {data.name} test split is empty: there is nothing to evaluate")
    result = evaluate(model, x, y, args.batch_size)
    names = data.class_names
    if args.json:
        doc = {
            "model": args.model,
            "dataset": data.name,
            "samples": len(y),
            "loss": finite_or_none(result["loss"]),
            "accuracy": finite_or_none(result["accuracy"]),
            "per_class": [
                {"index": i, "class": names[i], "count": int(result["counts"][i]),
                 "correct": int(result["correct"][i]),
                 "accuracy": finite_or_none(result["per_class"][i])}
                for i in range(len(names))
            ],
            "confusion": result["confusion"].tolist(),
        }
        out(json.dumps(doc, indent=1))
        return EXIT_OK
    out(f"model: {args.model} ({model.name}, {model.parameter_count:,} parameters)")
    out(f"data: {data.name} test set, {len(y):,} samples")
    out(f"test accuracy: {pct(result['accuracy'])}  loss {num(result['loss'])}")
    out()
    rows = [[names[i], pct(result["per_class"][i], 1),
             f"{result['correct'][i]:,} / {result['counts'][i]:,}"] for i in range(len(names))]
    out(format_table(["class", "accuracy", "correct"], rows, [False, True, True]))
    off = result["confusion"].copy()
    np.fill_diagonal(off, 0)
    worst = [(int(off[i, j]), i, j) for i, j in zip(*np.nonzero(off), strict=True)]
    worst.sort(reverse=True)
    if worst:
        out()
        out("most frequent mistakes (true → predicted): " + ", ".join(
            f"{names[i]} → {names[j]} ({count})" for count, i, j in worst[:5]))
    return EXIT_OK
