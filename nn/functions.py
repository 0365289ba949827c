"""The book's plain functions (ch. 3–4): activations and their derivatives, softmax, one-hot
labels, the two losses, numerical differentiation and gradient descent.

The activations, losses and derivatives work on any array shape and compute in float64 (the
demos' precision: any input, lists included, is converted); the layers in :mod:`nn.layers` are
what networks use. :func:`softmax`, :func:`one_hot` and :func:`numerical_gradient` are the
engine's only implementations: the losses, the data sets, the gradient checks and the inspect
tools all use them, so they keep float32 arrays float32.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
from numpy.typing import ArrayLike, DTypeLike, NDArray


def step(x: ArrayLike) -> NDArray:
    """``1`` where ``x > 0`` else ``0`` (ch. 3.2.2)."""
    x = np.asarray(x, dtype=float)
    return (x > 0).astype(x.dtype)


def sigmoid(x: ArrayLike) -> NDArray:
    """``1 / (1 + e^−x)`` without overflow (ch. 3.2.4)."""
    x = np.asarray(x, dtype=float)
    return 0.5 * (1.0 + np.tanh(0.5 * x))


def relu(x: ArrayLike) -> NDArray:
    return np.maximum(np.asarray(x, dtype=float), 0.0)


def leaky_relu(x: ArrayLike, alpha: float = 0.01) -> NDArray:
    x = np.asarray(x, dtype=float)
    return np.where(x > 0, x, alpha * x)


def leaky_relu_derivative(x: ArrayLike, alpha: float = 0.01) -> NDArray:
    """1 for x > 0, ``alpha`` otherwise (as :class:`nn.layers.LeakyReLU` backpropagates)."""
    return np.where(np.asarray(x, dtype=float) > 0, 1.0, float(alpha))


def tanh(x: ArrayLike) -> NDArray:
    return np.tanh(np.asarray(x, dtype=float))


def identity(x: ArrayLike) -> NDArray:
    return np.asarray(x, dtype=float)


#: Analytic derivatives, matching each layer's ``backward`` (ch. 5.5).
DERIVATIVES: dict[str, Callable[[NDArray], NDArray]] = {
    "step": lambda x: np.zeros_like(np.asarray(x, dtype=float)),
    "sigmoid": lambda x: sigmoid(x) * (1.0 - sigmoid(x)),
    "tanh": lambda x: 1.0 - np.tanh(np.asarray(x, dtype=float)) ** 2,
    "relu": lambda x: (np.asarray(x, dtype=float) > 0).astype(float),
    "leaky_relu": leaky_relu_derivative,
    "identity": lambda x: np.ones_like(np.asarray(x, dtype=float)),
}
ACTIVATIONS: dict[str, Callable[[ArrayLike], NDArray]] = {
    "step": step, "sigmoid": sigmoid, "tanh": tanh, "relu": relu,
    "leaky_relu": leaky_relu, "identity": identity,
}


def softmax_naive(a: ArrayLike) -> NDArray:
    """``e^a / Σ e^a`` exactly as first written in ch. 3.5.1: overflows for large scores."""
    a = np.asarray(a, dtype=float)
    with np.errstate(over="ignore", invalid="ignore"):
        e = np.exp(a)
        return e / np.sum(e, axis=-1, keepdims=True)


def softmax(a: ArrayLike, axis: int = -1) -> NDArray:
    """Softmax along ``axis`` after subtracting the maximum (ch. 3.5.2): the same values as
    ``e^a / Σ e^a``, and never overflows.

    Returns a new array of ``a``'s shape, in ``a``'s dtype if it is floating (float32 scores
    give float32 probabilities), else float64.
    """
    a = np.asarray(a)
    if not np.issubdtype(a.dtype, np.floating):
        a = a.astype(np.float64)
    z = a - a.max(axis=axis, keepdims=True)
    np.exp(z, out=z)
    z /= z.sum(axis=axis, keepdims=True)
    return z


def one_hot(y: ArrayLike, num_classes: int | None = None,
            dtype: DTypeLike = np.float32) -> NDArray:
    """Integer labels ``(N,)`` to one-hot rows ``(N, num_classes)`` (book ch. 3.6, 4.2).

    ``num_classes`` defaults to ``max(y) + 1``. Raises ``ValueError`` for labels that are not
    integers of shape (N,) or lie outside ``0 … num_classes − 1``.
    """
    labels = np.asarray(y)
    if labels.ndim != 1 or not np.issubdtype(labels.dtype, np.integer):
        raise ValueError(
            f"one_hot needs integer labels of shape (N,), got {labels.dtype} {labels.shape}"
        )
    if num_classes is None:
        num_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and (labels.min() < 0 or labels.max() >= num_classes):
        raise ValueError(f"labels must be in 0..{num_classes - 1}")
    out = np.zeros((labels.size, num_classes), dtype=dtype)
    out[np.arange(labels.size), labels] = 1
    return out


def mean_squared_error(y: ArrayLike, t: ArrayLike) -> float:
    """``½ Σ (y − t)²`` (ch. 4.2.1), summed over everything given."""
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    return float(0.5 * np.sum((y - t) ** 2))


def cross_entropy_error(y: ArrayLike, t: ArrayLike, delta: float = 1e-7) -> float:
    """``−Σ t·log(y + δ)`` (ch. 4.2.2); ``δ`` keeps ``log(0)`` finite, as in the book."""
    y, t = np.asarray(y, dtype=float), np.asarray(t, dtype=float)
    return float(-np.sum(t * np.log(y + delta)))


def numerical_diff(
    f: Callable[[float], float], x: float, h: float = 1e-4, method: str = "central"
) -> float:
    """Derivative of ``f`` at ``x`` by forward ``(f(x+h) − f(x))/h`` or central differences
    ``(f(x+h) − f(x−h))/2h`` (ch. 4.3.1: central is accurate to O(h²), forward to O(h))."""
    if method == "forward":
        return (f(x + h) - f(x)) / h
    if method == "central":
        return (f(x + h) - f(x - h)) / (2 * h)
    raise ValueError(f"Unknown method {method!r}; expected 'forward' or 'central'")


def numerical_gradient(f: Callable[[NDArray], float], x: ArrayLike, h: float = 1e-4,
                       indices: Iterable[int] | None = None) -> NDArray:
    """Gradient of ``f`` at ``x`` by central differences ``(f(x + h) − f(x − h)) / 2h``, one
    entry at a time (ch. 4.4; the gradient checks of ch. 5.7 use it too).

    An ndarray ``x`` is perturbed **in place** and each entry restored exactly, so ``f`` may
    read it through a closure — a model's weights: ``numerical_gradient(lambda _: loss(),
    layer.params["W"], 1e-5)``; anything else (a list, a scalar) is first copied to float64.
    ``f`` is called with ``x``. ``indices`` (flat) limits the entries computed; the others are
    0 in the result. Returns float64, shaped like ``x``.
    """
    x = x if isinstance(x, np.ndarray) else np.array(x, dtype=np.float64)
    grad = np.zeros(x.shape, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    if not np.shares_memory(flat, x):
        raise ValueError("numerical_gradient needs an array it can perturb in place "
                         "(a contiguous one)")
    for i in range(flat.size) if indices is None else indices:
        old = flat[i]
        flat[i] = old + h
        plus = f(x)
        flat[i] = old - h
        minus = f(x)
        flat[i] = old
        gflat[i] = (plus - minus) / (2 * h)
    return grad


def gradient_descent(
    f: Callable[[NDArray], float], init_x: ArrayLike, lr: float = 0.1, steps: int = 100
) -> NDArray:
    """Path of ``x ← x − lr·∇f(x)`` from ``init_x`` (ch. 4.4.1): shape (steps + 1, *x.shape)."""
    x = np.array(init_x, dtype=float)
    path = [x.copy()]
    with np.errstate(over="ignore", invalid="ignore"):
        for _ in range(steps):
            x = x - lr * numerical_gradient(f, x)
            path.append(x.copy())
    return np.array(path)
