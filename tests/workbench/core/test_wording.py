"""Issue 15.7: the interface spells one way and counts right."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]


def extracted_strings() -> dict[str, list[str]]:
    spec = importlib.util.spec_from_file_location("i18n_extract",
                                                  ROOT / "scripts" / "i18n_extract.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up
    spec.loader.exec_module(module)
    return module.extract().strings


def test_initialization_is_spelled_one_way_in_every_interface_string():
    # The app writes "initialization", "initializer", "normalization": no "-is-" variant.
    british = {text: where for text, where in extracted_strings().items()
               if re.search(r"initialis", text, re.IGNORECASE)}
    assert british == {}
