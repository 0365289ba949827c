"""Entry point shared by ``python main.py`` and the ``nn-workbench`` console script."""

from __future__ import annotations

import os
import signal
import sys

from workbench.core.app_flags import APP_FLAGS


def main(argv: list[str] | None = None) -> int:
    """Open the desktop app when no command is given, otherwise run the headless CLI."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] == "--self-test":
        # The app trains, draws and inspects in several threads at once next to the GUI
        # thread; OpenBLAS's spinning threads then fight over the cores (a forward pass can
        # take ten times longer). One BLAS thread keeps everything responsive; set
        # OPENBLAS_NUM_THREADS to override. Must happen before NumPy is imported.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    if args and args[0] in APP_FLAGS:
        if len(args) > 1:
            print(f"error: {args[0]} takes no other arguments (got {' '.join(args[1:])})",
                  file=sys.stderr)
            return 2
        if args[0] == "--self-test":
            from workbench.shell.self_test import run_self_test

            return run_self_test()
        from workbench.core import desktop_entry

        return desktop_entry.run(args[0])
    if not args:
        from workbench.shell.app import run_app

        return run_app()
    from workbench.cli import run_cli

    try:
        return run_cli(args)
    finally:
        # The command is done and its files are written. The interpreter's shutdown that
        # follows (a few tenths of a second on a busy machine) resets Python's Ctrl-C handler
        # to the system default, so a late Ctrl-C there would kill the process and turn
        # exit code 0 into 130. Ignore it: there is nothing left to stop.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
