"""The Compare page's experiments as data: each tab's settings (a JSON-able dict), the book's
setting and a quick look for each, and the functions that turn settings into a job.

Qt-free. Every ``*_job`` function validates with the engine and raises ``ValueError`` with a
message for the user (shown inline by the tab, which keeps running nothing).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import Any

import numpy as np

import nn
from nn.compare import Variant
from nn.experiment import DataConfig, ModelSpec, RunConfig
from nn.training import TrainSettings
from workbench.core.compare_jobs import ComparisonJob, SearchJob
from workbench.core.i18n import tr

#: Optimizers in the order the book introduces them (ch. 6.1), then the extras.
OPTIMIZERS = ("sgd", "momentum", "adagrad", "adam", "nesterov", "rmsprop", "adadelta")
OPTIMIZER_TITLES = {"sgd": "SGD", "momentum": "Momentum", "nesterov": "Nesterov",
                    "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adadelta": "AdaDelta",
                    "adam": "Adam"}
#: The book's ``optimizer_compare_mnist.py`` learning rates (its classes' defaults).
BOOK_LRS = {"sgd": 0.01, "momentum": 0.01, "adagrad": 0.01, "adam": 0.001}
INITS = ("std1", "std0.01", "xavier", "he")
ACTIVATIONS = ("ReLU", "Sigmoid", "Tanh")
OVERFIT_VARIANTS = ("none", "weight_decay", "dropout", "both")
BIG_EPOCHS = 1_000_000  # iteration-budget runs: the budget, not the epochs, ends them

BOOK_NETWORK = {"arch": "mlp", "layers": 4, "units": 100, "activation": "ReLU",
                "batchnorm": False}
_SEEDS = {"seeds": 1, "first_seed": 0}

BOOK = {
    "optimizers": {
        "optimizers": {name: {"enabled": name in BOOK_LRS,
                              "lr": BOOK_LRS.get(name, nn.optimizers.RULES[name].default_lr)}
                       for name in OPTIMIZERS},
        "network": dict(BOOK_NETWORK), "batch_size": 128, "iterations": 2000, **_SEEDS},
    "init": {
        "inits": {name: name != "std1" for name in INITS},
        "custom_std": {"enabled": False, "std": 0.05},
        "optimizer": "sgd", "lr": 0.01, "network": dict(BOOK_NETWORK), "batch_size": 128,
        "iterations": 2000, **_SEEDS},
    "batchnorm": {"scales": 16, "scale_max": 1.0, "scale_min": 1e-4, "epochs": 20,
                  "train_size": 1000, "batch_size": 100, "lr": 0.01, "layers": 5, "units": 100,
                  **_SEEDS},
    "overfitting": {"variants": {name: name != "both" for name in OVERFIT_VARIANTS},
                    "weight_decay": 0.1, "dropout_rate": 0.2, "train_size": 300,
                    "epochs": 201, "layers": 6, "units": 100, "lr": 0.01, "batch_size": 100,
                    **_SEEDS},
    "search": {"lr_range": [1e-6, 1e-2], "search_wd": True, "wd_range": [1e-8, 1e-4],
               "trials": 100, "epochs": 50, "train_size": 500, "layers": 6, "units": 100,
               "optimizer": "sgd", "batch_size": 100, "search_seed": 0, "seed": 0,
               "show_best": 20},
}

#: Smaller budgets that still show the book's outcome (a minute or less on a laptop).
QUICK = {
    "optimizers": {"iterations": 500},
    "init": {"iterations": 500},
    "batchnorm": {"scales": 8, "epochs": 8},
    "overfitting": {"epochs": 60},
    "search": {"trials": 20, "epochs": 20, "show_best": 12},
}


def book_settings(tab: str) -> dict[str, Any]:
    """The book's setting for ``tab`` (a fresh copy)."""
    return copy.deepcopy(BOOK[tab])


def quick_settings(tab: str) -> dict[str, Any]:
    """The book's experiment on a smaller budget."""
    return {**book_settings(tab), **copy.deepcopy(QUICK[tab])}


# -------------------------------------------------------------------------------- pieces
def init_title(name: str) -> str:
    """Display name of an initializer: "std 0.01", "Xavier", "He"."""
    if name == "xavier":
        return tr("Xavier")
    if name == "he":
        return tr("He")
    if name.startswith("std"):
        return tr("std {value}").format(value=name[3:])
    return name


def std_name(std: float) -> str:
    """``"std<value>"`` written without an exponent (``std0.0001``), 4 significant digits."""
    return "std" + np.format_float_positional(float(f"{std:.4g}"), trim="-")


def weight_scales(count: int, largest: float = 1.0, smallest: float = 1e-4) -> list[float]:
    """``count`` scales from ``largest`` down to ``smallest``, evenly on a log scale (4
    significant digits): the book's ``np.logspace(0, -4, num=16)`` by default."""
    if count == 1:
        return [float(f"{largest:.4g}")]
    return [float(f"{w:.4g}") for w in np.logspace(math.log10(largest), math.log10(smallest),
                                                   num=count)]


def _int(settings: Mapping[str, Any], key: str, low: int, high: int, what: str) -> int:
    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != int(value) \
            or not low <= int(value) <= high:
        raise ValueError(tr("{what} must be a whole number from {low:,} to {high:,} "
                            "(got {value}).").format(what=what, low=low, high=high,
                                                     value=value))
    return int(value)


def _positive(settings: Mapping[str, Any], key: str, what: str) -> float:
    value = settings.get(key)
    if isinstance(value, bool) or not isinstance(value, (int, float)) \
            or not math.isfinite(value) or value <= 0:
        raise ValueError(tr("{what} must be a positive number (got {value}).").format(
            what=what, value=value))
    return float(value)


def seeds(settings: Mapping[str, Any]) -> tuple[int, ...]:
    """The seeds to repeat over: ``first_seed``, ``first_seed + 1``, …"""
    count = _int(settings, "seeds", 1, 20, tr("The number of seeds"))
    first = _int(settings, "first_seed", 0, 2**31 - 1 - count, tr("The first seed"))
    return tuple(range(first, first + count))


def model_spec(network: Mapping[str, Any]) -> ModelSpec:
    """The network fields (architecture, hidden layers × units, activation, BatchNorm)."""
    if network.get("arch") == "convnet":
        return ModelSpec("simple_convnet")
    layers = _int(network, "layers", 1, 20, tr("The number of hidden layers"))
    units = _int(network, "units", 1, 4096, tr("The number of units per layer"))
    activation = network.get("activation", "ReLU")
    if activation not in ACTIVATIONS:
        raise ValueError(tr("Unknown activation {name!r}.").format(name=activation))
    options: dict[str, Any] = {"hidden_sizes": [units] * layers, "activation": activation}
    if network.get("batchnorm"):
        return ModelSpec("multi_layer_net_extend", {**options, "use_batchnorm": True})
    return ModelSpec("multi_layer_net", options)


def network_settings(model: Mapping[str, Any]) -> dict[str, Any]:
    """The network fields describing a saved :class:`ModelSpec` (the inverse of
    :func:`model_spec`); ``ValueError`` for a network they cannot describe."""
    preset = model.get("preset")
    options = model.get("options") or {}
    if model.get("config") is None and preset == "simple_convnet":
        return {**BOOK_NETWORK, "arch": "convnet"}
    if model.get("config") is None and preset in ("multi_layer_net", "multi_layer_net_extend"):
        sizes = [int(v) for v in options.get("hidden_sizes", [100] * 4)]
        if sizes and len(set(sizes)) == 1:
            return {"arch": "mlp", "layers": len(sizes), "units": sizes[0],
                    "activation": options.get("activation", "ReLU"),
                    "batchnorm": bool(options.get("use_batchnorm"))}
    raise ValueError(tr("This network cannot be shown in the Network fields (they describe "
                        "the book's multi-layer net with equal hidden layers, or the simple "
                        "ConvNet)."))


def _optimizer(name: str, lr: float, title: str | None = None, **extra: float
               ) -> dict[str, Any]:
    config = {"name": name, "lr": lr, **extra}
    try:
        nn.optimizers.get(dict(config))
    except ValueError as exc:
        raise ValueError(f"{title or OPTIMIZER_TITLES.get(name, name)}: {exc}") from None
    return config


def _training(settings: Mapping[str, Any], epochs: int, max_iterations: int | None = None,
              **extra: Any) -> TrainSettings:
    batch = _int(settings, "batch_size", 1, 100_000, tr("The batch size"))
    return TrainSettings(batch_size=batch, epochs=epochs, max_iterations=max_iterations,
                         seed=seeds(settings)[0], **extra)


# ---------------------------------------------------------------------------------- jobs
def optimizer_job(settings: Mapping[str, Any], data: DataConfig) -> ComparisonJob:
    """Book ch. 6.1.8: one network, several optimizers, identical weights and batches."""
    variants = []
    for name in OPTIMIZERS:
        row = settings["optimizers"].get(name) or {}
        if row.get("enabled"):
            lr = _positive(row, "lr", tr("{name}'s learning rate").format(
                name=OPTIMIZER_TITLES[name]))
            variants.append(Variant(name, {"optimizer": _optimizer(name, lr)}))
    if not variants:
        raise ValueError(tr("Tick at least one optimizer to compare."))
    iterations = _int(settings, "iterations", 1, 10_000_000, tr("The number of iterations"))
    base = RunConfig(model_spec(settings["network"]), data, {"name": "sgd", "lr": 0.01},
                     _training(settings, BIG_EPOCHS, iterations), "optimizers")
    return ComparisonJob(base, tuple(variants), seeds(settings))


def init_job(settings: Mapping[str, Any], data: DataConfig) -> ComparisonJob:
    """Book ch. 6.2.4 (``weight_init_compare.py``): one network per initial weight scale."""
    names = [name for name in INITS if settings["inits"].get(name)]
    custom = settings.get("custom_std") or {}
    if custom.get("enabled"):
        name = std_name(_positive(custom, "std", tr("The custom standard deviation")))
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError(tr("Tick at least one initializer to compare."))
    lr = _positive(settings, "lr", tr("The learning rate"))
    optimizer = _optimizer(settings.get("optimizer", "sgd"), lr)
    iterations = _int(settings, "iterations", 1, 10_000_000, tr("The number of iterations"))
    base = RunConfig(model_spec(settings["network"]), data, optimizer,
                     _training(settings, BIG_EPOCHS, iterations), "initializers")
    variants = tuple(Variant(name, {"model": {"init": name}}) for name in names)
    return ComparisonJob(base, variants, seeds(settings))


def batchnorm_job(settings: Mapping[str, Any], data: DataConfig) -> ComparisonJob:
    """Book ch. 6.3.2 (``batch_norm_test.py``): with and without BatchNorm, per weight scale.

    Variants alternate: ``2·i`` is scale ``i`` with BatchNorm, ``2·i + 1`` without.
    """
    count = _int(settings, "scales", 1, 25, tr("The number of weight scales"))
    largest = _positive(settings, "scale_max", tr("The largest weight scale"))
    smallest = _positive(settings, "scale_min", tr("The smallest weight scale"))
    if smallest > largest:
        raise ValueError(tr("The smallest weight scale ({low:g}) is larger than the largest "
                            "({high:g}).").format(low=smallest, high=largest))
    epochs = _int(settings, "epochs", 1, 10_000, tr("The number of epochs"))
    layers = _int(settings, "layers", 1, 20, tr("The number of hidden layers"))
    units = _int(settings, "units", 1, 4096, tr("The number of units per layer"))
    lr = _positive(settings, "lr", tr("The learning rate"))
    model = ModelSpec("multi_layer_net_extend", {"hidden_sizes": [units] * layers})
    base = RunConfig(model, data, _optimizer("sgd", lr),
                     _training(settings, epochs, train_eval_size=None, eval_size=1000),
                     "batchnorm")
    variants = []
    for w in weight_scales(count, largest, smallest):
        init = std_name(w)
        variants.append(Variant(f"w={w:g} BatchNorm",
                                {"model": {"init": init, "options": {"use_batchnorm": True}}}))
        variants.append(Variant(f"w={w:g} plain", {"model": {"init": init}}))
    return ComparisonJob(base, tuple(variants), seeds(settings))


def overfit_job(settings: Mapping[str, Any], data: DataConfig) -> ComparisonJob:
    """Book ch. 6.4 (``overfit_weight_decay.py``, ``overfit_dropout.py``): a large network on
    300 images, without regularization, with weight decay, with Dropout."""
    epochs = _int(settings, "epochs", 1, 100_000, tr("The number of epochs"))
    layers = _int(settings, "layers", 1, 20, tr("The number of hidden layers"))
    units = _int(settings, "units", 1, 4096, tr("The number of units per layer"))
    lr = _positive(settings, "lr", tr("The learning rate"))
    chosen = [name for name in OVERFIT_VARIANTS if settings["variants"].get(name)]
    if not chosen:
        raise ValueError(tr("Tick at least one variant to compare."))
    decay = rate = 0.0
    if {"weight_decay", "both"} & set(chosen):
        decay = _positive(settings, "weight_decay", tr("The weight decay λ"))
        _optimizer("sgd", lr, weight_decay=decay)
    if {"dropout", "both"} & set(chosen):
        rate = settings.get("dropout_rate")
        if isinstance(rate, bool) or not isinstance(rate, (int, float)) or not 0 < rate < 1:
            raise ValueError(tr("The dropout ratio must be between 0 and 1 (got {value})."
                                ).format(value=rate))
    model = ModelSpec("multi_layer_net_extend", {"hidden_sizes": [units] * layers})
    base = RunConfig(model, data, _optimizer("sgd", lr),
                     _training(settings, epochs, train_eval_size=None), "overfitting")
    dropout = {"model": {"options": {"use_dropout": True, "dropout_rate": rate}}}
    overrides = {"none": {}, "weight_decay": {"optimizer": {"weight_decay": decay}},
                 "dropout": dropout, "both": {**dropout, "optimizer": {"weight_decay": decay}}}
    variants = tuple(Variant(name, overrides[name]) for name in chosen)
    return ComparisonJob(base, variants, seeds(settings))


def _range(settings: Mapping[str, Any], key: str, what: str) -> tuple[float, float]:
    value = settings.get(key)
    try:
        low, high = (float(v) for v in value)
    except (TypeError, ValueError):
        raise ValueError(tr("{what}: give a lowest and a highest value.").format(
            what=what)) from None
    if not (0 < low <= high and math.isfinite(high)):
        raise ValueError(tr("{what}: need 0 < lowest ≤ highest (got {low:g} … {high:g})."
                            ).format(what=what, low=low, high=high))
    return low, high


def search_job(settings: Mapping[str, Any], data: DataConfig) -> SearchJob:
    """Book ch. 6.5 (``hyperparameter_optimization.py``): random search of the learning rate
    and weight decay on log scales, ranked by validation accuracy."""
    space = {"lr": _range(settings, "lr_range", tr("Learning rate range"))}
    if settings.get("search_wd"):
        space["weight_decay"] = _range(settings, "wd_range", tr("Weight decay range"))
    trials = _int(settings, "trials", 1, 10_000, tr("The number of trials"))
    epochs = _int(settings, "epochs", 1, 10_000, tr("The number of epochs"))
    layers = _int(settings, "layers", 1, 20, tr("The number of hidden layers"))
    units = _int(settings, "units", 1, 4096, tr("The number of units per layer"))
    search_seed = _int(settings, "search_seed", 0, 2**31 - 1, tr("The sampling seed"))
    name = settings.get("optimizer", "sgd")
    optimizer = _optimizer(name, nn.optimizers.RULES[name].default_lr)
    model = ModelSpec("multi_layer_net", {"hidden_sizes": [units] * layers})
    training = _training({**settings, "seeds": 1, "first_seed": settings.get("seed", 0)},
                         epochs, eval_size=500)
    base = RunConfig(model, data, optimizer, training, "search")
    checker = nn.optimizers.get(dict(optimizer))
    for key, bounds in space.items():  # both ends must be valid optimizer settings
        for value in bounds:
            checker.check_hyperparameters(**{key: value})
    return SearchJob(base, space, trials, search_seed)


JOBS = {"optimizers": optimizer_job, "init": init_job, "batchnorm": batchnorm_job,
        "overfitting": overfit_job, "search": search_job}

__all__ = [
    "ACTIVATIONS", "BOOK", "BOOK_LRS", "INITS", "JOBS", "OPTIMIZERS", "OPTIMIZER_TITLES",
    "OVERFIT_VARIANTS", "QUICK", "book_settings", "init_title", "model_spec", "network_settings",
    "quick_settings",
    "seeds", "std_name", "weight_scales",
]
