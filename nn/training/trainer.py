"""The trainer: a plain generator of events (book ch. 4.5's training loop, made observable).

``Trainer.run()`` yields :mod:`nn.training.events` as it goes and checks its stop and pause flags
between steps, so it can be driven by a ``for`` loop, by a test (``islice(trainer.run(), 20)``)
or by a GUI worker thread. ``stop()``, ``pause()``, ``resume()`` and ``set_hyperparameters()``
may be called from another thread; changes take effect before the next step.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from nn.model import Sequential
from nn.optimizers import Optimizer
from nn.training.divergence import ADVICE, DivergenceMonitor, chance_accuracy, chance_loss
from nn.training.events import (
    Diverged,
    EpochEnd,
    Event,
    Finished,
    Paused,
    Resumed,
    StepEnd,
    Stopped,
)
from nn.training.history import History
from nn.training.state import load_trainer_state, trainer_state

Arrays = tuple[NDArray, NDArray]
NAN = float("nan")


@dataclass
class TrainSettings:
    """How to train; JSON-able through :meth:`to_dict`."""

    batch_size: int = 100
    epochs: int = 5
    seed: int = 0
    #: Training metrics per epoch use a fixed random subset of this size (``None``: all).
    train_eval_size: int | None = 2000
    #: Validation/test metrics per epoch use at most this many samples (``None``: all).
    eval_size: int | None = None
    eval_batch_size: int = 500
    #: Also scan every weight for NaN/Inf this often (the loss is checked every step).
    check_weights_every: int = 50
    #: Stop after this many steps in total, even mid-epoch (None: run every epoch).
    max_iterations: int | None = None

    def __post_init__(self) -> None:
        for name, low in (("batch_size", 1), ("epochs", 1), ("eval_batch_size", 1),
                          ("check_weights_every", 1)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < low:
                raise ValueError(f"Invalid {name}: {value!r} (must be an integer ≥ {low})")
        for name in ("train_eval_size", "eval_size", "max_iterations"):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)
                                      or value < 1):
                raise ValueError(f"Invalid {name}: {value!r} (must be a positive integer or None)")
        if isinstance(self.seed, bool) or not isinstance(self.seed, int) or self.seed < 0:
            raise ValueError(f"Invalid seed: {self.seed!r} (must be a whole number ≥ 0)")

    def steps_per_epoch(self, train_samples: int) -> int:
        """Optimizer steps in one epoch over ``train_samples``: ⌈samples / batch_size⌉."""
        return math.ceil(int(train_samples) / self.batch_size)

    def planned_steps(self, train_samples: int, epochs: int | None = None) -> int:
        """Optimizer steps the run takes on ``train_samples``: ``epochs`` (default: the
        settings') × :meth:`steps_per_epoch`, capped by ``max_iterations``.

        The one place this is computed: the command line, the Build & Train page (its cosine
        schedule's length and its progress bar) and the comparisons all call it.
        """
        steps = (self.epochs if epochs is None else int(epochs)) * \
            self.steps_per_epoch(train_samples)
        return steps if self.max_iterations is None else min(steps, self.max_iterations)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrainSettings:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


class Trainer:
    """Mini-batch training of ``model`` with ``optimizer`` on ``train`` = ``(x, labels)``.

    Parameters
    ----------
    val, test
        Optional ``(x, labels)`` pairs evaluated after every epoch. The best model by validation
        accuracy is kept in memory (:meth:`restore_best`).
    augment
        Optional callable ``augment(x_batch, rng) -> x_batch`` applied to training batches
        (e.g. :class:`nn.datasets.Augmenter`).

    The batch order comes from a generator seeded with ``settings.seed``: two trainers with the
    same seed and data see identical batches (the comparison runner relies on it).
    """

    def __init__(
        self,
        model: Sequential,
        optimizer: Optimizer,
        train: Arrays,
        val: Arrays | None = None,
        test: Arrays | None = None,
        settings: TrainSettings | None = None,
        augment: Callable[[NDArray, np.random.Generator], NDArray] | None = None,
    ) -> None:
        self.model, self.optimizer = model, optimizer
        self.settings = settings or TrainSettings()
        self.train = _check_pair(train, "training")
        if len(self.train[0]) == 0:
            raise ValueError("The training set is empty")
        self.val = _check_pair(val, "validation") if val is not None else None
        self.test = _check_pair(test, "test") if test is not None else None
        self.augment = augment
        seed = self.settings.seed
        self.rng = np.random.default_rng(seed)  # batch order
        self.augment_rng = np.random.default_rng([seed, 1])
        self._train_eval_idx = self._train_eval_subset()
        self.history = History()
        self.epoch = 0  # completed epochs
        self.iteration = 0  # completed steps
        self.target_epochs = self.settings.epochs
        self.best_val_acc = -math.inf
        self.best_epoch = 0
        self.best_state: dict[str, NDArray] | None = None
        self.diverged: str | None = None
        self.monitor = DivergenceMonitor()
        self._chance_acc = chance_accuracy(self.train[1])
        self.elapsed = 0.0
        self._perm: NDArray | None = None  # the current epoch's order, kept across stop/run
        self._pos = 0
        self._stop = threading.Event()
        self._running = threading.Event()
        self._running.set()
        self._pending: dict[str, float] = {}
        self._lock = threading.Lock()

    def _train_eval_subset(self) -> NDArray | None:
        """The fixed random subset of training samples the per-epoch training metrics use."""
        n, size = len(self.train[0]), self.settings.train_eval_size
        if size is None or size >= n:
            return None
        rng = np.random.default_rng([self.settings.seed, 2])
        return np.sort(rng.choice(n, size, replace=False))

    # ----------------------------------------------------------------- control (any thread)
    def stop(self) -> None:
        self._stop.set()
        self._running.set()  # wake a paused run so it can stop

    def pause(self) -> None:
        self._running.clear()

    def resume(self) -> None:
        self._running.set()

    @property
    def paused(self) -> bool:
        return not self._running.is_set()

    def set_hyperparameters(self, **values: float) -> None:
        """Queue optimizer changes (``lr=0.01``); validated now, applied before the next step."""
        checked = self.optimizer.check_hyperparameters(**values)
        with self._lock:
            self._pending.update(checked)

    def add_epochs(self, count: int = 1) -> None:
        """Make the next :meth:`run` stop exactly ``count`` epochs after the current one.

        The current epoch is the last complete one, or the one a Stop interrupted: epochs 20,
        stopped during epoch 4 ("epoch 4/20"), ``add_epochs(1)`` finishes epoch 4, trains
        epoch 5 and stops ("5/5"); after a finished run of 20 it trains epoch 21 only. The
        target is set, not raised, so a planned epoch 20 no longer counts.
        """
        if isinstance(count, bool) or not isinstance(count, (int, np.integer)) or count < 1:
            raise ValueError(f"Invalid count: {count!r} (must be an integer ≥ 1)")
        current = self.epoch + (1 if self._perm is not None and self._pos > 0 else 0)
        self.target_epochs = current + int(count)

    @property
    def steps_per_epoch(self) -> int:
        return self.settings.steps_per_epoch(len(self.train[0]))

    @property
    def planned_steps(self) -> int:
        """Steps this run will have taken when it ends: the target epochs, capped by
        ``max_iterations`` (:meth:`TrainSettings.planned_steps`)."""
        return self.settings.planned_steps(len(self.train[0]), self.target_epochs)

    # ------------------------------------------------------------------------------ running
    def run(self, epochs: int | None = None) -> Iterator[Event]:
        """Train until ``epochs`` total epochs are done (default: the target), yielding events.

        Ends with exactly one of :class:`Finished`, :class:`Stopped` or :class:`Diverged`.
        A stopped run continues where it left off when ``run()`` is called again.
        """
        if epochs is not None:
            self.target_epochs = int(epochs)
        self._stop.clear()
        if self.diverged is not None:
            yield Diverged(self.iteration, self.epoch, self.diverged)
            return
        started = time.perf_counter()
        x_train, y_train = self.train
        bs = self.settings.batch_size
        steps = self.steps_per_epoch
        speed = 0.0
        while self.epoch < self.target_epochs and not self._budget_spent():
            if self._perm is None:
                self._perm, self._pos = self.rng.permutation(len(x_train)), 0
            while self._pos < len(self._perm) and not self._budget_spent():
                if not self._running.is_set():
                    self.elapsed += time.perf_counter() - started
                    yield Paused(self.iteration, self.epoch + 1)
                    self._running.wait()
                    started = time.perf_counter()
                    if not self._stop.is_set():
                        yield Resumed(self.iteration, self.epoch + 1)
                if self._stop.is_set():
                    self.elapsed += time.perf_counter() - started
                    yield Stopped(self.iteration, self.epoch + 1, self.elapsed)
                    return
                self._apply_pending()
                idx = self._perm[self._pos : self._pos + bs]
                xb = x_train[idx]
                if self.augment is not None:
                    xb = self.augment(xb, self.augment_rng)
                lr = self.optimizer.current_lr
                if math.isnan(self.monitor.chance):
                    self.monitor.chance = chance_loss(self.model.loss, self.model.output_shape,
                                                      y_train[idx], self.model.dtype)
                t0 = time.perf_counter()
                # Overflow is detected and reported as Diverged: no NumPy warnings meanwhile.
                with np.errstate(over="ignore", invalid="ignore", divide="ignore"):
                    loss = self.model.train_step(xb, y_train[idx], self.optimizer)
                dt = time.perf_counter() - t0
                self._pos += bs
                self.iteration += 1
                rate = len(idx) / max(dt, 1e-9)
                speed = rate if speed == 0.0 else 0.9 * speed + 0.1 * rate
                reason = self._divergence(loss)
                if reason is not None:
                    self.diverged = reason
                    self.elapsed += time.perf_counter() - started
                    yield Diverged(self.iteration, self.epoch + 1, reason)
                    return
                event = StepEnd(self.iteration, self.epoch + 1,
                                min(1.0, self._pos / (steps * bs)), loss, lr, speed)
                self.history.add(event)
                yield event
            if self._pos < len(self._perm):
                break  # iteration budget spent mid-epoch
            self.epoch += 1
            self._perm = None
            reason = self._nonfinite_weights()
            if reason is not None:
                self.diverged = reason
                yield Diverged(self.iteration, self.epoch, reason)
                return
            event = self._evaluate_epoch(self.elapsed + time.perf_counter() - started)
            self.history.add(event)
            yield event
            reason = self.monitor.epoch_end(event.train_acc, self._chance_acc, self.epoch,
                                            self.optimizer.lr)
            if reason is not None:
                self.diverged = reason
                self.elapsed += time.perf_counter() - started
                yield Diverged(self.iteration, self.epoch, reason)
                return
        self.elapsed += time.perf_counter() - started
        last = self.history.epochs[-1] if self.history.epochs else None
        if last is None or last.iteration != self.iteration:
            train_acc, test_acc = self._train_metrics()[1], self.evaluate(self.test)[1]
        else:
            train_acc, test_acc = last.train_acc, last.test_acc
        yield Finished(self.iteration, self.epoch, self.elapsed, self.best_epoch,
                       self.best_val_acc if self.best_epoch else NAN, test_acc, train_acc)

    def _budget_spent(self) -> bool:
        limit = self.settings.max_iterations
        return limit is not None and self.iteration >= limit

    def _apply_pending(self) -> None:
        if self._pending:
            with self._lock:
                values, self._pending = self._pending, {}
            self.optimizer.set_hyperparameters(**values)

    def _divergence(self, loss: float) -> str | None:
        reason = self.monitor.step(loss, self.iteration, self.epoch + 1, self.optimizer.lr)
        if reason is None and self.iteration % self.settings.check_weights_every == 0:
            reason = self._nonfinite_weights()
        return reason

    def _nonfinite_weights(self) -> str | None:
        for name, param in self.model.named_parameters().items():
            if not np.isfinite(param).all():
                return (
                    f"The weights {name} became NaN or infinite by iteration {self.iteration}: "
                    f"training diverged. The learning rate ({self.optimizer.lr:g}) is probably "
                    f"too high; {ADVICE}."
                )
        return None

    # --------------------------------------------------------------------------- evaluating
    def evaluate(self, pair: Arrays | None, limit: int | None = None) -> tuple[float, float]:
        """Mean loss and accuracy on ``pair`` (first ``limit`` samples), batched; NaN if empty."""
        if pair is None or len(pair[0]) == 0:
            return NAN, NAN
        x, y = pair
        if limit is not None:
            x, y = x[:limit], y[:limit]
        with np.errstate(over="ignore", invalid="ignore", divide="ignore"):  # diverged weights
            return self.model.evaluate(x, y, self.settings.eval_batch_size)

    def _train_metrics(self) -> tuple[float, float]:
        x, y = self.train
        if self._train_eval_idx is not None:
            x, y = x[self._train_eval_idx], y[self._train_eval_idx]
        return self.evaluate((x, y))

    def _evaluate_epoch(self, elapsed: float) -> EpochEnd:
        train_loss, train_acc = self._train_metrics()
        val_loss, val_acc = self.evaluate(self.val, self.settings.eval_size)
        test_loss, test_acc = self.evaluate(self.test, self.settings.eval_size)
        is_best = self.val is not None and val_acc > self.best_val_acc
        if is_best:
            self.best_val_acc, self.best_epoch = val_acc, self.epoch
            self.best_state = self.model.state_dict()
        return EpochEnd(self.epoch, self.iteration, train_loss, train_acc, val_loss, val_acc,
                        test_loss, test_acc, elapsed, is_best)

    def state_dict(self) -> dict[str, Any]:
        """Everything needed to continue bit-identically (:mod:`nn.training.state`); the only
        way checkpoints and sessions read the trainer's position in the current epoch."""
        return trainer_state(self, self._perm, self._pos)

    def load_state_dict(self, state: dict[str, Any]) -> None:
        """Restore a :meth:`state_dict` (same architecture, optimizer kind and data size);
        all or nothing, ``ValueError`` naming the first mismatch."""
        self._perm, self._pos = load_trainer_state(self, state)
        self._train_eval_idx = self._train_eval_subset()  # settings may differ now

    def restore_best(self) -> bool:
        """Load the best-validation weights into the model; False if there are none."""
        if self.best_state is None:
            return False
        self.model.load_state_dict(self.best_state)
        return True


def _check_pair(pair: Arrays, what: str) -> Arrays:
    try:
        x, y = pair
    except (TypeError, ValueError):
        raise ValueError(f"The {what} data must be a pair (inputs, labels)") from None
    x, y = np.asarray(x), np.asarray(y)
    if len(x) != len(y):
        raise ValueError(f"The {what} set has {len(x)} inputs but {len(y)} labels")
    return x, y


__all__ = ["TrainSettings", "Trainer"]
