"""The latest-request-wins service: older results dropped, waiting requests replaced, never two
computations at once, inline runs under the budget, discard, errors as messages."""

from __future__ import annotations

import threading

import pytest

from workbench.concurrency.latest import LatestWins


class Gate:
    """A computation that blocks until released, recording what ran and whether two ran at
    the same time."""

    def __init__(self) -> None:
        self.release = threading.Event()
        self.ran: list[str] = []
        self.active = 0
        self.overlap = False
        self._lock = threading.Lock()

    def job(self, name: str, block: bool = False):
        def fn():
            with self._lock:
                self.active += 1
                self.overlap = self.overlap or self.active > 1
            if block:
                self.release.wait(5)
            self.ran.append(name)
            with self._lock:
                self.active -= 1
            return name
        return fn


@pytest.fixture
def service(qtbot):
    s = LatestWins(budget=0.0)
    yield s
    s.shutdown()


def test_only_the_latest_request_is_computed_and_delivered(qtbot, service):
    gate, got = Gate(), []
    service.done.connect(got.append)
    service.submit(gate.job("a", block=True))
    qtbot.waitUntil(lambda: gate.active == 1, timeout=5000)
    service.submit(gate.job("b"))
    service.submit(gate.job("c"))  # replaces the waiting "b"
    assert service.busy
    gate.release.set()
    qtbot.waitUntil(lambda: not service.busy, timeout=5000)
    assert gate.ran == ["a", "c"]  # "b" was never computed
    assert got == ["c"]  # "a" was superseded while it ran: dropped
    assert not gate.overlap


def test_show_superseded_delivers_each_computed_result_in_order(qtbot):
    service = LatestWins(budget=0.0, show_superseded=True)
    gate, got = Gate(), []
    service.done.connect(got.append)
    service.submit(gate.job("a", block=True))
    qtbot.waitUntil(lambda: gate.active == 1, timeout=5000)
    service.submit(gate.job("b"))
    service.submit(gate.job("c"))
    gate.release.set()
    qtbot.waitUntil(lambda: not service.busy, timeout=5000)
    assert got == ["a", "c"]  # one computation behind the input, never out of order
    service.shutdown()


def test_discard_drops_the_running_result_but_never_overlaps(qtbot, service):
    gate, got = Gate(), []
    service.done.connect(got.append)
    service.submit(gate.job("a", block=True))
    qtbot.waitUntil(lambda: gate.active == 1, timeout=5000)
    service.submit(gate.job("b"))
    service.discard()
    assert service.busy  # "a" still computes: a new request waits for it
    service.submit(gate.job("c"))
    gate.release.set()
    qtbot.waitUntil(lambda: got == ["c"], timeout=5000)
    assert gate.ran == ["a", "c"] and not gate.overlap


def test_quick_requests_run_inline_slow_ones_in_the_worker(qtbot):
    service = LatestWins(budget=0.03)
    service.seconds_per_unit = 1e-6
    got = []
    service.done.connect(got.append)
    service.submit(lambda: threading.get_ident(), units=10)  # predicted 10 µs: inline
    assert got == [threading.get_ident()] and service.inline_runs == 1
    with qtbot.waitSignal(service.done, timeout=5000) as done:
        service.submit(lambda: threading.get_ident(), units=1e6)  # predicted 1 s: thread
    assert done.args[0] != threading.get_ident() and service.background_runs == 1
    service.shutdown()


def test_errors_become_messages_inline_and_in_the_worker(qtbot):
    service = LatestWins(budget=0.03)
    service.seconds_per_unit = 1e-6
    messages = []
    service.failed.connect(messages.append)

    def broken():
        raise ValueError("Steps must be positive")

    service.submit(broken, units=1)
    with qtbot.waitSignal(service.failed, timeout=5000):
        service.submit(broken, units=1e6)
    assert messages == ["ValueError: Steps must be positive"] * 2
    service.shutdown()


def test_busy_changes_once_per_busy_period(qtbot, service):
    gate, states = Gate(), []
    service.busyChanged.connect(states.append)
    service.submit(gate.job("a", block=True))
    service.submit(gate.job("b"))
    gate.release.set()
    qtbot.waitUntil(lambda: not service.busy, timeout=5000)
    assert states == [True, False]
