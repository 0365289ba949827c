"""``robustness``: a model's test accuracy under noise, rotation, shift, scale and stroke
thickness (one curve per perturbation), compared with other models on the same images; a table
on stdout and, with ``--png``, the curves and the perturbed images."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING

import nn
from nn.diagnose import KINDS, PERTURBATIONS, RobustnessReport, robustness, sample_indices
from nn.mosaic import mosaic
from workbench.cli.common import EXIT_OK, CliError, format_table, load_data, out, pct
from workbench.cli.data_choice import choose_dataset
from workbench.cli.evaluate import check_fits, data_config_for

if TYPE_CHECKING:
    from matplotlib.figure import Figure


def _kinds(text: str) -> tuple[str, ...]:
    kinds = tuple(k.strip().lower() for k in text.split(",") if k.strip())
    unknown = [k for k in kinds if k not in PERTURBATIONS]
    if unknown or not kinds:
        raise argparse.ArgumentTypeError(f"unknown perturbation {unknown[0] if unknown else ''!r}"
                                         f"; expected some of {', '.join(KINDS)}")
    return kinds


def _samples(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not an integer") from None
    if value < 10:
        raise argparse.ArgumentTypeError(f"{text!r} must be at least 10")
    return value


def add_robustness_parser(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "robustness", help="test accuracy under noise, rotation, shift, scale and thickness",
        description="Accuracy of a model on its test set perturbed at fixed levels: Gaussian "
                    "noise, rotation, shift, scale and stroke thickness. Other models "
                    "(--compare) are measured on exactly the same perturbed images.")
    p.add_argument("model", metavar="MODEL.npz")
    p.add_argument("--compare", action="append", default=[], metavar="MODEL.npz",
                   help="another model to measure on the same images (repeatable)")
    p.add_argument("--png", metavar="FILE", help="write the curves and example images")
    p.add_argument("--kinds", type=_kinds, default=KINDS, metavar="LIST",
                   help=f"perturbations, comma-separated (default: {','.join(KINDS)})")
    p.add_argument("--samples", type=_samples, default=1000, metavar="N",
                   help="test images, a class-balanced sample (default 1000; the digits test "
                        "set has 2000)")
    p.add_argument("--seed", type=int, default=0, metavar="S",
                   help="seed of the sample and the noise (default 0)")
    p.add_argument("--dataset", choices=nn.datasets.names(), metavar="NAME",
                   help="(default: the one recorded in the model, else digits)")
    p.add_argument("--data-dir", metavar="DIR")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument("-q", "--quiet", action="store_true", help="no progress bar")


def draw_robustness(fig: Figure, report: RobustnessReport, title: str = "") -> None:
    """The curves (top row, a line per model) and the perturbed example images (bottom row)
    on ``fig``."""
    kinds = list(report.levels)
    grid = fig.add_gridspec(2, len(kinds), height_ratios=(3, 2))
    for col, kind in enumerate(kinds):
        info = PERTURBATIONS[kind]
        ax = fig.add_subplot(grid[0, col])
        for label, curves in report.accuracy.items():
            ax.plot(report.levels[kind], 100 * curves[kind], marker="o", markersize=3,
                    label=label)
        ax.set_title(info.title)
        ax.set_xlabel(info.unit, fontsize="small")
        ax.set_ylim(0, 100)
        ax.grid(alpha=0.3)
        if col == 0:
            ax.set_ylabel("test accuracy (%)")
            ax.legend(fontsize="small")
        img = fig.add_subplot(grid[1, col])
        rows = report.examples[kind]
        n = rows.shape[1]
        img.imshow(mosaic(rows.reshape(-1, *rows.shape[2:]), cols=n), cmap="gray_r",
                   vmin=0, vmax=1)
        h = rows.shape[2] + 1
        img.set_yticks([i * h + h / 2 - 1 for i in range(len(rows))],
                       [f"{v:g}" for v in report.example_levels[kind]], fontsize="small")
        img.set_xticks([])
        img.set_ylabel("level", fontsize="small")
    fig.suptitle(title or f"Robustness on {report.samples:,} test images")


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``robustness`` command."""
    from workbench.cli.progress import ProgressBar

    models = {args.model: nn.load_model(args.model)}
    for path in args.compare:
        if path in models:
            raise CliError(f"{path} is given twice")
        models[path] = nn.load_model(path)
    first = models[args.model]
    config = data_config_for(first, args.dataset, args.data_dir, False)
    choose_dataset(config, dataset_given=args.dataset is not None)
    data = load_data(config, quiet=args.json or args.quiet)
    inputs = {path: check_fits(model, data) for path, model in models.items()}
    if any(x.ndim != 4 for x in inputs.values()) or data.test[0].ndim != 4:
        raise CliError(f"robustness curves need image data; {data.name} is not")
    idx = sample_indices(data.test[1], args.samples, args.seed)
    x, y = data.test[0][idx], data.test[1][idx]
    bar = ProgressBar(enabled=not (args.json or args.quiet))
    try:
        report = robustness(models, x, y, kinds=args.kinds, seed=args.seed,
                            progress=lambda done, total: bar.update(
                                done / total, f"perturbed sets {done}/{total}"))
    finally:
        bar.close()
    if args.json:
        doc = {"dataset": data.name, "samples": report.samples,
               "levels": {k: v.tolist() for k, v in report.levels.items()},
               "accuracy": {m: {k: v.tolist() for k, v in c.items()}
                            for m, c in report.accuracy.items()}}
        out(json.dumps(doc, indent=1))
    else:
        out(f"robustness on {report.samples:,} {data.name} test images (seed {args.seed})")
        labels = list(models)
        for kind in report.levels:
            out()
            out(f"{PERTURBATIONS[kind].title} — {PERTURBATIONS[kind].unit}")
            rows = [[f"{level:g}", *(pct(report.accuracy[m][kind][i], 1) for m in labels)]
                    for i, level in enumerate(report.levels[kind])]
            out(format_table(["level", *labels], rows, [True] * (1 + len(labels))))
    if args.png:
        from workbench.cli.figures import new_figure, save_png

        fig = new_figure(3.2 * len(report.levels), 6.5)
        draw_robustness(fig, report, f"Robustness of {', '.join(models)} on "
                                     f"{report.samples:,} {data.name} test images")
        save_png(fig, args.png)
        if not args.json:
            out(f"plot saved to {args.png}")
    return EXIT_OK


__all__ = ["add_robustness_parser", "draw_robustness", "run"]
