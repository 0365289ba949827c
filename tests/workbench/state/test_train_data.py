"""The Build & Train page keeps the builder's network fitted to the chosen data, and prepares
a data set once while its configuration stays the same."""

from __future__ import annotations

from nn.experiment import DataConfig
from workbench.state import BuilderState
from workbench.state.train_data import (
    IMAGE_SHAPE,
    DataCache,
    expected_input_shape,
    fit_builder_to_data,
)


def test_the_cache_keeps_one_prepared_set():
    cache = DataCache()
    moons = DataConfig("moons", toy_n=100)
    first = cache.get(moons)
    assert cache.get(DataConfig("moons", toy_n=100)) is first  # equal configuration: reused
    spiral = cache.get(DataConfig("spiral", toy_n=90))
    assert spiral is not first and cache.get(moons) is not first  # one set in memory
    assert cache.num_classes(DataConfig("spiral", toy_n=90)) == spiral.num_classes == 3
    assert cache.num_classes(DataConfig("mnist")) == 10  # images: no loading needed


def test_the_network_follows_the_data():
    builder, cache = BuilderState(), DataCache()
    assert fit_builder_to_data(builder, DataConfig("digits"), cache) is False  # empty → preset
    assert builder.input_shape == IMAGE_SHAPE == expected_input_shape(DataConfig("mnist"))
    assert builder.validation().output_shape == (10,)
    assert fit_builder_to_data(builder, DataConfig("spiral", toy_n=90), cache) is True
    assert builder.input_shape == (2,) and builder.validation().output_shape == (3,)
    assert fit_builder_to_data(builder, DataConfig("moons", toy_n=90), cache) is False
    assert builder.validation().output_shape == (2,)  # same kind: only the last width changes
