"""Smoke test of the *installed* package: the wheel's contents, then its commands, run from an
empty folder with an empty HOME, offline.

Usage::

    python scripts/smoke_installed.py dist/nn_workbench-*.whl /path/to/venv

The virtual environment must have the wheel installed (``pip install WHEEL``, not editable).
The wheel check: under 5 MB; nothing at the top level but ``nn/``, ``workbench/`` and the
``.dist-info``; every file of the checkout's ``resources/`` inside it. The commands, each from
the same empty working folder: ``nn-workbench --version``, ``info``, ``train --preset
simple_convnet --epochs 1 --out m.npz`` (on 2,000 of the embedded digits, to stay fast),
``eval m.npz``, ``predict`` on a PNG drawn here with Pillow (with the trained model and with the
shipped demo model, which must read the drawn 1 as a 1), ``export m.npz --format numpy`` (its
``predict.py`` must print what ``predict`` printed), ``--self-test`` (the main window
offscreen, with the demo model on Draw), ``--install-desktop-entry`` and
``--uninstall-desktop-entry`` in a temporary XDG_DATA_HOME.

Offline: every command runs with a Python guard (``sitecustomize``) that refuses and reports
any internet connection or name lookup, and inside a network namespace without network
(``unshare -rn``) where the system allows one. Standard library only; exit 1 with the failing
step's output, else 0.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MAX_WHEEL_BYTES = 5_000_000
STEP_TIMEOUT = 600
GUARD_MARK = "SMOKE-OFFLINE-GUARD"
GUARD = f'''
import socket, sys

def _refuse(what):
    print("{GUARD_MARK}: " + what, file=sys.stderr, flush=True)
    raise OSError("offline smoke test: " + what)

_connect = socket.socket.connect
_connect_ex = socket.socket.connect_ex

def connect(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse("connection to %r" % (address,))
    return _connect(self, address)

def connect_ex(self, address):
    if self.family in (socket.AF_INET, socket.AF_INET6):
        _refuse("connection to %r" % (address,))
    return _connect_ex(self, address)

def getaddrinfo(host, *args, **kwargs):
    if host not in (None, "localhost", "127.0.0.1", "::1"):
        _refuse("name lookup of %r" % (host,))
    return _getaddrinfo(host, *args, **kwargs)

_getaddrinfo = socket.getaddrinfo
socket.socket.connect, socket.socket.connect_ex = connect, connect_ex
socket.getaddrinfo = getaddrinfo
'''
DRAW_ONE = '''
import sys
from PIL import Image, ImageDraw
image = Image.new("L", (200, 200), 255)  # dark ink on white paper, as a scan would be
ImageDraw.Draw(image).line([(104, 30), (96, 170)], fill=0, width=18)
image.save(sys.argv[1])
'''


class SmokeFailure(Exception):
    pass


def check_wheel(wheel: Path) -> None:
    """Size, top-level names and the resource files of the wheel."""
    size = wheel.stat().st_size
    if size > MAX_WHEEL_BYTES:
        raise SmokeFailure(f"{wheel.name} is {size / 1e6:.2f} MB, over "
                           f"{MAX_WHEEL_BYTES / 1e6:.0f} MB")
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/", 1)[0] for n in names}
    extra = {t for t in top if t not in ("nn", "workbench") and not t.endswith(".dist-info")}
    if extra:
        raise SmokeFailure(f"{wheel.name} installs more at the top level: {sorted(extra)}")
    shipped = set(names)
    missing = []
    for path in sorted((REPO / "resources").rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = path.relative_to(REPO / "resources").as_posix()
        installed = (f"nn/resources/{relative.removeprefix('digits/')}"
                     if relative.startswith("digits/") else f"workbench/resources/{relative}")
        if installed not in shipped:
            missing.append(f"resources/{relative} (as {installed})")
    if missing:
        raise SmokeFailure(f"{wheel.name} lacks {len(missing)} resource files: "
                           + ", ".join(missing))
    print(f"smoke: {wheel.name}: {size / 1e6:.2f} MB, {len(names)} files, top level "
          f"{', '.join(sorted(top))}; every file of resources/ inside", flush=True)


class Runner:
    """Runs installed commands in an empty folder, empty HOME, offline."""

    def __init__(self, venv: Path, root: Path) -> None:
        self.bin = venv / "bin"
        self.cwd = root / "work"
        self.cwd.mkdir()
        home = root / "home"
        home.mkdir()
        guard_dir = root / "guard"
        guard_dir.mkdir()
        (guard_dir / "sitecustomize.py").write_text(GUARD, encoding="utf-8")
        keep = ("PATH", "LANG", "LC_ALL", "TMPDIR", "TERM")
        self.env = {k: v for k, v in os.environ.items() if k in keep}
        self.env.update(HOME=str(home), PYTHONPATH=str(guard_dir), QT_QPA_PLATFORM="offscreen",
                        PYTHONIOENCODING="utf-8", XDG_DATA_HOME=str(root / "xdg-data"),
                        NO_PROXY="*", no_proxy="*")
        self.prefix = ["unshare", "-rn"] if _unshare_works() else []

    def run(self, *args: str, expect: tuple[str, ...] = (), label: str = "") -> str:
        """Run ``args[0]`` from the venv's ``bin/`` with ``args[1:]``; return its stdout."""
        command = [str(self.bin / args[0]), *args[1:]]
        shown = label or " ".join(args)
        start = time.perf_counter()
        try:
            proc = subprocess.run(self.prefix + command, cwd=self.cwd, env=self.env,
                                  capture_output=True, text=True, encoding="utf-8",
                                  errors="replace", timeout=STEP_TIMEOUT)
        except subprocess.TimeoutExpired:
            raise SmokeFailure(f"{shown}: no result within {STEP_TIMEOUT} s") from None
        output = f"--- stdout\n{proc.stdout}--- stderr\n{proc.stderr}"
        if GUARD_MARK in proc.stderr:
            raise SmokeFailure(f"{shown} tried to use the network\n{output}")
        if proc.returncode != 0:
            raise SmokeFailure(f"{shown} exited with {proc.returncode}\n{output}")
        absent = [text for text in expect if text not in proc.stdout]
        if absent:
            raise SmokeFailure(f"{shown}: the output lacks {absent}\n{output}")
        first = proc.stdout.strip().splitlines()[0] if proc.stdout.strip() else ""
        print(f"smoke: {shown}  ok ({time.perf_counter() - start:.1f} s): {first}", flush=True)
        return proc.stdout


def _unshare_works() -> bool:
    if shutil.which("unshare") is None:
        return False
    try:
        return subprocess.run(["unshare", "-rn", "true"], capture_output=True,
                              timeout=30).returncode == 0
    except (OSError, subprocess.SubprocessError):
        return False


def smoke(venv: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="nn-workbench-smoke-") as tmp:
        runner = Runner(venv, Path(tmp))
        print(f"smoke: in {runner.cwd} (empty), HOME empty, offline "
              f"({'network namespace + ' if runner.prefix else ''}socket guard)", flush=True)
        where = runner.run("python", "-c", "import nn, workbench; print(workbench.__file__); "
                                           "print(nn.__file__)",
                           label="where nn and workbench are")
        if any(not Path(p).resolve().is_relative_to(venv.resolve())
               for p in where.split()):
            raise SmokeFailure(f"the packages are not imported from {venv}: {where}")
        runner.run("nn-workbench", "--version", expect=("nn-workbench ",))
        runner.run("nn-workbench", "info", expect=("digits", "embedded", "simple_convnet"))
        runner.run("nn-workbench", "train", "--preset", "simple_convnet", "--epochs", "1",
                   "--train-size", "2000", "--out", "m.npz", "-q",
                   expect=("data: digits, 1,800 train", "model saved to m.npz"))
        runner.run("nn-workbench", "eval", "m.npz", expect=("test accuracy:",))
        runner.run("python", "-c", DRAW_ONE, "one.png", label="draw one.png with Pillow")
        predicted = runner.run("nn-workbench", "predict", "m.npz", "one.png",
                               expect=("one.png: ",))
        runner.run("nn-workbench", "export", "m.npz", "--format", "numpy", "--out", "m_numpy")
        runner.run("python", "m_numpy/predict.py", "one.png", expect=(predicted.splitlines()[0],),
                   label="python m_numpy/predict.py one.png (the exported script, same answer)")
        demo = runner.run("python", "-c", "from workbench.core.resources_locator import "
                                          "resource_path; print(resource_path('models', "
                                          "'digits_deep_convnet.npz'))",
                          label="where the demo model is").strip()
        runner.run("nn-workbench", "predict", demo, "one.png", "--top", "1",
                   expect=("one.png: 1 (",),
                   label="nn-workbench predict DEMO_MODEL one.png --top 1")
        runner.run("nn-workbench", "--self-test", expect=("self-test passed",))
        data = Path(runner.env["XDG_DATA_HOME"])
        runner.run("nn-workbench", "--install-desktop-entry",
                   expect=(str(data / "applications" / "nn-workbench.desktop"),))
        desktop = data / "applications" / "nn-workbench.desktop"
        exec_line = next(line for line in desktop.read_text(encoding="utf-8").splitlines()
                         if line.startswith("Exec="))
        if exec_line != f"Exec={runner.bin / 'nn-workbench'}":
            raise SmokeFailure(f"the menu entry does not start the installed app: {exec_line}")
        runner.run("nn-workbench", "--uninstall-desktop-entry", expect=("removed ",))
        if desktop.exists():
            raise SmokeFailure(f"{desktop} is still there after --uninstall-desktop-entry")


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    wheel, venv = Path(argv[0]), Path(argv[1])
    start = time.perf_counter()
    try:
        check_wheel(wheel)
        smoke(venv)
    except SmokeFailure as exc:
        print(f"smoke test FAILED: {exc}", file=sys.stderr, flush=True)
        return 1
    print(f"smoke test passed in {time.perf_counter() - start:.0f} s", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
