"""``search``: the book's random hyperparameter search (ch. 6.5) — learning rate and weight
decay sampled log-uniformly, each trial trained briefly, ranked by validation accuracy."""

from __future__ import annotations

import argparse
import csv
import io
import math
from dataclasses import asdict
from typing import Any

from nn.experiment import save_experiment
from nn.search import RandomSearch, TrialEnd, TrialEvent, TrialStart
from nn.training import StepEnd, write_text_atomic
from workbench.cli.common import (
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    UsageError,
    check_outputs,
    command_line,
    format_table,
    interrupts_call,
    load_data,
    out,
    parse_range,
    pct,
)
from workbench.cli.config import Defaults, build_run_config, finish_schedule
from workbench.cli.progress import ProgressBar

DEFAULTS = Defaults(
    preset="multi_layer_net",
    options={"hidden_sizes": [100] * 6},
    optimizer={"name": "sgd"},
    training={"batch_size": 100, "epochs": 50},
    data={"train_size": 500, "val_fraction": 0.2},  # the book: 400 train + 100 validation
)


def make_space(args: argparse.Namespace) -> dict[str, tuple[float, float]]:
    """The sampled settings and their ranges from ``--lr-range`` / ``--weight-decay-range``."""
    space = {"lr": parse_range(args.lr_range, "--lr-range")}
    if args.weight_decay_range.strip().lower() not in ("none", "off", ""):
        space["weight_decay"] = parse_range(args.weight_decay_range, "--weight-decay-range")
    if args.lr is not None:
        raise UsageError("the search samples the learning rate: use --lr-range, not --lr")
    if args.weight_decay is not None and "weight_decay" in space:
        raise UsageError("the search samples the weight decay: use --weight-decay-range, or "
                         "--weight-decay-range none with --weight-decay")
    return space


def _params_text(params: dict[str, float]) -> str:
    return "  ".join(f"{name.replace('_', ' ')} {value:.2e}" for name, value in params.items())


def ranking_rows(ranked: list[TrialEnd], space: dict[str, Any]) -> list[list[str]]:
    rows = []
    for rank, trial in enumerate(ranked, 1):
        status = "diverged" if trial.diverged else pct(trial.val_acc)
        rows.append([str(rank), str(trial.index + 1), status, pct(trial.train_acc),
                     *(f"{trial.params[name]:.3e}" for name in space)])
    return rows


def _write_csv(path: str, ranked: list[TrialEnd], space: dict[str, Any]) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(["rank", "trial", "val_acc", "train_acc", *space, "diverged"])
    for rank, t in enumerate(ranked, 1):
        writer.writerow([rank, t.index + 1, "" if math.isnan(t.val_acc) else t.val_acc,
                         "" if math.isnan(t.train_acc) else t.train_acc,
                         *(t.params[name] for name in space), int(t.diverged)])
    write_text_atomic(path, buf.getvalue())


def _plot(results: list[TrialEnd], path: str, title: str,
          space: dict[str, tuple[float, float]]) -> None:
    from workbench.cli.figures import new_figure, save_png
    from workbench.plots import draw_search_results

    fig = new_figure(11, 4.5)
    draw_search_results(fig, results, title=title, space=space)
    save_png(fig, path)


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``search`` command."""
    check_outputs(args, (("png", "plot"), ("csv", "ranking"), ("experiment", "experiment file"))
                  if not args.no_png else (("csv", "ranking"), ("experiment", "experiment file")))
    space = make_space(args)
    base = build_run_config(args, DEFAULTS)
    data = load_data(base.data, args.quiet)
    if data.val is None:
        raise CliError(f"the search ranks settings by validation accuracy, but "
                       f"{len(data.train[0]):,} training images with --val-fraction "
                       f"{base.data.val_fraction:g} leave no validation set (the split needs "
                       "at least 10 images and a fraction above 0); raise --train-size or "
                       "--val-fraction")
    finish_schedule(base, data)
    search = RandomSearch(base, space, args.trials, seed=args.search_seed, data=data)
    per_trial = max(base.training.planned_steps(len(data.train[0])), 1)
    val = len(search.data.val[0]) if search.data.val is not None else 0
    out(f"random search: {args.trials} trials of {base.label} on {data.name} "
        f"({len(data.train[0]):,} training / {val:,} validation samples), "
        f"{base.optimizer['name']}, {base.training.epochs} epochs, batch "
        f"{base.training.batch_size}; sampling "
        + ", ".join(f"{k} in [{lo:g}, {hi:g}]" for k, (lo, hi) in space.items()))
    bar = ProgressBar(enabled=not args.quiet)
    with interrupts_call(search.stop) as interrupted:
        for event in search.run():
            if isinstance(event, TrialStart):
                bar.restart()
            elif isinstance(event, TrialEvent) and isinstance(event.event, StepEnd):
                step = event.event
                bar.update((event.index + step.iteration / per_trial) / args.trials,
                           f"trial {event.index + 1}/{args.trials}  epoch {step.epoch}  "
                           f"loss {step.loss:.4f}")
            elif isinstance(event, TrialEnd):
                bar.clear()
                result = "diverged" if event.diverged else (
                    f"val acc {pct(event.val_acc)}  train acc {pct(event.train_acc)}")
                out(f"trial {event.index + 1:>3}/{args.trials}: {result}  "
                    f"{_params_text(event.params)}")
    bar.close()
    ranked = search.ranked()
    if ranked:
        out()
        out(format_table(["rank", "trial", "val acc", "train acc", *space],
                         ranking_rows(ranked, space), [True] * (4 + len(space))))
        best = ranked[0]
        if not best.diverged:
            out(f"best: val acc {pct(best.val_acc)} with {_params_text(best.params)}")
    if ranked and not args.no_png:
        _plot(search.results, args.png,
              f"Random search: {base.label} on {data.name}, {len(ranked)} trials", space)
        out(f"plot saved to {args.png}")
    if args.csv and ranked:
        _write_csv(args.csv, ranked, space)
        out(f"ranking saved to {args.csv}")
    if args.experiment:
        config = {"base": base.to_dict(), "space": {k: list(v) for k, v in space.items()},
                  "trials": args.trials, "seed": args.search_seed, "command": command_line(argv)}
        save_experiment(args.experiment, "search", config,
                        {"trials": [asdict(t) for t in search.results],
                         "ranking": [t.index for t in ranked]})
        out(f"experiment saved to {args.experiment}")
    return EXIT_INTERRUPTED if interrupted.is_set() else EXIT_OK
