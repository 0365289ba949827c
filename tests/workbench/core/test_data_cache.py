"""One data cache for every page: same configuration, same prepared set; prepared once even
when two threads ask at the same time; the last few configurations kept."""

from __future__ import annotations

import threading
import time

import pytest

from nn import experiment
from nn.errors import DownloadCancelled
from nn.experiment import DataConfig
from workbench.core import compare_jobs
from workbench.core.data_cache import DATA_CACHE, DataCache, data_key


@pytest.fixture
def counted(monkeypatch):
    """prepare_data, slowed down and counted per configuration."""
    calls: list[str] = []
    real = experiment.prepare_data

    def slow(config, progress=None, should_cancel=None):
        calls.append(data_key(config))
        time.sleep(0.2)
        return real(config, progress=progress, should_cancel=should_cancel)

    monkeypatch.setattr(experiment, "prepare_data", slow)
    return calls


def test_equal_configurations_share_one_prepared_set(counted):
    cache = DataCache()
    first = cache.get(DataConfig("moons", toy_n=100))
    assert cache.get(DataConfig("moons", toy_n=100)) is first
    assert cache.peek(DataConfig("moons", toy_n=100)) is first
    assert cache.peek(DataConfig("moons", toy_n=101)) is None  # peek never loads
    assert len(counted) == 1


def test_two_threads_asking_at_once_prepare_the_set_once(counted):
    cache, results = DataCache(), []
    config = DataConfig("digits", val_fraction=0.1)
    threads = [threading.Thread(target=lambda: results.append(cache.get(config)))
               for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 3 and all(r is results[0] for r in results)
    assert counted == [data_key(config)]  # held once, never a second copy in flight


def test_a_waiting_caller_can_cancel(counted):
    cache = DataCache()
    config = DataConfig("digits")
    loader = threading.Thread(target=lambda: cache.get(config))
    loader.start()
    time.sleep(0.05)
    with pytest.raises(DownloadCancelled):
        cache.get(config, should_cancel=lambda: True)
    loader.join(30)
    assert cache.peek(config) is not None


def test_the_last_configurations_are_kept_and_older_ones_dropped():
    cache = DataCache(size=2)
    a, b, c = (DataConfig("moons", toy_n=n) for n in (60, 70, 80))
    first = cache.get(a)
    cache.get(b)
    assert cache.get(a) is first  # recently used: kept
    cache.get(c)
    assert cache.peek(b) is None and cache.peek(a) is first
    assert cache.num_classes(DataConfig("mnist")) == 10  # images: nothing loaded


def test_build_train_compare_and_inspect_read_the_same_cache(qtbot):
    from workbench.pages.inspect.source import InspectSource
    from workbench.pages.train.page import TrainPage
    from workbench.shell.context import AppContext
    from workbench.state import BuilderState, TrainingSetup

    config = DataConfig("moons", toy_n=120, toy_seed=7)
    from_compare = compare_jobs.load_data(config)
    assert DATA_CACHE.peek(config) is from_compare
    setup = TrainingSetup()
    setup.set_dataset("moons")
    setup.set_data(toy_n=120, toy_seed=7)
    context = AppContext(setup)
    page = TrainPage(BuilderState(), setup, context)
    qtbot.addWidget(page)
    assert page.data_cache is DATA_CACHE
    source = InspectSource(context)
    assert source.data() is from_compare  # prepared for Compare, not loaded again
    page.shutdown()
