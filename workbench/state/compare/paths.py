"""Settings of the 2-D optimizer-paths comparison (book ch. 6.1), Qt-free.

:class:`PathsState` holds the function, start point, number of steps, tolerance and each
optimizer's on/off switch and hyperparameters; every setter validates with the engine (a bad
value raises ``ValueError`` with the engine's message and the state keeps its old value) and
announces the change through :attr:`PathsState.changed`. :func:`compute_paths` turns a snapshot
of the settings into paths and their summaries — pure NumPy, safe in a worker thread.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from numpy.typing import NDArray

from nn import landscapes, optimizers
from workbench.core.observable import Signal

OPTIMIZERS = tuple(optimizers.NAMES)
#: The rule settings offered besides the learning rate (the others keep the engine's defaults).
EXTRA_SETTINGS: dict[str, tuple[str, ...]] = {
    "sgd": (), "momentum": ("momentum",), "nesterov": ("momentum",), "adagrad": (),
    "rmsprop": ("decay_rate",), "adadelta": ("rho", "eps"), "adam": ("beta1", "beta2"),
}
MAX_STEPS = 5000
MAX_COORD = 1e4
FORMAT = "optimizer-paths/1"


@dataclass(frozen=True)
class PathsSnapshot:
    """Everything a computation needs, immutable (safe to hand to a worker thread)."""

    function: str
    start: tuple[float, float]
    steps: int
    tolerance: float
    configs: tuple[tuple[str, tuple[tuple[str, float], ...]], ...]  # (name, ((key, value), …))

    def config_dict(self) -> dict[str, dict[str, float]]:
        return {name: dict(hp) for name, hp in self.configs}


@dataclass(frozen=True)
class PathsResult:
    """Paths, the loss along them and their summaries, for one snapshot."""

    snapshot: PathsSnapshot
    paths: dict[str, NDArray]  # name → (steps + 1, 2)
    values: dict[str, NDArray]  # name → (steps + 1,) f along the path (nan after divergence)
    summaries: dict[str, landscapes.PathSummary]


def compute_paths(snapshot: PathsSnapshot) -> PathsResult:
    """Run every enabled optimizer of ``snapshot`` with :func:`nn.landscapes.optimizer_paths`."""
    land = landscapes.get(snapshot.function)
    paths = landscapes.optimizer_paths(land, snapshot.config_dict(), snapshot.start,
                                       snapshot.steps)
    values = {k: land.value(p) for k, p in paths.items()}
    summaries = {k: landscapes.summarize(land, p, snapshot.tolerance) for k, p in paths.items()}
    return PathsResult(snapshot, paths, values, summaries)


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"Invalid {what}: {value!r} (must be a finite number)")
    return float(value)


class PathsState:
    """The comparison's settings; starts with the book's figure 6-8 (ch. 6.1.7)."""

    def __init__(self) -> None:
        self.changed = Signal()  # emitted after every accepted change
        self.function = "book"
        self.start = (0.0, 0.0)
        self.steps = 1
        self.tolerance = 0.05
        self.enabled: dict[str, bool] = dict.fromkeys(OPTIMIZERS, False)
        self.hyper: dict[str, dict[str, float]] = {}
        for name in OPTIMIZERS:
            rule = optimizers.RULES[name]
            self.hyper[name] = {"lr": rule.default_lr,
                                **{k: rule.defaults[k] for k in EXTRA_SETTINGS[name]}}
        self.load_book_figure()

    # ----------------------------------------------------------------------------- setters
    def set_function(self, name: str) -> None:
        """Switch function and load its default start, steps and learning rates."""
        land = landscapes.get(name)
        self.function = land.name
        self.start = land.start
        self.steps = land.steps
        for opt, lr in land.rates.items():
            self.hyper[opt]["lr"] = float(lr)
        self.changed.emit()

    def set_start(self, x: float, y: float) -> None:
        x, y = _number(x, "start x"), _number(y, "start y")
        if max(abs(x), abs(y)) > MAX_COORD:
            raise ValueError(f"Start point too far out: ({x:g}, {y:g}); keep |x|, |y| ≤ "
                             f"{MAX_COORD:g}")
        if (x, y) != self.start:
            self.start = (x, y)
            self.changed.emit()

    def set_steps(self, steps: int) -> None:
        if isinstance(steps, bool) or int(steps) != steps or not 1 <= steps <= MAX_STEPS:
            raise ValueError(f"Invalid number of steps: {steps!r} (must be 1–{MAX_STEPS})")
        if int(steps) != self.steps:
            self.steps = int(steps)
            self.changed.emit()

    def set_tolerance(self, tolerance: float) -> None:
        tolerance = _number(tolerance, "tolerance")
        if tolerance <= 0:
            raise ValueError(f"Invalid tolerance: {tolerance:g} (must be > 0)")
        if tolerance != self.tolerance:
            self.tolerance = tolerance
            self.changed.emit()

    def set_enabled(self, name: str, enabled: bool) -> None:
        self._check_name(name)
        if self.enabled[name] != bool(enabled):
            self.enabled[name] = bool(enabled)
            self.changed.emit()

    def set_hyperparameter(self, name: str, key: str, value: float) -> None:
        """Set ``lr`` or a rule setting; the engine validates it (``ValueError`` if invalid)."""
        self._check_name(name)
        if key != "lr" and key not in EXTRA_SETTINGS[name]:
            raise ValueError(f"{name} has no setting {key!r}")
        checked = optimizers.get(name).check_hyperparameters(**{key: value})[key]
        if self.hyper[name][key] != checked:
            self.hyper[name][key] = checked
            self.changed.emit()

    def load_book_figure(self) -> None:
        """The book's figure 6-8: x²/20 + y² from (−7, 2), 30 steps, SGD 0.95, Momentum 0.1,
        AdaGrad 1.5, Adam 0.3 (other settings at the book's defaults)."""
        book = landscapes.BOOK_FIGURE
        land = landscapes.get(book["function"])
        self.function = land.name
        self.start = tuple(float(v) for v in book["start"])
        self.steps = int(book["steps"])
        self.tolerance = 0.05
        for name in OPTIMIZERS:
            rule = optimizers.RULES[name]
            self.hyper[name] = {"lr": float(land.rates[name]),
                                **{k: rule.defaults[k] for k in EXTRA_SETTINGS[name]}}
            self.enabled[name] = name in book["optimizers"]
            if name in book["optimizers"]:
                self.hyper[name].update(book["optimizers"][name])
        self.changed.emit()

    # ----------------------------------------------------------------------------- views
    def snapshot(self) -> PathsSnapshot:
        configs = tuple((n, tuple(sorted(self.hyper[n].items()))) for n in OPTIMIZERS
                        if self.enabled[n])
        return PathsSnapshot(self.function, self.start, self.steps, self.tolerance, configs)

    def to_dict(self) -> dict[str, Any]:
        """JSON-able settings (see :meth:`load_dict`)."""
        return {
            "format": FORMAT,
            "function": self.function,
            "start": list(self.start),
            "steps": self.steps,
            "tolerance": self.tolerance,
            "optimizers": {n: {"enabled": self.enabled[n], **self.hyper[n]}
                           for n in OPTIMIZERS},
        }

    def load_dict(self, d: Mapping[str, Any]) -> None:
        """Restore :meth:`to_dict` output, all or nothing (``ValueError`` names the problem).

        Missing keys keep their current value; unknown optimizers are rejected.
        """
        if not isinstance(d, Mapping):
            raise ValueError("Optimizer-path settings must be a JSON object")
        trial = PathsState.__new__(PathsState)
        trial.changed = Signal()
        trial.function, trial.start, trial.steps = self.function, self.start, self.steps
        trial.tolerance = self.tolerance
        trial.enabled = dict(self.enabled)
        trial.hyper = {k: dict(v) for k, v in self.hyper.items()}
        if "function" in d:
            trial.function = landscapes.get(str(d["function"])).name
        if "start" in d:
            start = d["start"]
            if not isinstance(start, (list, tuple)) or len(start) != 2:
                raise ValueError(f"Invalid start point: {start!r} (expected [x, y])")
            trial.set_start(*start)
        if "steps" in d:
            trial.set_steps(d["steps"])
        if "tolerance" in d:
            trial.set_tolerance(d["tolerance"])
        opts = d.get("optimizers", {})
        if not isinstance(opts, Mapping):
            raise ValueError("'optimizers' must map optimizer names to settings")
        for name, settings in opts.items():
            trial._check_name(name)
            if not isinstance(settings, Mapping):
                raise ValueError(f"Settings of {name} must be an object")
            for key, value in settings.items():
                if key == "enabled":
                    trial.enabled[name] = bool(value)
                else:
                    trial.set_hyperparameter(name, key, value)
        self.function, self.start, self.steps = trial.function, trial.start, trial.steps
        self.tolerance, self.enabled, self.hyper = trial.tolerance, trial.enabled, trial.hyper
        self.changed.emit()

    @staticmethod
    def _check_name(name: str) -> None:
        if name not in OPTIMIZERS:
            raise ValueError(f"Unknown optimizer {name!r}; expected one of "
                             f"{', '.join(OPTIMIZERS)}")

