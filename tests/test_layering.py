"""The layering of docs/architecture.md, enforced: import-linter's contracts (pyproject.toml) and
the folder layout the tests mirror."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

tomllib = pytest.importorskip("tomllib")  # Python 3.11+; CI's Python has it

ROOT = Path(__file__).resolve().parents[1]


def contract_names() -> list[str]:
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return [c["name"] for c in config["tool"]["importlinter"]["contracts"]]


def lint_imports() -> str:
    pytest.importorskip("importlinter", reason="install the test extra: pip install -e '.[test]'")
    exe = Path(sys.executable).with_name("lint-imports")
    command = [str(exe)] if exe.exists() else [shutil.which("lint-imports") or "lint-imports"]
    result = subprocess.run([*command, "--no-cache"], cwd=ROOT, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_every_import_linter_contract_is_kept():
    output = lint_imports()
    names = contract_names()
    assert len(names) >= 4  # nn, the Qt-free workbench layers, plotters, page independence
    for name in names:
        assert f"{name} KEPT" in output, output
    assert "BROKEN" not in output
    assert f"Contracts: {len(names)} kept, 0 broken." in output


def test_the_qt_free_contract_covers_core_state_and_cli():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    contracts = {c["name"]: c for c in config["tool"]["importlinter"]["contracts"]}
    qt_free = [c for c in contracts.values() if "PySide6" in c.get("forbidden_modules", [])]
    sources = {module for c in qt_free for module in c["source_modules"]}
    assert {"nn", "workbench.core", "workbench.state", "workbench.cli"} <= sources
    engine = next(c for c in qt_free if c["source_modules"] == ["nn"])
    assert {"matplotlib", "PIL", "workbench"} <= set(engine["forbidden_modules"])


def test_workbench_top_level_holds_only_packages_and_the_entry_point():
    # New modules go in the layer they belong to (docs/architecture.md), not beside entry.py.
    modules = sorted(p.name for p in (ROOT / "workbench").glob("*.py"))
    assert modules == ["__init__.py", "entry.py"]


def test_workbench_tests_mirror_the_layout():
    # tests/workbench/<layer>/ (and pages/<page>/) as in workbench/; only shared helpers on top.
    loose = sorted(p.name for p in (ROOT / "tests" / "workbench").glob("test_*.py"))
    assert loose == []
    for folder in (ROOT / "tests" / "workbench").iterdir():
        if folder.is_dir() and folder.name != "__pycache__":
            assert (ROOT / "workbench" / folder.name).is_dir(), folder.name
