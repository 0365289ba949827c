"""``info``: what the engine offers — presets, data sets (and whether the full image sets are on
this machine), optimizers, initializers and learning-rate schedules."""

from __future__ import annotations

import argparse

import nn
from nn import datasets, initializers, optimizers, presets, schedules
from workbench.cli.common import EXIT_OK, format_table, out


def _datasets(data_dir: str | None) -> list[list[str]]:
    rows = []
    for name in datasets.names():
        if name in datasets.IDX_SETS:
            folder = datasets.find_dataset_dir(name, data_dir)
            known = datasets.identify_idx_folder(folder) if folder is not None else None
            where = (f"available in {folder}" if folder is not None
                     else "not found (use --data-dir DIR or --download)")
            if known is not None and known.name != name:  # same file names, other content
                where = f"not found ({folder} holds {known.name})"
        elif name == "digits":
            where = "embedded (8,000 train / 2,000 test)"
        else:
            where = f"generated 2-D points, {datasets.TOY_DEFAULT_N} by default"
        rows.append([name, where])
    return rows


def run(args: argparse.Namespace, argv: list[str]) -> int:
    """Run the ``info`` command."""
    out(f"Neural Network Workbench {nn.__version__}")
    out()
    out("presets (--preset):")
    out(format_table(["name", "book", "network"],
                     [[i.name, i.chapter, i.title] for i in presets.INFO.values()]))
    out()
    out(f"data sets (--dataset; full MNIST / Fashion-MNIST are looked for in --data-dir, "
        f"${datasets.DATA_ENV}, then {datasets.cache_dir()}):")
    out(format_table(["name", "where"], _datasets(args.data_dir)))
    out()
    out("optimizers (--optimizer; compare --optimizers):")
    rows = [[name, f"{rule.default_lr:g}",
             ", ".join(f"{k} {v:g}" for k, v in rule.defaults.items()) or "—"]
            for name, rule in optimizers.RULES.items()]
    out(format_table(["name", "default lr", "settings"], rows))
    out()
    out("initializers (--init): " + ", ".join(initializers.NAMES)
        + ", or std<value> (e.g. std0.05)")
    out("schedules (--schedule): " + ", ".join(schedules.SCHEDULES))
    return EXIT_OK
