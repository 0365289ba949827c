"""``train``: build a run from options, train it with a progress bar, save what was asked for.

Every output path is checked before the data are loaded, so a typo costs seconds, not a run.
A checkpoint that cannot be written is a warning and training goes on. Once training ends, a
Ctrl-C waits for the requested files to be written (a second one aborts).

Exit codes: 0 finished, 1 error, 3 diverged, 130 stopped with Ctrl-C (after saving the
checkpoint, model, metrics and experiment files that were requested).
"""

from __future__ import annotations

import argparse
import datetime
import math
import time
from typing import Any

import nn
from nn import datasets
from nn.errors import ModelBuildError
from nn.experiment import (
    DataConfig,
    PreparedData,
    RunConfig,
    build_model,
    make_trainer,
    save_experiment,
)
from nn.training import (
    Diverged,
    EpochEnd,
    Finished,
    StepEnd,
    Stopped,
    Trainer,
    load_checkpoint,
    save_checkpoint,
)
from workbench.cli.common import (
    EXIT_DIVERGED,
    EXIT_INTERRUPTED,
    EXIT_OK,
    CliError,
    UsageError,
    check_outputs,
    command_line,
    finite_or_none,
    interrupts_call,
    load_data,
    note,
    num,
    out,
    pct,
    plural,
    seconds,
)
from workbench.cli.config import Defaults, build_run_config, finish_schedule
from workbench.cli.data_choice import choose_dataset
from workbench.cli.progress import ProgressBar, format_duration

DEFAULTS = Defaults(
    preset="simple_convnet",
    optimizer={"name": "adam", "lr": 0.001},
    training={"batch_size": 100, "epochs": 5},
    toy_optimizer={"name": "adam", "lr": 0.01},
    toy_training={"epochs": 50, "batch_size": 32},
)

#: Options that cannot change when resuming (the checkpoint fixes them).
_FIXED_ON_RESUME = ("preset", "config", "preset_option", "init", "dtype", "dataset",
                    "train_size", "val_fraction", "augment", "toy_points", "toy_noise",
                    "optimizer", "schedule", "batch_size", "seed")


#: The files ``train`` writes: (option, what) for :func:`check_outputs`.
OUTPUTS = (("out", "model file"), ("checkpoint", "checkpoint file"),
           ("metrics_csv", "metrics file"), ("experiment", "experiment file"))


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``train`` command."""
    check_outputs(args, OUTPUTS)
    if args.resume is not None:
        return _resume(args, argv)
    run_config = build_run_config(args, DEFAULTS)
    data = load_data(run_config.data, args.quiet)
    finish_schedule(run_config, data)
    try:
        model = build_model(run_config.model, data.input_shape, data.num_classes,
                            run_config.training.seed)
    except ModelBuildError as exc:
        if data.name in datasets.TOY_DATASETS:
            raise CliError(f"{exc}. {data.name} is a toy set of 2-D points: use an MLP preset "
                           "(multi_layer_net, two_layer_net)") from None
        raise
    trainer = make_trainer(run_config, data, model)
    _print_header(run_config, data, trainer)
    return _train(trainer, run_config, data, args, argv, run_config.training.epochs,
                  args.checkpoint)


def _resume(args: argparse.Namespace, argv: list[str]) -> int:
    if args.checkpoint is None:  # the checkpoint resumed from is updated in place
        check_outputs(argparse.Namespace(checkpoint=args.resume), OUTPUTS[1:2])
    fixed = [name for name in _FIXED_ON_RESUME if getattr(args, name, None) not in (None, [])]
    if fixed:
        names = ", ".join("--" + n.replace("_", "-") for n in fixed)
        raise UsageError(f"{names} cannot change when resuming; the checkpoint fixes them")
    from nn.archive import open_archive
    from nn.training.checkpoint import FORMAT, VERSION

    with open_archive(args.resume, FORMAT, VERSION, "checkpoint file") as archive:
        config = archive.config
    extra = config.get("extra") or {}
    try:
        run_config = RunConfig.from_dict(extra["run_config"])
    except (KeyError, TypeError, ValueError, AttributeError):
        try:  # a checkpoint written by other code may only record its data settings
            run_config = RunConfig(data=DataConfig(**extra["data"]))
        except (KeyError, TypeError):
            run_config = None
    if run_config is None:
        raise CliError(f"{args.resume}: the checkpoint does not say which data it was trained "
                       "on (no run_config in its extra settings)")
    if args.data_dir is not None:
        run_config.data.data_dir = args.data_dir
        choose_dataset(run_config.data, dataset_given=True)  # the checkpoint fixes the set
    if args.download:
        run_config.data.download = True
    data = load_data(run_config.data, args.quiet)
    augment = None
    if run_config.data.augment and len(data.input_shape) == 3:
        augment = datasets.Augmenter.from_config(run_config.data.augment)
    trainer, _ = load_checkpoint(args.resume, data.train, data.val, data.test, augment)
    if args.max_iterations is not None:
        trainer.settings.max_iterations = args.max_iterations
        run_config.training.max_iterations = args.max_iterations
    changes = {k: getattr(args, k) for k in ("lr", "momentum", "weight_decay")
               if getattr(args, k) is not None}
    if changes:
        trainer.set_hyperparameters(**changes)
        run_config.optimizer.update(changes)
    epochs = args.epochs if args.epochs is not None else trainer.target_epochs
    trainer.target_epochs = run_config.training.epochs = epochs
    out(f"resuming {args.resume}: epoch {trainer.epoch}, iteration {trainer.iteration}, "
        f"training to epoch {epochs}")
    _print_header(run_config, data, trainer)
    return _train(trainer, run_config, data, args, argv, epochs,
                  args.checkpoint if args.checkpoint is not None else args.resume)


def _print_header(run: RunConfig, data: PreparedData, trainer: Trainer) -> None:
    model, opt = trainer.model, trainer.optimizer
    sizes = f"{len(data.train[0]):,} train"
    if data.val is not None:
        sizes += f" / {len(data.val[0]):,} validation"
    sizes += f" / {len(data.test[0]):,} test"
    folder = (datasets.find_dataset_dir(data.name, run.data.data_dir)
              if data.name in datasets.IDX_SETS else None)
    out(f"data: {data.name}, {sizes}" + (" (augmented)" if trainer.augment else "")
        + (f", from {folder}" if folder is not None else ""))  # first: the set really used
    out(f"model: {run.label} ({model.parameter_count:,} parameters, {model.dtype.name}, "
        f"init {model.init if run.model.init is None else run.model.init})")
    settings = ", ".join(f"{k} {v:g}" for k, v in opt.get_config().items()
                         if isinstance(v, float) and v and k not in ("lr", "eps"))
    schedule = opt.schedule.get_config()["name"]
    out(f"optimizer: {opt.name}, lr {opt.lr:g}" + (f", {settings}" if settings else "")
        + (f", {schedule} schedule" if schedule != "constant" else "")
        + f"; batch {trainer.settings.batch_size}, {plural(trainer.target_epochs, 'epoch')}"
        + (f", at most {plural(trainer.settings.max_iterations, 'iteration')}"
           if trainer.settings.max_iterations else ""))


def _epoch_line(event: EpochEnd, epochs: int) -> str:
    metrics = []
    for name in ("train", "val", "test"):
        acc, loss = getattr(event, f"{name}_acc"), getattr(event, f"{name}_loss")
        if not math.isnan(acc):  # NaN: the set is empty or absent
            metrics.append(f"{name} acc {pct(acc)} loss {num(loss)}")
    best = " (best)" if event.is_best else ""
    return f"epoch {event.epoch}/{epochs}: {' | '.join(metrics)} | {seconds(event.elapsed)}{best}"


def _train(trainer: Trainer, run: RunConfig, data: PreparedData, args: argparse.Namespace,
           argv: list[str], epochs: int, checkpoint: str | None) -> int:
    extra = {"run_config": run.to_dict(), "command": command_line(argv)}
    bar = ProgressBar(enabled=not args.quiet)
    steps = trainer.steps_per_epoch
    total = run.training.planned_steps(len(data.train[0])) if run.training.max_iterations else None
    epoch_start, epoch_first_it = time.perf_counter(), trainer.iteration
    outcome = None
    with interrupts_call(trainer.stop) as interrupts:
        for event in trainer.run(epochs):
            if isinstance(event, StepEnd):
                done = event.iteration - epoch_first_it
                left = steps * (1 - event.epoch_progress)
                if total is not None:
                    left = min(left, total - event.iteration)
                rate = (time.perf_counter() - epoch_start) / max(done, 1)
                bar.update(event.epoch_progress,
                           f"epoch {event.epoch}/{epochs}  it {event.iteration}  loss "
                           f"{event.loss:.4f}  {event.images_per_second:,.0f} img/s  ETA "
                           f"{format_duration(left * rate)}")
            elif isinstance(event, EpochEnd):
                bar.restart()
                out(_epoch_line(event, epochs))
                if checkpoint is not None:
                    _checkpoint(trainer, checkpoint, extra, bar)
                epoch_start, epoch_first_it = time.perf_counter(), trainer.iteration
            elif isinstance(event, (Finished, Stopped, Diverged)):
                outcome = event
        bar.close()
        interrupts.saving()  # from here a Ctrl-C waits for the requested files
        return _finish(trainer, run, data, args, extra, outcome, checkpoint, interrupts)


def _checkpoint(trainer: Trainer, path: str, extra: dict[str, Any],
                bar: ProgressBar | None = None) -> bool:
    """Save a checkpoint; a failure is a warning (training goes on), not the end of the run."""
    try:
        save_checkpoint(trainer, path, extra)
    except (OSError, MemoryError) as exc:
        if bar is not None:
            bar.clear()
        note(f"warning: checkpoint not saved ({exc if str(exc) else type(exc).__name__}); "
             "training goes on")
        return False
    return True


def _finish(trainer: Trainer, run: RunConfig, data: PreparedData, args: argparse.Namespace,
            extra: dict[str, Any], outcome: Any, checkpoint: str | None,
            interrupts: Any) -> int:
    """Report the outcome and write every requested file; the exit code."""
    if isinstance(outcome, Diverged):
        note(f"diverged: {outcome.reason}")
        if args.out is not None:
            note(f"the model was not saved to {args.out}: its weights are the diverged ones")
        _save_files(trainer, run, data, args, extra, outcome, model=False)
        return EXIT_DIVERGED
    if isinstance(outcome, Stopped):
        note(f"stopped during epoch {outcome.epoch}, after iteration {outcome.iteration}")
        if checkpoint is not None and _checkpoint(trainer, checkpoint, extra):
            note(f"checkpoint saved to {checkpoint}; continue with --resume {checkpoint}")
        _save_files(trainer, run, data, args, extra, outcome, model=True)
        return EXIT_INTERRUPTED
    assert isinstance(outcome, Finished)
    loss = _final_test_loss(trainer)
    out(f"finished: {plural(outcome.epochs, 'epoch')}, {plural(outcome.iteration, 'iteration')} "
        f"in {seconds(outcome.elapsed)}")
    if outcome.best_epoch:
        out(f"best validation accuracy: {pct(outcome.best_val_acc)} (epoch {outcome.best_epoch})")
    out(f"final test accuracy: {pct(outcome.test_acc)} (loss {num(loss)}) on "
        f"{len(data.test[0]):,} test samples")
    last = trainer.history.epochs[-1] if trainer.history.epochs else None
    if checkpoint is not None and (last is None or last.iteration != trainer.iteration):
        _checkpoint(trainer, checkpoint, extra)  # ended mid-epoch by --max-iterations
    _save_files(trainer, run, data, args, extra, outcome, model=True)
    if interrupts.is_set():
        note("(Ctrl-C came after training had finished: the requested files were saved)")
    return EXIT_OK


def _final_test_loss(trainer: Trainer) -> float:
    last = trainer.history.epochs[-1] if trainer.history.epochs else None
    if last is not None and last.iteration == trainer.iteration:
        return last.test_loss
    return trainer.evaluate(trainer.test)[0]


def _results(trainer: Trainer, outcome: Any) -> dict[str, Any]:
    last = trainer.history.epochs[-1] if trainer.history.epochs else None
    results: dict[str, Any] = {
        "outcome": type(outcome).__name__.lower(),
        "epochs": trainer.epoch,
        "iterations": trainer.iteration,
        "elapsed": trainer.elapsed,
        "train_acc": finite_or_none(last.train_acc) if last else None,
        "val_acc": finite_or_none(last.val_acc) if last else None,
        "test_acc": finite_or_none(last.test_acc) if last else None,
    }
    if isinstance(outcome, Finished):
        results["test_acc"] = finite_or_none(outcome.test_acc)
        results["train_acc"] = finite_or_none(outcome.train_acc)
        results["best_epoch"] = outcome.best_epoch
        results["best_val_acc"] = finite_or_none(outcome.best_val_acc)
    if isinstance(outcome, Diverged):
        results["diverged"] = outcome.reason
    return results


def _save_files(trainer: Trainer, run: RunConfig, data: PreparedData,
                args: argparse.Namespace, extra: dict[str, Any], outcome: Any,
                model: bool) -> None:
    results = _results(trainer, outcome)
    failures: list[str] = []

    def attempt(write: Any, done: str) -> None:
        try:
            write()
        except (OSError, MemoryError) as exc:
            failures.append(str(exc) if str(exc) else type(exc).__name__)
        else:
            out(done)

    if model and args.out is not None:
        metadata = {
            "dataset": data.name,
            "class_names": list(data.class_names),
            **results,
            "completed": isinstance(outcome, Finished),
            "run_config": extra["run_config"],
            "command": extra["command"],
            "created": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
            "workbench_version": nn.__version__,
        }
        attempt(lambda: nn.save_model(trainer.model, args.out, metadata),
                f"model saved to {args.out}")
    if args.metrics_csv is not None:
        attempt(lambda: trainer.history.write_csv(args.metrics_csv, "epochs"),
                f"metrics saved to {args.metrics_csv}")
    if args.experiment is not None:
        attempt(lambda: save_experiment(args.experiment, "train", extra["run_config"],
                                        {**results, "command": extra["command"],
                                         "history": trainer.history}),
                f"experiment saved to {args.experiment}")
    if failures:  # every other file was still written
        raise CliError("; ".join(failures))
