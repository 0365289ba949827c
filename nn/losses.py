"""Loss functions with their gradients (book ch. 4.2, 5.6.3), resolvable by name.

Every loss is the *mean over the batch*. ``forward(y, t)`` takes the network's raw outputs ``y``
(N, K) and targets ``t`` — integer labels (N,) or one-hot / real targets (N, K) — and returns a
Python float; ``backward()`` returns ``dL/dy`` (N, K) in ``y``'s dtype.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np
from numpy.typing import NDArray

from nn.functions import one_hot, softmax


def _check_targets(y: NDArray, t: NDArray) -> NDArray:
    if t.shape[0] != y.shape[0]:
        raise ValueError(f"{t.shape[0]} targets for {y.shape[0]} outputs")
    if t.ndim == 1 and np.issubdtype(t.dtype, np.integer):
        if t.size and (t.min() < 0 or t.max() >= y.shape[1]):
            raise ValueError(
                f"labels must lie in 0..{y.shape[1] - 1} for a network with {y.shape[1]} outputs"
            )
        return t
    if t.shape != y.shape:
        raise ValueError(f"targets of shape {t.shape} do not match outputs of shape {y.shape}")
    return t


class Loss:
    name: ClassVar[str] = ""

    def forward(self, y: NDArray, t: NDArray) -> float:
        raise NotImplementedError

    def backward(self) -> NDArray:
        raise NotImplementedError

    def probabilities(self, y: NDArray) -> NDArray:
        """Class probabilities (N, K) for outputs ``y`` (N, K)."""
        raise NotImplementedError

    def get_config(self) -> str:
        return self.name


class SoftmaxCrossEntropy(Loss):
    """Softmax followed by cross-entropy — the book's ``SoftmaxWithLoss`` (ch. 5.6.3).

    The loss is computed from log-sum-exp of the shifted scores, so it is finite for any scores;
    the gradient is ``(softmax(y) − onehot(t)) / N``.
    """

    name = "softmax_cross_entropy"

    def forward(self, y: NDArray, t: NDArray) -> float:
        t = _check_targets(y, t)
        z = y - y.max(axis=1, keepdims=True)
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)
        log_s = np.log(s)
        n = y.shape[0]
        if t.ndim == 1:
            picked = z[np.arange(n), t]
            loss = float(np.mean(log_s[:, 0] - picked, dtype=np.float64))
        else:
            loss = float(np.sum(t * (log_s - z), dtype=np.float64) / n)
        e /= s
        self._proba, self._t = e, t
        return loss

    def backward(self) -> NDArray:
        n = self._proba.shape[0]
        dy = self._proba.copy()
        if self._t.ndim == 1:
            dy[np.arange(n), self._t] -= 1.0
        else:
            dy -= self._t
        dy *= 1.0 / n
        return dy

    def probabilities(self, y: NDArray) -> NDArray:
        return softmax(y)


class MeanSquaredError(Loss):
    """``½ Σ (y − t)²`` per sample, averaged over the batch (book ch. 4.2.1).

    Integer labels are compared with their one-hot rows. Gradient ``(y − t) / N``.
    """

    name = "mse"

    def forward(self, y: NDArray, t: NDArray) -> float:
        t = _check_targets(y, t)
        if t.ndim == 1:
            t = one_hot(t, y.shape[1], y.dtype)
        self._diff = y - t
        return float(0.5 * np.sum(self._diff * self._diff, dtype=np.float64) / y.shape[0])

    def backward(self) -> NDArray:
        return self._diff * (1.0 / self._diff.shape[0])

    def probabilities(self, y: NDArray) -> NDArray:
        return y


class SigmoidBinaryCrossEntropy(Loss):
    """Sigmoid + binary cross-entropy for two-class data, one output unit: ``y`` (N, 1) or (N,).

    ``t`` holds 0/1 labels (N,) or (N, 1). Computed as ``max(y, 0) − y·t + log(1 + e^−|y|)``,
    which never overflows; gradient ``(σ(y) − t) / N``. ``probabilities`` returns (N, 2):
    ``[1 − σ(y), σ(y)]``, so class 1 is the positive class.
    """

    name = "sigmoid_bce"

    def forward(self, y: NDArray, t: NDArray) -> float:
        y1 = y.reshape(y.shape[0], -1)
        if y1.shape[1] != 1:
            raise ValueError(f"sigmoid_bce needs one output unit, got {y1.shape[1]}")
        t1 = np.asarray(t).reshape(-1, 1).astype(y.dtype)
        if t1.shape[0] != y1.shape[0]:
            raise ValueError(f"{t1.shape[0]} targets for {y1.shape[0]} outputs")
        loss = np.maximum(y1, 0) - y1 * t1 + np.log1p(np.exp(-np.abs(y1)))
        self._sig = 0.5 * (1.0 + np.tanh(0.5 * y1))
        self._t, self._shape = t1, y.shape
        return float(np.mean(loss, dtype=np.float64))

    def backward(self) -> NDArray:
        return ((self._sig - self._t) * (1.0 / self._t.shape[0])).reshape(self._shape)

    def probabilities(self, y: NDArray) -> NDArray:
        p = 0.5 * (1.0 + np.tanh(0.5 * y.reshape(y.shape[0], 1)))
        return np.concatenate([1.0 - p, p], axis=1)


LOSSES: dict[str, type[Loss]] = {
    cls.name: cls for cls in (SoftmaxCrossEntropy, MeanSquaredError, SigmoidBinaryCrossEntropy)
}
_ALIASES = {
    "cross_entropy": "softmax_cross_entropy",
    "softmax": "softmax_cross_entropy",
    "mean_squared_error": "mse",
    "bce": "sigmoid_bce",
    "binary_cross_entropy": "sigmoid_bce",
}


def get(name: str | Loss) -> Loss:
    """A new loss object from its name (``softmax_cross_entropy``, ``mse``, ``sigmoid_bce``)."""
    if isinstance(name, Loss):
        return name
    key = str(name).strip().lower().replace("-", "_")
    key = _ALIASES.get(key, key)
    if key not in LOSSES:
        raise ValueError(f"Unknown loss {name!r}; expected one of {', '.join(LOSSES)}")
    return LOSSES[key]()


def from_config(config: str) -> Loss:
    """The loss a :meth:`Loss.get_config` value names. A loss has no arguments, so its config is
    its name (``"mse"``), not the ``{"name": ...}`` dict of optimizers and schedules."""
    if not isinstance(config, str):
        raise ValueError(f"A loss config is its name, not {config!r}")
    return get(config)
