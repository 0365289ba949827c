"""``--install-desktop-entry`` / ``--uninstall-desktop-entry`` in a temporary XDG_DATA_HOME."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.workbench.cli.test_cli import ROOT, run_main
from workbench.core import desktop_entry
from workbench.core.desktop_entry import (
    data_home,
    desktop_entry_text,
    install_desktop_entry,
    installed_files,
    uninstall_desktop_entry,
)
from workbench.core.resources_locator import resource_path


def entries(text: str) -> dict[str, str]:
    lines = text.splitlines()
    assert lines[0] == "[Desktop Entry]"
    return dict(line.split("=", 1) for line in lines[1:])


def test_data_home_follows_xdg_and_falls_back_to_local_share(tmp_path: Path):
    home = Path.home() / ".local" / "share"
    assert data_home({"XDG_DATA_HOME": str(tmp_path)}) == tmp_path
    assert data_home({}) == home
    assert data_home({"XDG_DATA_HOME": ""}) == home
    assert data_home({"XDG_DATA_HOME": "relative/dir"}) == home  # the spec: ignore relative


def test_install_writes_the_entry_and_the_icon_and_uninstall_removes_them(tmp_path: Path):
    command = [str(tmp_path / "bin" / "nn-workbench")]
    written = install_desktop_entry(tmp_path, command)
    desktop, icon = installed_files(tmp_path)
    assert written == [desktop, icon]
    assert desktop == tmp_path / "applications" / "nn-workbench.desktop"
    assert icon == tmp_path / "icons" / "hicolor" / "scalable" / "apps" / "nn-workbench.svg"
    assert icon.read_bytes() == resource_path("icons", "app.svg").read_bytes()
    keys = entries(desktop.read_text(encoding="utf-8"))
    assert keys["Type"] == "Application" and keys["Name"] == "Neural Network Workbench"
    assert keys["Exec"] == command[0] and keys["TryExec"] == command[0]
    assert keys["Icon"] == "nn-workbench" and keys["Terminal"] == "false"
    install_desktop_entry(tmp_path, command)  # again: replaces, no error
    assert uninstall_desktop_entry(tmp_path) == [desktop, icon]
    assert not desktop.exists() and not icon.exists()
    assert uninstall_desktop_entry(tmp_path) == []


def test_exec_quotes_and_escapes_as_the_specification_says():
    keys = entries(desktop_entry_text(["/opt/my apps/python", "/home/u/100%/main.py",
                                       'C:\\odd"name']))
    assert keys["Exec"] == ('"/opt/my apps/python" /home/u/100%%/main.py '
                            '"C:\\\\\\\\odd\\\\"name"')
    relative = entries(desktop_entry_text(["nn-workbench"]))
    assert relative["Exec"] == "nn-workbench" and "TryExec" not in relative


def test_launch_command_from_a_checkout_runs_main_py(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(sys, "argv", [str(ROOT / "main.py"), "--install-desktop-entry"])
    assert desktop_entry.launch_command() == [sys.executable, str(ROOT / "main.py")]


def test_the_flags_through_main_py(tmp_path: Path):
    proc = run_main("--install-desktop-entry", XDG_DATA_HOME=str(tmp_path))
    desktop, icon = installed_files(tmp_path)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[:2] == [f"installed {desktop}", f"installed {icon}"]
    keys = entries(desktop.read_text(encoding="utf-8"))
    expected = entries(desktop_entry_text([sys.executable, str(ROOT / "main.py")]))
    assert keys["Exec"] == expected["Exec"]  # python main.py, from the checkout
    validator = shutil.which("desktop-file-validate")
    if validator is not None:  # desktop-file-utils, when installed
        check = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        assert check.returncode == 0 and check.stdout == "", check.stdout + check.stderr
    proc = run_main("--uninstall-desktop-entry", XDG_DATA_HOME=str(tmp_path))
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines() == [f"removed {desktop}", f"removed {icon}"]
    assert not desktop.exists() and not icon.exists()


def test_a_flag_takes_no_other_arguments():
    proc = run_main("--install-desktop-entry", "now")
    assert proc.returncode == 2
    assert proc.stderr.strip() == ("error: --install-desktop-entry takes no other arguments "
                                   "(got now)")


def test_an_unwritable_data_folder_is_one_error_line(tmp_path: Path):
    blocker = tmp_path / "file"
    blocker.write_text("not a folder")
    proc = run_main("--install-desktop-entry", XDG_DATA_HOME=str(blocker))
    assert proc.returncode == 1
    assert proc.stderr.startswith("error: ") and len(proc.stderr.strip().splitlines()) == 1
