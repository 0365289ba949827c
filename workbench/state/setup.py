"""Training set-up state: data, optimizer, schedule, weight decay, initializer, training settings.

Qt-free. Setters validate with the engine and raise ``ValueError`` naming the problem (the panel
shows it inline and keeps the previous value); every accepted change emits :attr:`changed`.
``run_config(model_spec)`` assembles the :class:`nn.experiment.RunConfig` a run uses;
:meth:`RunPlan.make` fixes one on the GUI thread, to send to the training worker.
"""

from __future__ import annotations

import copy
import math
from dataclasses import dataclass, field, replace
from typing import Any

import nn
from nn.experiment import DataConfig, ModelSpec, RunConfig
from nn.training import TrainSettings
from workbench.core.observable import Signal

DEFAULT_LR = {name: rule.default_lr for name, rule in nn.optimizers.RULES.items()}
DEFAULT_AUGMENT: dict[str, Any] = {"max_shift": 2.0, "max_rotation": 10.0,
                                   "scale_range": [0.9, 1.1]}


@dataclass
class TrainingSetup:
    """What the Data / Optimizer / Training panels edit."""

    data: DataConfig = field(default_factory=DataConfig)
    optimizer: dict[str, Any] = field(default_factory=lambda: {"name": "adam", "lr": 0.001})
    training: TrainSettings = field(default_factory=lambda: TrainSettings(epochs=3))
    dtype: str = "float32"
    #: Learning-rate schedule in epochs, as the panel shows it: ``{"name": "constant"}``,
    #: ``{"name": "step", "every": 2, "gamma": 0.5}``, ``{"name": "exponential", "gamma": 0.9}``
    #: (per epoch) or ``{"name": "cosine", "min_factor": 0.0}`` (over the whole run).
    schedule: dict[str, Any] = field(default_factory=lambda: {"name": "constant"})
    changed: Signal = field(default_factory=Signal, repr=False)

    # ------------------------------------------------------------------------------ queries
    @property
    def optimizer_name(self) -> str:
        return self.optimizer["name"]

    def optimizer_fields(self) -> dict[str, float]:
        """The current optimizer's hyperparameters (defaults filled in), ``lr`` first."""
        opt = nn.optimizers.get(dict(self.optimizer))
        return {"lr": opt.lr, **opt.hyperparameters}

    def engine_schedule(self, steps_per_epoch: int) -> dict[str, Any]:
        """The schedule in optimizer steps, for ``steps_per_epoch`` steps per epoch."""
        spe = max(1, int(steps_per_epoch))
        name = self.schedule.get("name", "constant")
        if name == "step":
            return {"name": "step", "step_size": int(self.schedule.get("every", 1)) * spe,
                    "gamma": float(self.schedule.get("gamma", 0.5))}
        if name == "exponential":
            return {"name": "exponential",
                    "gamma": float(self.schedule.get("gamma", 0.9)) ** (1.0 / spe)}
        if name == "cosine":  # over the run as it will really go: max_iterations caps it
            planned = self.training.planned_steps(spe * self.training.batch_size)  # spe batches
            return {"name": "cosine", "total_steps": planned,
                    "min_factor": float(self.schedule.get("min_factor", 0.0))}
        return {"name": "constant"}

    def run_config(self, model: ModelSpec, steps_per_epoch: int = 1, label: str = "") -> RunConfig:
        """The full run description for ``model`` with these settings."""
        spec = copy.deepcopy(model)
        spec.dtype = self.dtype
        optimizer = {**copy.deepcopy(self.optimizer),
                     "schedule": self.engine_schedule(steps_per_epoch)}
        return RunConfig(spec, copy.deepcopy(self.data), optimizer,
                         TrainSettings.from_dict(self.training.to_dict()), label)

    # -------------------------------------------------------------------------------- edits
    def set_dataset(self, name: str, data_dir: str | None = None) -> None:
        data = DataConfig(**{**self.data.__dict__, "name": name, "data_dir": data_dir})
        data.validate()
        self.data = data
        self.changed.emit()

    def set_data(self, **values: Any) -> None:
        """Change data settings (``train_size``, ``val_fraction``, ``toy_n``, ``augment``…)."""
        data = DataConfig(**{**self.data.__dict__, **values})
        data.validate()
        self.data = data
        self.changed.emit()

    def set_augment(self, enabled: bool, config: dict[str, Any] | None = None) -> None:
        augment = None
        if enabled:
            augment = dict(config or self.data.augment or DEFAULT_AUGMENT)
            nn.datasets.Augmenter.from_config(augment)  # validates
        self.set_data(augment=augment)

    def set_optimizer(self, name: str) -> None:
        """Switch optimizer; the learning rate becomes the new optimizer's default (the book's
        defaults differ: Adam 0.001, SGD 0.01, AdaDelta 1.0). Weight decay and the schedule
        are kept."""
        if name == self.optimizer_name:
            return
        keep = {k: self.optimizer[k] for k in ("weight_decay",) if k in self.optimizer}
        candidate = {"name": name, "lr": DEFAULT_LR.get(name, 0.01), **keep}
        nn.optimizers.get(dict(candidate))
        self.optimizer = candidate
        self.changed.emit()

    def set_hyperparameter(self, key: str, value: float) -> None:
        """Set ``lr``, ``weight_decay`` or a rule setting (``momentum``, ``beta1``…)."""
        opt = nn.optimizers.get(dict(self.optimizer))
        checked = opt.check_hyperparameters(**{key: value})
        self.optimizer = {**self.optimizer, **checked}
        self.changed.emit()

    def set_schedule(self, name: str, **options: Any) -> None:
        """Set the schedule in epoch units (see :attr:`schedule`); raises ``ValueError`` naming
        a bad setting in those units."""
        if name not in nn.schedules.SCHEDULES:
            raise ValueError(f"Unknown schedule {name!r}; expected one of "
                             f"{', '.join(nn.schedules.SCHEDULES)}")
        gamma = options.get("gamma", 0.5)
        if name in ("step", "exponential") and not (isinstance(gamma, (int, float))
                                                    and 0 < gamma <= 1):
            raise ValueError(f"Invalid decay factor: {gamma!r} (must be in (0, 1])")
        every = options.get("every", 1)
        if name == "step" and (not isinstance(every, int) or every < 1):
            raise ValueError(f"Invalid step interval: {every!r} (must be a whole number of "
                             "epochs ≥ 1)")
        low = options.get("min_factor", 0.0)
        if name == "cosine" and not (isinstance(low, (int, float)) and 0 <= low <= 1):
            raise ValueError(f"Invalid final fraction: {low!r} (must be in [0, 1])")
        self.schedule = {"name": name, **options}
        self.changed.emit()

    def set_training(self, **values: Any) -> None:
        """Change training settings (``batch_size``, ``epochs``, ``seed``…); validated."""
        self.training = TrainSettings.from_dict({**self.training.to_dict(), **values})
        self.changed.emit()

    def set_dtype(self, dtype: str) -> None:
        if dtype not in nn.model.DTYPES:
            raise ValueError(f"Invalid dtype: {dtype!r} (must be float32 or float64)")
        self.dtype = dtype
        self.changed.emit()

    # ---------------------------------------------------------------------------- persisting
    def to_dict(self) -> dict[str, Any]:
        return {"data": dict(self.data.__dict__), "optimizer": copy.deepcopy(self.optimizer),
                "schedule": dict(self.schedule), "training": self.training.to_dict(),
                "dtype": self.dtype}

    def load_dict(self, values: dict[str, Any]) -> None:
        """Restore from :meth:`to_dict` output; raises ``ValueError`` if anything is invalid."""
        try:
            data = DataConfig(**dict(values.get("data") or {}))
            data.validate()
            optimizer = dict(values.get("optimizer") or self.optimizer)
            nn.optimizers.get(dict(optimizer))
            training = TrainSettings.from_dict(dict(values.get("training") or {}))
            dtype = str(values.get("dtype", "float32"))
            if dtype not in nn.model.DTYPES:
                raise ValueError(f"invalid dtype {dtype!r}")
            schedule = dict(values.get("schedule") or {"name": "constant"})
            optimizer.pop("schedule", None)
        except TypeError as exc:
            raise ValueError(f"Invalid settings: {exc}") from None
        self.data, self.optimizer, self.training, self.dtype = data, optimizer, training, dtype
        self.schedule = schedule
        self.changed.emit()


@dataclass(frozen=True)
class RunPlan:
    """A run as the GUI thread fixed it when Train was clicked, sent with the request so the
    training worker never reads the live, GUI-owned :class:`TrainingSetup`.

    ``run`` is complete but for the learning-rate schedule, which counts optimizer steps and so
    needs the number of training samples: :meth:`for_data` fills it in once the data is loaded.
    """

    run: RunConfig
    _settings: TrainingSetup = field(repr=False)  # a private copy of the set-up at the click

    @classmethod
    def make(cls, setup: TrainingSetup, model: ModelSpec) -> RunPlan:
        """Copy ``setup`` now (GUI thread)."""
        private = TrainingSetup()
        private.load_dict(setup.to_dict())
        return cls(private.run_config(model), private)

    def for_data(self, n_train: int) -> RunConfig:
        """The run with its schedule in optimizer steps for ``n_train`` training samples."""
        steps = math.ceil(n_train / self.run.training.batch_size)
        return replace(self.run, optimizer={**self.run.optimizer,
                                            "schedule": self._settings.engine_schedule(steps)})
