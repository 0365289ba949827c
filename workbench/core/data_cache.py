"""The one cache of prepared data sets, shared by every page (Build & Train, Compare, Inspect).

Keyed by the data configuration (:class:`nn.experiment.DataConfig`): pages asking for the same
configuration get the same :class:`~nn.experiment.PreparedData` object, so full MNIST sits in
memory once however many pages use it. A set being prepared is prepared once: a second caller
(another page's worker thread) waits for it instead of loading a second copy. The last
:data:`CACHE_SIZE` configurations are kept; the arrays are only ever read. Qt-free and
thread-safe: workers call :meth:`DataCache.get`, the GUI thread :meth:`DataCache.peek`.
"""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable

from nn import datasets, experiment
from nn.errors import DownloadCancelled
from nn.experiment import DataConfig, PreparedData

CACHE_SIZE = 3  # configurations kept (e.g. Build & Train's set and two Compare settings)
_WAIT_POLL = 0.05  # seconds between cancel checks while another thread prepares the set


def data_key(config: DataConfig) -> str:
    """The cache key of a data configuration: its fields as sorted JSON."""
    return json.dumps(config.__dict__, sort_keys=True, default=str)


class DataCache:
    """Prepared data sets by configuration (see the module docstring)."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._lock = threading.Lock()
        self._sets: OrderedDict[str, PreparedData] = OrderedDict()
        self._loading: dict[str, threading.Event] = {}

    def peek(self, config: DataConfig) -> PreparedData | None:
        """The prepared set if it is in memory, without loading anything (GUI thread)."""
        with self._lock:
            return self._sets.get(data_key(config))

    def get(self, config: DataConfig, should_cancel: Callable[[], bool] | None = None
            ) -> PreparedData:
        """The prepared set for ``config``, prepared now if needed (call from a worker thread).

        ``should_cancel`` is passed to :func:`nn.experiment.prepare_data` (a download stops at
        its next chunk) and checked while waiting for another thread's preparation.
        """
        key = data_key(config)
        while True:
            with self._lock:
                if key in self._sets:
                    self._sets.move_to_end(key)
                    return self._sets[key]
                pending = self._loading.get(key)
                if pending is None:
                    pending = self._loading[key] = threading.Event()
                    break  # this thread prepares it
            while not pending.wait(_WAIT_POLL):  # another thread prepares it: wait
                if should_cancel is not None and should_cancel():
                    raise DownloadCancelled("cancelled while the data was being prepared")
        try:
            data = experiment.prepare_data(config, should_cancel=should_cancel)
            with self._lock:
                self._sets[key] = data
                while len(self._sets) > self.size:
                    self._sets.popitem(last=False)
            return data
        finally:
            with self._lock:
                del self._loading[key]
            pending.set()

    def num_classes(self, config: DataConfig) -> int:
        """How many classes ``config``'s set has: 10 for the image sets without loading them;
        the toy sets are generated (instantly) to count theirs."""
        if config.name not in datasets.TOY_DATASETS:
            return 10
        return self.get(config).num_classes

    def clear(self) -> None:
        with self._lock:
            self._sets.clear()


#: The application's cache: every page uses this one.
DATA_CACHE = DataCache()

__all__ = ["CACHE_SIZE", "DATA_CACHE", "DataCache", "data_key"]
