"""Entry point shared by ``python main.py`` and the ``nn-workbench`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Open the desktop app when no command is given, otherwise run the headless CLI."""
    args = list(sys.argv[1:] if argv is None else argv)
    if not args:
        from workbench.app import run_app

        return run_app()
    from workbench.cli import run_cli

    return run_cli(args)
