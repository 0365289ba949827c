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
