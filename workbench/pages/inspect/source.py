"""Where the Inspect page's views get their model, data and live statistics from.

:class:`InspectSource` wraps the :class:`~workbench.shell.context.AppContext`: it tells the views
which model to read (the live model when idle, the latest consistent snapshot while training),
loads the data set in the background when no page has loaded it yet, registers the training
probe and files its payloads in per-model :class:`~workbench.state.inspect.records.Records`.
"""

from __future__ import annotations

import json
import math
from typing import Any

from PySide6.QtCore import QObject, Signal

import nn
from nn.experiment import PreparedData
from workbench.concurrency.runner import JobRunner
from workbench.core.data_cache import DATA_CACHE
from workbench.core.i18n import tr
from workbench.core.training_events import Probe
from workbench.shell.context import AppContext
from workbench.state.inspect.records import (
    PROBE_BUDGET,
    PROBE_BUDGET_HIDDEN,
    PROBE_INTERVAL,
    PROBE_NAME,
    InspectProbe,
    ModelRecord,
    ProbePayload,
    Records,
)


class InspectSource(QObject):
    """The page's view of the shared context.

    Signals
    -------
    modelReplaced(object)
        A different model (or None): views reset their selections.
    weightsChanged()
        New weights to show: a fresh snapshot while training, the model once it stops.
    trainingChanged(bool)
    statsChanged()
        New live statistics (or initial weights) for the current model arrived from the probe.
    dataChanged()
        :meth:`data` changed (loaded, or another data set chosen).
    dataFailed(str)
        Loading the data failed; the message says why.
    """

    modelReplaced = Signal(object)
    weightsChanged = Signal()
    trainingChanged = Signal(bool)
    statsChanged = Signal()
    dataChanged = Signal()
    dataFailed = Signal(str)

    def __init__(self, context: AppContext, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.records = Records()
        self._model: nn.Sequential | None = None
        self._loaded: tuple[str, PreparedData] | None = None
        self._loading_key: str | None = None
        self._loader = JobRunner(self)
        self._loader.done.connect(self._on_loaded)
        self._loader.failed.connect(self._on_load_failed)
        self.probe = InspectProbe(budget=PROBE_BUDGET_HIDDEN)  # until the page is shown
        context.add_probe(Probe(PROBE_NAME, self.probe, PROBE_INTERVAL))
        context.modelChanged.connect(self._on_model)
        context.snapshotChanged.connect(self._on_snapshot)
        context.trainingChanged.connect(self._on_training)
        context.dataChanged.connect(lambda _d: self.dataChanged.emit())
        context.probed.connect(self._on_probe)
        self._model = context.model

    # ------------------------------------------------------------------------------ model
    @property
    def architecture(self) -> nn.Sequential | None:
        """The current model, for its structure only (its weights change while training)."""
        return self._model

    @property
    def model(self) -> nn.Sequential | None:
        """A model whose weights are safe to read now (:attr:`AppContext.readable_model`)."""
        return self.context.readable_model

    @property
    def training(self) -> bool:
        return self.context.training

    def working_copy(self) -> nn.Sequential | None:
        """A private copy of :attr:`model` for a worker thread (forward passes write layer
        caches, so two threads must never share one model)."""
        return self.context.working_copy()

    def record(self, model: nn.Sequential | None = None) -> ModelRecord | None:
        model = model if model is not None else self._model
        return None if model is None else self.records.get(model)

    def _on_model(self, model: nn.Sequential | None) -> None:
        if model is not self._model:
            self._model = model
            self.modelReplaced.emit(model)
        elif not self.context.training:
            self.weightsChanged.emit()

    def _on_snapshot(self, snapshot: nn.Sequential) -> None:
        if self.context.training:
            # A snapshot after modelChanged(training=True) belongs to the current run: the
            # worker takes its first one only after announcing the new model.
            self.weightsChanged.emit()

    def _on_training(self, training: bool) -> None:
        self.trainingChanged.emit(training)
        if not training and self._model is self.context.model:
            self.weightsChanged.emit()

    def _on_probe(self, name: str, payload: Any) -> None:
        if name != PROBE_NAME or not isinstance(payload, ProbePayload):
            return
        model = self.records.add(payload)
        if model is not None and model is self._model:
            self.statsChanged.emit()

    # ------------------------------------------------------------------------------- data
    def _data_key(self) -> str:
        return json.dumps(self.context.setup.data.__dict__, sort_keys=True, default=str)

    def data(self) -> PreparedData | None:
        """The data the model trains on, if loaded (see :meth:`request_data`)."""
        if self.context.data is not None:
            return self.context.data
        if self._loaded is not None and self._loaded[0] == self._data_key():
            return self._loaded[1]
        return DATA_CACHE.peek(self.context.setup.data)  # prepared for another page

    def request_data(self) -> PreparedData | None:
        """:meth:`data`, starting a background load of the selected data set when there is
        none yet (``dataChanged`` or ``dataFailed`` follows)."""
        data = self.data()
        if data is not None:
            return data
        key = self._data_key()
        if self._loading_key != key or not self._loader.running:
            self._loading_key = key
            config = self.context.setup.data
            self._loader.start_task(
                lambda token: (key, DATA_CACHE.get(config, should_cancel=token.is_set)))
        return None

    def _on_loaded(self, result: tuple[str, PreparedData]) -> None:
        self._loaded = result
        self._loading_key = None
        self.dataChanged.emit()

    def _on_load_failed(self, message: str) -> None:
        self._loading_key = None
        self.dataFailed.emit(tr("Could not load the data set: {message}").format(message=message))

    @staticmethod
    def mismatch(model: nn.Sequential, data: PreparedData, classes: bool = True) -> str | None:
        """A message if ``model`` cannot run on ``data`` (input size or class count)."""
        want, have = model.input_shape, data.input_shape
        if math.prod(want) != math.prod(have):
            return tr("This model expects inputs of shape {want}, but the data set "
                      "“{name}” has {have}. Choose matching data on Build & Train.").format(
                want="×".join(map(str, want)), name=data.name, have="×".join(map(str, have)))
        if classes and model.num_classes != data.num_classes:
            return tr("This model predicts {k} classes, but the data set “{name}” has {n}."
                      ).format(k=model.num_classes, name=data.name, n=data.num_classes)
        return None

    def set_watched(self, watched: bool) -> None:
        """While nobody looks at the page, the live probe keeps to a smaller share of the
        training time (it still records the start and, more sparsely, the statistics)."""
        self.probe.budget = PROBE_BUDGET if watched else PROBE_BUDGET_HIDDEN

    def shutdown(self) -> None:
        self._loader.shutdown()
        self.context.remove_probe(PROBE_NAME)
