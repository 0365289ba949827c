"""``diagnose``: the training assistant's findings for a saved model or a recorded run.

A model file (``train --out``) brings its architecture, its settings and final metrics, and the
assistant probes it: one backward pass and the activations on a batch of its training data. An
experiment file (``train --experiment``), a history JSON or a metrics CSV brings the curves;
``--history`` adds such a file to a model. Run ids of the run history are not supported yet.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import Any

import numpy as np

import nn
from nn import diagnose as D
from nn.diagnose.records import RunRecord, read_record, record_from_model
from nn.errors import DatasetError
from nn.experiment import DataConfig, ModelSpec, PreparedData, build_model, prepare_data
from nn.schema import SettingsError
from workbench.cli.common import EXIT_OK, CliError, note, out, plural

RUN_SUFFIXES = (".json", ".csv")


def add_diagnose_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "diagnose", help="the training assistant: what is wrong with a run, and what to change",
        description="Print the training assistant's findings, most important first, each with "
                    "the book's section and the settings to change. TARGET is a model .npz "
                    "(its record and a probe of its gradients and activations), or an "
                    "experiment JSON / metrics history (JSON or CSV) of a run.")
    p.add_argument("target", metavar="MODEL.npz|RUN.json|METRICS.csv")
    p.add_argument("--history", metavar="FILE",
                   help="add a run's curves: the experiment JSON (train --experiment) or the "
                        "metrics CSV (train --metrics-csv) of the model's training")
    p.add_argument("--dataset", choices=nn.datasets.names(), metavar="NAME",
                   help="data to probe the model on (default: the one it was trained on)")
    p.add_argument("--data-dir", metavar="DIR")
    p.add_argument("--probe-size", type=int, default=256, metavar="N",
                   help="training images for the gradient and activation probe (default 256)")
    p.add_argument("--no-probe", action="store_true",
                   help="judge only the record, without a backward pass on data")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _load_target(target: str) -> tuple[nn.Sequential | None, RunRecord]:
    path = Path(target)
    if not path.exists():
        if path.suffix.lower() not in (".npz", *RUN_SUFFIXES) and "/" not in target:
            raise CliError(f"{target}: no such file. Run ids of the run history are not "
                           "supported yet; give a model .npz or a run's experiment JSON or "
                           "metrics CSV")
        raise CliError(f"{target}: no such file")
    if path.suffix.lower() == ".nnwb":
        raise CliError(f"{target}: session files are not read by diagnose yet; save the model "
                       "(File → Save model) and export the metrics (CSV), then give both")
    if path.suffix.lower() == ".npz":
        model = nn.load_model(path)
        return model, record_from_model(model, path.name)
    return None, read_record(path)


def _data_config(record: RunRecord, model: nn.Sequential | None,
                 args: argparse.Namespace) -> DataConfig:
    """The training data of the run (its train_size, toy settings…), or ``--dataset``."""
    recorded = dict(record.run_config.get("data") or {}) if record.run_config else {}
    meta = model.metadata if model is not None and isinstance(model.metadata, dict) else {}
    if not recorded and isinstance(meta.get("dataset"), str):
        recorded["name"] = meta["dataset"]
    if args.dataset and args.dataset != recorded.get("name"):
        recorded = {"name": args.dataset}
    if args.data_dir:
        recorded["data_dir"] = args.data_dir
    recorded["download"] = False
    try:
        return DataConfig.from_dict(recorded)
    except SettingsError:
        return DataConfig(recorded.get("name", "digits"), args.data_dir)


def _prepare(config: DataConfig) -> PreparedData | None:
    try:
        return prepare_data(config)
    except DatasetError as exc:
        note(f"note: no probe and no class counts: {exc}")
        return None


def _architecture(record: RunRecord, data: PreparedData | None) -> nn.Sequential | None:
    """A freshly built model of the recorded architecture (for its facts, not its weights)."""
    spec = record.run_config.get("model") if record.run_config else None
    if not isinstance(spec, dict) or data is None:
        return None
    try:
        return build_model(ModelSpec.from_dict(spec), data.input_shape, data.num_classes, 0)
    except (SettingsError, ValueError, nn.ModelBuildError) as exc:
        note(f"note: the recorded architecture cannot be built ({exc})")
        return None


def gather(args: argparse.Namespace) -> tuple[D.Evidence, dict[str, Any]]:
    """The evidence for ``args.target`` and a summary of where it came from."""
    model, record = _load_target(args.target)
    if args.history:
        record = record.merged(read_record(args.history))
    data = None
    if model is not None or record.run_config:
        data = _prepare(_data_config(record, model, args))
    facts_model = model or _architecture(record, data)
    history = record.history if record.history is not None else nn.training.History()
    gradients = activations = None
    labels = data.train[1] if data is not None else None
    summary: dict[str, Any] = {"target": args.target, "sources": record.source,
                               "iterations": len(history), "epochs": len(history.epochs),
                               "final": dict(record.final), "probe": None}
    if model is not None and data is not None and not args.no_probe:
        x, y = data.train
        if tuple(x.shape[1:]) != model.input_shape and x[0].size == int(
                np.prod(model.input_shape)):
            x = x.reshape(len(x), *model.input_shape)
        try:
            gradients, activations = D.probe(model, x, y, args.probe_size)
            summary["probe"] = f"{min(args.probe_size, len(x))} {data.name} training images"
        except ValueError as exc:
            note(f"note: no probe: {exc}")
    run = record.run_config or {}
    data_info = {**dict(run.get("data") or {}),
                 "images": bool(facts_model is not None and len(facts_model.input_shape) == 3)}
    evidence = D.collect(record.history, optimizer=run.get("optimizer"), data=data_info,
                         model=facts_model, gradients=gradients, activations=activations,
                         train_labels=labels, diverged=record.diverged, final=record.final)
    return evidence, summary


def _print(findings: list[D.Finding], summary: dict[str, Any]) -> None:
    known = []
    if summary["iterations"] or summary["epochs"]:
        known.append(f"{plural(summary['iterations'], 'iteration')}, "
                     f"{plural(summary['epochs'], 'epoch')} of curves")
    if summary["final"]:
        known.append("final metrics")
    if summary["probe"]:
        known.append(f"gradients and activations on {summary['probe']}")
    out(f"diagnosis of {summary['target']}: " + ("; ".join(known) or "the architecture only"))
    if not findings:
        out("no problems found by the checks that had something to look at")
        return
    wrap = textwrap.TextWrapper(width=96, initial_indent="   ", subsequent_indent="   ")
    for number, finding in enumerate(findings, 1):
        out()
        out(f"{number}. [{finding.severity}] {finding.title}")
        out(wrap.fill(finding.explanation))
        for fix in finding.fixes:
            out(f"   {'fix' if fix.applicable else 'tip'}: {fix.label}")


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``diagnose`` command."""
    if args.probe_size < 1:
        raise CliError(f"invalid --probe-size {args.probe_size}: must be at least 1")
    evidence, summary = gather(args)
    findings = D.diagnose(evidence)
    if args.json:
        out(json.dumps({**summary, "findings": [f.to_dict() for f in findings]}, indent=1,
                       ensure_ascii=False))
    else:
        _print(findings, summary)
    return EXIT_OK


__all__ = ["add_diagnose_parser", "gather", "run"]
