"""Applying a :class:`~nn.diagnose.findings.Fix` to a run's settings.

:func:`apply_fix` returns a new, validated :class:`~nn.experiment.RunConfig`; the original is
untouched, so undo is keeping the old one. Layer changes need the explicit layer stack: for a
run built from a preset, pass the built ``model`` and its architecture is written out as a
configuration (the preset name is dropped, since the stack no longer is that preset).
"""

from __future__ import annotations

import copy
from typing import Any

from nn.diagnose.findings import Fix
from nn.experiment import RunConfig
from nn.model import Sequential

_WEIGHTED = ("Dense", "Conv2D")
_WIDTH = {"Dense": "units", "Conv2D": "filters"}


def apply_fix(fix: Fix, run: RunConfig, model: Sequential | None = None) -> RunConfig:
    """``run`` with ``fix`` applied.

    Raises
    ------
    ValueError
        For advice (it changes no setting), a layer change on a preset run without ``model``,
        or a result that is not a valid run (the message names the field).
    """
    doc = run.to_dict()
    kind = fix.kind
    if kind == "advice":
        raise ValueError(f"{fix.label!r} is advice: it changes no setting")
    if kind == "set_hyperparameter":
        doc["optimizer"][str(fix.name)] = fix.value
    elif kind == "set_optimizer":
        kept = {k: doc["optimizer"][k] for k in ("weight_decay", "schedule")
                if k in doc["optimizer"]}
        doc["optimizer"] = {**kept, **copy.deepcopy(fix.value)}
    elif kind == "set_schedule":
        doc["optimizer"]["schedule"] = copy.deepcopy(fix.value)
    elif kind == "set_data":
        doc["data"][str(fix.name)] = copy.deepcopy(fix.value)
    elif kind == "set_init":
        doc["model"]["init"] = fix.value
        if doc["model"].get("config"):
            for spec in doc["model"]["config"]["layers"]:
                if spec.get("type") in _WEIGHTED:
                    spec.setdefault("config", {})["init"] = None
    else:
        config = _layer_config(doc, model)
        config["layers"] = _change_layers(fix, config["layers"])
        doc["model"].update(preset=None, options={}, config=config)
    return RunConfig.from_dict(doc)


def _layer_config(doc: dict[str, Any], model: Sequential | None) -> dict[str, Any]:
    if doc["model"].get("config"):
        return copy.deepcopy(doc["model"]["config"])
    if model is None:
        raise ValueError("This fix changes the layers; pass the model built from the preset "
                         f"({doc['model'].get('preset')}) so its layer stack can be edited")
    config = model.to_config()
    config.pop("seed", None)  # the run's seed decides
    return config


def _change_layers(fix: Fix, layers: list[dict[str, Any]]) -> list[dict[str, Any]]:
    layers = copy.deepcopy(layers)
    weighted = [i for i, spec in enumerate(layers) if spec.get("type") in _WEIGHTED]
    if fix.kind == "add_layers":
        for pos in sorted(set(fix.positions), reverse=True):
            if not 0 <= pos < len(layers):
                raise ValueError(f"Cannot add a layer after layer {pos}: the stack has "
                                 f"{len(layers)} layers")
            layers.insert(pos + 1, copy.deepcopy(fix.value))
    elif fix.kind == "replace_layers":
        layers = [copy.deepcopy(fix.value) if spec.get("type") == fix.name else spec
                  for spec in layers]
    elif fix.kind == "widen":
        for i in weighted[:-1]:
            key = _WIDTH[layers[i]["type"]]
            layers[i]["config"][key] = int(layers[i]["config"][key] * fix.value)
    elif fix.kind == "deepen":
        if not weighted:
            raise ValueError("The stack has no weighted layer to add layers before")
        last = weighted[-1]
        layers[last:last] = copy.deepcopy(list(fix.value))
    else:
        raise ValueError(f"Unknown fix kind {fix.kind!r}")
    return layers


__all__ = ["apply_fix"]
