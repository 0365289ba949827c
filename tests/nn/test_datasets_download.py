"""Downloads against a real HTTP server on 127.0.0.1 that the test starts (no other network)."""

from __future__ import annotations

import gzip
import hashlib
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import numpy as np
import pytest

import nn.datasets as ds
from nn.datasets import IdxSet, download_file, download_idx_set, write_idx
from nn.datasets.mnist import IdxFile, load_idx_set
from nn.errors import DownloadCancelled, DownloadError

FAST = {"retries": 2, "backoff": 0.001, "timeout": 5.0}


def _idx_gz(n: int, seed: int = 0) -> bytes:
    images = np.random.default_rng(seed).integers(0, 256, (n, 28, 28), dtype=np.uint8)
    header = bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
    return gzip.compress(header + images.tobytes(), mtime=0)


def _md5(data: bytes) -> str:
    return hashlib.md5(data).hexdigest()


@dataclass
class Site:
    """What the test server serves and how it misbehaves; it records every request."""

    files: dict[str, bytes] = field(default_factory=dict)
    corrupt: bool = False  # flip a byte in every body
    drop_first: bool = False  # first GET: send half the body, then close the connection
    ignore_range: bool = False  # answer Range requests with 200 and the whole file
    status: int | None = None  # always answer with this error status
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    base: str = ""


def _handler(site: Site) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
            rng = self.headers.get("Range")
            site.requests.append((self.path, rng))
            if site.status is not None:
                self.send_error(site.status)
                return
            body = site.files.get(self.path.lstrip("/"))
            if body is None:
                self.send_error(404)
                return
            if site.corrupt:
                body = body[:-1] + bytes([body[-1] ^ 0xFF])
            start = 0
            if rng and not site.ignore_range:
                start = int(rng.removeprefix("bytes=").split("-")[0])
                self.send_response(206)
                self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
            else:
                self.send_response(200)
            payload = body[start:]
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            if site.drop_first and len(site.requests) == 1:
                self.wfile.write(payload[: len(payload) // 2])
                self.wfile.flush()
                self.close_connection = True
                return
            self.wfile.write(payload)

    return Handler


@pytest.fixture
def site() -> Iterator[Site]:
    data = Site(files={"a.gz": _idx_gz(40), "b.gz": _idx_gz(3, seed=1)})
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(data))
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    data.base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield data
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def _leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir()) if folder.exists() else []


def test_good_download(site: Site, tmp_path: Path) -> None:
    calls: list[tuple[int, int | None]] = []
    body = site.files["a.gz"]
    out = download_file(
        site.base + "a.gz",
        tmp_path / "dl" / "a.gz",
        md5=_md5(body),
        sha256=hashlib.sha256(body).hexdigest(),
        progress=lambda done, total: calls.append((done, total)),
        chunk_size=4096,
        **FAST,
    )
    assert out == tmp_path / "dl" / "a.gz"
    assert out.read_bytes() == body
    assert _leftovers(out.parent) == ["a.gz"]
    assert calls[0] == (0, len(body)) and calls[-1] == (len(body), len(body))
    assert len(calls) > 3
    assert [d for d, _ in calls] == sorted(d for d, _ in calls)


def test_corrupted_payload(site: Site, tmp_path: Path) -> None:
    site.corrupt = True
    body = site.files["a.gz"]
    with pytest.raises(DownloadError, match="md5 mismatch") as info:
        download_file(site.base + "a.gz", tmp_path / "a.gz", md5=_md5(body), **FAST)
    assert "a.gz" in str(info.value) and site.base in str(info.value)
    assert _leftovers(tmp_path) == []


def test_interrupted_transfer_resumes_with_range(site: Site, tmp_path: Path) -> None:
    site.drop_first = True
    body = site.files["a.gz"]
    seen: list[int] = []
    out = download_file(
        site.base + "a.gz",
        tmp_path / "a.gz",
        md5=_md5(body),
        progress=lambda d, t: seen.append(d),
        chunk_size=1024,
        **FAST,
    )
    assert out.read_bytes() == body
    assert len(site.requests) == 2
    assert site.requests[0][1] is None
    half = len(body) // 2
    assert site.requests[1][1] == f"bytes={half}-"
    assert seen[-1] == len(body)
    assert _leftovers(tmp_path) == ["a.gz"]


def test_server_ignoring_range_restarts(site: Site, tmp_path: Path) -> None:
    site.drop_first = True
    site.ignore_range = True
    body = site.files["a.gz"]
    out = download_file(site.base + "a.gz", tmp_path / "a.gz", md5=_md5(body), **FAST)
    assert out.read_bytes() == body
    assert site.requests[1][1] is not None  # a resume was asked for, and refused with 200


def test_leftover_part_file_is_resumed(site: Site, tmp_path: Path) -> None:
    body = site.files["a.gz"]
    (tmp_path / "a.gz.part").write_bytes(body[:1000])
    download_file(site.base + "a.gz", tmp_path / "a.gz", md5=_md5(body), **FAST)
    assert site.requests == [("/a.gz", "bytes=1000-")]
    assert (tmp_path / "a.gz").read_bytes() == body


@pytest.mark.parametrize("status", [404, 500])
def test_failing_server_names_every_url(site: Site, tmp_path: Path, status: int) -> None:
    site.status = status
    urls = [site.base + "one/a.gz", site.base + "two/a.gz"]
    with pytest.raises(DownloadError) as info:
        download_file(urls, tmp_path / "a.gz", md5="0" * 32, **FAST)
    message = str(info.value)
    assert "a.gz" in message
    assert urls[0] in message and urls[1] in message
    assert f"HTTP {status}" in message
    # 404 is final for a mirror; 500 is retried (retries=2 -> 3 attempts per mirror)
    assert len(site.requests) == (2 if status == 404 else 6)
    assert _leftovers(tmp_path) == []


def test_unreachable_mirror_falls_back(site: Site, tmp_path: Path) -> None:
    body = site.files["b.gz"]
    dead = "http://127.0.0.1:9/b.gz"  # discard port: connection refused
    out = download_file([dead, site.base + "b.gz"], tmp_path / "b.gz", md5=_md5(body), **FAST)
    assert out.read_bytes() == body


def test_cancellation(site: Site, tmp_path: Path) -> None:
    calls: list[int] = []

    def cancel() -> bool:
        return len(calls) >= 3

    with pytest.raises(DownloadCancelled, match="cancelled"):
        download_file(
            site.base + "a.gz",
            tmp_path / "a.gz",
            md5=_md5(site.files["a.gz"]),
            progress=lambda d, t: calls.append(d),
            should_cancel=cancel,
            chunk_size=512,
            **FAST,
        )
    assert _leftovers(tmp_path) == []
    assert isinstance(DownloadCancelled("x"), DownloadError)


def test_download_idx_set_and_load(site: Site, tmp_path: Path, monkeypatch) -> None:
    monkeypatch.delenv("NN_WORKBENCH_DATA", raising=False)
    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "cache"))
    names = [
        "train-images-idx3-ubyte",
        "train-labels-idx1-ubyte",
        "t10k-images-idx3-ubyte",
        "t10k-labels-idx1-ubyte",
    ]
    for name, n in zip(names, (5, 5, 2, 2), strict=True):
        if "images" in name:
            site.files[name + ".gz"] = _idx_gz(n)
        else:
            write_idx(tmp_path / "lbl.gz", (np.arange(n) % 10).astype(np.uint8))
            site.files[name + ".gz"] = (tmp_path / "lbl.gz").read_bytes()
    blobs = [site.files[n + ".gz"] for n in names]
    tiny = IdxSet(
        name="tiny",
        subdir="tiny",
        files=tuple(IdxFile(n, _md5(b), len(b)) for n, b in zip(names, blobs, strict=True)),
        mirrors=(site.base,),
        class_names=tuple("0123456789"),
        description="test set",
    )
    seen: list[tuple[int, int | None]] = []
    folder = download_idx_set(tiny, progress=lambda d, t: seen.append((d, t)), backoff=0.001)
    assert folder == tmp_path / "cache" / "tiny"
    total = sum(len(b) for b in blobs)
    assert seen[-1] == (total, total) and all(t == total for _, t in seen)
    x_train, y_train, x_test, y_test = load_idx_set(tiny)
    assert x_train.shape == (5, 28, 28) and y_test.tolist() == [0, 1]
    # a second call finds the files and downloads nothing
    before = len(site.requests)
    download_idx_set(tiny)
    assert len(site.requests) == before


def test_load_download_failure_says_why(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("NN_WORKBENCH_CACHE", str(tmp_path / "cache"))
    with pytest.raises(DownloadCancelled):
        ds.load("mnist", data_dir=tmp_path / "d", download=True, should_cancel=lambda: True)
    assert _leftovers(tmp_path / "d" / "mnist") == []
