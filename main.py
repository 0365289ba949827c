"""``python main.py`` opens Neural Network Workbench; ``python main.py <command>`` runs the CLI."""

from __future__ import annotations

import sys

from workbench.entry import main

if __name__ == "__main__":
    sys.exit(main())
