"""At exit every running job is stopped the same way: its token is set and its thread joined."""

from __future__ import annotations

import threading

import pytest

from workbench.concurrency import registry
from workbench.concurrency.latest import LatestWins
from workbench.concurrency.runner import JobRunner


@pytest.fixture(autouse=True)
def no_leftover_threads():
    """Start from an empty registry (earlier tests may leave threads ending)."""
    assert registry.stop_all(timeout_ms=10000)


def test_stop_all_stops_running_jobs_cooperatively(qtbot):
    runners = [JobRunner(), JobRunner()]
    stopped = []

    def job(token):
        token.wait(30)  # without the token this would run for half a minute
        stopped.append(token.is_set())

    for runner in runners:
        runner.start_task(job)
    superseded = JobRunner()
    superseded.start_task(job)
    superseded.start_task(job)  # the first one is cancelled and ends in the background
    assert registry.running_count() >= 3
    assert registry.stop_all(timeout_ms=5000)
    assert stopped == [True, True, True, True]
    assert registry.running_count() == 0


def test_stop_all_waits_a_bounded_time_for_a_job_that_ignores_its_token(qtbot):
    runner = JobRunner()
    release = threading.Event()
    runner.start_task(lambda _token: release.wait(10))
    assert not registry.stop_all(timeout_ms=100)  # gave up after 0.1 s, did not hang
    assert registry.running_count() == 1  # still referenced: never destroyed while running
    release.set()
    assert registry.stop_all(timeout_ms=5000)


def test_latest_wins_shutdown_joins_its_computation(qtbot):
    service = LatestWins(budget=0.0)
    release = threading.Event()
    service.submit(lambda: release.wait(0.2))
    service.shutdown()
    assert not service.busy and not service.runner.running
    assert registry.running_count() == 0
