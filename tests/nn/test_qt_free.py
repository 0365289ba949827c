"""The engine is Qt-free, Matplotlib-free and Pillow-free — every module of it, not just
``import nn``: each submodule ``pkgutil.walk_packages`` finds is imported in a fresh process,
which must end with none of those packages loaded (STYLE.md rule 1, issue 13)."""

from __future__ import annotations

import json
import pkgutil
import subprocess
import sys

import nn

FORBIDDEN = ("PySide6", "PyQt5", "PyQt6", "shiboken6", "matplotlib", "PIL")

# The probe lists modules with iter_modules (walk_packages imports every package to recurse,
# which would hide which one loaded a forbidden package), then imports them one by one.
PROBE = f"""
import importlib, json, os, pkgutil, sys
forbidden = {FORBIDDEN!r}
import nn
culprits = {{}}
early = sorted({{m.split(".")[0] for m in sys.modules}} & set(forbidden))
if early:
    culprits["nn (import nn itself)"] = early
def walk(path, prefix):
    for info in pkgutil.iter_modules([path]):
        yield prefix + info.name
        if info.ispkg:
            yield from walk(os.path.join(path, info.name), prefix + info.name + ".")
names = sorted(walk(nn.__path__[0], "nn."))
for name in names:
    before = set(sys.modules)
    importlib.import_module(name)
    new = sorted({{m.split(".")[0] for m in set(sys.modules) - before}} & set(forbidden))
    if new:
        culprits[name] = new
print(json.dumps({{"imported": names, "culprits": culprits,
                  "loaded": sorted({{m.split(".")[0] for m in sys.modules}} & set(forbidden))}}))
"""


def test_every_nn_submodule_imports_without_qt_matplotlib_or_pillow():
    result = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True,
                            timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads(result.stdout.strip().splitlines()[-1])
    expected = sorted(m.name for m in pkgutil.walk_packages(nn.__path__, "nn."))
    assert report["imported"] == expected and len(expected) > 60  # every module, not a few
    assert report["culprits"] == {}, f"nn modules that load GUI packages: {report['culprits']}"
    assert report["loaded"] == []
