"""The Build & Train page's data side: the builder's network kept in step with the chosen data
(input shape, and as many outputs as classes). The prepared sets themselves are kept by
:mod:`workbench.core.data_cache`, shared by every page."""

from __future__ import annotations

import nn
from nn.experiment import DataConfig
from workbench.core.data_cache import DataCache
from workbench.state import BuilderState

IMAGE_SHAPE = (1, 28, 28)  # (C, H, W) of every image data set
POINT_SHAPE = (2,)  # the toy 2-D sets


def expected_input_shape(data: DataConfig) -> tuple[int, ...]:
    return POINT_SHAPE if data.name in nn.datasets.TOY_DATASETS else IMAGE_SHAPE


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


__all__ = ["IMAGE_SHAPE", "expected_input_shape", "fit_builder_to_data"]
