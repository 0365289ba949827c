"""The one atomic writer: every file the project writes goes through :func:`atomic_write`.

A file is written to a temporary file in the destination's folder, flushed and ``fsync``-ed,
given the permissions the old file had (or the usual ``0o666`` minus the umask), then moved over
the destination with ``os.replace``. A crash, a full disk or Ctrl-C therefore never leaves a
half-written file where a good one was: either the old file or the complete new one is there.

Temporary files are named ``.<name>.nnwb-<pid>-<token>.tmp``. A writer killed with ``kill -9``
leaves its temporary file behind; the next write into the same folder removes such leftovers
whose process is gone (or that are more than a day old), and the ``.<name>.<8 chars>.tmp``
files of earlier versions once they are an hour old. Nothing else is ever touched.

Every failure is a :class:`~nn.errors.FileWriteError` naming the user's path — never the
temporary file's — and the reason ("permission denied", "no space left on device").
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import secrets
import time
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from nn.errors import FileWriteError

# The process umask, read once (os.umask can only be read by setting it).
_UMASK = os.umask(0o022)
os.umask(_UMASK)

_TEMP = re.compile(r"^\..+\.nnwb-(?P<pid>\d+)-[0-9a-f]{8}\.tmp$")
_LEGACY_TEMP = re.compile(r"^\..+\.[a-z0-9_]{8}\.tmp$")  # tempfile.mkstemp, before this module
STALE_AFTER = 24 * 3600.0  # seconds: a temporary file this old is stale whoever wrote it
LEGACY_STALE_AFTER = 3600.0


def file_mode_for(path: Path) -> int:
    """Permissions for a file written at ``path`` through a temporary file: the existing
    file's, else the usual ``0o666`` minus the umask (``mkstemp`` alone gives ``0o600``)."""
    try:
        return path.stat().st_mode & 0o777
    except OSError:
        return 0o666 & ~_UMASK


def temp_path(target: Path) -> Path:
    """A fresh temporary name next to ``target``, recognisable as ours by :func:`is_our_temp`."""
    return target.with_name(f".{target.name}.nnwb-{os.getpid()}-{secrets.token_hex(4)}.tmp")


def _process_alive(pid: int) -> bool:
    if os.name == "nt":  # os.kill(pid, 0) would send CTRL_C_EVENT there: rely on the age
        return True
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # e.g. EPERM: the process exists but is not ours
        return True
    return True


def is_stale_temp(path: Path, now: float | None = None) -> bool:
    """True if ``path`` is a temporary file of our naming that no writer will finish."""
    name = path.name
    match = _TEMP.match(name)
    legacy = match is None and _LEGACY_TEMP.match(name) is not None
    if match is None and not legacy:
        return False
    try:
        info = path.lstat()
    except OSError:
        return False
    if not path.is_file() or path.is_symlink():
        return False
    age = (time.time() if now is None else now) - info.st_mtime
    if legacy:
        return age > LEGACY_STALE_AFTER
    return age > STALE_AFTER or not _process_alive(int(match["pid"]))


def clean_stale_temps(folder: str | os.PathLike, now: float | None = None) -> list[Path]:
    """Remove our stale temporary files in ``folder``; returns what was removed."""
    removed = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    for entry in entries:
        if not entry.name.endswith(".tmp") or not entry.name.startswith("."):
            continue
        path = Path(entry.path)
        if is_stale_temp(path, now):
            with contextlib.suppress(OSError):
                path.unlink()
                removed.append(path)
    return removed


def describe_os_error(exc: BaseException) -> str:
    """The reason in ``exc`` without its file name: ``"permission denied"``."""
    if isinstance(exc, OSError) and exc.strerror:
        text = exc.strerror
    elif isinstance(exc, MemoryError):
        text = "not enough memory"
    else:
        text = str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]


def _nearest_existing(path: Path) -> Path:
    for candidate in (path, *path.parents):
        if candidate.exists() or candidate.is_symlink():
            return candidate
    return Path(path.anchor or ".")


def _check_target(path: str | os.PathLike, what: str) -> Path:
    """``path`` as a ``Path`` if nothing in the way makes it unwritable; else FileWriteError."""
    if not str(path).strip():
        raise FileWriteError(f"the {what} name is empty")
    target = Path(path)
    if target.is_dir():
        raise FileWriteError(f"cannot write {what} {path}: it is a folder")
    if target.exists() and not target.is_file():
        raise FileWriteError(f"cannot write {what} {path}: it exists and is not a regular file")
    existing = _nearest_existing(target.parent)
    if not existing.is_dir():
        raise FileWriteError(f"cannot write {what} {path}: {existing} is not a folder",
                             errno.ENOTDIR)
    return target


def check_writable(path: str | os.PathLike, what: str = "file") -> Path:
    """Check, before any long work, that ``path`` can be written; return it as a ``Path``.

    Creates nothing that stays: when the folder exists, a probe file is created and removed in
    it (this also catches read-only file systems); when it does not, the nearest existing
    folder must be writable (it is created at write time).

    Raises
    ------
    FileWriteError
        Naming ``path`` and the reason: an empty name, a folder or special file in the way,
        a parent that is a file, or no permission.
    """
    target = _check_target(path, what)
    folder = target.parent
    existing = _nearest_existing(folder)
    if existing != folder:
        if not os.access(existing, os.W_OK | os.X_OK):
            raise FileWriteError(f"cannot write {what} {path}: cannot create its folder in "
                                 f"{existing} (permission denied)", errno.EACCES)
        return target
    probe = temp_path(target)
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise FileWriteError(f"cannot write {what} {path}: {describe_os_error(exc)}",
                             exc.errno) from None
    os.close(fd)
    with contextlib.suppress(OSError):
        os.unlink(probe)
    return target


def atomic_write(path: str | os.PathLike, write: Callable[[BinaryIO], None],
                 what: str = "file", create_folder: bool = True) -> None:
    """Write ``path`` atomically: ``write(f)`` fills a temporary binary file, then it replaces
    ``path``. Stale temporary files of ours in the folder are removed first; a missing folder
    is created unless ``create_folder`` is false.

    Raises
    ------
    FileWriteError
        Naming ``path`` (never the temporary file) and the reason. Exceptions raised by
        ``write`` itself other than ``OSError``/``MemoryError`` pass through unchanged; in every
        case the temporary file is removed and an existing ``path`` is left as it was.
    """
    target = _check_target(path, what)
    try:
        if create_folder:
            target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise FileWriteError(f"cannot write {what} {path}: cannot create its folder "
                             f"({describe_os_error(exc)})", exc.errno) from None
    clean_stale_temps(target.parent)
    mode = file_mode_for(target)
    tmp = temp_path(target)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0),
                     0o600)
    except OSError as exc:
        raise FileWriteError(f"cannot write {what} {path}: {describe_os_error(exc)}",
                             exc.errno) from None
    try:
        with os.fdopen(fd, "wb") as f:
            write(f)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except (OSError, MemoryError) as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        code = exc.errno if isinstance(exc, OSError) else None
        raise FileWriteError(f"cannot write {what} {path}: {describe_os_error(exc)}",
                             code) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    _sync_folder(target.parent)


def _sync_folder(folder: Path) -> None:
    """Make the rename durable (POSIX); harmless where folders cannot be opened."""
    if os.name == "nt":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def write_bytes_atomic(path: str | os.PathLike, data: bytes, what: str = "file") -> None:
    """Write ``data`` to ``path`` atomically."""
    atomic_write(path, lambda f: f.write(data), what)


def write_text_atomic(path: str | os.PathLike, text: str, what: str = "file") -> None:
    """Write ``text`` (UTF-8, newlines as given) to ``path`` atomically."""
    write_bytes_atomic(path, text.encode("utf-8"), what)


__all__ = [
    "atomic_write", "check_writable", "clean_stale_temps", "describe_os_error", "file_mode_for",
    "is_stale_temp", "temp_path", "write_bytes_atomic", "write_text_atomic",
]
