"""A one-line progress bar on stderr: redrawn in place with ``\\r`` on a terminal, plain lines
at each quarter otherwise (logs and pipes stay readable)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


def format_duration(seconds: float) -> str:
    """``75`` → ``"1:15"``, ``3700`` → ``"1:01:40"``."""
    if seconds != seconds or seconds < 0 or seconds == float("inf"):
        return "?"
    seconds = int(round(seconds))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class ProgressBar:
    """``update(fraction, text)`` draws ``[#######.....] text``.

    Parameters
    ----------
    stream : file, optional
        Where to draw (default ``sys.stderr``).
    enabled : bool
        False draws nothing (``--quiet``).
    width : int
        Characters inside the brackets.
    min_interval : float
        A terminal is redrawn at most this often, in seconds (the last state is always drawn).
    """

    def __init__(self, stream: TextIO | None = None, enabled: bool = True, width: int = 20,
                 min_interval: float = 0.1) -> None:
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = enabled
        try:
            self.tty = bool(self.stream.isatty())
        except (AttributeError, ValueError):
            self.tty = False
        self.width = width
        self.min_interval = min_interval
        self._shown = 0  # characters of the bar currently on screen (terminal only)
        self._last_draw = 0.0
        self._next_quarter = 0.25

    def update(self, fraction: float | None, text: str, force: bool = False) -> None:
        """Show ``fraction`` (in [0, 1], or None when unknown) and ``text``."""
        if not self.enabled:
            return
        if fraction is not None:
            fraction = min(max(fraction, 0.0), 1.0)
        if self.tty:
            now = time.monotonic()
            if not force and fraction != 1.0 and now - self._last_draw < self.min_interval:
                return
            self._last_draw = now
            line = f"{self._bar(fraction)} {text}" if fraction is not None else text
            pad = max(self._shown - len(line), 0)
            self.stream.write("\r" + line + " " * pad)
            self.stream.flush()
            self._shown = len(line)
        elif fraction is not None and (fraction >= self._next_quarter or force):
            while self._next_quarter <= fraction:
                self._next_quarter += 0.25
            self.stream.write(f"{100 * fraction:3.0f}% {text}\n")
            self.stream.flush()

    def restart(self) -> None:
        """Begin a new bar (a new epoch): the quarter marks start again."""
        self.clear()
        self._next_quarter = 0.25

    def clear(self) -> None:
        """Erase the bar (before printing a result line)."""
        if self.enabled and self.tty and self._shown:
            self.stream.write("\r" + " " * self._shown + "\r")
            self.stream.flush()
            self._shown = 0

    def close(self) -> None:
        """Erase the bar for good."""
        self.clear()

    def _bar(self, fraction: float) -> str:
        filled = int(round(fraction * self.width))
        return "[" + "#" * filled + "." * (self.width - filled) + f"] {100 * fraction:3.0f}%"
