"""From command-line options to a :class:`nn.experiment.RunConfig`.

Precedence, lowest first: the command's defaults, a ``--config`` file, then every option given
on the command line. Toy 2-D data sets get a small MLP unless a model is chosen explicitly.
"""

from __future__ import annotations

import argparse
import copy
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nn import datasets, optimizers, schedules
from nn.archive import open_archive, parse_json
from nn.errors import ModelFileError
from nn.experiment import (
    EXPERIMENT_FORMAT,
    DataConfig,
    ModelSpec,
    PreparedData,
    RunConfig,
    load_experiment,
)
from nn.model import FORMAT as MODEL_FORMAT
from nn.model import FORMAT_VERSION as MODEL_VERSION
from nn.training import TrainSettings
from workbench.cli.common import CliError, UsageError, parse_augment, parse_key_values
from workbench.cli.data_choice import choose_dataset

#: The model a toy 2-D set gets when none is chosen.
TOY_PRESET = "multi_layer_net"
TOY_OPTIONS: dict[str, Any] = {"hidden_sizes": [32, 32]}


@dataclass
class Defaults:
    """A command's starting point, before any file or option."""

    preset: str = "simple_convnet"
    options: dict[str, Any] = field(default_factory=dict)
    optimizer: dict[str, Any] = field(default_factory=lambda: {"name": "adam", "lr": 0.001})
    training: dict[str, Any] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    #: Replacements for toy sets (same keys as ``optimizer`` / ``training``), when not set.
    toy_optimizer: dict[str, Any] | None = None
    toy_training: dict[str, Any] = field(default_factory=dict)


def load_config_file(path: str) -> RunConfig:
    """A run configuration from a JSON RunConfig, an experiment file or a model ``.npz``."""
    p = Path(path)
    if not p.is_file():
        raise CliError(f"{path}: no such file" if not p.exists() else f"{path}: not a file")
    with open(p, "rb") as f:
        head = f.read(4)
    if head.startswith(b"PK"):
        return _config_from_model(path)
    try:
        doc = parse_json(p.read_bytes(), "file")
    except OSError as exc:
        raise CliError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    except ValueError as exc:
        raise CliError(f"{path}: not a JSON run configuration, experiment or model file "
                       f"({exc})") from None
    if isinstance(doc, dict) and doc.get("format") == EXPERIMENT_FORMAT:
        doc = load_experiment(p).get("config")
        if not isinstance(doc, dict):
            raise CliError(f"{path}: the experiment file has no \"config\" object")
        if "base" in doc:  # a comparison or search: its common settings
            doc = doc["base"]
            if not isinstance(doc, dict):
                raise CliError(f"{path}: the experiment's config.base must be an object")
    if not isinstance(doc, dict):
        raise CliError(f"{path}: a run configuration must be a JSON object")
    try:
        return RunConfig.from_dict(doc)
    except ValueError as exc:
        raise CliError(f"{path}: {exc}") from None


def _config_from_model(path: str) -> RunConfig:
    with open_archive(path, MODEL_FORMAT, MODEL_VERSION, "model file") as archive:
        config = archive.config  # the arrays are never read: only the architecture is reused
    metadata = config.pop("metadata", {}) or {}
    if not isinstance(config.get("layers"), list) or "input_shape" not in config:
        raise ModelFileError(f"{path}: the model file has no layer configuration")
    recorded = metadata.get("run_config") if isinstance(metadata, dict) else None
    try:
        run = RunConfig.from_dict(recorded) if isinstance(recorded, dict) else RunConfig()
    except ValueError:
        run = RunConfig()
    if not isinstance(recorded, dict) and isinstance(metadata.get("dataset"), str):
        run.data.name = metadata["dataset"]
    run.model = ModelSpec(preset=None, config=config, dtype=str(config.get("dtype", "float32")))
    return run


def _given(args: argparse.Namespace, name: str) -> Any:
    return getattr(args, name, None)


def build_run_config(args: argparse.Namespace, defaults: Defaults) -> RunConfig:
    """The run the options describe (validated: bad settings raise ``ValueError``)."""
    from_file = _given(args, "config") is not None
    if from_file:
        run = load_config_file(args.config)
    else:
        run = RunConfig(
            model=ModelSpec(defaults.preset, copy.deepcopy(defaults.options)),
            data=DataConfig(**defaults.data),
            optimizer=copy.deepcopy(defaults.optimizer),
            training=TrainSettings.from_dict(defaults.training),
        )
    _apply_data(run, args)
    toy = run.data.name in datasets.TOY_DATASETS
    if toy and not from_file:
        if _given(args, "preset") is None:
            run.model = ModelSpec(TOY_PRESET, copy.deepcopy(TOY_OPTIONS))
        if defaults.toy_optimizer is not None:
            run.optimizer = copy.deepcopy(defaults.toy_optimizer)
        run.training = TrainSettings.from_dict({**run.training.to_dict(), **defaults.toy_training})
    _apply_model(run, args)
    _apply_optimizer(run, args)
    _apply_training(run, args)
    run.label = run.model.preset or str((run.model.config or {}).get("name", "model"))
    run.make_optimizer()  # fail now, not after loading the data
    return run


def _apply_data(run: RunConfig, args: argparse.Namespace) -> None:
    data = run.data
    for option, attr in (("dataset", "name"), ("data_dir", "data_dir"), ("download", "download"),
                         ("train_size", "train_size"), ("val_fraction", "val_fraction"),
                         ("toy_points", "toy_n"), ("toy_noise", "toy_noise")):
        value = _given(args, option)
        if value is not None:
            setattr(data, attr, value)
    if _given(args, "augment") is not None:
        data.augment = parse_augment(args.augment)
        if data.augment and data.name in datasets.TOY_DATASETS:
            raise UsageError(f"--augment works on images; {data.name} is a toy 2-D set")
    choose_dataset(data, dataset_given=_given(args, "dataset") is not None)
    data.validate()


def _apply_model(run: RunConfig, args: argparse.Namespace) -> None:
    model = run.model
    if _given(args, "preset") is not None:
        run.model = model = ModelSpec(args.preset, {}, None, model.init, model.dtype)
    options = _given(args, "preset_option") or []
    if options:
        if model.config is not None:
            raise UsageError("--preset-option needs a preset, but the configuration gives an "
                             "explicit layer stack (add --preset NAME)")
        model.options.update(parse_key_values(options, "--preset-option"))
    if _given(args, "init") is not None:
        model.init = args.init
    if _given(args, "dtype") is not None:
        model.dtype = args.dtype
        if model.config is not None:
            model.config = {**model.config, "dtype": args.dtype}


def _apply_optimizer(run: RunConfig, args: argparse.Namespace) -> None:
    if _given(args, "optimizer") is not None:
        keep = {k: v for k, v in run.optimizer.items() if k in ("weight_decay", "schedule")}
        run.optimizer = {"name": args.optimizer, **keep}
    for option in ("lr", "momentum", "weight_decay"):
        value = _given(args, option)
        if value is not None:
            run.optimizer[option] = value
    if _given(args, "schedule") is not None:
        name, _, params = args.schedule.partition(":")
        settings = parse_key_values([p for p in params.split(",") if p.strip()], "--schedule")
        run.optimizer["schedule"] = {"name": name.strip().lower(), **settings}


def _apply_training(run: RunConfig, args: argparse.Namespace) -> None:
    given = {name: _given(args, name) for name in ("batch_size", "epochs", "max_iterations",
                                                   "seed")}
    given = {k: v for k, v in given.items() if v is not None}
    if given:
        run.training = TrainSettings.from_dict({**run.training.to_dict(), **given})


def finish_schedule(run: RunConfig, data: PreparedData) -> None:
    """Give a cosine schedule without ``total_steps`` the run's length; validate the schedule."""
    schedule = run.optimizer.get("schedule")
    if isinstance(schedule, dict) and schedule.get("name") == "cosine" \
            and "total_steps" not in schedule:
        schedule["total_steps"] = max(run.training.planned_steps(len(data.train[0])), 1)
    if schedule is not None:
        schedules.get(copy.deepcopy(schedule))
    optimizers.get(copy.deepcopy(run.optimizer))
