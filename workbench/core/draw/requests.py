"""The Draw page's inference requests: the forward pass and saliency, run off the GUI thread.

For the book's networks a forward pass takes about a millisecond, but a large model, a busy
machine or a training run sharing the BLAS threads can make it take far longer; in a worker
thread the pen and the canvas stay fluid whatever the model costs. The page sends
:func:`compute` of each :class:`Request` to a
:class:`~workbench.concurrency.latest.LatestWins` service: while one is computed, newer ones
replace each other and only the newest is computed next, so the bars are never more than one
computation behind the pen.

The model in a request belongs to the worker while it computes (a forward pass writes the
layers' caches): the page hands over its private copy and never runs it itself; the service
never runs two requests at once.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

import nn
from workbench.core.draw.activations import LayerActivation, activations
from workbench.core.draw.inference import Prediction, from_logits, predict
from workbench.core.draw.saliency import saliency_map
from workbench.core.errors import error_message


@dataclass(frozen=True)
class Request:
    """Classify ``x28`` with ``model``; with ``saliency`` (a method name) explain it too, with
    ``layers`` keep every layer's activations for the live strip. ``tag`` travels back
    unchanged with the result (the page's bookkeeping)."""

    seq: int
    model: nn.Sequential
    x28: NDArray[np.float32]
    saliency: str | None = None
    tag: Any = None
    layers: bool = False


@dataclass(frozen=True)
class Result:
    """The answer to a :class:`Request`; ``error`` is a one-line message if the model failed."""

    request: Request
    prediction: Prediction | None
    saliency: NDArray[np.float64] | None
    error: str | None
    seconds: float
    layers: list[LayerActivation] | None = None


def compute(request: Request) -> Result:
    """Run a request (in whatever thread calls it)."""
    start = time.perf_counter()
    prediction = saliency = error = layers = None
    try:
        if request.layers:
            logits, layers = activations(request.model, request.x28)
            prediction = from_logits(request.model, logits)
        else:
            prediction = predict(request.model, request.x28)
        if request.saliency is not None:
            saliency = saliency_map(request.model, request.x28, prediction.top,
                                    request.saliency)
    except Exception as exc:  # noqa: BLE001 — a user's model may fail in any way: report it
        error = error_message(exc)
    return Result(request, prediction, saliency, error, time.perf_counter() - start, layers)
