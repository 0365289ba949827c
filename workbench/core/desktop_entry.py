"""Linux desktop integration: a freedesktop ``.desktop`` file and the app icon in the user's data
folders, so the workbench appears in the desktop's application menu.

``nn-workbench --install-desktop-entry`` writes

- ``$XDG_DATA_HOME/applications/nn-workbench.desktop`` (Desktop Entry Specification 1.4), and
- ``$XDG_DATA_HOME/icons/hicolor/scalable/apps/nn-workbench.svg`` (Icon Theme Specification),

with ``$XDG_DATA_HOME`` defaulting to ``~/.local/share`` (XDG Base Directory Specification);
``--uninstall-desktop-entry`` removes both. Nothing outside the user's home is touched, and no
root rights are needed. The menu entry starts the very command that installed it (an absolute
path), so it works for a pipx or venv install that is not on the desktop session's ``PATH``.
Qt-free: it runs before any window exists.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from nn.fileio import write_text_atomic
from workbench.core.resources_locator import resource_path

__all__ = [
    "APP_ID",
    "data_home",
    "desktop_entry_text",
    "install_desktop_entry",
    "installed_files",
    "launch_command",
    "uninstall_desktop_entry",
]

#: Desktop file and icon name; also Qt's ``desktopFileName`` (Wayland's app id).
APP_ID = "nn-workbench"

# Characters that make an Exec argument need quoting (Desktop Entry Spec, "The Exec key").
_RESERVED = set(" \t\n\"'\\><~|&;$*?#()`")


def data_home(environ: Mapping[str, str] | None = None) -> Path:
    """``$XDG_DATA_HOME``, or ``~/.local/share`` when it is unset, empty or relative (as the
    XDG Base Directory Specification says)."""
    environ = os.environ if environ is None else environ
    value = environ.get("XDG_DATA_HOME", "")
    if value and Path(value).is_absolute():
        return Path(value)
    return Path.home() / ".local" / "share"


def installed_files(base: Path | None = None) -> tuple[Path, Path]:
    """``(desktop file, icon)`` under ``base`` (default :func:`data_home`)."""
    base = data_home() if base is None else Path(base)
    return (base / "applications" / f"{APP_ID}.desktop",
            base / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg")


def launch_command() -> list[str]:
    """How the menu entry starts the app: the ``nn-workbench`` script that is running (or the
    one next to this Python), or ``python main.py`` when started from a checkout."""
    argv0 = Path(sys.argv[0]) if sys.argv and sys.argv[0] else None
    if argv0 is not None and argv0.name == "main.py":
        return [sys.executable, str(argv0.absolute())]
    if argv0 is not None and argv0.name == APP_ID and argv0.exists():
        return [str(argv0.absolute())]
    beside = Path(sys.executable).parent / APP_ID
    if beside.exists():
        return [str(beside)]
    return [APP_ID]


def _exec_arg(arg: str) -> str:
    """One Exec argument: double-quoted when it holds a reserved character, with ``"``, `````,
    ``$`` and ``\\`` backslash-escaped inside the quotes; then ``\\`` doubled and ``%`` doubled,
    as the key's string value requires."""
    if any(c in _RESERVED for c in arg):
        arg = '"' + "".join("\\" + c if c in '"`$\\' else c for c in arg) + '"'
    return arg.replace("\\", "\\\\").replace("%", "%%")


def desktop_entry_text(command: Sequence[str]) -> str:
    """The ``.desktop`` file that starts ``command`` (an argument list)."""
    lines = [
        "[Desktop Entry]",
        "Type=Application",
        "Version=1.4",
        "Name=Neural Network Workbench",
        "Name[zh_CN]=神经网络工作台",
        "GenericName=Neural network lab",
        "GenericName[zh_CN]=神经网络实验室",
        "Comment=Build, train and look inside neural networks (Deep Learning from Scratch, "
        "ch. 2–8)",
        "Comment[zh_CN]=搭建、训练并观察神经网络（《深度学习入门》第 2–8 章）",
        "Exec=" + " ".join(_exec_arg(a) for a in command),
        f"Icon={APP_ID}",
        "Terminal=false",
        "Categories=Education;ArtificialIntelligence;",
        "Keywords=neural network;deep learning;machine learning;MNIST;NumPy;",
        "StartupNotify=true",
    ]
    if Path(command[0]).is_absolute():  # the menu hides the entry once the program is gone
        lines.insert(lines.index("Terminal=false"), "TryExec=" + command[0].replace("\\", "\\\\"))
    return "\n".join(lines) + "\n"


def install_desktop_entry(base: Path | None = None,
                          command: Sequence[str] | None = None) -> list[Path]:
    """Write the desktop file and the icon (replacing earlier ones); return their paths."""
    desktop, icon = installed_files(base)
    svg = resource_path("icons", "app.svg").read_text(encoding="utf-8")
    write_text_atomic(icon, svg)
    write_text_atomic(desktop, desktop_entry_text(command or launch_command()))
    return [desktop, icon]


def uninstall_desktop_entry(base: Path | None = None) -> list[Path]:
    """Remove the desktop file and the icon; return the paths that existed."""
    removed = []
    for path in installed_files(base):
        if path.exists():
            path.unlink()
            removed.append(path)
    return removed


def run(flag: str) -> int:
    """``--install-desktop-entry`` / ``--uninstall-desktop-entry``: report and return the exit
    code (1 with one ``error:`` line when a file cannot be written or removed)."""
    try:
        if flag == "--install-desktop-entry":
            desktop, icon = install_desktop_entry()
            print(f"installed {desktop}\ninstalled {icon}\n"
                  "The menu shows 'Neural Network Workbench' (log out and in if it does not "
                  "appear); remove it with --uninstall-desktop-entry.")
        else:
            removed = uninstall_desktop_entry()
            for path in removed:
                print(f"removed {path}")
            if not removed:
                desktop, icon = installed_files()
                print(f"nothing to remove: neither {desktop} nor {icon} exists")
    except OSError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    return 0
