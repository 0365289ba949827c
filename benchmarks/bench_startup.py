"""Start-up time of the desktop app: from process start to the main window on the screen.

Launches ``python main.py`` (the app, no command) several times and reports medians:

* **cold** — every launch with a new, empty home folder: no Matplotlib font cache, no
  remembered settings, as on a learner's first launch after installing;
* **warm** — launches reusing one home folder that an earlier launch has filled.

Each launch is timed from just before the process is created to the instants the app's
measuring hook (:mod:`workbench.shell.startup_probe`, enabled by an environment variable)
records: the main window *shown* (exposed by the window system — on X11, mapped), first
*painted*, and its first page *filled*; then the app quits. ``cpu_*`` columns give the app
process's CPU time at those instants — on a busy machine the wall times include waiting for a
core, the CPU times do not (on a quiet one the two are close). Python's own files are in the
operating system's cache in both cases (what a second launch after installing sees).

    python benchmarks/bench_startup.py [--runs 5] [--platform auto|xcb|offscreen]

``auto`` starts a private ``Xvfb`` display when ``Xvfb`` is installed (a real X server: the
window is really mapped), else uses Qt's offscreen platform. Targets (issue 16): cold < 2.0 s,
warm < 1.2 s to the window shown, on a quiet 2-core machine.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PROBE_ENV = "NN_WORKBENCH_STARTUP_PROBE"  # workbench.shell.startup_probe.ENV (not imported:
# this script must not load Qt or the app itself)
MARKS = ("shown", "painted", "filled")


@contextlib.contextmanager
def display(platform: str) -> Iterator[dict[str, str]]:
    """Environment variables selecting the Qt platform (and a private X server for xcb)."""
    if platform == "auto":
        platform = "xcb" if shutil.which("Xvfb") else "offscreen"
    if platform == "offscreen":
        yield {"QT_QPA_PLATFORM": "offscreen"}
        return
    number = 90 + os.getpid() % 400
    server = subprocess.Popen(["Xvfb", f":{number}", "-screen", "0", "1600x1000x24", "-nolisten",
                               "tcp"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        socket = Path(f"/tmp/.X11-unix/X{number}")
        deadline = time.monotonic() + 10
        while not socket.exists():
            if server.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"Xvfb :{number} did not start")
            time.sleep(0.05)
        yield {"QT_QPA_PLATFORM": "xcb", "DISPLAY": f":{number}"}
    finally:
        server.terminate()
        server.wait(10)


def launch(home: Path, platform_env: dict[str, str]) -> dict[str, float]:
    """One start of the app with ``home`` as its home folder; seconds from process start."""
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("XDG_", "QT_", "MPL")) and k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.update(platform_env)
    env.update(HOME=str(home), MPLCONFIGDIR=str(home / ".config" / "matplotlib"))
    with tempfile.TemporaryDirectory() as scratch:
        out = Path(scratch) / "probe.json"
        env[PROBE_ENV] = str(out)
        start = time.monotonic()
        proc = subprocess.run([sys.executable, str(ROOT / "main.py")], env=env, cwd=scratch,
                              capture_output=True, text=True, timeout=120)
        ended = time.monotonic()
        if proc.returncode != 0 or not out.is_file():
            raise SystemExit(f"the app did not report its start (exit {proc.returncode}):\n"
                             f"{proc.stderr[-2000:]}")
        marks = json.loads(out.read_text(encoding="utf-8"))
    return {**{k: marks[k] - start for k in MARKS}, "exit": ended - start,
            **{f"cpu_{k}": marks[f"cpu_{k}"] for k in MARKS}}


def summary(name: str, runs: list[dict[str, float]]) -> str:
    cells = []
    for key in (*MARKS, "exit", *(f"cpu_{k}" for k in MARKS)):
        values = [r[key] for r in runs]
        cells.append(f"{key} {statistics.median(values):.2f} s "
                     f"({min(values):.2f}–{max(values):.2f})")
    return f"{name:5s} median of {len(runs)}: " + ", ".join(cells)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="launches per case (default 5)")
    parser.add_argument("--platform", choices=("auto", "xcb", "offscreen"), default="auto")
    args = parser.parse_args()
    with display(args.platform) as platform_env, tempfile.TemporaryDirectory() as tmp:
        print(f"platform: {platform_env['QT_QPA_PLATFORM']}; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        cold, warm = [], []
        warm_home = Path(tmp) / "warm-home"
        warm_home.mkdir()
        launch(warm_home, platform_env)  # fills the font cache and the settings once
        for i in range(args.runs):  # interleaved, so both see the same machine load
            home = Path(tmp) / f"cold-home-{i}"
            home.mkdir()
            cold.append(launch(home, platform_env))
            warm.append(launch(warm_home, platform_env))
        print(summary("cold", cold))
        print(summary("warm", warm))
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
