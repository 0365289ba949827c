"""Entry point shared by ``python main.py`` and the ``nn-workbench`` console script."""

from __future__ import annotations

import sys


def main(argv: list[str] | None = None) -> int:
    """Run the headless CLI when a command is given, otherwise open the desktop app."""
    args = list(sys.argv[1:] if argv is None else argv)
    from workbench.cli import run_cli

    return run_cli(args)
