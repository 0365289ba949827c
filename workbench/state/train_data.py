"""The Build & Train page's data side: prepared data sets kept for reuse, and the builder's
network kept in step with the chosen data (input shape, and as many outputs as classes)."""

from __future__ import annotations

import json
import threading

import nn
from nn.experiment import DataConfig, PreparedData, prepare_data
from workbench.state import BuilderState

IMAGE_SHAPE = (1, 28, 28)  # (C, H, W) of every image data set
POINT_SHAPE = (2,)  # the toy 2-D sets


def expected_input_shape(data: DataConfig) -> tuple[int, ...]:
    return POINT_SHAPE if data.name in nn.datasets.TOY_DATASETS else IMAGE_SHAPE


class DataCache:
    """The last prepared data set, by its configuration: one set in memory, reused while the
    configuration stays the same. Safe to call from the training worker and the GUI thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: str | None = None
        self._data: PreparedData | None = None

    def get(self, config: DataConfig) -> PreparedData:
        key = json.dumps(config.__dict__, sort_keys=True, default=str)
        with self._lock:
            if key != self._key or self._data is None:
                self._data, self._key = prepare_data(config), key
            return self._data

    def num_classes(self, config: DataConfig) -> int:
        if config.name not in nn.datasets.TOY_DATASETS:
            return 10
        return self.get(config).num_classes  # toy sets are generated instantly


def fit_builder_to_data(builder: BuilderState, data: DataConfig, cache: DataCache) -> bool:
    """Fit the builder's network to ``data``: a new preset when the input kind changes (images
    vs 2-D points), else the last Dense layer's width to the number of classes. Returns whether
    the kind changed from an existing network (the caller adapts the training settings)."""
    shape = expected_input_shape(data)
    if builder.input_shape != shape or not builder.layers:
        kind_changed = bool(builder.layers)
        if shape == IMAGE_SHAPE:
            builder.load_preset("simple_convnet", input_shape=shape, classes=10)
        else:
            builder.load_preset("multi_layer_net", input_shape=shape, hidden_sizes=[32, 32],
                                classes=cache.num_classes(data))
        return kind_changed
    classes = cache.num_classes(data)
    dense = [i for i, spec in enumerate(builder.layers) if spec["type"] == "Dense"]
    v = builder.validation()
    if v.ok and v.output_shape != (classes,) and dense:
        builder.update(dense[-1], units=classes)
    return False


__all__ = ["IMAGE_SHAPE", "DataCache", "expected_input_shape", "fit_builder_to_data"]
