"""Shared test configuration: Qt runs offscreen; nothing here imports Qt itself.

One BLAS thread by default: tests run training in worker threads next to the GUI thread, and on
a 2-core machine OpenBLAS's spinning threads then fight over the cores (a step can become tens
of times slower). Results are unchanged; set OPENBLAS_NUM_THREADS to override.
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from nn.runtime import share_malloc_arena  # noqa: E402 — after the environment above

share_malloc_arena()  # GUI tests train in worker threads; same speed as the main thread
