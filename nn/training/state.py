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

from nn import optimizers
from nn.schema import check_number, check_object, check_text
from nn.training.divergence import DivergenceMonitor
from nn.training.history import History

if TYPE_CHECKING:
    from nn.training.trainer import Trainer

_PREFIXES = {"model": "model/", "optimizer_state": "optim/", "best": "best/"}


def trainer_state(trainer: Trainer, order: NDArray | None, position: int) -> dict[str, Any]:
    """Copies of everything the trainer needs to continue; see the module docstring.

    ``order`` (the current epoch's shuffled sample order, None between epochs) and
    ``position`` (samples of it already used) are passed by :meth:`Trainer.state_dict`, which
    owns them; everything else is read through the trainer's public attributes.
    """
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
            "position": int(position),
            "best_val_acc": trainer.best_val_acc if trainer.best_epoch else None,
            "best_epoch": trainer.best_epoch,
            "diverged": trainer.diverged,
            "elapsed": trainer.elapsed,
            "rng": copy.deepcopy(trainer.rng.bit_generator.state),
            "augment_rng": copy.deepcopy(trainer.augment_rng.bit_generator.state),
            "model_rng": copy.deepcopy(trainer.model.rng.bit_generator.state),
            "divergence": trainer.monitor.state(),
        },
        "order": None if order is None else order.copy(),
        "best": None if trainer.best_state is None else
        {k: v.copy() for k, v in trainer.best_state.items()},
        "history": trainer.history.to_dict(),
    }


def _generator_state(state: Any, name: str) -> dict[str, Any]:
    """``state`` checked by loading it into a scratch PCG64 generator."""
    kind = state.get("bit_generator") if isinstance(state, Mapping) else None
    if kind != "PCG64":  # every generator of the trainer is np.random.default_rng's
        raise ValueError(f"invalid random-generator state {name!r} (bit generator {kind!r})")
    scratch = np.random.PCG64()
    try:
        scratch.state = dict(state)
    except (TypeError, ValueError, KeyError, OverflowError) as exc:
        raise ValueError(f"invalid random-generator state {name!r} ({exc})") from None
    return scratch.state


def check_trainer_state(state: Any, model: Any, samples: int | None = None,
                        optimizer_name: str | None = None) -> dict[str, Any]:
    """Check every part of ``state`` against ``model`` (and, when known, the number of training
    samples and the optimizer's kind); returns the parts ready to apply.

    Raises
    ------
    ValueError
        Naming the first problem: a section of the wrong type, an optimizer state that is
        incomplete or shaped unlike its parameter, an order that is no permutation (or made on
        another number of samples), a position without an order, a bad random-generator state,
        best weights that do not match the model, unknown settings.
    """
    from nn.training.trainer import TrainSettings  # (trainer imports this module)

    doc = check_object(state, "trainer state")
    config = check_object(doc.get("optimizer"), "optimizer")
    name = str(config.get("name", "")).lower()
    if optimizer_name is not None and name != optimizer_name:
        raise ValueError(f"the state is for the {config.get('name')!r} optimizer, this trainer "
                         f"uses {optimizer_name!r}")
    scratch = optimizers.get(copy.deepcopy(config))  # validates name and every setting
    hyper = {k: v for k, v in config.items() if k not in ("name", "schedule")}
    iterations = _count(doc.get("optimizer_iterations"), "optimizer_iterations")
    params = model.named_parameters()
    raw = doc.get("optimizer_state")
    opt_arrays = {k: np.asarray(v) for k, v in
                  check_object({} if raw is None else raw, "optimizer state").items()}
    keys = sorted(scratch.rule.init_state(np.zeros(1, np.float32)))
    expected = {f"{p}/{k}" for p in params for k in keys} if iterations else set()
    if set(opt_arrays) != expected:
        missing = sorted(expected - set(opt_arrays))
        extra = sorted(set(opt_arrays) - expected)
        raise ValueError("the optimizer state is incomplete or foreign ("
                         + (f"missing {missing[0]}" if missing else f"unexpected {extra[0]}")
                         + f" after {iterations} steps)")
    for key, value in opt_arrays.items():
        shape = params[key.rpartition("/")[0]].shape
        if value.shape != shape or not np.issubdtype(value.dtype, np.floating):
            raise ValueError(f"optimizer state {key!r} has shape {value.shape} and dtype "
                             f"{value.dtype}; the parameter is {shape}")
    progress = check_object(doc.get("progress"), "progress")
    perm = doc.get("order")
    if perm is not None:
        perm = np.asarray(perm)
        n = len(perm) if samples is None else samples
        if perm.shape != (n,) or not np.issubdtype(perm.dtype, np.integer) \
                or not np.array_equal(np.sort(perm), np.arange(n)):
            raise ValueError(f"the state was made on {perm.size} training samples, not {n}"
                             if perm.ndim == 1 and perm.size != n else
                             "the batch order is not a permutation of the training samples")
        perm = perm.astype(np.int64)
    position = _count(progress.get("position"), "position")
    if perm is not None and position >= len(perm):
        raise ValueError(f"position {position} is beyond the {len(perm)} training samples")
    if perm is None and samples is not None and 0 < position < samples:
        raise ValueError(f"position {position} mid-epoch but no batch order")
    numbers = {k: _count(progress.get(k), k) for k in ("epoch", "iteration", "target_epochs",
                                                       "best_epoch")}
    best_val = check_number(progress.get("best_val_acc"), "best_val_acc", optional=True)
    elapsed = check_number(progress.get("elapsed", 0.0), "elapsed", 0.0)
    diverged = check_text(progress.get("diverged"), "diverged", optional=True)
    rngs = {name: _generator_state(progress.get(name), name)
            for name in ("rng", "augment_rng", "model_rng")}
    monitor = DivergenceMonitor()
    try:
        divergence = progress.get("divergence")
        monitor.load_state(check_object({} if divergence is None else divergence,
                                        "divergence"))
    except (TypeError, ValueError) as exc:
        raise ValueError(f"invalid divergence state ({exc})") from None
    history = doc.get("history")
    history = check_object({} if history is None else history, "history",
                           ("iterations", "losses", "lrs", "epochs"))
    history = History.from_dict(history)
    settings = check_object(doc.get("settings"), "settings", TrainSettings.__dataclass_fields__)
    settings = TrainSettings.from_dict(settings)
    own = {k: v.shape for k, v in {**params, **model.named_buffers()}.items()}
    best = doc.get("best")
    if best is not None:
        best = {k: np.asarray(v).copy() for k, v in check_object(best, "best").items()}
        wrong = sorted(k for k in set(own) | set(best)
                       if k not in own or k not in best or best[k].shape != own[k])
        if wrong:
            raise ValueError(f"the best-validation weights do not match the model ({wrong[0]})")
    return {"model": doc.get("model"), "hyper": hyper, "schedule": scratch.schedule,
            "optimizer_state": opt_arrays, "iterations": iterations, "order": perm,
            "position": position, **numbers,
            "best_val_acc": -math.inf if best_val is None else best_val, "elapsed": elapsed,
            "diverged": diverged, **rngs, "divergence": monitor.state(), "history": history,
            "settings": settings, "best": best}


def load_trainer_state(trainer: Trainer, state: Mapping[str, Any]) -> tuple[NDArray | None, int]:
    """Restore ``state`` (from :func:`trainer_state`) into ``trainer``'s public parts; all or
    nothing. Returns ``(order, position)`` for :meth:`Trainer.load_state_dict` to keep.

    The trainer must have the same architecture, the same kind of optimizer and the same number
    of training samples. Raises ``ValueError`` naming the first mismatch
    (:func:`check_trainer_state`); on error the trainer is unchanged.
    """
    model, opt = trainer.model, trainer.optimizer
    c = check_trainer_state(state, model, len(trainer.train[0]), opt.name)
    # Everything checked: apply (model.load_state_dict checks all arrays before copying any).
    if c["model"] is not None:  # None: the caller loaded the weights already
        model.load_state_dict(c["model"])
    opt.set_hyperparameters(**c["hyper"])
    opt.schedule = c["schedule"]
    opt.load_state_arrays(c["optimizer_state"], c["iterations"])
    trainer.epoch, trainer.iteration = c["epoch"], c["iteration"]
    trainer.target_epochs, trainer.best_epoch = c["target_epochs"], c["best_epoch"]
    trainer.best_val_acc, trainer.elapsed, trainer.diverged = (c["best_val_acc"], c["elapsed"],
                                                               c["diverged"])
    trainer.rng.bit_generator.state = c["rng"]
    trainer.augment_rng.bit_generator.state = c["augment_rng"]
    model.rng.bit_generator.state = c["model_rng"]
    trainer.monitor.load_state(c["divergence"])
    trainer.best_state = c["best"]
    trainer.history = c["history"]
    trainer.settings = c["settings"]  # the batch size and seed the run was made with
    return c["order"], c["position"]


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
    state["settings"] = config.get("settings")
    state["history"] = config.get("history")
    for key, prefix in _PREFIXES.items():
        state[key] = {k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)}
    state["best"] = state["best"] or None
    state["order"] = arrays.get("perm")
    return state


__all__ = ["check_trainer_state", "from_archive", "load_trainer_state", "to_archive",
           "trainer_state"]
