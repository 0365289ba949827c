"""A trainer's complete state, so that stopping and continuing changes nothing.

:func:`trainer_state` collects what :class:`~nn.training.Trainer` needs to continue exactly where
it stopped — weights and buffers, the optimizer's accumulated state (velocities, moments, step
count) and settings, the position in the current epoch's shuffled order, every random generator,
the best-validation weights, the divergence monitor and the metrics history — and
:func:`load_trainer_state` puts it back. Continuing a restored trainer gives bit-identical
weights to a run that never stopped (``tests/nn/test_trainer_state.py``).

:func:`to_archive` / :func:`from_archive` flatten the state into a JSON part and named arrays for
an ``.npz`` (the checkpoint layout since format version 1, so old checkpoints keep loading).
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from nn import schedules
from nn.training.history import History

if TYPE_CHECKING:
    from nn.training.trainer import Trainer

_PREFIXES = {"model": "model/", "optimizer_state": "optim/", "best": "best/"}


def trainer_state(trainer: Trainer) -> dict[str, Any]:
    """Copies of everything the trainer needs to continue; see the module docstring."""
    opt = trainer.optimizer
    return {
        "model": trainer.model.state_dict(),
        "optimizer": opt.get_config(),
        "optimizer_iterations": opt.iterations,
        "optimizer_state": opt.state_arrays(),
        "settings": trainer.settings.to_dict(),
        "progress": {
            "epoch": trainer.epoch,
            "iteration": trainer.iteration,
            "target_epochs": trainer.target_epochs,
            "position": trainer._pos,
            "best_val_acc": trainer.best_val_acc if trainer.best_epoch else None,
            "best_epoch": trainer.best_epoch,
            "diverged": trainer.diverged,
            "elapsed": trainer.elapsed,
            "rng": copy.deepcopy(trainer.rng.bit_generator.state),
            "augment_rng": copy.deepcopy(trainer.augment_rng.bit_generator.state),
            "model_rng": copy.deepcopy(trainer.model.rng.bit_generator.state),
            "divergence": trainer.monitor.state(),
        },
        "order": None if trainer._perm is None else trainer._perm.copy(),
        "best": None if trainer.best_state is None else
        {k: v.copy() for k, v in trainer.best_state.items()},
        "history": trainer.history.to_dict(),
    }


def _generator_state(template: np.random.Generator, state: Any, name: str) -> dict[str, Any]:
    """``state`` checked by loading it into a scratch generator of the same kind."""
    scratch = np.random.Generator(type(template.bit_generator)())
    try:
        scratch.bit_generator.state = state
    except (TypeError, ValueError, KeyError) as exc:
        raise ValueError(f"invalid random-generator state {name!r} ({exc})") from None
    return scratch.bit_generator.state


def load_trainer_state(trainer: Trainer, state: Mapping[str, Any]) -> None:
    """Restore ``state`` (from :func:`trainer_state`) into ``trainer``; all or nothing.

    The trainer must have the same architecture, the same kind of optimizer and the same number
    of training samples. Raises ``ValueError`` naming the first mismatch; on error the trainer
    is unchanged.
    """
    model, opt = trainer.model, trainer.optimizer
    config = dict(state["optimizer"])
    if str(config.get("name", "")).lower() != opt.name:
        raise ValueError(f"the state is for the {config.get('name')!r} optimizer, this trainer "
                         f"uses {opt.name!r}")
    hyper = {k: v for k, v in config.items() if k not in ("name", "schedule")}
    opt.check_hyperparameters(**hyper)
    schedule = schedules.get(config["schedule"]) if config.get("schedule") else opt.schedule
    params = model.named_parameters()
    opt_arrays = {k: np.asarray(v) for k, v in dict(state.get("optimizer_state") or {}).items()}
    for key, value in opt_arrays.items():
        pname = key.rpartition("/")[0]
        if pname not in params:
            raise ValueError(f"optimizer state {key!r} belongs to no parameter of this model")
        if value.shape != params[pname].shape or not np.issubdtype(value.dtype, np.floating):
            raise ValueError(f"optimizer state {key!r} has shape {value.shape} and dtype "
                             f"{value.dtype}; the parameter is {params[pname].shape}")
    iterations = _count(state["optimizer_iterations"], "optimizer_iterations")
    progress = dict(state["progress"])
    n = len(trainer.train[0])
    perm = state.get("order")
    if perm is not None:
        perm = np.asarray(perm)
        if perm.shape != (n,) or not np.issubdtype(perm.dtype, np.integer) \
                or not np.array_equal(np.sort(perm), np.arange(n)):
            raise ValueError(f"the state was made on {perm.size} training samples, not {n}")
        perm = perm.astype(np.int64)
    position = _count(progress["position"], "position")
    if perm is not None and position >= n:  # (without an order the position is unused)
        raise ValueError(f"position {position} is beyond the {n} training samples")
    numbers = {k: _count(progress[k], k) for k in ("epoch", "iteration", "target_epochs",
                                                   "best_epoch")}
    best_val = progress.get("best_val_acc")
    best_val = -math.inf if best_val is None else float(best_val)
    elapsed = float(progress.get("elapsed", 0.0))
    diverged = progress.get("diverged")
    if diverged is not None and not isinstance(diverged, str):
        raise ValueError("'diverged' must be a message or null")
    rngs = {name: _generator_state(gen, progress[name], name) for name, gen in
            (("rng", trainer.rng), ("augment_rng", trainer.augment_rng),
             ("model_rng", model.rng))}
    history = History.from_dict(state.get("history") or {})
    settings = type(trainer.settings).from_dict(dict(state.get("settings") or
                                                     trainer.settings.to_dict()))
    best = state.get("best")
    best = {k: np.asarray(v).copy() for k, v in best.items()} if best else None
    if best is not None:
        own = {**params, **model.named_buffers()}
        wrong = sorted(k for k in set(own) | set(best)
                       if k not in own or k not in best or best[k].shape != own[k].shape)
        if wrong:
            raise ValueError(f"the best-validation weights do not match the model ({wrong[0]})")
    # Everything checked: apply (model.load_state_dict checks all arrays before copying any).
    if state.get("model") is not None:  # None: the caller loaded the weights already
        model.load_state_dict(state["model"])
    opt.set_hyperparameters(**hyper)
    opt.schedule = schedule
    opt.load_state_arrays(opt_arrays, iterations)
    trainer._perm, trainer._pos = perm, position
    trainer.epoch, trainer.iteration = numbers["epoch"], numbers["iteration"]
    trainer.target_epochs, trainer.best_epoch = numbers["target_epochs"], numbers["best_epoch"]
    trainer.best_val_acc, trainer.elapsed, trainer.diverged = best_val, elapsed, diverged
    trainer.rng.bit_generator.state = rngs["rng"]
    trainer.augment_rng.bit_generator.state = rngs["augment_rng"]
    model.rng.bit_generator.state = rngs["model_rng"]
    trainer.monitor.load_state(dict(progress.get("divergence") or {}))
    trainer.best_state = best
    trainer.history = history
    trainer.settings = settings  # the batch size and seed the run was made with
    trainer._train_eval_idx = trainer._train_eval_subset()


def _count(value: Any, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < 0:
        raise ValueError(f"{name!r} must be a non-negative integer, not {value!r}")
    return int(value)


def to_archive(state: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, NDArray]]:
    """Split a state into its JSON part and ``.npz`` arrays (``model/…``, ``optim/…``,
    ``best/…``, ``perm``)."""
    config = {k: state[k] for k in ("optimizer", "optimizer_iterations", "settings",
                                    "progress", "history")}
    arrays: dict[str, NDArray] = {}
    for key, prefix in _PREFIXES.items():
        arrays.update({prefix + k: v for k, v in (state.get(key) or {}).items()})
    if state.get("order") is not None:
        arrays["perm"] = state["order"]
    return config, arrays


def from_archive(config: Mapping[str, Any], arrays: Mapping[str, NDArray]) -> dict[str, Any]:
    """Inverse of :func:`to_archive` (raises ``KeyError``/``TypeError`` on a damaged part)."""
    state: dict[str, Any] = {k: config[k] for k in ("optimizer", "optimizer_iterations",
                                                    "progress")}
    state["settings"] = config.get("settings") or {}
    state["history"] = config.get("history") or {}
    for key, prefix in _PREFIXES.items():
        state[key] = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    state["best"] = state["best"] or None
    state["order"] = arrays.get("perm")
    return state


__all__ = ["from_archive", "load_trainer_state", "to_archive", "trainer_state"]
