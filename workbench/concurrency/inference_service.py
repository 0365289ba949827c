"""The Draw page's inference thread: the forward pass and saliency run off the GUI thread.

For the book's networks a forward pass takes about a millisecond, but a large model, a busy
machine or a training run sharing the BLAS threads can make it take far longer; in a worker
thread the pen and the canvas stay fluid whatever the model costs. Requests are *latest-wins*:
while one is computed, newer ones replace each other and only the newest is sent next, so the
bars are never more than one computation behind the pen.

The model in a request belongs to the worker while it computes (a forward pass writes the
layers' caches): the page hands over its private copy and never runs it itself.
"""

from __future__ import annotations

import atexit
import time
import traceback
import weakref
from dataclasses import dataclass
from typing import Any

import numpy as np
import shiboken6
from numpy.typing import NDArray
from PySide6.QtCore import QObject, QThread, Signal, Slot

import nn
from workbench.core.draw.activations import LayerActivation, activations
from workbench.core.draw.inference import Prediction, from_logits, predict
from workbench.core.draw.saliency import saliency_map


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
        error = traceback.format_exception_only(type(exc), exc)[-1].strip()
    return Result(request, prediction, saliency, error, time.perf_counter() - start, layers)


class _Worker(QObject):
    done = Signal(object)  # Result

    @Slot(object)
    def run(self, request: Request) -> None:
        self.done.emit(compute(request))


class InferenceService(QObject):
    """GUI-side owner of the inference thread. :meth:`submit` requests; :attr:`resultReady`
    delivers each result in the GUI thread, in order. The thread ends with :meth:`shutdown`, or
    at the latest when this object is destroyed."""

    resultReady = Signal(object)  # Result
    _send = Signal(object)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread = QThread()  # Python-owned, like the other workers' threads
        self._thread.setObjectName("draw-inference")
        self._worker = _Worker()
        self._worker.moveToThread(self._thread)
        self._send.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._busy = False
        self._pending: Request | None = None
        thread = self._thread
        self.destroyed.connect(lambda *_: _stop(thread))  # never destroy a running QThread
        _LIVE.add(self)
        self._thread.start()

    @property
    def busy(self) -> bool:
        """A request is being computed or waits to be."""
        return self._busy or self._pending is not None

    def submit(self, request: Request) -> None:
        """Compute ``request`` now, or after the current one (replacing any waiting one)."""
        if self._busy:
            self._pending = request
            return
        self._busy = True
        self._send.emit(request)

    def discard_pending(self) -> None:
        self._pending = None

    def _on_done(self, result: Result) -> None:
        self._busy = False
        if self._pending is not None:
            request, self._pending = self._pending, None
            self.submit(request)
        self.resultReady.emit(result)

    def shutdown(self, timeout_ms: int = 5000) -> bool:
        """Stop the thread after the current computation; True if it ended in time."""
        self._pending = None
        return _stop(self._thread, timeout_ms)


_LIVE: weakref.WeakSet[InferenceService] = weakref.WeakSet()


@atexit.register
def _stop_all() -> None:
    """At interpreter exit, before Python tears the wrappers down in any order."""
    for service in list(_LIVE):
        if shiboken6.isValid(service):
            service.shutdown()


def _stop(thread: QThread, timeout_ms: int = 5000) -> bool:
    if not shiboken6.isValid(thread):  # already gone at interpreter exit
        return True
    thread.quit()
    return bool(thread.wait(timeout_ms))
