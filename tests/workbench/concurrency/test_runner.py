"""The job runner: streams, stop (final events kept), cancel (everything dropped), supersede,
errors as messages."""

from __future__ import annotations

import threading
import time

import nn
from workbench.concurrency.runner import JobRunner


def test_generator_events_arrive_in_batches_in_order(qtbot):
    runner = JobRunner(emit_interval=0.01)
    got, batches = [], []
    runner.events.connect(lambda events: (got.extend(events), batches.append(len(events))))

    def gen(_token):
        for i in range(200):
            time.sleep(0.0005)
            yield i

    with qtbot.waitSignal(runner.done, timeout=10000) as done:
        runner.start_generator(gen)
    assert done.args == [None]
    assert got == list(range(200)) and len(batches) < 200
    qtbot.waitUntil(lambda: not runner.running, timeout=5000)


def test_task_runs_in_a_worker_thread_and_returns_its_value(qtbot):
    runner = JobRunner()
    with qtbot.waitSignal(runner.done, timeout=5000) as done:
        runner.start_task(lambda _token: threading.get_ident())
    assert done.args[0] != threading.get_ident()


def test_errors_reach_the_gui_as_one_line_messages(qtbot):
    runner = JobRunner()
    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.start_task(lambda _token: 1 / 0)
    assert failed.args == ["ZeroDivisionError: division by zero"]

    def engine_error(_token):
        raise nn.DatasetError("MNIST files not found in /nowhere")

    with qtbot.waitSignal(runner.failed, timeout=5000) as failed:
        runner.start_task(engine_error)
    assert failed.args == ["MNIST files not found in /nowhere"]  # the engine's own words
    qtbot.waitUntil(lambda: not runner.running, timeout=5000)


def test_stop_ends_the_job_early_and_keeps_what_it_sends_while_ending(qtbot):
    runner = JobRunner(emit_interval=0.0)
    got = []
    runner.events.connect(got.extend)

    def endless(token):
        i = 0
        while not token.is_set():
            i += 1
            yield i
            time.sleep(0.001)
        yield "stopped"

    runner.start_generator(endless)
    qtbot.waitUntil(lambda: len(got) > 3, timeout=5000)
    with qtbot.waitSignal(runner.done, timeout=5000):
        runner.stop()
    assert got[-1] == "stopped"
    qtbot.waitUntil(lambda: not runner.running, timeout=5000)


def test_results_of_a_cancelled_job_are_dropped(qtbot):
    runner = JobRunner(emit_interval=0.0)
    seen = []
    runner.events.connect(seen.append)
    runner.done.connect(seen.append)
    runner.failed.connect(seen.append)
    ended = threading.Event()

    def job(token):
        token.wait(5)
        token.report("late event")
        ended.set()
        return "late result"

    runner.start_task(job)
    running = []
    runner.runningChanged.connect(running.append)
    runner.cancel()
    assert running == [False] and not runner.running  # free at once
    assert ended.wait(5)  # the job saw the token and ended by itself
    qtbot.wait(100)  # its queued signals are delivered now, and must be dropped
    assert seen == []


def test_a_new_job_supersedes_the_running_one(qtbot):
    runner = JobRunner()
    results = []
    runner.done.connect(results.append)
    cancelled = []
    runner.start_task(lambda token: (token.wait(5), cancelled.append(token.is_set()), "old")[2])
    runner.start_task(lambda _token: "new")
    qtbot.waitUntil(lambda: results == ["new"] and cancelled == [True], timeout=5000)
    qtbot.wait(50)
    assert results == ["new"]
    assert runner.shutdown()


def test_a_blocking_task_reports_progress_through_its_token(qtbot):
    runner = JobRunner(emit_interval=0.0)
    got = []
    runner.events.connect(got.extend)

    def download(token):
        for done in (10, 20, 30):
            token.report((done, 30))
        return "folder"

    with qtbot.waitSignal(runner.done, timeout=5000) as done:
        runner.start_task(download)
    assert got == [(10, 30), (20, 30), (30, 30)] and done.args == ["folder"]


def test_shutdown_cancels_and_joins_the_thread(qtbot):
    runner = JobRunner()
    saw_cancel = threading.Event()

    def job(token):
        while not token.wait(0.01):
            pass
        saw_cancel.set()

    runner.start_task(job)
    t0 = time.perf_counter()
    assert runner.shutdown(timeout_ms=5000)
    assert saw_cancel.is_set() and time.perf_counter() - t0 < 2
    assert not runner.running
