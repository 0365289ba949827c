"""Experiments: one JSON-able description of a run (model, data, optimizer, training) and the
plumbing that turns it into data, a model and a :class:`~nn.training.Trainer`.

The CLI, the GUI and the comparison runner all start from a :class:`RunConfig`;
``RunConfig.with_overrides({...})`` makes the variants of a comparison.
"""

from __future__ import annotations

import copy
import json
import math
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn import datasets, initializers, optimizers, presets, schedules
from nn.archive import parse_json
from nn.blueprint import config_blueprint
from nn.errors import DatasetError, ModelBuildError, ModelFileError
from nn.fileio import write_text_atomic
from nn.model import DTYPES, Sequential
from nn.optimizers import Optimizer
from nn.schema import (
    SettingsError,
    check_bool,
    check_int,
    check_keys,
    check_number,
    check_object,
    check_text,
    suggestion,
)
from nn.training import History, Trainer, TrainSettings

EXPERIMENT_FORMAT = "nn-workbench-experiment"
EXPERIMENT_VERSION = 1


@dataclass
class DataConfig:
    """Which data, how much of it, and how it is split and augmented."""

    name: str = "digits"
    data_dir: str | None = None
    download: bool = False
    #: Use only the first N training samples, before the validation split (as the book's
    #: ch. 6.4–6.5 experiments do: 500 samples of which 20 % validate); None = all.
    train_size: int | None = None
    #: Fraction of the training data held out for validation (0 = no validation set).
    val_fraction: float = 0.1
    #: Toy 2-D sets only: number of points, noise level and generator seed.
    toy_n: int | None = None
    toy_noise: float | None = None
    toy_seed: int = 0
    #: :class:`nn.datasets.Augmenter` settings for image sets (None = no augmentation).
    augment: dict[str, Any] | None = None

    def validate(self, where: str = "data") -> None:
        """Check every field's type and range; ``SettingsError`` naming ``where.field``."""
        names = datasets.names()
        if self.name not in names:
            raise SettingsError(f"{where}.name: unknown dataset {self.name!r}"
                                f"{suggestion(str(self.name), names)} (expected one of "
                                f"{', '.join(names)})")
        check_text(self.data_dir, f"{where}.data_dir", optional=True)
        check_bool(self.download, f"{where}.download")
        check_int(self.train_size, f"{where}.train_size", 1, optional=True)
        check_number(self.val_fraction, f"{where}.val_fraction", 0.0, None)
        if self.val_fraction >= 1:
            raise SettingsError(f"{where}.val_fraction must be in [0, 1), not "
                                f"{self.val_fraction:g}")
        check_int(self.toy_n, f"{where}.toy_n", 2, 1_000_000, optional=True)
        check_number(self.toy_noise, f"{where}.toy_noise", 0.0, 10.0, optional=True)
        check_int(self.toy_seed, f"{where}.toy_seed", 0)
        if self.augment is not None:
            check_object(self.augment, f"{where}.augment")
            try:
                datasets.Augmenter.from_config(dict(self.augment))
            except (ValueError, TypeError) as exc:
                raise SettingsError(f"{where}.augment: {exc}") from None

    @classmethod
    def from_dict(cls, value: Any, where: str = "data") -> DataConfig:
        """A checked DataConfig from JSON-like data: unknown keys and wrong types are errors."""
        fields_ = check_object(value, where, cls.__dataclass_fields__)
        config = cls(**fields_)
        config.validate(where)
        return config


@dataclass
class ModelSpec:
    """A preset with options, or an explicit layer stack (``config``, which wins)."""

    preset: str | None = "simple_convnet"
    options: dict[str, Any] = field(default_factory=dict)
    config: dict[str, Any] | None = None
    #: Initializer for every layer that does not set its own (None: the preset's or config's).
    init: str | None = None
    dtype: str = "float32"


    @classmethod
    def from_dict(cls, value: Any, where: str = "model") -> ModelSpec:
        """A checked ModelSpec: the preset and its options, or a layer stack, are valid."""
        doc = check_object(value, where, cls.__dataclass_fields__)
        spec = cls(**doc)
        check_text(spec.preset, f"{where}.preset", optional=True, choices=presets.NAMES)
        check_object(spec.options, f"{where}.options")
        if spec.preset is not None:
            try:
                presets.check_options(spec.preset, spec.options)
            except ValueError as exc:
                raise SettingsError(f"{where}.options: {exc}") from None
        if spec.config is not None:
            check_object(spec.config, f"{where}.config")
            try:
                config_blueprint(spec.config)
            except ModelBuildError as exc:
                raise SettingsError(f"{where}.config: {exc}") from None
        elif spec.preset is None:
            raise SettingsError(f"{where}: give a preset or a layer configuration")
        if spec.init is not None:
            check_text(spec.init, f"{where}.init")
            try:
                initializers.get(spec.init)
            except ValueError as exc:
                raise SettingsError(f"{where}.init: {exc}") from None
        check_text(spec.dtype, f"{where}.dtype", choices=DTYPES)
        return spec


RUN_SECTIONS = ("label", "model", "data", "optimizer", "training")


def check_optimizer(value: Any, where: str = "optimizer") -> dict[str, Any]:
    """An optimizer config: a known name, only its own settings, each in range."""
    doc = check_object(value, where)
    name = check_text(doc.get("name", "adam"), f"{where}.name",
                      choices=optimizers.NAMES)
    rule = optimizers.RULES[name]
    check_keys(doc, ("name", "lr", "weight_decay", "schedule", *rule.defaults), where)
    if "schedule" in doc and doc["schedule"] is not None:
        schedule = doc["schedule"]
        if not isinstance(schedule, (str, Mapping)):
            raise SettingsError(f"{where}.schedule must be a name or an object, not "
                                f"{type(schedule).__name__}")
        try:
            schedules.get(copy.deepcopy(schedule))
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"{where}.schedule: {exc}") from None
    try:
        optimizers.get(copy.deepcopy(doc))
    except (ValueError, TypeError) as exc:
        raise SettingsError(f"{where}: {exc}") from None
    return doc


@dataclass
class RunConfig:
    """Everything that defines a training run; round-trips through :meth:`to_dict`."""

    model: ModelSpec = field(default_factory=ModelSpec)
    data: DataConfig = field(default_factory=DataConfig)
    optimizer: dict[str, Any] = field(default_factory=lambda: {"name": "adam", "lr": 0.001})
    training: TrainSettings = field(default_factory=TrainSettings)
    label: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "model": copy.deepcopy(self.model.__dict__),
            "data": copy.deepcopy(self.data.__dict__),
            "optimizer": copy.deepcopy(self.optimizer),
            "training": self.training.to_dict(),
        }

    @classmethod
    def from_dict(cls, data: Any) -> RunConfig:
        """A checked RunConfig from JSON-like data (a file, a checkpoint, a variant).

        Raises
        ------
        SettingsError
            Naming the field: an unknown key or section (with the closest known one), a wrong
            type, a value out of range.
        """
        doc = check_object(data, "the run configuration", RUN_SECTIONS)

        def section(key: str, default: Any) -> Any:  # absent or null: the default
            return default if doc.get(key) is None else doc[key]

        model = ModelSpec.from_dict(section("model", {}))
        data_cfg = DataConfig.from_dict(section("data", {}))
        training = section("training", {})
        check_object(training, "training", TrainSettings.__dataclass_fields__)
        try:
            training = TrainSettings.from_dict(training)
        except (ValueError, TypeError) as exc:
            raise SettingsError(f"training: {exc}") from None
        optimizer = check_optimizer(section("optimizer", {"name": "adam", "lr": 0.001}))
        label = check_text(section("label", ""), "label")
        return cls(model, data_cfg, optimizer, training, label)

    def with_overrides(self, overrides: Mapping[str, Any], label: str | None = None) -> RunConfig:
        """A copy with ``overrides`` deep-merged into :meth:`to_dict` (dicts merge, values
        replace), e.g. ``{"optimizer": {"name": "sgd", "lr": 0.01}}`` or
        ``{"model": {"init": "he"}}``."""
        merged = _deep_merge(self.to_dict(), overrides)
        if label is not None:
            merged["label"] = label
        return RunConfig.from_dict(merged)

    def make_optimizer(self) -> Optimizer:
        return optimizers.get(dict(self.optimizer))


def _deep_merge(base: dict[str, Any], overrides: Mapping[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in overrides.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict) and key != "optimizer":
            out[key] = _deep_merge(out[key], value)
        elif key == "optimizer" and isinstance(value, Mapping) and "name" not in value:
            out[key] = {**out.get(key, {}), **value}  # tweak settings, keep the optimizer
        else:
            out[key] = copy.deepcopy(value)
    return out


@dataclass
class PreparedData:
    """Arrays ready for a trainer: ``x`` float32, ``y`` int64."""

    name: str
    train: tuple[NDArray, NDArray]
    val: tuple[NDArray, NDArray] | None
    test: tuple[NDArray, NDArray]
    class_names: tuple[str, ...]
    description: str

    @property
    def input_shape(self) -> tuple[int, ...]:
        return tuple(self.train[0].shape[1:])

    @property
    def num_classes(self) -> int:
        return len(self.class_names)


def prepare_data(config: DataConfig, progress=None, should_cancel=None) -> PreparedData:
    """Load and split the data set ``config`` describes (the split is seeded and fixed)."""
    config.validate()
    kwargs: dict[str, Any] = {"data_dir": config.data_dir, "download": config.download,
                              "progress": progress, "should_cancel": should_cancel}
    if config.name in datasets.TOY_DATASETS:
        kwargs.update(n=config.toy_n, noise=config.toy_noise, seed=config.toy_seed)
    ds = datasets.load(config.name, **kwargs)
    x, y = ds.x_train, ds.y_train
    if config.train_size is not None:
        x, y = x[: config.train_size], y[: config.train_size]
    val = None
    if config.val_fraction > 0 and len(x) >= 10:
        x, y, x_val, y_val = datasets.train_val_split(x, y, config.val_fraction, seed=0,
                                                      stratify=True)
        val = (x_val, y_val)
    if len(x) == 0:
        raise DatasetError(f"The {config.name} training set is empty after the split")
    return PreparedData(ds.name, (x, y), val, (ds.x_test, ds.y_test), tuple(ds.class_names),
                        ds.description)


def build_model(spec: ModelSpec, input_shape: tuple[int, ...], num_classes: int,
                seed: int) -> Sequential:
    """The model ``spec`` describes, sized for the data (input shape, classes)."""
    if spec.config is not None:
        config = dict(spec.config)
        if tuple(config.get("input_shape", ())) != tuple(input_shape):
            raise ValueError(
                f"The model expects inputs of shape {tuple(config.get('input_shape', ()))} but "
                f"the data set has {tuple(input_shape)}"
            )
        overrides: dict[str, Any] = {"seed": seed, "dtype": spec.dtype}
        if spec.init:
            overrides["init"] = spec.init
        return Sequential.from_config(config, **overrides)
    if not spec.preset:
        raise ValueError("The model needs a preset or a layer configuration")
    options = {"input_shape": tuple(input_shape), "classes": num_classes, **spec.options}
    if spec.init:
        options["init"] = spec.init
    return presets.build(spec.preset, seed=seed, dtype=spec.dtype, **options)


def make_trainer(run: RunConfig, data: PreparedData, model: Sequential | None = None) -> Trainer:
    """A trainer for ``run`` on ``data`` (building the model unless one is given)."""
    if model is None:
        model = build_model(run.model, data.input_shape, data.num_classes, run.training.seed)
    augment = None
    if run.data.augment and len(data.input_shape) == 3:
        augment = datasets.Augmenter.from_config(run.data.augment)
    return Trainer(model, run.make_optimizer(), data.train, data.val, data.test, run.training,
                   augment)


# ------------------------------------------------------------------------ experiment files
def save_experiment(path: str | os.PathLike, kind: str, config: Mapping[str, Any],
                    results: Mapping[str, Any]) -> None:
    """Write an experiment (``kind`` e.g. ``"train"``, ``"compare"``, ``"search"``) as JSON."""
    doc = {"format": EXPERIMENT_FORMAT, "version": EXPERIMENT_VERSION, "kind": kind,
           "config": config, "results": results}
    write_text_atomic(path, json.dumps(_jsonable(doc), indent=1, allow_nan=False),
                      "experiment file")


def load_experiment(path: str | os.PathLike) -> dict[str, Any]:
    """Read an experiment file.

    Raises
    ------
    ModelFileError
        (a ``ValueError``) naming the file and the problem: missing, a folder, unreadable,
        not JSON or nested too deeply, not an experiment, too new, or sections of the wrong type.
    """
    path = Path(path)
    try:
        doc = parse_json(path.read_bytes(), "file")
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise ModelFileError(f"{path}: a folder, not an experiment file") from None
    except PermissionError:
        raise ModelFileError(f"{path}: permission denied") from None
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path}: not an experiment file ({exc})") from None
    if not isinstance(doc, dict) or doc.get("format") != EXPERIMENT_FORMAT:
        raise ModelFileError(f"{path}: not an experiment file (no {EXPERIMENT_FORMAT} header)")
    version = doc.get("version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ModelFileError(f"{path}: missing or invalid format version {version!r}")
    if version > EXPERIMENT_VERSION:
        raise ModelFileError(f"{path}: written by a newer version (format {version})")
    for key in ("config", "results"):
        if key in doc and not isinstance(doc[key], dict):
            raise ModelFileError(f"{path}: its {key!r} section must be an object")
    return doc


def jsonable(value: Any) -> Any:
    """``value`` as plain JSON types: NumPy numbers and arrays as Python ones, histories as
    dicts, NaN and infinities as ``null`` (how experiment files store them)."""
    return _jsonable(value)


def _jsonable(value: Any) -> Any:
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, (np.floating, np.integer)):
        return _jsonable(value.item())
    if isinstance(value, np.ndarray):
        return [_jsonable(v) for v in value.tolist()]
    if isinstance(value, History):
        return value.to_dict()
    if isinstance(value, Mapping):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return value


__all__ = [
    "DataConfig", "ModelSpec", "PreparedData", "RunConfig", "build_model", "load_experiment",
    "make_trainer", "prepare_data", "save_experiment",
]
