"""What the pages share: the current model and data, training status, live probes, the drawing.

The Build & Train page publishes; Inspect, Draw and Compare listen. Rules for readers:

* ``model`` is the live model. While ``training`` is true the worker thread updates it in
  place, so never compute on it then. :attr:`AppContext.readable_model` is the one answer to
  "which model may I read now": the live model when idle, the latest ``snapshot`` (a
  consistent copy made in the worker thread every ``SNAPSHOT_INTERVAL`` seconds and at every
  epoch end) while training — Inspect and Draw both read it. Or register a probe.
* Probes added with :meth:`AppContext.add_probe` run in the worker thread during every training
  run; their payloads arrive through :attr:`AppContext.probed`.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal

import nn
from nn.experiment import PreparedData
from workbench.core.training_events import Probe
from workbench.state.builder import BuilderState
from workbench.state.setup import TrainingSetup

SNAPSHOT_INTERVAL = 2.0


class AppContext(QObject):
    modelChanged = Signal(object)  # nn.Sequential | None — a new current model
    snapshotChanged = Signal(object)  # nn.Sequential — a consistent copy (during training too)
    dataChanged = Signal(object)  # PreparedData | None — the data the model trains on
    trainingChanged = Signal(bool)
    probed = Signal(str, object)  # probe name, payload (worker-made copies)
    drawingChanged = Signal(object)  # (28, 28) float32 in 0..1: the Draw page's current input
    pageRequested = Signal(str)  # ask the main window to show a page ("inspect", …)
    featureMapsRequested = Signal()  # show the drawing's feature maps (Inspect page)

    def __init__(self, setup: TrainingSetup | None = None, parent: QObject | None = None, *,
                 builder: BuilderState | None = None) -> None:
        super().__init__(parent)
        #: The training set-up (its ``data`` config tells pages which data set is selected,
        #: for when ``data`` has not been loaded yet).
        self.setup = setup if setup is not None else TrainingSetup()
        #: The model builder's state (what Build & Train shows), which Inspect compares with
        #: the model it shows.
        self.builder = builder if builder is not None else BuilderState()
        self.model: nn.Sequential | None = None
        self.snapshot: nn.Sequential | None = None
        self.data: PreparedData | None = None
        self.training = False
        self.drawing: np.ndarray | None = None
        #: The model the Draw page classifies ``drawing`` with (a private copy), if any.
        self.drawing_model: nn.Sequential | None = None
        self._probes: dict[str, Probe] = {}

    # ------------------------------------------------------------------------- reading
    @property
    def readable_model(self) -> nn.Sequential | None:
        """The model a page may read now: the live model when idle; while training, the
        latest snapshot of the run (None until the first one arrives — never the live model,
        which the worker updates in place)."""
        if not self.training:
            return self.model
        return None if self.snapshot is self.model else self.snapshot

    def working_copy(self) -> nn.Sequential | None:
        """A private copy of :attr:`readable_model` for a worker thread (forward passes write
        layer caches, so two threads must never share one model)."""
        model = self.readable_model
        return None if model is None else model.copy()

    # ------------------------------------------------------------------------ publishing
    def set_model(self, model: nn.Sequential | None, training: bool = False) -> None:
        self.model = model
        self.set_training(training)
        if training:
            # The worker is already updating the model: no consistent copy exists until its
            # snapshot probe (run before the first step) arrives through receive_probe.
            self.snapshot = None
        elif model is not None:
            self.snapshot = model
        self.modelChanged.emit(model)
        if model is not None and not training:
            self.snapshotChanged.emit(model)

    def set_training(self, training: bool) -> None:
        if training != self.training:
            self.training = training
            self.trainingChanged.emit(training)

    def set_data(self, data: PreparedData | None) -> None:
        self.data = data
        self.dataChanged.emit(data)

    def set_drawing(self, image: np.ndarray | None,
                    model: nn.Sequential | None = None) -> None:
        self.drawing = None if image is None else np.array(image, dtype=np.float32)
        if model is not None:
            self.drawing_model = model
        self.drawingChanged.emit(self.drawing)

    def request_feature_maps(self, image: np.ndarray, model: nn.Sequential | None) -> None:
        """Show ``image``'s feature maps through ``model`` on the Inspect page."""
        self.set_drawing(image, model)
        self.request_page("inspect")
        self.featureMapsRequested.emit()

    def receive_probe(self, name: str, payload: Any) -> None:
        """Called by the training page for every probe payload."""
        if name == "snapshot":
            self.snapshot = payload
            self.snapshotChanged.emit(payload)
        self.probed.emit(name, payload)

    # -------------------------------------------------------------------------- probes
    def add_probe(self, probe: Probe) -> None:
        """Run ``probe`` in every training run from now on (replaces one of the same name)."""
        self._probes[probe.name] = probe

    def remove_probe(self, name: str) -> None:
        self._probes.pop(name, None)

    def probes(self) -> list[Probe]:
        """Fresh copies of the registered probes plus the model snapshot probe."""
        snapshot = Probe("snapshot", lambda trainer: trainer.model.copy(), SNAPSHOT_INTERVAL)
        return [snapshot] + [Probe(p.name, p.compute, p.interval) for p in self._probes.values()]

    def request_page(self, key: str) -> None:
        self.pageRequested.emit(key)
