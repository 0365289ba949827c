"""How an exception from background work is told to the user: one line."""

from __future__ import annotations

import traceback

from nn.errors import NNError


def error_message(exc: BaseException) -> str:
    """The engine's own message for its errors, else ``"TypeName: message"`` (one line)."""
    if isinstance(exc, NNError):
        return str(exc)
    return traceback.format_exception_only(type(exc), exc)[-1].strip()
