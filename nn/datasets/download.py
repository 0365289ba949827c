"""Verified, resumable, cancellable downloads with the standard library only (``urllib``).

The file is fetched into ``<name>.part`` beside its destination. A dropped connection is retried
with an HTTP ``Range`` request that resumes where the transfer stopped (a server that ignores the
range and answers 200 is read from the start again). Only a file whose checksum matches is renamed
into place, atomically (:func:`os.replace`); every failure — exhausted retries, a checksum mismatch,
a cancellation — deletes the ``.part`` file and raises with the reason.

This is the one writer that does not go through :func:`nn.fileio.atomic_write`, on purpose: a
download must survive a dropped connection and resume from the bytes it already has, so its
temporary file has a stable name (``.part``) and is appended to across attempts; atomic_write's
temporary files are fresh for every call and removed on any failure.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import re
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Sequence
from pathlib import Path

from nn.errors import DownloadCancelled, DownloadError

__all__ = ["ProgressFn", "CancelFn", "cache_dir", "download_file", "file_digest"]

ProgressFn = Callable[[int, "int | None"], None]
CancelFn = Callable[[], bool]

_USER_AGENT = "nn-workbench/0.1 (+urllib)"
_CONTENT_RANGE = re.compile(r"bytes\s+(\d+)-(\d+)/(\d+|\*)")


def cache_dir() -> Path:
    """The per-user cache folder (not created here).

    ``$NN_WORKBENCH_CACHE`` if set; otherwise ``%LOCALAPPDATA%\\nn-workbench\\cache`` on Windows,
    ``~/Library/Caches/nn-workbench`` on macOS and ``$XDG_CACHE_HOME/nn-workbench`` (default
    ``~/.cache/nn-workbench``) elsewhere.
    """
    override = os.environ.get("NN_WORKBENCH_CACHE")
    if override:
        return Path(override).expanduser()
    if sys.platform == "win32":
        base = os.environ.get("LOCALAPPDATA")
        root = Path(base) if base else Path.home() / "AppData" / "Local"
        return root / "nn-workbench" / "cache"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "nn-workbench"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return (Path(xdg) if xdg else Path.home() / ".cache") / "nn-workbench"


def file_digest(path: str | os.PathLike[str], algorithm: str = "md5") -> str:
    """Hex digest of a file, read in 1 MiB chunks."""
    h = hashlib.new(algorithm)
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


class _TransferError(Exception):
    """One attempt failed; ``retry`` says whether the same URL is worth another attempt."""

    def __init__(self, reason: str, *, retry: bool = True) -> None:
        super().__init__(reason)
        self.retry = retry


def _check_cancel(should_cancel: CancelFn | None, name: str) -> None:
    if should_cancel is not None and should_cancel():
        raise DownloadCancelled(f"download of {name} was cancelled")


def _fetch(
    url: str,
    part: Path,
    *,
    timeout: float,
    chunk_size: int,
    progress: ProgressFn | None,
    should_cancel: CancelFn | None,
    name: str,
) -> None:
    """One HTTP attempt: append to ``part`` from its current size (or restart it)."""
    offset = part.stat().st_size if part.exists() else 0
    headers = {"User-Agent": _USER_AGENT, "Accept-Encoding": "identity"}
    if offset:
        headers["Range"] = f"bytes={offset}-"
    request = urllib.request.Request(url, headers=headers)
    try:
        response = urllib.request.urlopen(request, timeout=timeout)
    except urllib.error.HTTPError as exc:
        exc.close()
        if exc.code == 416 and offset:
            return  # the part file is already complete: let verification decide
        transient = exc.code in (408, 425, 429) or exc.code >= 500
        raise _TransferError(f"HTTP {exc.code} {exc.reason}", retry=transient) from None
    except urllib.error.URLError as exc:
        raise _TransferError(f"cannot connect ({exc.reason})") from None
    except (OSError, http.client.HTTPException) as exc:
        raise _TransferError(f"connection failed ({exc!r})") from None
    with response:
        total: int | None
        if offset and response.status == 206:
            match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
            if not match or int(match.group(1)) != offset:
                part.unlink(missing_ok=True)  # start afresh on the next attempt
                raise _TransferError("server answered a resume request with a wrong range")
            total = None if match.group(3) == "*" else int(match.group(3))
        else:
            offset = 0  # a 200 to a range request: the server sends the whole file again
            length = response.headers.get("Content-Length")
            total = int(length) if length and length.isdigit() else None
        done = offset
        if progress is not None:
            progress(done, total)
        try:
            with open(part, "ab" if offset else "wb") as out:
                while True:
                    _check_cancel(should_cancel, name)
                    try:
                        chunk = response.read(chunk_size)
                    except (OSError, http.client.HTTPException) as exc:
                        raise _TransferError(
                            f"connection dropped after {done} bytes ({exc!r})"
                        ) from None
                    if not chunk:
                        break
                    out.write(chunk)
                    done += len(chunk)
                    if progress is not None:
                        progress(done, total)
        except DownloadError:
            raise  # a cancellation
        except OSError as exc:  # opening or writing the part file: retrying will not help
            raise DownloadError(f"cannot write {part} ({exc})") from exc
    if total is not None and done != total:
        raise _TransferError(f"connection closed after {done} of {total} bytes")


def _verify(part: Path, md5: str | None, sha256: str | None) -> str | None:
    """Return why ``part`` fails verification, or ``None`` when it passes."""
    for algorithm, expected in (("md5", md5), ("sha256", sha256)):
        if expected is not None:
            actual = file_digest(part, algorithm)
            if actual != expected.lower():
                return f"{algorithm} mismatch: expected {expected.lower()}, got {actual}"
    return None


def _sleep(seconds: float, should_cancel: CancelFn | None, name: str) -> None:
    """Sleep in short slices so that a cancellation is noticed during the back-off."""
    end = time.monotonic() + seconds
    while (left := end - time.monotonic()) > 0:
        _check_cancel(should_cancel, name)
        time.sleep(min(left, 0.05))
    _check_cancel(should_cancel, name)


def download_file(
    urls: str | Sequence[str],
    dest: str | os.PathLike[str],
    *,
    md5: str | None = None,
    sha256: str | None = None,
    progress: ProgressFn | None = None,
    should_cancel: CancelFn | None = None,
    retries: int = 3,
    backoff: float = 1.0,
    timeout: float = 30.0,
    chunk_size: int = 1 << 16,
) -> Path:
    """Download one file from the first mirror that delivers it intact.

    Parameters
    ----------
    urls : str or sequence of str
        Mirror URLs of the same file, tried in order.
    dest : str or os.PathLike
        Final path. Its folder is created. The transfer goes to ``dest + ".part"``; a ``.part``
        file left by an earlier, killed run is resumed (verification catches a stale one).
    md5, sha256 : str, optional
        Expected hex digests; the file is accepted only if every given one matches.
    progress : callable, optional
        ``progress(done_bytes, total_bytes_or_None)``, called once per chunk and at each start.
    should_cancel : callable, optional
        Polled between chunks and during back-off; when it returns true the transfer stops,
        the ``.part`` file is deleted and :class:`DownloadCancelled` is raised.
    retries : int
        Extra attempts per mirror after a transient failure (dropped connection, time-out, 5xx).
    backoff : float
        Seconds before the first retry, doubled for each further one (tests pass ~0.01).
    timeout : float
        Socket time-out in seconds for connecting and for each read.
    chunk_size : int
        Bytes per read.

    Returns
    -------
    pathlib.Path
        ``dest``, now holding the verified file.

    Raises
    ------
    DownloadError
        Every mirror failed or delivered a file that does not verify; the message names the file,
        each URL tried and why it failed. No ``.part`` file is left behind.
    DownloadCancelled
        ``should_cancel`` returned true.
    """
    url_list = [urls] if isinstance(urls, str) else list(urls)
    if not url_list:
        raise ValueError("download_file needs at least one URL")
    if retries < 0 or backoff < 0:
        raise ValueError(f"Invalid retries={retries} or backoff={backoff}: both must be >= 0")
    dest = Path(dest)
    part = dest.with_name(dest.name + ".part")
    failures: list[str] = []
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create {dest.parent} for {dest.name} ({exc})") from exc
    try:
        for url in url_list:
            for attempt in range(retries + 1):
                _check_cancel(should_cancel, dest.name)
                try:
                    _fetch(
                        url,
                        part,
                        timeout=timeout,
                        chunk_size=chunk_size,
                        progress=progress,
                        should_cancel=should_cancel,
                        name=dest.name,
                    )
                except _TransferError as exc:
                    failures.append(f"{url} (attempt {attempt + 1}): {exc}")
                    if not exc.retry or attempt == retries:
                        break
                    _sleep(backoff * 2**attempt, should_cancel, dest.name)
                    continue
                problem = _verify(part, md5, sha256)
                if problem is None:
                    os.replace(part, dest)
                    return dest
                failures.append(f"{url}: downloaded but failed verification: {problem}")
                part.unlink(missing_ok=True)
                break
    except BaseException:
        part.unlink(missing_ok=True)
        raise
    part.unlink(missing_ok=True)
    tried = "\n  ".join(failures)
    raise DownloadError(f"could not download {dest.name} to {dest.parent}; tried:\n  {tried}")
