"""``compare``: variants of one run trained in lock-step (book ch. 6), over one or more seeds;
prints a results table and draws the loss curves (:mod:`workbench.plots.curves`)."""

from __future__ import annotations

import argparse
import csv
import io
import itertools
import json
import math
from pathlib import Path
from typing import Any

from nn.archive import parse_json
from nn.compare import Comparison, Variant
from nn.experiment import RunConfig, save_experiment
from nn.optimizers import RULES
from nn.schema import SettingsError, check_object, suggestion
from nn.training import Diverged, StepEnd, write_text_atomic
from workbench.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    UsageError,
    check_outputs,
    command_line,
    format_table,
    interrupts_call,
    load_data,
    note,
    num,
    out,
    parse_int_list,
    pct,
)
from workbench.cli.config import Defaults, build_run_config, finish_schedule
from workbench.cli.progress import ProgressBar

DEFAULTS = Defaults(
    preset="multi_layer_net",
    optimizer={"name": "sgd", "lr": 0.01},
    training={"batch_size": 128, "epochs": 10_000, "max_iterations": 500},
    data={"val_fraction": 0.0},
)
BOOK_OPTIMIZERS = ("sgd", "momentum", "adagrad", "adam")


def _optimizer_overrides(items: str, base: RunConfig, args: argparse.Namespace
                         ) -> list[tuple[str, dict[str, Any]]]:
    """``"sgd,adam:0.001"`` → one optimizer override per item (name[:lr])."""
    carried = {k: v for k, v in base.optimizer.items() if k in ("weight_decay", "schedule")}
    variants = []
    for item in (part.strip() for part in items.split(",")):
        if not item:
            continue
        name, _, lr = item.partition(":")
        name = name.strip().lower()
        if name not in RULES:
            raise UsageError(f"unknown optimizer {name!r} in --optimizers; expected "
                             f"{', '.join(RULES)}")
        opt: dict[str, Any] = {"name": name, **carried}
        if lr:
            try:
                opt["lr"] = float(lr)
            except ValueError:
                raise UsageError(f"invalid learning rate in --optimizers item {item!r}") from None
        elif args.lr is not None:
            opt["lr"] = args.lr
        if args.momentum is not None and "momentum" in RULES[name].defaults:
            opt["momentum"] = args.momentum
        variants.append((item, {"optimizer": opt}))
    if not variants:
        raise UsageError("--optimizers lists no optimizer")
    return variants


def _json_variants(text: str) -> list[Variant]:
    inline = text.lstrip()[:1] in ("[", "{")  # JSON text, not a file name
    path = Path(text)
    try:
        source = text if inline or not path.is_file() else path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"--variants-json: cannot read {text[:80]}: {exc}") from None
    try:
        doc = parse_json(source, "variants")
    except ValueError as exc:
        what = "text (nor a file)" if inline or source is text else f"file {text}"
        raise UsageError(f"--variants-json: not valid JSON {what}: {exc}") from None
    if isinstance(doc, dict):
        doc = [{"label": k, "overrides": v} for k, v in doc.items()]
    if not isinstance(doc, list):
        raise UsageError('--variants-json: expected [{"label": ..., "overrides": {...}}, ...] '
                         f"or {{label: overrides}}, not {json.dumps(doc)[:40]}")
    for i, v in enumerate(doc):
        name = f"variant {v['label']!r}" if isinstance(v, dict) and isinstance(
            v.get("label"), str) else f"variant {i + 1}"
        try:
            check_object(v, name)
            check_object(v.get("overrides", {}), f"the overrides of {name}")
        except SettingsError as exc:
            raise UsageError(f"--variants-json: {exc}") from None
        unknown = sorted(set(v) - {"label", "overrides"})
        if unknown:
            raise UsageError(f"--variants-json: variant {i + 1} has an unknown key "
                             f"{unknown[0]!r}{suggestion(unknown[0], ('label', 'overrides'))}")
        if not isinstance(v.get("label", ""), (str, int, float)):
            raise UsageError(f"--variants-json: variant {i + 1}'s label must be text")
    if not doc:
        raise UsageError("--variants-json lists no variant")
    return [Variant(str(v.get("label", f"variant {i + 1}")), dict(v.get("overrides", {})))
            for i, v in enumerate(doc)]


def make_variants(args: argparse.Namespace, base: RunConfig) -> list[Variant]:
    """The variants the options ask for (optimizers × initializers, or a JSON list)."""
    if args.variants_json:
        if args.optimizers or args.inits:
            raise UsageError("--variants-json cannot be combined with --optimizers or --inits")
        return _json_variants(args.variants_json)
    opts = _optimizer_overrides(args.optimizers, base, args) if args.optimizers else None
    inits = None
    if args.inits:
        inits = [(n.strip(), {"model": {"init": n.strip()}})
                 for n in args.inits.split(",") if n.strip()]
    if opts is None and inits is None:
        opts = _optimizer_overrides(",".join(BOOK_OPTIMIZERS), base, args)
    if opts and inits:
        return [Variant(f"{o} / {i}", {**oo, **io_}) for (o, oo), (i, io_)
                in itertools.product(opts, inits)]
    return [Variant(label, overrides) for label, overrides in (opts or inits or [])]


def summary_rows(comparison: Comparison) -> list[dict[str, Any]]:
    """Per variant: smoothed final loss, train and test accuracy (mean, std over seeds)."""
    rows = []
    for summary in comparison.summary():
        rows.append({
            "label": summary.label,
            "final_loss": summary.final_loss, "final_loss_std": summary.final_loss_std,
            "train_acc": summary.train_acc,
            "train_acc_std": summary.train_acc_std,
            "test_acc": summary.test_acc, "test_acc_std": summary.test_acc_std,
            "diverged": summary.diverged, "seeds": len(comparison.seeds),
        })
    return rows


def _pm(mean: float, std: float, fmt: Any) -> str:
    return fmt(mean) + (f" ± {fmt(std)}" if std and not math.isnan(std) else "")


def format_rows(rows: list[dict[str, Any]]) -> str:
    body = [[r["label"], _pm(r["final_loss"], r["final_loss_std"], num),
             _pm(r["train_acc"], r["train_acc_std"], pct),
             _pm(r["test_acc"], r["test_acc_std"], pct), f"{r['diverged']}/{r['seeds']}"]
            for r in rows]
    return format_table(["variant", "final loss", "train acc", "test acc", "diverged"], body,
                        [False, True, True, True, True])


def _write_csv(path: str, rows: list[dict[str, Any]]) -> None:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
    writer.writeheader()
    writer.writerows({k: ("" if isinstance(v, float) and math.isnan(v) else v)
                      for k, v in r.items()} for r in rows)
    write_text_atomic(path, buf.getvalue())


def _plot(comparison: Comparison, rows: list[dict[str, Any]], path: str, window: int) -> None:
    from workbench.cli.figures import new_figure, save_png
    from workbench.plots import draw_comparison

    series = []
    for v, variant in enumerate(comparison.variants):
        histories = comparison.histories(v)
        longest = max(histories, key=len)
        series.append((variant.label, longest.iterations, [h.losses for h in histories]))
    base = comparison.base
    title = (f"{base.label} on {base.data.name}, batch {base.training.batch_size}"
             + (f", {len(comparison.seeds)} seeds" if len(comparison.seeds) > 1 else ""))
    notes = [f"diverged {r['diverged']}/{r['seeds']}" if r["diverged"] else "" for r in rows]
    fig = new_figure(11, 4.5)
    draw_comparison(fig, series, [(r["label"], r["test_acc"], r["test_acc_std"]) for r in rows],
                    window, title=title, notes=notes)
    save_png(fig, path)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``compare`` command."""
    check_outputs(args, (("png", "plot"), ("csv", "table"), ("experiment", "experiment file"))
                  if not args.no_png else (("csv", "table"), ("experiment", "experiment file")))
    base = build_run_config(args, DEFAULTS)
    if args.config is None and args.epochs is not None and args.max_iterations is None:
        base.training.max_iterations = None  # --epochs alone: whole epochs, no step budget
    variants = make_variants(args, base)
    seeds = parse_int_list(args.seeds, "--seeds")
    if any(s < 0 for s in seeds):
        raise UsageError(f"invalid --seeds {args.seeds!r}: seeds are whole numbers ≥ 0")
    for variant in variants:  # every variant's settings are valid before any data is loaded
        try:
            base.with_overrides({**variant.overrides, "training": {
                **(variant.overrides.get("training") or {}), "seed": seeds[0]}})
        except ValueError as exc:
            raise UsageError(f"variant {variant.label!r}: {exc}") from None
    data = load_data(base.data, args.quiet)
    finish_schedule(base, data)
    comparison = Comparison(base, variants, seeds, data=data, smooth_window=args.smooth)
    n_train = len(data.train[0])
    total = sum(r.training.planned_steps(n_train) for runs in comparison.runs for r in runs)
    out(f"comparing {len(variants)} variants × {len(seeds)} seed(s) of {base.label} on "
        f"{data.name} ({n_train:,} training samples): {', '.join(v.label for v in variants)}")
    bar = ProgressBar(enabled=not args.quiet)
    steps = 0
    with interrupts_call(comparison.stop) as interrupted:
        for item in comparison.run():
            event = item.event
            if isinstance(event, StepEnd):
                steps += 1
                bar.update(steps / max(total, 1),
                           f"step {steps:,}/{total:,}  {variants[item.variant].label}  "
                           f"loss {event.loss:.4f}")
            elif isinstance(event, Diverged):
                bar.clear()
                note(f"{variants[item.variant].label} (seed {seeds[item.seed_index]}) diverged "
                     f"at iteration {event.iteration}")
    bar.close()
    rows = summary_rows(comparison)
    out()
    out(format_rows(rows))
    out(f"(final loss: mean of the last {args.smooth} iterations; ± is the standard deviation "
        "over seeds)")
    if not args.no_png:
        _plot(comparison, rows, args.png, args.smooth)
        out(f"plot saved to {args.png}")
    if args.csv:
        _write_csv(args.csv, rows)
        out(f"table saved to {args.csv}")
    if args.experiment:
        config = {"base": base.to_dict(), "seeds": seeds, "command": command_line(argv),
                  "variants": [{"label": v.label, "overrides": v.overrides} for v in variants]}
        save_experiment(args.experiment, "compare", config,
                        {**comparison.results(), "table": rows})
        out(f"experiment saved to {args.experiment}")
    return EXIT_INTERRUPTED if interrupted.is_set() else EXIT_OK
