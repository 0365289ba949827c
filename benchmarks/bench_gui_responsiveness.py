"""GUI responsiveness while training ``simple_convnet`` in the workbench window.

Trains the same run twice — headless (a plain loop over the trainer) and through the main window
with its live plots — and reports:

* the event loop's worst delay: a ``QTimer`` fires every 10 ms during the GUI run; its lateness
  (actual interval − 10 ms) is recorded, while the window is also resized and pages/tabs are
  switched, as a user would;
* training throughput (images/s over the same iterations) with the live view vs headless.

    QT_QPA_PLATFORM=offscreen python benchmarks/bench_gui_responsiveness.py [--epochs 3]

Targets (issue 4): worst delay < 100 ms; GUI throughput within 15 % of headless.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from nn.experiment import ModelSpec, make_trainer, prepare_data  # noqa: E402
from nn.training import StepEnd  # noqa: E402
from workbench.state import TrainingSetup  # noqa: E402


def setup_for(epochs: int) -> TrainingSetup:
    """The same run for both sides; per-epoch evaluation shrunk to one sample so that only
    training is timed."""
    setup = TrainingSetup()
    setup.set_data(val_fraction=0.1)
    setup.set_training(epochs=epochs, batch_size=100, seed=0, train_eval_size=1, eval_size=1)
    return setup


def headless(epochs: int) -> tuple[float, int]:
    setup = setup_for(epochs)
    data = prepare_data(setup.data)
    trainer = make_trainer(setup.run_config(ModelSpec("simple_convnet"), 72), data)
    steps = sum(isinstance(event, StepEnd) for event in trainer.run())
    return trainer.elapsed, steps


def gui(epochs: int, user: bool = True, inspect: bool = True,
        probe_delays: bool = True) -> tuple[float, int, list[float]]:
    from PySide6.QtCore import QElapsedTimer, QEventLoop, QSettings, QTimer

    from workbench.shell.app import create_application

    create_application([])
    from workbench.shell.main_window import MainWindow

    settings = QSettings(tempfile.mktemp(suffix=".ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings)
    window.resize(1360, 860)
    window.show()
    window.setup.load_dict(setup_for(epochs).to_dict())
    window.builder.load_preset("simple_convnet")
    page = window.train_page
    if not inspect:
        window.context.remove_probe("inspect")

    delays: list[float] = []
    clock = QElapsedTimer()
    probe = QTimer()
    probe.setInterval(10)

    def tick() -> None:
        elapsed = clock.restart()
        if page.run.last_step is not None:  # measure while training runs
            delays.append(max(0.0, elapsed - 10.0))

    probe.timeout.connect(tick)
    actions = QTimer()
    actions.setInterval(500)
    sizes = [(1360, 860), (1200, 800), (1400, 900)]

    def act() -> None:  # what a user does meanwhile: resize, switch tabs
        w, h = sizes[len(delays) % len(sizes)]
        window.resize(w, h)
        page.tabs.setCurrentIndex((page.tabs.currentIndex() + 1) % page.tabs.count())

    actions.timeout.connect(act)
    steps = []
    page.controller.steps.connect(lambda batch: steps.extend(batch.iterations))
    clock.start()
    if probe_delays:  # the 10 ms timer is itself work for the GUI thread: off when timing
        probe.start()
    if user:
        actions.start()
    settle = QEventLoop()  # let the window finish its first layout and draws, as a user
    QTimer.singleShot(1000, settle.quit)  # sees the window before pressing Train
    settle.exec()
    loop = QEventLoop()  # a blocking event loop, as app.exec() runs in the real app
    page.controller.runningChanged.connect(lambda running: None if running else loop.quit())
    page.train_button.click()
    loop.exec()
    probe.stop()
    actions.stop()
    seconds = page.trainer.elapsed
    draws = page.plots.draws
    window.take_baseline()  # the timed run is not worth keeping: close without the question
    window.close()
    print(f"  (live view redrew {draws} times)")
    return seconds, len(steps), delays


def main() -> None:
    parser = argparse.ArgumentParser(description="GUI responsiveness while training")
    parser.add_argument("--epochs", type=int, default=6)
    parser.add_argument("--rounds", type=int, default=2,
                        help="alternate headless and GUI runs this many times")
    parser.add_argument("--no-inspect", action="store_true",
                        help="without the Inspect page's live-training probe")
    args = parser.parse_args()
    print(f"simple_convnet, embedded digits (7,200 training images), batch 100, {args.epochs} "
          f"epochs; {args.rounds} alternating rounds")
    slowdowns = []
    for r in range(args.rounds):  # 1. throughput with the live view
        h_seconds, h_steps = headless(args.epochs)
        g_seconds, g_steps, _ = gui(args.epochs, user=False, inspect=not args.no_inspect,
                                    probe_delays=False)
        h_rate, g_rate = h_steps * 100 / h_seconds, g_steps * 100 / g_seconds
        slowdowns.append(1 - g_rate / h_rate)
        print(f"round {r + 1}: headless {h_rate:,.0f} images/s, with the live view "
              f"{g_rate:,.0f} images/s ({slowdowns[-1] * 100:+.1f} % slower)")
    print(f"throughput with the live view vs headless: "
          f"{statistics.mean(slowdowns) * 100:+.1f} % (mean of {args.rounds})")
    # 2. responsiveness while the user resizes the window and switches tabs every 0.5 s
    seconds, steps, delays = gui(args.epochs, user=True, inspect=not args.no_inspect)
    q = statistics.quantiles(delays, n=100)
    print(f"with a resize and a tab switch every 0.5 s: {steps * 100 / seconds:,.0f} images/s; "
          f"event-loop delay over {len(delays)} ticks: median {statistics.median(delays):.1f} "
          f"ms, p99 {q[98]:.1f} ms, worst {max(delays):.1f} ms")


if __name__ == "__main__":
    main()
