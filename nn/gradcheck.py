"""Gradient checking: numerical central differences vs backpropagation (book ch. 5.7).

The differences come from :func:`nn.functions.numerical_gradient` (the engine's one numerical
gradient). ``check_layer`` tests one layer on random data with a random upstream gradient;
``check_model`` tests a whole model on a batch (always on a float64 copy). Both report, per
array, the relative error ``‖a − n‖ / (‖a‖ + ‖n‖)`` and the time each method took, so the
workbench can show the book's point: backprop gives the same numbers thousands of times faster.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from nn.functions import numerical_gradient
from nn.layers.base import Layer
from nn.layers.normalization import Dropout
from nn.model import Sequential


@dataclass(frozen=True)
class ArrayCheck:
    """Result for one array: ``name`` is a parameter name (``"2.W"``) or ``"input"``."""

    name: str
    relative_error: float
    max_abs_error: float
    checked: int
    size: int


@dataclass(frozen=True)
class GradCheckResult:
    checks: list[ArrayCheck]
    backprop_seconds: float
    numerical_seconds: float  # time spent on the entries actually checked
    numerical_seconds_full: float  # extrapolated to every entry of every array

    @property
    def max_relative_error(self) -> float:
        return max((c.relative_error for c in self.checks), default=0.0)

    @property
    def speedup(self) -> float:
        """How many times faster backprop is than a full numerical gradient."""
        return self.numerical_seconds_full / max(self.backprop_seconds, 1e-12)

    def by_name(self) -> dict[str, ArrayCheck]:
        return {c.name: c for c in self.checks}


#: Gradient norms below this are indistinguishable from central-difference round-off
#: (≈ 1e-16 / eps for a loss of order 1), e.g. a bias just before BatchNorm, whose true
#: gradient is exactly zero.
ZERO_NORM = 1e-8


def relative_error(analytic: NDArray, numerical: NDArray) -> float:
    """``‖a − n‖₂ / (‖a‖₂ + ‖n‖₂)``; 0 when both norms are below :data:`ZERO_NORM`."""
    a = np.asarray(analytic, dtype=np.float64).ravel()
    n = np.asarray(numerical, dtype=np.float64).ravel()
    norm_a, norm_n = np.linalg.norm(a), np.linalg.norm(n)
    if norm_a < ZERO_NORM and norm_n < ZERO_NORM:
        return 0.0
    return float(np.linalg.norm(a - n) / (norm_a + norm_n))


@contextmanager
def _frozen_dropout(layers: Sequence[Layer]):
    drops = [layer for layer in layers if isinstance(layer, Dropout)]
    for d in drops:
        d.freeze_mask = True
    try:
        yield
    finally:
        for d in drops:
            d.freeze_mask = False


def _pick(size: int, max_entries: int | None, rng: np.random.Generator) -> NDArray | None:
    if max_entries is None or size <= max_entries:
        return None
    return np.sort(rng.choice(size, max_entries, replace=False))


def _compare(
    name: str, analytic: NDArray, numerical: NDArray, idx: NDArray | None
) -> ArrayCheck:
    a, n = analytic.reshape(-1), numerical.reshape(-1)
    if idx is not None:
        a, n = a[idx], n[idx]
    err = relative_error(a, n)
    return ArrayCheck(name, err, float(np.max(np.abs(a - n), initial=0.0)), a.size,
                      analytic.size)


def check_model(
    model: Sequential,
    x: NDArray,
    t: NDArray,
    *,
    eps: float = 1e-5,
    max_entries: int | None = None,
    seed: int = 0,
) -> GradCheckResult:
    """Compare backprop with central differences for every parameter of ``model``.

    The check runs on a float64 copy (the model itself is untouched). ``max_entries`` limits
    the entries checked per array (chosen at random with ``seed``); the full numerical time is
    extrapolated from the per-entry time. Dropout masks are drawn once and then held fixed.
    """
    twin = model.copy("float64")
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    twin.forward(x, training=True)  # draw dropout masks
    with _frozen_dropout(twin.layers):
        start = time.perf_counter()
        _, grads = twin.loss_and_grads(x, t)
        backprop = time.perf_counter() - start
        analytic = {k: g.copy() for k, g in grads.items()}

        def loss() -> float:
            return twin.loss.forward(twin.forward(x, training=True), t)

        checks, spent, entries, total = [], 0.0, 0, 0
        for name, param in twin.named_parameters().items():
            idx = _pick(param.size, max_entries, rng)
            start = time.perf_counter()
            numerical = numerical_gradient(lambda _: loss(), param, eps, idx)
            spent += time.perf_counter() - start
            entries += param.size if idx is None else idx.size
            total += param.size
            checks.append(_compare(name, analytic[name], numerical, idx))
    per_entry = spent / max(entries, 1)
    return GradCheckResult(checks, backprop, spent, per_entry * total)


def check_layer(
    layer: Layer,
    input_shape: Sequence[int],
    *,
    training: bool = True,
    eps: float = 1e-5,
    seed: int = 0,
    x: NDArray | None = None,
) -> GradCheckResult:
    """Check one layer's ``backward`` against central differences, in float64.

    The layer is built for ``input_shape`` (with the batch axis first) unless it already is, in
    float64; it is fed random inputs
    (or ``x``) and a random upstream gradient ``R``; the scalar checked is ``Σ out·R``.
    Reports the input gradient as ``"input"`` and each parameter by its key.
    """
    rng = np.random.default_rng(seed)
    if layer.input_shape != tuple(input_shape[1:]) or layer.dtype != np.float64:
        layer.build(tuple(input_shape[1:]), rng, np.float64)  # else keep the caller's values
    if x is None:
        x = rng.standard_normal(tuple(input_shape))
    x = np.array(x, dtype=np.float64)
    out = layer.forward(x, training)
    upstream = rng.standard_normal(out.shape)
    with _frozen_dropout([layer]):
        start = time.perf_counter()
        dx = layer.backward(upstream)
        backprop = time.perf_counter() - start
        analytic = {"input": dx, **{k: g.copy() for k, g in layer.grads.items()}}

        def scalar() -> float:
            return float(np.sum(layer.forward(x, training) * upstream))

        checks, spent = [], 0.0
        for name, arr in (("input", x), *layer.params.items()):
            start = time.perf_counter()
            numerical = numerical_gradient(lambda _: scalar(), arr, eps)
            spent += time.perf_counter() - start
            checks.append(_compare(name, analytic[name], numerical, None))
    return GradCheckResult(checks, backprop, spent, spent)


__all__ = ["ArrayCheck", "GradCheckResult", "check_layer", "check_model", "relative_error"]
