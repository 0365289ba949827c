"""The one atomic writer (nn.fileio): user-path messages, permissions, stale temporary files."""

from __future__ import annotations

import errno
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

import nn
from nn.errors import FileWriteError
from nn.fileio import (
    atomic_write,
    check_writable,
    clean_stale_temps,
    is_stale_temp,
    temp_path,
    write_text_atomic,
)


def test_write_replaces_and_leaves_no_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "sub" / "a.txt"
    write_text_atomic(path, "one\r\n")
    write_text_atomic(path, "two\n")
    assert path.read_bytes() == b"two\n"
    assert sorted(p.name for p in path.parent.iterdir()) == ["a.txt"]


def test_a_failing_writer_keeps_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "a.bin"
    path.write_bytes(b"old")

    def boom(f) -> None:
        f.write(b"half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic_write(path, boom)
    assert path.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.bin"]


def test_disk_full_names_the_users_path_not_the_temporary_file(tmp_path: Path) -> None:
    path = tmp_path / "model.npz"

    def full(f) -> None:
        raise OSError(errno.ENOSPC, "No space left on device", str(temp_path(path)))

    with pytest.raises(FileWriteError) as info:
        atomic_write(path, full, "model file")
    message = str(info.value)
    assert message == f"cannot write model file {path}: no space left on device"
    assert ".tmp" not in message and info.value.errno == errno.ENOSPC
    assert isinstance(info.value, OSError) and isinstance(info.value, nn.NNError)
    assert list(tmp_path.iterdir()) == []


def test_unwritable_places_are_named(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    for bad, reason in ((blocker / "out.npz", "is not a folder"), (tmp_path, "it is a folder"),
                        ("", "name is empty"), ("  ", "name is empty")):
        with pytest.raises(FileWriteError, match=reason) as info:
            check_writable(bad, "model file")
        assert ".tmp" not in str(info.value)
        with pytest.raises(FileWriteError, match=reason):
            atomic_write(bad, lambda f: f.write(b"x"))
    # a folder that does not exist yet is fine (created at write time), and nothing is left
    assert check_writable(tmp_path / "new" / "deeper" / "m.npz") == tmp_path / "new/deeper/m.npz"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["file"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs here")
def test_a_fifo_in_the_way_is_refused(tmp_path: Path) -> None:
    fifo = tmp_path / "m.npz"
    os.mkfifo(fifo)
    with pytest.raises(FileWriteError, match="not a regular file"):
        check_writable(fifo)


def test_permissions_follow_the_old_file(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("x")
    path.chmod(0o640)
    write_text_atomic(path, "y")
    assert path.stat().st_mode & 0o777 == 0o640


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_stale_temporary_files_of_our_naming_are_cleaned_on_the_next_write(tmp_path: Path
                                                                          ) -> None:
    dead = tmp_path / f".model.npz.nnwb-{_dead_pid()}-0123abcd.tmp"
    live = tmp_path / f".model.npz.nnwb-{os.getpid()}-89abcdef.tmp"  # a write in progress
    legacy_old = tmp_path / ".model.npz._hd48out.tmp"  # tempfile.mkstemp, earlier versions
    legacy_new = tmp_path / ".model.npz.k2j4h5g6.tmp"
    foreign = tmp_path / ".someone-elses.tmp"
    for p in (dead, live, legacy_old, legacy_new, foreign):
        p.write_bytes(b"\0" * 100)
    hour_ago = time.time() - 2 * 3600
    os.utime(legacy_old, (hour_ago, hour_ago))
    assert is_stale_temp(dead) and is_stale_temp(legacy_old)
    assert not is_stale_temp(live) and not is_stale_temp(legacy_new)
    assert not is_stale_temp(foreign)
    assert is_stale_temp(live, now=time.time() + 2 * 86400)  # a day old: stale whoever wrote it
    write_text_atomic(tmp_path / "other.csv", "a\n")
    left = sorted(p.name for p in tmp_path.iterdir())
    assert left == sorted([live.name, legacy_new.name, foreign.name, "other.csv"])
    assert clean_stale_temps(tmp_path / "missing") == []


def test_a_killed_writer_leaves_a_file_that_the_next_save_removes(tmp_path: Path) -> None:
    """kill -9 in the middle of a write: the temporary file stays, the next save cleans it."""
    path = tmp_path / "m.npz"
    code = (f"import os, nn.fileio as f\n"
            f"def w(fh):\n    fh.write(b'x' * 1000); fh.flush(); os.kill(os.getpid(), 9)\n"
            f"f.atomic_write({str(path)!r}, w)\n")
    proc = subprocess.run([sys.executable, "-c", code], cwd=Path(nn.__file__).parents[1])
    assert proc.returncode != 0
    orphans = list(tmp_path.glob(".m.npz.nnwb-*.tmp"))
    assert len(orphans) == 1 and not path.exists()
    nn.save_model(nn.presets.build("two_layer_net", hidden_size=3), path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.npz"]


def test_no_module_writes_through_a_temporary_file_by_hand():
    """One atomic writer: outside nn/fileio.py only the resumable download renames a file into
    place itself (its .part file must survive between attempts; see nn/datasets/download.py)."""
    root = Path(__file__).parents[2]
    allowed = {Path("nn/fileio.py"), Path("nn/datasets/download.py")}
    offenders = []
    for package in ("nn", "workbench"):
        for path in sorted((root / package).rglob("*.py")):
            text = path.read_text(encoding="utf-8")
            if path.relative_to(root) not in allowed and re.search(
                    r"os\.replace\(|os\.rename\(|\.rename\(|mkstemp\(|NamedTemporaryFile\(", text):
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
