"""The book's plain functions (ch. 3–4), for demos and teaching: activations and their
derivatives, softmax, the two losses, numerical differentiation and gradient descent.

These work on any array shape and keep the caller's dtype; the layers in :mod:`nn.layers`
are what networks use.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.typing import ArrayLike, NDArray


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


def softmax(a: ArrayLike) -> NDArray:
    """Softmax after subtracting the maximum (ch. 3.5.2): the same values, never overflows."""
    a = np.asarray(a, dtype=float)
    e = np.exp(a - np.max(a, axis=-1, keepdims=True))
    return e / np.sum(e, axis=-1, keepdims=True)


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


def numerical_gradient(f: Callable[[NDArray], float], x: ArrayLike, h: float = 1e-4) -> NDArray:
    """Gradient of ``f`` at ``x`` by central differences, one coordinate at a time (ch. 4.4)."""
    x = np.array(x, dtype=float)
    grad = np.zeros_like(x)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
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
