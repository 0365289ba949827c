"""The Build & Train page's data side: the builder's network kept in step with the chosen data
(input shape, and as many outputs as classes). The prepared sets themselves are kept by
:mod:`workbench.core.data_cache`, shared by every page."""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

import nn
from nn.errors import NNError
from nn.experiment import DataConfig
from workbench.core.data_cache import DataCache
from workbench.core.i18n import plural, tr, tr_dynamic
from workbench.state import BuilderState

IMAGE_SHAPE = (1, 28, 28)  # (C, H, W) of every image data set
POINT_SHAPE = (2,)  # the toy 2-D sets


def expected_input_shape(data: DataConfig) -> tuple[int, ...]:
    return POINT_SHAPE if data.name in nn.datasets.TOY_DATASETS else IMAGE_SHAPE


def fit_builder_to_data(builder: BuilderState, data: DataConfig, cache: DataCache) -> bool:
    """Fit the builder's network to ``data``: a new preset when the input kind changes (images
    vs 2-D points), else the last Dense layer's width to the number of classes. Returns whether
    the kind changed from an existing network (the caller adapts the training settings)."""
    shape = expected_input_shape(data)
    if builder.input_shape != shape or not builder.layers:
        kind_changed = bool(builder.layers)
        if shape == IMAGE_SHAPE:
            builder.load_preset("simple_convnet", input_shape=shape, classes=10)
        else:
            builder.load_preset("multi_layer_net", input_shape=shape, hidden_sizes=[32, 32],
                                classes=cache.num_classes(data))
        return kind_changed
    classes = cache.num_classes(data)
    dense = [i for i, spec in enumerate(builder.layers) if spec["type"] == "Dense"]
    v = builder.validation()
    if v.ok and v.output_shape != (classes,) and dense:
        builder.update(dense[-1], units=classes)
    return False




# ------------------------------------------------------------------- switching data kinds
#: Training settings that suit each kind of data (images: the book's ch. 7 runs; 2-D points:
#: a small MLP needs many short epochs); Adam's learning rate only applies to Adam.
KIND_DEFAULTS: dict[bool, dict[str, float]] = {
    True: {"epochs": 3, "batch_size": 100, "lr": 0.001},
    False: {"epochs": 50, "batch_size": 32, "lr": 0.01},
}


@dataclass(frozen=True)
class SettingChange:
    """One training setting changed for a new kind of data: ``key`` is ``epochs``,
    ``batch_size`` or ``lr``."""

    key: str
    old: Any
    new: Any


def is_custom(builder: BuilderState) -> bool:
    """Whether the stack is the user's own (edited, or opened) rather than an unedited preset,
    which the page may replace when the data needs another network."""
    return bool(builder.layers) and builder.preset not in nn.presets.NAMES


def needs_other_network(builder: BuilderState, data: DataConfig) -> bool:
    """The stack takes another kind of input (images vs 2-D points) than ``data`` gives."""
    return bool(builder.layers) and builder.input_shape != expected_input_shape(data)


def kind_settings(setup: Any, images: bool) -> list[SettingChange]:
    """The changes :data:`KIND_DEFAULTS` would make to ``setup`` (a
    :class:`~workbench.state.setup.TrainingSetup`): only settings that really differ."""
    want = KIND_DEFAULTS[images]
    have = {"epochs": setup.training.epochs, "batch_size": setup.training.batch_size}
    if setup.optimizer_name == "adam":
        have["lr"] = setup.optimizer_fields()["lr"]
    return [SettingChange(key, have[key], want[key]) for key in have if have[key] != want[key]]


def apply_settings(setup: Any, changes: list[SettingChange], undo: bool = False) -> None:
    """Apply ``changes`` to ``setup`` (``undo``: put the old values back)."""
    values = {c.key: (c.old if undo else c.new) for c in changes}
    training = {k: int(v) for k, v in values.items() if k in ("epochs", "batch_size")}
    if training:
        setup.set_training(**training)
    if "lr" in values:
        setup.set_hyperparameter("lr", float(values["lr"]))


def model_title(model: nn.Sequential) -> str:
    """ "Simple ConvNet (6 layers, 433,890 parameters)" — a preset's title or "custom network"."""
    info = nn.presets.INFO.get(model.name)
    title = tr_dynamic(info.title) if info is not None else tr("custom network")
    return plural(len(model.layers), tr("{title} (1 layer, {params:,} parameters)"),
                  tr("{title} ({layers} layers, {params:,} parameters)")).format(
        title=title, layers=len(model.layers), params=model.parameter_count)


def same_network(builder: BuilderState, config: dict[str, Any]) -> bool:
    """Whether the builder shows the network of model config ``config`` (layers with their
    settings, input shape and initializer; weights aside) — checked without building it."""
    if not builder.validation().ok:
        return False
    try:
        shown = nn.Sequential.config_for(copy.deepcopy(builder.layers), builder.input_shape,
                                         init=builder.init)
    except (NNError, ValueError):
        return False
    return all(shown[key] == config.get(key) for key in ("layers", "input_shape", "init"))


__all__ = ["IMAGE_SHAPE", "KIND_DEFAULTS", "SettingChange", "apply_settings",
           "expected_input_shape", "fit_builder_to_data", "is_custom", "kind_settings",
           "model_title", "needs_other_network", "same_network"]
