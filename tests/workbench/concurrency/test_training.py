"""The training controller and its worker generator: snapshots, probes, stop, shutdown, stale
runs, failures."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from PySide6.QtCore import QCoreApplication

import nn
from nn.training import Finished, Paused, Stopped, Trainer, TrainSettings
from workbench.concurrency.training import TrainingController
from workbench.core.cancel import CancelToken
from workbench.core.training_events import Prepared, Probe, Probed, StepBatch, training_events


def toy_trainer(epochs=3, seed=0):
    ds = nn.datasets.load("moons", n=400, seed=0)
    model = nn.presets.build("multi_layer_net", hidden_sizes=[16], input_shape=(2,), classes=2,
                             seed=seed)
    return Trainer(model, nn.optimizers.get("adam", lr=0.01), (ds.x_train, ds.y_train), None,
                   (ds.x_test, ds.y_test), TrainSettings(batch_size=20, epochs=epochs))


def test_run_delivers_snapshots_epochs_probes_and_finish(qtbot):
    controller = TrainingController()
    batches, epochs, probes = [], [], []
    controller.steps.connect(batches.append)
    controller.epochEnded.connect(epochs.append)
    controller.probed.connect(lambda name, payload: probes.append((name, payload)))
    thread_ids = []
    probe = Probe("weights", lambda t: (thread_ids.append(threading.get_ident()),
                                        t.model.named_parameters()["0.W"].copy())[1], 0.0)
    with qtbot.waitSignal(controller.finished, timeout=20000) as done:
        controller.start(toy_trainer(), probes=[probe])
    assert isinstance(done.args[0], Finished)
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)
    iterations = [i for b in batches for i in b.iterations]
    assert iterations == list(range(1, 61))  # every step arrives exactly once, in order
    assert all(isinstance(b, StepBatch) for b in batches)
    assert len(batches) < 60  # batched, not one signal per step
    assert [e.epoch for e in epochs] == [1, 2, 3]
    assert probes and all(name == "weights" for name, _ in probes)
    assert threading.get_ident() not in thread_ids  # computed in the worker thread
    # payloads are copies: later training does not change an earlier snapshot
    assert not np.shares_memory(probes[0][1], controller.trainer.model.named_parameters()["0.W"])


def test_factory_runs_in_worker_and_stop_is_clean(qtbot):
    controller = TrainingController()
    built_in = []

    def factory():
        built_in.append(threading.get_ident())
        return toy_trainer(epochs=1000)

    prepared = []
    controller.prepared.connect(prepared.append)
    controller.start(factory)
    qtbot.waitUntil(lambda: bool(prepared), timeout=10000)
    assert built_in and built_in[0] != threading.get_ident()
    with qtbot.waitSignal(controller.finished, timeout=10000) as done:
        controller.stop()
    assert isinstance(done.args[0], Stopped)
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)


def test_a_stop_before_the_trainer_starts_is_not_lost(qtbot):
    """Stop clicked between "prepared" and the trainer's first step (``run()`` clears the
    trainer's own stop flag when it begins): the probe that runs in exactly that gap stops."""
    controller = TrainingController()
    stop_in_the_gap = Probe("stop", lambda _trainer: controller.stop(), 0.0)
    with qtbot.waitSignal(controller.finished, timeout=10000) as done:
        controller.start(toy_trainer(epochs=1000), probes=[stop_in_the_gap])
    assert isinstance(done.args[0], Stopped)
    assert done.args[0].iteration <= 1  # honoured at the first step (it was lost before)
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)


def test_shutdown_while_preparing_or_paused_ends_the_thread(qtbot):
    controller = TrainingController()
    preparing, paused = threading.Event(), []

    def slow_factory():
        preparing.set()
        time.sleep(0.3)  # still preparing when the shutdown below comes
        return toy_trainer(epochs=1000)

    controller.start(slow_factory)
    assert preparing.wait(10)
    assert controller.shutdown(timeout_ms=30000)  # ended (the factory finishes, then stops)
    assert not controller.running
    controller.stateChanged.connect(paused.append)
    steps = []
    controller.steps.connect(steps.append)
    controller.start(toy_trainer(epochs=1000))
    qtbot.waitUntil(lambda: bool(steps), timeout=10000)  # training
    controller.pause()
    qtbot.waitUntil(lambda: any(isinstance(e, Paused) for e in paused), timeout=10000)
    assert controller.shutdown(timeout_ms=10000)


def test_results_of_a_replaced_run_are_dropped(qtbot):
    controller = TrainingController()
    seen = []
    controller.steps.connect(seen.append)
    controller.start(toy_trainer(epochs=1000))
    qtbot.waitUntil(lambda: bool(seen), timeout=10000)  # steps are being delivered
    controller.shutdown()  # the thread has ended: nothing more can be sent
    seen.clear()
    QCoreApplication.sendPostedEvents()  # delivers every signal the old run had queued
    QCoreApplication.processEvents()
    assert seen == []


def test_failures_are_reported_not_raised(qtbot):
    controller = TrainingController()

    def broken():
        raise nn.DatasetError("MNIST files not found in /nowhere")

    with qtbot.waitSignal(controller.failed, timeout=5000) as failed:
        controller.start(broken)
    assert failed.args[0] == "MNIST files not found in /nowhere"
    qtbot.waitUntil(lambda: not controller.running, timeout=5000)


def test_live_learning_rate_change(qtbot):
    controller = TrainingController()
    lrs = []
    controller.steps.connect(lambda b: lrs.extend(b.lrs))
    controller.start(toy_trainer(epochs=1000))
    qtbot.waitUntil(lambda: len(lrs) > 5, timeout=10000)
    controller.set_hyperparameters(lr=0.002)
    qtbot.waitUntil(lambda: lrs[-1] == 0.002, timeout=10000)
    with pytest.raises(ValueError, match="learning rate"):
        controller.set_hyperparameters(lr=-1)
    assert controller.shutdown()


def test_training_events_without_qt_batch_steps_and_stop_on_the_token():
    token = CancelToken()
    events = training_events(toy_trainer(epochs=1000), token, emit_interval=0.0,
                             probes=[Probe("w", lambda t: t.model.named_parameters()["0.W"]
                                           .copy(), 0.0)])
    first = [next(events) for _ in range(4)]
    assert isinstance(first[0], Prepared) and isinstance(first[1], Probed)
    assert any(isinstance(e, StepBatch) for e in first)
    token.set()  # the trainer attached to the token stops after its current step
    rest = list(events)
    assert isinstance(rest[-1], Stopped)
    assert isinstance(rest[-2], Probed)  # the final probe comes before the terminal event
