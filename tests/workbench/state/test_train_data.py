"""The Build & Train page keeps the builder's network fitted to the chosen data, and prepares
a data set once while its configuration stays the same."""

from __future__ import annotations

from nn.experiment import DataConfig
from workbench.core.data_cache import DataCache
from workbench.state import BuilderState
from workbench.state.train_data import (
    IMAGE_SHAPE,
    expected_input_shape,
    fit_builder_to_data,
)


def test_a_one_set_cache_keeps_one_prepared_set():
    cache = DataCache(size=1)
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


def test_a_run_plan_is_fixed_when_made_and_completes_its_schedule_from_the_data():
    from nn.experiment import ModelSpec
    from workbench.state import TrainingSetup
    from workbench.state.setup import RunPlan

    setup = TrainingSetup()
    setup.set_training(epochs=4, batch_size=50)
    setup.set_schedule("cosine", min_factor=0.1)
    plan = RunPlan.make(setup, ModelSpec(preset="simple_convnet"))
    setup.set_training(epochs=9, batch_size=10)  # later edits on the GUI thread…
    setup.set_dataset("moons")
    run = plan.for_data(n_train=1001)  # … do not reach the plan the worker reads
    assert run.training.epochs == 4 and run.training.batch_size == 50
    assert run.data.name == plan.run.data.name != "moons"
    assert run.optimizer["schedule"] == {"name": "cosine", "total_steps": 4 * 21,
                                         "min_factor": 0.1}
