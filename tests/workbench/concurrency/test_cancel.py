"""The cancel token, without Qt: attached stops, late attachment, Event behaviour, reports."""

from __future__ import annotations

import threading

from workbench.core.cancel import CancelToken


def test_set_calls_every_attached_stop_once():
    token = CancelToken()
    calls = []
    token.attach(lambda: calls.append("a"))
    token.attach(lambda: calls.append("b"))
    assert not token.is_set() and calls == []
    token.set()
    token.set()  # a second Stop click calls nothing twice
    assert token.is_set() and calls == ["a", "b"]


def test_a_stop_attached_after_cancelling_is_called_at_once():
    token = CancelToken()
    token.set()
    calls = []
    token.attach(lambda: calls.append("late"))  # a runner built after Stop was pressed
    assert calls == ["late"]


def test_wait_wakes_when_cancelled_from_another_thread():
    token = CancelToken()
    threading.Timer(0.05, token.set).start()
    assert token.wait(5.0)  # a paced loop wakes at once instead of sleeping on


def test_reports_go_to_the_sink_or_nowhere():
    seen = []
    CancelToken(seen.append).report(3)
    CancelToken().report(4)  # no sink: dropped, no error
    assert seen == [3]
