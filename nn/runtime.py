"""Process-level tuning for running the engine in worker threads.

glibc gives every new thread its own malloc arena, whose heaps are trimmed eagerly: the large
temporaries of a training step (tens of megabytes) then go back to the operating system after
each step and page-fault back in on the next, which made training in a worker thread about
20 % slower than in the main thread on the development machine. Sharing the main arena
removes the difference. This is opt-in, because it changes the whole process; the desktop app
calls it at start, before its worker threads exist.
"""

from __future__ import annotations

import ctypes
import sys

_M_ARENA_MAX = -8  # glibc's mallopt parameter number


def share_malloc_arena() -> bool:
    """Make every thread allocate from the main malloc arena (glibc ``mallopt``).

    Call it before starting worker threads. Returns False where it does not apply (not glibc,
    e.g. macOS, Windows or musl), which is harmless.
    """
    if not sys.platform.startswith("linux"):
        return False
    try:
        mallopt = ctypes.CDLL(None).mallopt
    except (OSError, AttributeError):
        return False
    mallopt.argtypes = (ctypes.c_int, ctypes.c_int)
    mallopt.restype = ctypes.c_int
    return bool(mallopt(_M_ARENA_MAX, 1))


__all__ = ["share_malloc_arena"]
