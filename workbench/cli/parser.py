"""The argument parser: one sub-command per task, shared option groups, one-line usage errors.

Options that tune a run default to ``None`` so a command can tell "not given" from a value
(then its own defaults, or a configuration file, decide).
"""

from __future__ import annotations

import argparse
import math
from typing import NoReturn

import nn
from nn import datasets, initializers, optimizers, presets, schedules
from workbench.cli.common import UsageError, prog_name
from workbench.cli.diagnose import add_diagnose_parser
from workbench.cli.export import add_export_parser
from workbench.cli.robustness import add_robustness_parser
from workbench.core.app_flags import APP_FLAGS


class CliParser(argparse.ArgumentParser):
    """An :class:`argparse.ArgumentParser` whose errors are one line plus a hint."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(message, hint=f"see '{self.prog} --help'")


# --------------------------------------------------------------------------------- types
def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 1")
    return value


def _integer(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None


def _number(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not math.isfinite(value):
        raise argparse.ArgumentTypeError(f"{text!r} is not a finite number")
    return value


def _seed(text: str) -> int:
    value = _integer(text)
    if value < 0:
        raise argparse.ArgumentTypeError(f"{text!r}: seeds are whole numbers ≥ 0")
    return value


def _initializer(text: str) -> str:
    try:
        return initializers.get(text).name
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _schedule(text: str) -> str:
    name = text.partition(":")[0].strip().lower()
    if name not in schedules.SCHEDULES:
        raise argparse.ArgumentTypeError(
            f"unknown schedule {name!r}; expected one of {', '.join(schedules.SCHEDULES)}")
    return text


# ----------------------------------------------------------------------------- option groups
def add_model_args(p: argparse.ArgumentParser, preset_default: str) -> None:
    g = p.add_argument_group("model")
    g.add_argument("--preset", choices=presets.NAMES, metavar="NAME",
                   help=f"network from the book: {', '.join(presets.NAMES)} "
                        f"(default: {preset_default})")
    g.add_argument("--config", metavar="FILE",
                   help="start from a run configuration: a JSON RunConfig, an experiment file, "
                        "or a model .npz whose architecture (and recorded settings) to reuse")
    g.add_argument("--preset-option", action="append", default=[], metavar="KEY=VALUE",
                   help="preset argument, repeatable: use_batchnorm=true, hidden_sizes=100,100, "
                        "activation=Sigmoid, use_dropout=true, dropout_rate=0.2…")
    g.add_argument("--init", type=_initializer, metavar="NAME",
                   help=f"weight initializer for every layer: {', '.join(initializers.NAMES)}, "
                        "std<value> (default: the preset's)")
    g.add_argument("--dtype", choices=("float32", "float64"), help="(default: float32)")


def add_data_args(p: argparse.ArgumentParser, defaults: str = "") -> None:
    g = p.add_argument_group("data", defaults or None)
    g.add_argument("--dataset", choices=datasets.names(), metavar="NAME",
                   help=f"{', '.join(datasets.names())} (default: digits, the embedded 10,000 "
                        "MNIST digits)")
    g.add_argument("--data-dir", metavar="DIR",
                   help="folder of the MNIST / Fashion-MNIST files (default: "
                        f"${datasets.DATA_ENV}, then the download cache)")
    g.add_argument("--download", action="store_true", default=None,
                   help="download full MNIST / Fashion-MNIST if missing (checksums verified)")
    g.add_argument("--train-size", type=_positive_int, metavar="N",
                   help="use only the first N training samples (the validation split is "
                        "taken from these, as in the book's ch. 6.5)")
    g.add_argument("--val-fraction", type=_number, metavar="F",
                   help="fraction of the training data held out for validation")
    g.add_argument("--augment", nargs="?", const="default", metavar="SPEC",
                   help="augment training images: alone = shift ±2 px, rotation ±10°, scale "
                        "0.9–1.1; 'draw' = the Draw model's recipe (adds shear, elastic "
                        "distortion, re-stroking with a round pen); or e.g. shift=2,rotation=10,"
                        "scale=0.9:1.1,noise=0.05,thickness=0.3,shear=15,elastic=0.5,"
                        "restroke=0.3; 'none' turns it off")
    g.add_argument("--toy-points", type=_positive_int, metavar="N",
                   help="toy sets: number of training points (default 400)")
    g.add_argument("--toy-noise", type=_number, metavar="F", help="toy sets: noise level")


def add_optimizer_args(p: argparse.ArgumentParser, default: str) -> None:
    g = p.add_argument_group("optimizer")
    g.add_argument("--optimizer", choices=optimizers.NAMES, metavar="NAME",
                   help=f"{', '.join(optimizers.NAMES)} (default: {default})")
    g.add_argument("--lr", type=_number, metavar="LR",
                   help="learning rate (default: the optimizer's own)")
    g.add_argument("--momentum", type=_number, metavar="M", help="momentum / nesterov: momentum")
    g.add_argument("--weight-decay", type=_number, metavar="L",
                   help="L2 weight decay λ on weights (book ch. 6.4.2; default 0)")
    g.add_argument("--schedule", type=_schedule, metavar="NAME[:K=V,…]",
                   help="learning-rate schedule: constant, step (step_size=…, gamma=…), "
                        "exponential (gamma=…), cosine (total_steps: the whole run)")


def add_training_args(p: argparse.ArgumentParser, defaults: str) -> None:
    g = p.add_argument_group("training", defaults)
    g.add_argument("--batch-size", type=_positive_int, metavar="N")
    g.add_argument("--epochs", type=_positive_int, metavar="N")
    g.add_argument("--max-iterations", type=_positive_int, metavar="N",
                   help="stop after N optimizer steps in total, even mid-epoch")
    g.add_argument("--seed", type=_seed, metavar="S",
                   help="seed of the initial weights and the batch order (default 0)")


def _add_quiet(p: argparse.ArgumentParser) -> None:
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


# ----------------------------------------------------------------------------------- commands
def _train(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "train", help="train a network and report its test accuracy",
        description="Train a network. Per-epoch metrics go to stdout, a progress bar to stderr. "
                    "Ctrl-C stops cleanly (exit code 130); divergence exits with code 3.")
    add_model_args(p, "simple_convnet; multi_layer_net 32-32 for toy sets")
    add_data_args(p)
    add_optimizer_args(p, "adam, lr 0.001; lr 0.01 for toy sets")
    add_training_args(p, "defaults: batch 100, 5 epochs (toy sets: 50), seed 0")
    g = p.add_argument_group("files")
    g.add_argument("--out", metavar="MODEL.npz", help="save the trained model (with metadata)")
    g.add_argument("--checkpoint", metavar="FILE",
                   help="save a resumable checkpoint at each epoch end and on Ctrl-C")
    g.add_argument("--resume", metavar="FILE",
                   help="continue from a checkpoint (its data settings; keeps checkpointing to "
                        "it unless --checkpoint is given); --epochs sets the new total")
    g.add_argument("--metrics-csv", metavar="FILE", help="write per-epoch metrics as CSV")
    g.add_argument("--experiment", metavar="FILE", help="write configuration + history as JSON")
    _add_quiet(p)


def _eval(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="test accuracy, loss and per-class accuracy of a model",
                       description="Evaluate a saved model on a data set's test split.")
    p.add_argument("model", metavar="MODEL.npz")
    p.add_argument("--dataset", choices=datasets.names(), metavar="NAME",
                   help="(default: the one recorded in the model, else digits)")
    p.add_argument("--data-dir", metavar="DIR")
    p.add_argument("--download", action="store_true")
    p.add_argument("--batch-size", type=_positive_int, default=500, metavar="N")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _predict(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "predict", help="classify image files",
        description="Class probabilities for image files of any size, dark ink on light paper "
                    "or the reverse; each is cropped, scaled and centred like MNIST.")
    p.add_argument("model", metavar="MODEL.npz")
    p.add_argument("images", nargs="+", metavar="IMAGE")
    p.add_argument("--top", type=_positive_int, metavar="K",
                   help="show only the K most likely classes (default: all, in class order)")
    p.add_argument("--json", action="store_true", help="machine-readable output")


def _compare(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "compare", help="train variants side by side (book ch. 6) and plot their loss",
        description="Train variants of one run in lock-step on identical batches and initial "
                    "weights, over one or more seeds. Default: the book's optimizer comparison.")
    g = p.add_argument_group("variants")
    g.add_argument("--optimizers", metavar="LIST",
                   help="e.g. sgd,momentum,adagrad,adam or sgd:0.1,adam:0.001 (name:lr) "
                        "(default: sgd,momentum,adagrad,adam)")
    g.add_argument("--inits", metavar="LIST", help="e.g. std0.01,xavier,he (book ch. 6.2)")
    g.add_argument("--variants-json", metavar="FILE|JSON",
                   help='[{"label": "bn", "overrides": {"model": {"preset": '
                        '"multi_layer_net_extend", "options": {"use_batchnorm": true}}}}, …] '
                        "or {label: overrides}")
    g.add_argument("--seeds", default="0", metavar="LIST", help="e.g. 0,1,2 (default: 0)")
    add_model_args(p, "multi_layer_net")
    add_data_args(p, "defaults: digits, no validation split")
    add_optimizer_args(p, "sgd, lr 0.01, for the variants that do not choose")
    add_training_args(p, "defaults: batch 128, 500 iterations (the book: 2000)")
    g = p.add_argument_group("output")
    g.add_argument("--png", default="compare.png", metavar="FILE",
                   help="loss curves and accuracies (default: compare.png)")
    g.add_argument("--no-png", action="store_true", help="do not write a PNG")
    g.add_argument("--smooth", type=_positive_int, default=20, metavar="N",
                   help="moving-average window of the loss (default: 20)")
    g.add_argument("--csv", metavar="FILE", help="write the results table as CSV")
    g.add_argument("--experiment", metavar="FILE", help="write configuration + histories as JSON")
    _add_quiet(p)


def _search(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "search", help="random hyperparameter search (book ch. 6.5)",
        description="Sample learning rate and weight decay log-uniformly, train each setting "
                    "briefly and rank by validation accuracy.")
    g = p.add_argument_group("search")
    g.add_argument("--trials", type=_positive_int, default=20, metavar="N",
                   help="(default: 20; the book: 100)")
    g.add_argument("--lr-range", default="1e-6:1e-2", metavar="LOW:HIGH",
                   help="(default: 1e-6:1e-2)")
    g.add_argument("--weight-decay-range", default="1e-8:1e-4", metavar="LOW:HIGH",
                   help="(default: 1e-8:1e-4; 'none' keeps the weight decay fixed)")
    g.add_argument("--search-seed", type=_seed, default=0, metavar="S",
                   help="seed of the sampled settings (default: 0)")
    add_model_args(p, "multi_layer_net with hidden_sizes 100×6")
    add_data_args(p, "defaults: digits, 400 training images (the book's 500 less its 20 % "
                     "validation), validation fraction 0.2")
    add_optimizer_args(p, "sgd")
    add_training_args(p, "defaults: batch 100, 50 epochs")
    g = p.add_argument_group("output")
    g.add_argument("--png", default="search.png", metavar="FILE",
                   help="validation accuracy against the settings (default: search.png)")
    g.add_argument("--no-png", action="store_true", help="do not write a PNG")
    g.add_argument("--csv", metavar="FILE", help="write the ranking as CSV")
    g.add_argument("--experiment", metavar="FILE", help="write configuration + results as JSON")
    _add_quiet(p)


def _info(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("info", help="presets, data sets (and where they are), optimizers, "
                                    "initializers, schedules")
    p.add_argument("--data-dir", metavar="DIR", help="also look for MNIST / Fashion-MNIST here")


def build_parser() -> CliParser:
    """The full parser; ``args.command`` names the sub-command."""
    parser = CliParser(
        prog=prog_name(),
        description="Neural Network Workbench, headless: train, evaluate, predict, compare and "
                    "search with the NumPy engine of 'Deep Learning from Scratch'. Without a "
                    "command, the desktop app opens.",
        epilog="Run '%(prog)s COMMAND --help' for a command's options. App options, alone: "
               + "; ".join(f"{flag}: {what}" for flag, what in APP_FLAGS.items()) + ".")
    parser.add_argument("--version", action="version", version=f"%(prog)s {nn.__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (_train, _eval, _predict, _compare, _search, _info):
        add(sub)
    add_export_parser(sub)  # issue 23: its options live with the command
    add_diagnose_parser(sub)  # issue 22, likewise
    add_robustness_parser(sub)
    return parser
