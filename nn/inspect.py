"""Looking inside a model: histograms, dead units, confusion matrices, predictions and a
gradient check that reports progress (book ch. 5.7, 6.2, 7.6, 8.1).

Everything here is NumPy only and runs in whatever thread calls it; the workbench's Inspect
page calls it from worker threads (and from a training probe) and only draws the results.
"""

from __future__ import annotations

import math
import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import ArrayLike, NDArray

from nn.functions import numerical_gradient
from nn.gradcheck import ArrayCheck, GradCheckResult, relative_error
from nn.layers import ACTIVATIONS, Conv2D, Dense, Dropout, ReLU
from nn.model import Sequential

BINS = 30  # the book's activation histograms (ch. 6.2) use 30 bins
BACKPROP_REPEATS = 3


# ------------------------------------------------------------------------------ histograms
@dataclass(frozen=True)
class Histogram:
    """Counts of an array's values in equal-width bins spanning its finite range.

    ``counts`` has shape (bins,), ``edges`` (bins + 1,). ``counts.sum() + nonfinite == total``.
    """

    counts: NDArray[np.int64]
    edges: NDArray[np.float64]
    total: int
    zeros: int
    nonfinite: int
    mean: float
    std: float

    @property
    def zero_fraction(self) -> float:
        return self.zeros / self.total if self.total else 0.0

    def density(self) -> NDArray[np.float64]:
        """Counts scaled so the histogram's area is 1 (comparable across bin widths)."""
        n = self.counts.sum()
        widths = np.diff(self.edges)
        if n == 0:
            return np.zeros(len(self.counts))
        return self.counts / (n * np.where(widths > 0, widths, 1.0))


def histogram(values: ArrayLike, bins: int = BINS,
              value_range: tuple[float, float] | None = None) -> Histogram:
    """Histogram of every value of ``values`` (any shape); NaN/Inf are counted apart.

    Without ``value_range`` the bins span the finite minimum to maximum (a constant array gets
    a unit-wide range centred on its value, as :func:`numpy.histogram` does).
    """
    v = np.asarray(values).reshape(-1)
    total = int(v.size)
    nonfinite = 0
    if total and not (np.isfinite(v.min()) and np.isfinite(v.max())):
        finite = np.isfinite(v)
        nonfinite = int(total - np.count_nonzero(finite))
        v = v[finite]
    if v.size == 0:  # empty bins over the asked range (as numpy.histogram), else around 0
        edges = np.linspace(*(value_range or (-0.5, 0.5)), bins + 1)
        return Histogram(np.zeros(bins, np.int64), edges, total, 0, nonfinite, math.nan, math.nan)
    if value_range is None:
        lo, hi = float(v.min()), float(v.max())
        if lo == hi:
            lo, hi = lo - 0.5, hi + 0.5
        value_range = (lo, hi)
    counts, edges = np.histogram(v, bins=bins, range=value_range)
    return Histogram(counts.astype(np.int64), edges.astype(np.float64), total,
                     int(total - np.count_nonzero(v) - nonfinite), nonfinite,
                     float(v.mean(dtype=np.float64)), float(v.std(dtype=np.float64)))


def histograms(arrays: Mapping[str, NDArray], bins: int = BINS) -> dict[str, Histogram]:
    """:func:`histogram` of each array, same keys."""
    return {name: histogram(a, bins) for name, a in arrays.items()}


def activation_layer_names(model: Sequential) -> list[str]:
    """Names of the layers whose outputs are activations (ReLU, Sigmoid, …; book ch. 6.2).

    A model without activation layers falls back to every layer but the last.
    """
    names = [layer.name for layer in model.layers if type(layer).__name__ in ACTIVATIONS]
    return names or [layer.name for layer in model.layers[:-1]] or [model.layers[0].name]


def dead_fraction(output: NDArray) -> float:
    """Fraction of units that never fire (output ≤ 0) for any sample of the batch.

    ``output`` is (N, D) — a unit is a feature — or (N, C, H, W) — a unit is a channel, i.e.
    a filter that is zero at every position of every image.
    """
    n = output.shape[0]
    if n == 0:
        return math.nan
    units = output.reshape(n, output.shape[1], -1) if output.ndim > 2 else output[..., None]
    alive = (units > 0).any(axis=(0, 2))
    return float(1.0 - np.count_nonzero(alive) / alive.size)


def finite_range(values: ArrayLike) -> tuple[float, float] | None:
    """(min, max) of the finite values, or None if there are none."""
    v = np.asarray(values).reshape(-1)
    if v.size == 0:
        return None
    lo, hi = float(v.min()), float(v.max())
    if not (math.isfinite(lo) and math.isfinite(hi)):
        v = v[np.isfinite(v)]
        if v.size == 0:
            return None
        lo, hi = float(v.min()), float(v.max())
    return lo, hi


def histogram_pair(now: ArrayLike, then: ArrayLike,
                   bins: int = BINS) -> tuple[Histogram, Histogram]:
    """Histograms of two arrays on the *same* bins (spanning both), so counts compare
    directly — e.g. weights now and at initialization."""
    ranges = [r for r in (finite_range(now), finite_range(then)) if r is not None]
    span = None
    if ranges:
        lo, hi = min(r[0] for r in ranges), max(r[1] for r in ranges)
        span = (lo - 0.5, hi + 0.5) if lo == hi else (lo, hi)
    return histogram(now, bins, span), histogram(then, bins, span)


@dataclass(frozen=True)
class LayerStats:
    """What the histogram views show for one model at one moment.

    ``activations``: layer name → histogram of its outputs for the batch (activation layers);
    ``dead``: ReLU layer name → :func:`dead_fraction`; ``weights`` and ``grads``: weight name
    (``"0.W"``) → histogram; ``weights_start`` / ``grads_start``: the same for reference arrays
    (at initialization), on the same bins; ``grad_norms``: layer name → L2 norm of its
    gradients.
    """

    activations: dict[str, Histogram]
    dead: dict[str, float]
    weights: dict[str, Histogram]
    grads: dict[str, Histogram]
    grad_norms: dict[str, float]
    batch_size: int
    iteration: int = 0
    weights_start: dict[str, Histogram] = field(default_factory=dict)
    grads_start: dict[str, Histogram] = field(default_factory=dict)


def weight_names(model: Sequential) -> list[str]:
    """Names of the weight arrays (``W`` of Dense and Conv2D layers), in layer order."""
    return [f"{i}.W" for i, layer in enumerate(model.layers) if isinstance(layer, (Dense, Conv2D))]


def _with_reference(arrays: Mapping[str, NDArray], names: list[str],
                    start: Mapping[str, NDArray] | None,
                    bins: int) -> tuple[dict[str, Histogram], dict[str, Histogram]]:
    now, then = {}, {}
    for name in names:
        ref = None if start is None else start.get(name)
        if ref is not None and ref.shape == arrays[name].shape:
            now[name], then[name] = histogram_pair(arrays[name], ref, bins)
        else:
            now[name] = histogram(arrays[name], bins)
    return now, then


@dataclass(frozen=True)
class LayerDynamics:
    """The cheap part of :class:`LayerStats`, for curves over training time: ``dead`` (ReLU
    layer name → :func:`dead_fraction` on the batch) and ``grad_norms`` (layer name → L2 norm
    of its gradients from the last backward pass; empty without ``grads``)."""

    dead: dict[str, float]
    grad_norms: dict[str, float]
    iteration: int = 0


def layer_dynamics(model: Sequential, x: ArrayLike, *, grads: bool = True,
                   iteration: int = 0) -> LayerDynamics:
    """Dead-ReLU fractions for ``x`` and gradient norms, without any histogram.

    The forward pass stops at the last ReLU layer and no histogram is made, so this costs a
    fraction of :func:`layer_stats` (``simple_convnet``, 100 images: about a fifth). The
    numbers equal :func:`layer_stats`'s ``dead`` and ``grad_norms`` for the same model, batch
    and gradients.
    """
    relus = [i for i, layer in enumerate(model.layers) if isinstance(layer, ReLU)]
    dead: dict[str, float] = {}
    if relus:
        outputs = model.capture(x, upto=relus[-1])
        dead = {model.layers[i].name: dead_fraction(outputs[model.layers[i].name])
                for i in relus}
    norms = ({name: s["norm"] for name, s in model.gradient_stats().items()} if grads else {})
    return LayerDynamics(dead, norms, iteration)


def layer_stats(model: Sequential, x: ArrayLike, *, grads: bool = True, bins: int = BINS,
                iteration: int = 0, start_weights: Mapping[str, NDArray] | None = None,
                start_grads: Mapping[str, NDArray] | None = None) -> LayerStats:
    """Activation histograms and dead fractions for ``x`` (one inference pass), weight
    histograms and — with ``grads`` — histograms and norms of the gradients currently stored
    in the model (from its last backward pass). ``start_weights`` / ``start_grads`` (by
    parameter name) are histogrammed on the same bins as the current arrays. Everything
    returned is freshly allocated."""
    outputs = model.capture(x)
    names = activation_layer_names(model)
    activations = {name: histogram(outputs[name], bins) for name in names}
    relus = {layer.name for layer in model.layers if isinstance(layer, ReLU)}
    dead = {name: dead_fraction(outputs[name]) for name in names if name in relus}
    wnames = weight_names(model)
    weights, weights_start = _with_reference(model.named_parameters(), wnames, start_weights,
                                             bins)
    grad_hists: dict[str, Histogram] = {}
    grads_start: dict[str, Histogram] = {}
    norms: dict[str, float] = {}
    if grads:
        grad_hists, grads_start = _with_reference(model.named_grads(), wnames, start_grads,
                                                  bins)
        norms = {name: s["norm"] for name, s in model.gradient_stats().items()}
    return LayerStats(activations, dead, weights, grad_hists, norms, len(outputs[names[0]]),
                      iteration, weights_start, grads_start)


# -------------------------------------------------------------------------- classification
def confusion_matrix(y_true: ArrayLike, y_pred: ArrayLike, num_classes: int) -> NDArray[np.int64]:
    """``(K, K)`` counts: row = true class, column = predicted class."""
    t = np.asarray(y_true, dtype=np.int64).reshape(-1)
    p = np.asarray(y_pred, dtype=np.int64).reshape(-1)
    if t.shape != p.shape:
        raise ValueError(f"{t.size} labels but {p.size} predictions")
    k = int(num_classes)
    if t.size and (min(t.min(), p.min()) < 0 or max(t.max(), p.max()) >= k):
        raise ValueError(f"Class indices must lie in 0..{k - 1}")
    return np.bincount(t * k + p, minlength=k * k).reshape(k, k)


def per_class_accuracy(cm: NDArray) -> NDArray[np.float64]:
    """Recall of each class: diagonal / row total (NaN for a class with no samples)."""
    rows = cm.sum(axis=1).astype(np.float64)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(rows > 0, np.diag(cm) / np.where(rows > 0, rows, 1), np.nan)


def ranked_examples(y_true: ArrayLike, proba: NDArray, true_class: int | None = None,
                    predicted: int | None = None, mistakes_only: bool = True) -> NDArray[np.intp]:
    """Indices of samples (optionally of one true and/or predicted class), most confident
    first; only misclassified ones when ``mistakes_only``."""
    t = np.asarray(y_true).reshape(-1)
    pred = proba.argmax(axis=1)
    keep = np.ones(t.size, bool)
    if mistakes_only:
        keep &= pred != t
    if true_class is not None:
        keep &= t == true_class
    if predicted is not None:
        keep &= pred == predicted
    idx = np.flatnonzero(keep)
    conf = proba[idx, pred[idx]]
    return idx[np.argsort(-conf, kind="stable")]


@dataclass(frozen=True)
class Progress:
    """``done`` of ``total`` units of work (batches, entries) finished."""

    done: int
    total: int


def predict_steps(model: Sequential, x: ArrayLike,
                  batch_size: int = 250) -> Iterator[Progress | NDArray]:
    """Class probabilities for ``x`` batch by batch: yields :class:`Progress` after each batch
    and finally the ``(N, classes)`` array."""
    x = np.asarray(x)
    n = len(x)
    parts = []
    for start in range(0, n, batch_size):
        parts.append(model.predict_proba(x[start : start + batch_size], batch_size))
        yield Progress(min(start + batch_size, n), n)
    yield (np.concatenate(parts) if parts
           else np.zeros((0, model.num_classes), dtype=model.dtype))


# ------------------------------------------------------------------------ gradient check
def gradcheck_steps(model: Sequential, x: ArrayLike, t: ArrayLike, *, eps: float = 1e-5,
                    max_entries: int | None = None, seed: int = 0,
                    chunk: int = 8) -> Iterator[Progress | GradCheckResult]:
    """:func:`nn.gradcheck.check_model`, one chunk of entries at a time (book ch. 5.7).

    Yields :class:`Progress` (entries checked) after each chunk, so a caller can show progress
    and stop early, then the :class:`~nn.gradcheck.GradCheckResult`. Picks the same entries
    as ``check_model`` for the same ``seed``, hence the same errors. Timings resist a busy
    machine: backprop is the best of :data:`BACKPROP_REPEATS` runs after a warm-up, and the
    full numerical time is extrapolated from the fastest chunk's time per entry.
    """
    twin = model.copy("float64")
    rng = np.random.default_rng(seed)
    x = np.asarray(x, dtype=np.float64)
    t = np.asarray(t)
    twin.forward(x, training=True)  # draw the dropout masks once, then hold them
    drops = [layer for layer in twin.layers if isinstance(layer, Dropout)]
    for d in drops:
        d.freeze_mask = True
    try:
        _, grads = twin.loss_and_grads(x, t)  # warm-up: buffers allocated once
        analytic = {k: g.copy() for k, g in grads.items()}
        backprop = math.inf
        for _ in range(BACKPROP_REPEATS):  # the best of a few runs: the cost, not the noise
            start = time.perf_counter()
            twin.loss_and_grads(x, t)
            backprop = min(backprop, time.perf_counter() - start)

        def loss() -> float:
            return twin.loss.forward(twin.forward(x, training=True), t)

        params = twin.named_parameters()
        picks = {}
        for name, p in params.items():
            if max_entries is None or p.size <= max_entries:
                picks[name] = np.arange(p.size)
            else:
                picks[name] = np.sort(rng.choice(p.size, max_entries, replace=False))
        todo = sum(len(idx) for idx in picks.values())
        total = sum(p.size for p in params.values())
        done, spent, checks = 0, 0.0, []
        yield Progress(0, todo)
        for name, param in params.items():
            idx = picks[name]
            numerical = np.zeros(param.size)
            for s in range(0, len(idx), chunk):
                part = idx[s : s + chunk]
                begin = time.perf_counter()
                grad = numerical_gradient(lambda _: loss(), param, eps, part)
                numerical[part] = grad.reshape(-1)[part]
                took = time.perf_counter() - begin
                spent += took
                done += len(part)
                yield Progress(done, todo)
            a = analytic[name].reshape(-1)[idx]
            n = numerical[idx]
            checks.append(ArrayCheck(name, relative_error(a, n),
                                     float(np.max(np.abs(a - n), initial=0.0)), len(idx),
                                     param.size))
    finally:
        for d in drops:
            d.freeze_mask = False
    # The full time at the rate measured: what the user gets by dividing the time shown by the
    # entries shown and multiplying by all of them (each entry costs two forward passes).
    yield GradCheckResult(checks, backprop, spent, spent / max(done, 1) * total)


__all__ = [
    "BINS", "Histogram", "LayerDynamics", "LayerStats", "Progress", "activation_layer_names",
    "confusion_matrix", "dead_fraction", "finite_range", "gradcheck_steps", "histogram",
    "histogram_pair", "histograms", "layer_dynamics", "layer_stats", "per_class_accuracy",
    "predict_steps", "ranked_examples", "weight_names",
]
