"""Checking JSON-like settings before they are used: every field has a type and a range.

Configuration files and saved sessions are user input. Each ``check_*`` function raises
:class:`SettingsError` (a ``ValueError``) whose message names the field by its path —
``data.augment.max_shift`` — and says what was expected; an unknown key is an error that
suggests the closest known one (``optimiser`` → "did you mean 'optimizer'?"), so a misspelled
section is never silently ignored.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Iterable, Mapping
from typing import Any

from nn.errors import NNError


class SettingsError(NNError, ValueError):
    """A setting of the wrong type, out of range or unknown; the message names its path."""


def _join(where: str, key: str) -> str:
    return f"{where}.{key}" if where else key


def suggestion(key: str, known: Iterable[str]) -> str:
    """``"; did you mean 'optimizer'?"`` for ``"optimiser"``, or ``""``."""
    close = difflib.get_close_matches(str(key), list(known), n=1, cutoff=0.6)
    return f"; did you mean {close[0]!r}?" if close else ""


def check_keys(value: Mapping[str, Any], known: Iterable[str], where: str) -> None:
    """Every key of ``value`` must be one of ``known``."""
    known = list(known)
    for key in value:
        if key not in known:
            what = f"in {where}" if where else "at the top level"
            raise SettingsError(f"unknown key {key!r} {what}{suggestion(key, known)} "
                                f"(known: {', '.join(known)})")


def check_object(value: Any, where: str, known: Iterable[str] | None = None
                 ) -> dict[str, Any]:
    """``value`` must be a JSON object (a dict with text keys), optionally with known keys."""
    if not isinstance(value, Mapping):
        raise SettingsError(f"{where or 'the settings'} must be an object ({{...}}), not "
                            f"{_kind(value)}")
    for key in value:
        if not isinstance(key, str):
            raise SettingsError(f"{where}: keys must be text, not {key!r}")
    if known is not None:
        check_keys(value, known, where)
    return dict(value)


def check_int(value: Any, where: str, low: int | None = None, high: int | None = None,
              optional: bool = False) -> int | None:
    """A whole number (not ``True``, not 28.7) within ``[low, high]``."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        extra = " or null" if optional else ""
        raise SettingsError(f"{where} must be a whole number{extra}, not {_kind(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        raise SettingsError(f"{where} must be {_range(low, high)}, not {value}")
    return value


def check_number(value: Any, where: str, low: float | None = None, high: float | None = None,
                 optional: bool = False, low_open: bool = False) -> float | None:
    """A finite real number within the range (``low_open``: strictly above ``low``)."""
    if value is None and optional:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        extra = " or null" if optional else ""
        raise SettingsError(f"{where} must be a number{extra}, not {_kind(value)}")
    if not math.isfinite(value):
        raise SettingsError(f"{where} must be a finite number, not {value}")
    if (low is not None and (value <= low if low_open else value < low)) or \
            (high is not None and value > high):
        raise SettingsError(f"{where} must be {_range(low, high, low_open)}, not {value:g}")
    return float(value)


def check_bool(value: Any, where: str) -> bool:
    """``true`` or ``false`` — never a truthy string such as ``"maybe"``."""
    if not isinstance(value, bool):
        raise SettingsError(f"{where} must be true or false, not {_kind(value)}")
    return value


def check_text(value: Any, where: str, optional: bool = False,
               choices: Iterable[str] | None = None) -> str | None:
    if value is None and optional:
        return None
    if not isinstance(value, str):
        extra = " or null" if optional else ""
        raise SettingsError(f"{where} must be text{extra}, not {_kind(value)}")
    if choices is not None:
        choices = list(choices)
        if value not in choices:
            raise SettingsError(f"{where}: unknown value {value!r}{suggestion(value, choices)} "
                                f"(expected one of {', '.join(choices)})")
    return value


def check_list(value: Any, where: str, optional: bool = False) -> list[Any] | None:
    if value is None and optional:
        return None
    if not isinstance(value, (list, tuple)):
        raise SettingsError(f"{where} must be a list ([...]), not {_kind(value)}")
    return list(value)


def _range(low: float | None, high: float | None, low_open: bool = False) -> str:
    if low is not None and high is not None:
        return f"in {'(' if low_open else '['}{low:g}, {high:g}]"
    if low is not None:
        return f"{'>' if low_open else '≥'} {low:g}"
    return f"≤ {high:g}"


def _kind(value: Any) -> str:
    """How a value reads in a message: ``"text 'far'"``, ``"a list"``, ``"5"``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, str):
        return f"text {value[:40]!r}"
    if isinstance(value, Mapping):
        return "an object"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, (int, float)):
        return f"{value!r}"
    return type(value).__name__


__all__ = ["SettingsError", "check_bool", "check_int", "check_keys", "check_list",
           "check_number", "check_object", "check_text", "suggestion"]
