"""Optimizers (book ch. 6.1): an update rule inside a thin shell (after optax and tinygrad).

The contract of a *rule*, stated as it really is:

* ``init_state(param) -> state``: a dict of arrays shaped like ``param`` (zeros), or ``{}``.
* ``update(grad, state, hp) -> delta``: ``hp`` holds the current learning rate ``lr``, the
  1-based step ``t`` and the rule's own hyperparameters. The rule **mutates the arrays of
  ``state`` in place** (it is not pure, unlike optax's rules), never changes ``grad``, and
  returns ``delta`` as a **new array** that shares no memory with ``state`` or ``grad``: the
  caller owns it and may change it in place without corrupting the optimizer
  (``tests/nn/test_optimizers.py`` checks this for every rule).

Why in place: a pure rule would allocate a fresh array for every state entry on every step and
hold old and new state at once; measured on this machine it is no faster (Adam, 1M float32:
4.18 ms in place vs 4.21 ms pure; 20k: 50 µs vs 53 µs) and costs a second copy of the state
in memory during the step. Momentum is the one rule whose delta *is* its new state (``v``), so
it returns a copy — one extra array per step, the price of never handing out live state.

The :class:`Optimizer` shell keys state by parameter name, applies L2 weight decay to the names
it is told (weights only — never biases or BatchNorm γ/β, book ch. 6.4.2), evaluates the
learning-rate schedule and adds each delta to its parameter in place.

All arithmetic stays in the parameters' dtype: scalars are Python floats, so a float32 model is
never silently promoted to float64 (NumPy 2 promotes ``float32 array * np.float64 scalar``).
"""

from __future__ import annotations

import math
from collections.abc import Container, Mapping
from typing import Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from nn import schedules

State = dict[str, NDArray]


def _check(value: Any, name: str, low: float, high: float, *, low_open: bool, high_open: bool):
    ok = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    if ok:
        ok = (value > low if low_open else value >= low) and (
            value < high if high_open else value <= high
        )
    if not ok:
        lb, hb = "(" if low_open else "[", ")" if high_open else "]"
        rng = f"{lb}{low:g}, {'∞' if math.isinf(high) else f'{high:g}'}{hb}"
        label = "learning rate" if name == "lr" else name
        raise ValueError(f"Invalid {label}: {value!r} (must be a number in {rng})")
    return float(value)


class Rule:
    name: ClassVar[str] = ""
    #: Hyperparameters other than ``lr``, with defaults, and their valid ranges.
    defaults: ClassVar[dict[str, float]] = {}
    ranges: ClassVar[dict[str, tuple[float, float, bool, bool]]] = {}
    default_lr: ClassVar[float] = 0.01

    def init_state(self, param: NDArray) -> State:
        return {}

    def update(self, grad: NDArray, state: State, hp: Mapping[str, float]) -> NDArray:
        """The step for one parameter: updates ``state`` in place, returns a new ``delta``
        array (same shape as ``grad``) that shares no memory with ``state`` or ``grad``."""
        raise NotImplementedError


class SGD(Rule):
    """``W ← W − η·g`` (ch. 6.1.2)."""

    name = "sgd"

    def update(self, grad, state, hp):
        return grad * -hp["lr"]


class Momentum(Rule):
    """``v ← α·v − η·g;  W ← W + v`` (ch. 6.1.4)."""

    name = "momentum"
    defaults = {"momentum": 0.9}
    ranges = {"momentum": (0.0, 1.0, False, True)}

    def init_state(self, param):
        return {"v": np.zeros_like(param)}

    def update(self, grad, state, hp):
        v = state["v"]
        v *= hp["momentum"]
        v -= grad * hp["lr"]
        return v.copy()  # the step equals the new velocity; never hand out the state itself


class Nesterov(Rule):
    """Nesterov's accelerated gradient in the book's form (``common/optimizer.py``)."""

    name = "nesterov"
    defaults = {"momentum": 0.9}
    ranges = {"momentum": (0.0, 1.0, False, True)}

    def init_state(self, param):
        return {"v": np.zeros_like(param)}

    def update(self, grad, state, hp):
        m, lr = hp["momentum"], hp["lr"]
        v = state["v"]
        v *= m
        v -= grad * lr
        delta = v * (m * m)
        delta -= grad * ((1.0 + m) * lr)
        return delta


class AdaGrad(Rule):
    """``h ← h + g²;  W ← W − η·g / (√h + ε)`` (ch. 6.1.5)."""

    name = "adagrad"
    defaults = {"eps": 1e-7}
    ranges = {"eps": (0.0, 1.0, True, False)}

    def init_state(self, param):
        return {"h": np.zeros_like(param)}

    def update(self, grad, state, hp):
        h = state["h"]
        h += grad * grad
        denom = np.sqrt(h)
        denom += hp["eps"]
        return grad * -hp["lr"] / denom


class RMSprop(Rule):
    """``h ← ρ·h + (1 − ρ)·g²;  W ← W − η·g / (√h + ε)``."""

    name = "rmsprop"
    defaults = {"decay_rate": 0.99, "eps": 1e-7}
    ranges = {"decay_rate": (0.0, 1.0, False, True), "eps": (0.0, 1.0, True, False)}

    def init_state(self, param):
        return {"h": np.zeros_like(param)}

    def update(self, grad, state, hp):
        rho = hp["decay_rate"]
        h = state["h"]
        h *= rho
        h += (grad * grad) * (1.0 - rho)
        denom = np.sqrt(h)
        denom += hp["eps"]
        return grad * -hp["lr"] / denom


class AdaDelta(Rule):
    """Zeiler (2012): step ``−√(E[Δ²] + ε) / √(E[g²] + ε) · g``, scaled by ``lr`` (default 1)."""

    name = "adadelta"
    defaults = {"rho": 0.95, "eps": 1e-6}
    ranges = {"rho": (0.0, 1.0, False, True), "eps": (0.0, 1.0, True, False)}
    default_lr = 1.0

    def init_state(self, param):
        return {"eg2": np.zeros_like(param), "edx2": np.zeros_like(param)}

    def update(self, grad, state, hp):
        rho, eps = hp["rho"], hp["eps"]
        eg2, edx2 = state["eg2"], state["edx2"]
        eg2 *= rho
        eg2 += (grad * grad) * (1.0 - rho)
        step = np.sqrt(edx2 + eps)
        step /= np.sqrt(eg2 + eps)
        step *= grad
        edx2 *= rho
        edx2 += (step * step) * (1.0 - rho)
        step *= -hp["lr"]
        return step


class Adam(Rule):
    """Adam with bias correction folded into the step size, as the book writes it (ch. 6.1.6):
    ``η_t = η·√(1 − β2^t)/(1 − β1^t);  m ← m + (1 − β1)(g − m);  v ← v + (1 − β2)(g² − v);
    W ← W − η_t·m / (√v + ε)``."""

    name = "adam"
    defaults = {"beta1": 0.9, "beta2": 0.999, "eps": 1e-7}
    ranges = {
        "beta1": (0.0, 1.0, False, True),
        "beta2": (0.0, 1.0, False, True),
        "eps": (0.0, 1.0, True, False),
    }
    default_lr = 0.001

    def init_state(self, param):
        return {"m": np.zeros_like(param), "v": np.zeros_like(param)}

    def update(self, grad, state, hp):
        b1, b2, t = hp["beta1"], hp["beta2"], hp["t"]
        lr_t = hp["lr"] * math.sqrt(1.0 - b2**t) / (1.0 - b1**t)
        m, v = state["m"], state["v"]
        m += (grad - m) * (1.0 - b1)
        v += (grad * grad - v) * (1.0 - b2)
        denom = np.sqrt(v)
        denom += hp["eps"]
        return m * -lr_t / denom


RULES: dict[str, type[Rule]] = {
    cls.name: cls for cls in (SGD, Momentum, Nesterov, AdaGrad, RMSprop, AdaDelta, Adam)
}


class Optimizer:
    """Applies a :class:`Rule` to named parameters, in place.

    Parameters
    ----------
    rule
        The update rule (``nn.optimizers.RULES[name]()``).
    lr
        Base learning rate η; the schedule multiplies it per step.
    weight_decay
        L2 coefficient λ: ``λ·W`` is added to the gradient of every decayed weight (ch. 6.4.2).
    schedule
        A schedule from :mod:`nn.schedules` (or its name / config dict).
    **hyperparameters
        The rule's own settings (``momentum``, ``beta1``…); validated here.
    """

    def __init__(
        self,
        rule: Rule,
        lr: float | None = None,
        weight_decay: float = 0.0,
        schedule: Any = None,
        **hyperparameters: float,
    ) -> None:
        self.rule = rule
        self.hyperparameters: dict[str, float] = dict(rule.defaults)
        self.lr = rule.default_lr
        self.weight_decay = 0.0
        self.set_hyperparameters(
            lr=rule.default_lr if lr is None else lr,
            weight_decay=weight_decay,
            **hyperparameters,
        )
        self.schedule = schedules.get(schedule)
        self.state: dict[str, State] = {}
        self.iterations = 0

    @property
    def name(self) -> str:
        return self.rule.name

    def check_hyperparameters(self, **values: float) -> dict[str, float]:
        """Validate settings without applying them; returns them as floats.

        Raises ``ValueError`` naming the setting and its valid range.
        """
        checked = {}
        for key, value in values.items():
            if key == "lr":
                checked[key] = _check(value, "lr", 0.0, math.inf, low_open=True, high_open=True)
            elif key == "weight_decay":
                checked[key] = _check(value, key, 0.0, math.inf, low_open=False, high_open=True)
            elif key in self.rule.ranges:
                low, high, lo_open, hi_open = self.rule.ranges[key]
                checked[key] = _check(value, key, low, high, low_open=lo_open, high_open=hi_open)
            else:
                valid = ", ".join(["lr", "weight_decay", *self.rule.defaults])
                raise ValueError(
                    f"Unknown setting {key!r} for {self.rule.name}; expected one of {valid}"
                )
        return checked

    def set_hyperparameters(self, **values: float) -> None:
        """Change settings, also mid-run; all-or-nothing, raises ``ValueError`` on a bad value."""
        for key, value in self.check_hyperparameters(**values).items():
            if key == "lr":
                self.lr = value
            elif key == "weight_decay":
                self.weight_decay = value
            else:
                self.hyperparameters[key] = value

    @property
    def current_lr(self) -> float:
        """The learning rate the next step will use (base rate × schedule)."""
        return self.lr * self.schedule(self.iterations)

    def step(
        self,
        params: Mapping[str, NDArray],
        grads: Mapping[str, NDArray],
        decay: Container[str] = (),
    ) -> None:
        """Update every array of ``params`` in place from the same-named ``grads``."""
        hp = {**self.hyperparameters, "lr": self.current_lr, "t": self.iterations + 1}
        wd = self.weight_decay
        for name, param in params.items():
            grad = grads[name]
            if wd and name in decay:
                grad = grad + param * wd
            state = self.state.get(name)
            if state is None:
                state = self.state[name] = self.rule.init_state(param)
            param += self.rule.update(grad, state, hp)
        self.iterations += 1

    def reset(self) -> None:
        """Forget the accumulated state (velocities, moment estimates) and the step count."""
        self.state.clear()
        self.iterations = 0

    def get_config(self) -> dict[str, Any]:
        return {
            "name": self.rule.name,
            "lr": self.lr,
            "weight_decay": self.weight_decay,
            "schedule": self.schedule.get_config(),
            **self.hyperparameters,
        }

    def state_arrays(self) -> dict[str, NDArray]:
        """The accumulated state as ``{"<param>/<key>": array}`` copies, for checkpoints."""
        return {f"{p}/{k}": a.copy() for p, st in self.state.items() for k, a in st.items()}

    def load_state_arrays(self, arrays: Mapping[str, NDArray], iterations: int) -> None:
        self.state = {}
        for key, value in arrays.items():
            pname, _, skey = key.rpartition("/")
            self.state.setdefault(pname, {})[skey] = np.array(value)
        self.iterations = int(iterations)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items() if k != "name")
        return f"Optimizer({self.rule.name}, {args})"


NAMES = tuple(RULES)


def get(name: str | dict[str, Any], **kwargs: Any) -> Optimizer:
    """An optimizer by name — ``get("adam", lr=1e-3)`` — or from a ``get_config()`` dict."""
    if isinstance(name, dict):
        kwargs = {**{k: v for k, v in name.items() if k != "name"}, **kwargs}
        name = name.get("name", "")
    key = str(name).strip().lower()
    if key not in RULES:
        raise ValueError(f"Unknown optimizer {name!r}; expected one of {', '.join(RULES)}")
    return Optimizer(RULES[key](), **kwargs)


from_config = get

__all__ = ["NAMES", "RULES", "Optimizer", "Rule", "from_config", "get"]
