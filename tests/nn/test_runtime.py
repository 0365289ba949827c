"""Process tuning for worker threads: after share_malloc_arena a new thread allocates from the
main malloc arena (glibc's malloc_info lists one heap), without it from an arena of its own."""

from __future__ import annotations

import platform
import subprocess
import sys

import pytest

from nn.runtime import share_malloc_arena

GLIBC = sys.platform.startswith("linux") and platform.libc_ver()[0] == "glibc"

# Run in a fresh process: the setting is process-wide and cannot be undone.
PROBE = r"""
import ctypes, os, re, sys, tempfile, threading
from nn.runtime import share_malloc_arena
applied = share_malloc_arena() if sys.argv[1] == "share" else None
libc = ctypes.CDLL(None)
libc.malloc.restype, libc.malloc.argtypes = ctypes.c_void_p, (ctypes.c_size_t,)
libc.fopen.restype, libc.fopen.argtypes = ctypes.c_void_p, (ctypes.c_char_p, ctypes.c_char_p)
libc.malloc_info.argtypes = (ctypes.c_int, ctypes.c_void_p)
libc.fclose.argtypes = (ctypes.c_void_p,)
kept = []
thread = threading.Thread(target=lambda: kept.append(libc.malloc(1000)))
thread.start(); thread.join()
fd, path = tempfile.mkstemp(); os.close(fd)
stream = libc.fopen(path.encode(), b"w"); libc.malloc_info(0, stream); libc.fclose(stream)
heaps = len(re.findall(r'<heap nr="\d+"', open(path).read())); os.unlink(path)
print(applied, heaps)
"""


def _heaps(mode: str) -> tuple[str, int]:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], capture_output=True, text=True,
                         check=True, timeout=60).stdout.split()
    return out[0], int(out[1])


@pytest.mark.skipif(not GLIBC, reason="mallopt and malloc_info are glibc's")
def test_a_worker_thread_shares_the_main_arena_only_after_the_call():
    assert _heaps("share") == ("True", 1)
    assert _heaps("none") == ("None", 2)  # without it the thread got its own arena


@pytest.mark.skipif(GLIBC, reason="elsewhere the call is a no-op")
def test_share_malloc_arena_is_a_harmless_no_op_without_glibc():
    assert share_malloc_arena() is False
