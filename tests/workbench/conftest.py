"""Fixtures shared by the GUI tests."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def private_data_folders(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No real MNIST on this machine may leak into a test: an empty download cache and no
    data folder, so only the embedded digits are available. A module opts in with
    ``pytestmark = pytest.mark.usefixtures("private_data_folders")``."""
    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.delenv("NN_WORKBENCH_DATA", raising=False)


@pytest.fixture(autouse=True)
def unsaved_answers(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str]]:
    """The Save / Discard / Cancel question is never shown modally in a test: it is recorded
    (question, details) and answered "discard", so a window closed at a test's end with
    unsaved work closes. Tests of the question itself patch ``QMessageBox.exec`` instead and
    restore :func:`workbench.shell.unsaved.ask` (see test_unsaved_work.py)."""
    from workbench.shell import unsaved

    asked: list[tuple[str, str]] = []
    real = unsaved.ask
    monkeypatch.setattr(unsaved, "ask", lambda parent, question, details: (
        asked.append((question, details)) or unsaved.DISCARD))
    monkeypatch.setattr(unsaved, "real_ask", real, raising=False)
    return asked
