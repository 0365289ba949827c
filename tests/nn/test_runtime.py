"""Process tuning for worker threads."""

from __future__ import annotations

import sys

import pytest

from nn.runtime import share_malloc_arena


def test_share_malloc_arena_applies_on_glibc_and_is_harmless_elsewhere():
    result = share_malloc_arena()
    assert isinstance(result, bool)
    if sys.platform.startswith("linux"):
        import platform

        if platform.libc_ver()[0] == "glibc":
            assert result is True
    else:
        pytest.skip("mallopt is glibc-only; elsewhere the call is a no-op")
