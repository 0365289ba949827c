"""Training a small network on the XOR toy set, as a plain generator (Qt-free, testable without
a thread): per-epoch loss and accuracy, and the decision boundary every ``frame_interval``
seconds — computed here, in the worker thread, so the GUI only swaps an image."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

import nn
from nn.datasets.toy import make_xor
from nn.training import Diverged, EpochEnd, Finished, Stopped, Trainer, TrainSettings
from workbench.core.boundary_grid import BoundaryGrid, boundary_grid, data_extent

#: Hidden activations offered (engine layer names).
ACTIVATIONS = ("Tanh", "Sigmoid", "ReLU")
#: Optimizers offered (engine names, ch. 6.1).
OPTIMIZERS = ("sgd", "momentum", "adam")
GRID_RESOLUTION = 90


@dataclass(frozen=True)
class XorConfig:
    """Everything that defines one training run."""

    hidden: int = 4
    activation: str = "Tanh"
    optimizer: str = "sgd"
    lr: float = 0.1  # the book's ch. 4.5 learning rate
    epochs: int = 300
    noise: float = 0.15
    n: int = 200
    seed: int = 0
    batch_size: int = 20
    #: Epochs per second to slow down to, so the boundary can be watched (None: full speed).
    pace: float | None = 60.0


@dataclass(frozen=True)
class EpochPoint:
    epoch: int
    loss: float
    accuracy: float


@dataclass(frozen=True)
class BoundaryFrame:
    epoch: int
    grid: BoundaryGrid


@dataclass(frozen=True)
class TrainingEnded:
    """The run's last event. ``outcome`` is "finished", "stopped" or "diverged"."""

    epoch: int
    outcome: str
    accuracy: float
    message: str = ""


def xor_data(config: XorConfig) -> tuple[NDArray, NDArray]:
    """The XOR clouds (ch. 2.5's four corners with Gaussian noise) as float64."""
    x, y = make_xor(config.n, noise=config.noise, seed=config.seed)
    return x.astype(np.float64), y


def build_model(config: XorConfig) -> nn.Sequential:
    """2 → ``hidden`` → 2: one hidden layer is the smallest network that can learn XOR."""
    if not 1 <= config.hidden <= 256:
        raise ValueError(f"Invalid hidden size: {config.hidden} (must be 1–256)")
    layers = [nn.layers.Dense(config.hidden), nn.layers.get(config.activation),
              nn.layers.Dense(2)]
    init = "xavier" if config.activation in ("Tanh", "Sigmoid") else "he"
    return nn.Sequential(layers, (2,), dtype="float64", seed=config.seed, init=init,
                         name="xor_net")


def build_trainer(config: XorConfig, x: NDArray, y: NDArray) -> Trainer:
    model = build_model(config)
    optimizer = nn.optimizers.get(config.optimizer, lr=config.lr)
    settings = TrainSettings(batch_size=config.batch_size, epochs=config.epochs,
                             seed=config.seed, train_eval_size=None)
    return Trainer(model, optimizer, (x, y), settings=settings)


def train_xor(config: XorConfig, stop: threading.Event | None = None,
              frame_interval: float = 0.1) -> Iterator[EpochPoint | BoundaryFrame | TrainingEnded]:
    """Train on the XOR set, yielding an :class:`EpochPoint` per epoch, a
    :class:`BoundaryFrame` at the start, at most every ``frame_interval`` seconds and at the end,
    and finally one :class:`TrainingEnded`. Setting ``stop`` ends the run after the current step.
    """
    stop = stop if stop is not None else threading.Event()
    x, y = xor_data(config)
    extent = data_extent(x)
    trainer = build_trainer(config, x, y)
    yield BoundaryFrame(0, boundary_grid(trainer.model, extent, GRID_RESOLUTION))
    last_frame = time.perf_counter()
    started = last_frame
    accuracy = float("nan")
    for event in trainer.run():
        if stop.is_set():
            trainer.stop()
        if isinstance(event, EpochEnd):
            accuracy = event.train_acc
            yield EpochPoint(event.epoch, event.train_loss, event.train_acc)
            now = time.perf_counter()
            if now - last_frame >= frame_interval:
                yield BoundaryFrame(event.epoch, boundary_grid(trainer.model, extent,
                                                               GRID_RESOLUTION))
                last_frame = time.perf_counter()
            if config.pace:  # wait, but wake at once when stopped
                stop.wait(max(0.0, started + event.epoch / config.pace - time.perf_counter()))
        elif isinstance(event, (Finished, Stopped, Diverged)):
            epoch = trainer.epoch
            yield BoundaryFrame(epoch, boundary_grid(trainer.model, extent, GRID_RESOLUTION))
            if isinstance(event, Finished):
                yield TrainingEnded(epoch, "finished", event.train_acc)
            elif isinstance(event, Stopped):
                yield TrainingEnded(epoch, "stopped", accuracy)
            else:
                yield TrainingEnded(epoch, "diverged", accuracy, event.reason)
            return
