"""Weight initializers, resolvable by name (book ch. 6.2).

Every initializer draws from a caller-supplied ``numpy.random.Generator`` so the same seed gives
bit-identical weights. Names round-trip: ``get(init.name) == init``.

=================  ======================================  ===============================
name               distribution                            book
=================  ======================================  ===============================
``zeros``          all zeros (shows the symmetry failure)  ch. 6.2.1
``std0.01``        N(0, 0.01²) — any ``std<float>`` works  ch. 6.2.1 (the book's default)
``xavier``         N(0, 1/fan_in)                          ch. 6.2.3 ("Xavier", as the book)
``he``             N(0, 2/fan_in)                          ch. 6.2.4
``xavier_uniform`` U(±√(3/fan_in)), same variance          —
``he_uniform``     U(±√(6/fan_in)), same variance          —
=================  ======================================  ===============================

``fan_in`` of a dense layer is its input width; of a convolution ``in_ch · kh · kw``.
The aliases ``sigmoid`` → ``xavier`` and ``relu`` → ``he`` follow the book's ``weight_init_std``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import DTypeLike, NDArray

_ALIASES = {"sigmoid": "xavier", "tanh": "xavier", "relu": "he", "normal": "std0.01"}
_STD_PATTERN = re.compile(r"^std\s*=?\s*([0-9.eE+-]+)$")


@dataclass(frozen=True)
class Initializer:
    """A named weight distribution.

    Parameters
    ----------
    kind
        One of ``zeros``, ``normal``, ``xavier``, ``he``, ``xavier_uniform``, ``he_uniform``.
    std
        Standard deviation for ``normal`` (ignored otherwise).
    """

    kind: str
    std: float = 0.01

    @property
    def name(self) -> str:
        """Canonical name, accepted by :func:`get` (e.g. ``"he"``, ``"std0.01"``)."""
        return f"std{self.std:g}" if self.kind == "normal" else self.kind

    def scale(self, fan_in: int) -> float:
        """Standard deviation this initializer gives a layer with ``fan_in`` inputs."""
        if self.kind == "zeros":
            return 0.0
        if self.kind == "normal":
            return self.std
        gain = 2.0 if self.kind.startswith("he") else 1.0
        return math.sqrt(gain / fan_in)

    def __call__(
        self, shape: tuple[int, ...], fan_in: int, rng: np.random.Generator, dtype: DTypeLike
    ) -> NDArray:
        """Draw an array of ``shape`` and ``dtype``."""
        if self.kind == "zeros":
            return np.zeros(shape, dtype=dtype)
        std = self.scale(fan_in)
        if self.kind.endswith("_uniform"):
            limit = std * math.sqrt(3.0)
            return rng.uniform(-limit, limit, size=shape).astype(dtype, copy=False)
        return (rng.standard_normal(shape) * std).astype(dtype, copy=False)

    def get_config(self) -> str:
        return self.name


KINDS = ("zeros", "normal", "xavier", "he", "xavier_uniform", "he_uniform")
NAMES = ("zeros", "std0.01", "std1", "xavier", "he", "xavier_uniform", "he_uniform")


def get(name: str | Initializer, std: float | None = None) -> Initializer:
    """Resolve an initializer from its name (``"he"``, ``"std0.01"``, ``"normal"`` with ``std``…).

    Raises
    ------
    ValueError
        For an unknown name or a non-positive standard deviation.
    """
    if isinstance(name, Initializer):
        return name
    raw = str(name).strip().lower()
    match = _STD_PATTERN.match(raw)  # before normalising: "std1e-05" keeps its minus sign
    if match:
        try:
            return _normal(float(match.group(1)))
        except ValueError:
            pass
    key = raw.replace("-", "_").replace(" ", "_")
    if key == "normal" and std is not None:
        return _normal(std)
    key = _ALIASES.get(key, key)
    if key in KINDS and key != "normal":
        return Initializer(key)
    raise ValueError(
        f"Unknown initializer {name!r}; expected one of {', '.join(NAMES)} "
        "(or 'std<value>', e.g. 'std0.05')"
    )


def from_config(config: str) -> Initializer:
    """The initializer a :meth:`Initializer.get_config` value names. Its one argument, the
    normal's standard deviation, is part of the name (``"std0.05"``), so the config is a
    string, as the model files store it, not a ``{"name": ...}`` dict."""
    if not isinstance(config, str):
        raise ValueError(f"An initializer config is its name, not {config!r}")
    return get(config)


def _normal(std: float) -> Initializer:
    if not (math.isfinite(std) and std > 0):
        raise ValueError(f"Invalid initializer std: {std} (must be a positive number)")
    return Initializer("normal", float(std))
