"""Options of the app itself (not of a CLI command): read by :mod:`workbench.entry` and listed
in the command line's help, so they sit where both may import them without Qt."""

from __future__ import annotations

#: Options of the app itself (not of a CLI command), each alone on the command line.
APP_FLAGS = {
    "--self-test": "open the main window, check that the shipped model is on Draw, close it",
    "--install-desktop-entry": "add the app to the desktop's application menu (Linux, XDG)",
    "--uninstall-desktop-entry": "remove it from the menu again",
}
