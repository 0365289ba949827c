"""The download dialog fetches a data set from a local HTTP server on 127.0.0.1 in a worker
thread, shows its progress, fails politely (naming a checksum mismatch) and cancels cleanly,
leaving no partial file behind."""

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
from PySide6.QtWidgets import QDialog

import nn
from nn.datasets import IdxSet
from nn.datasets.mnist import IdxFile
from workbench.pages.train.setup import DownloadDialog

IDX_NAMES = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")


pytestmark = pytest.mark.usefixtures("private_data_folders")


def _idx_gz(n: int, images: bool) -> bytes:
    rng = np.random.default_rng(n)
    if images:
        header = bytes([0, 0, 8, 3]) + n.to_bytes(4, "big") + (28).to_bytes(4, "big") * 2
        return gzip.compress(header + rng.integers(0, 256, (n, 28, 28), np.uint8).tobytes(),
                             mtime=0)
    header = bytes([0, 0, 8, 1]) + n.to_bytes(4, "big")
    return gzip.compress(header + (np.arange(n) % 10).astype(np.uint8).tobytes(), mtime=0)


@dataclass
class Site:
    files: dict[str, bytes] = field(default_factory=dict)
    corrupt: bool = False
    gate: threading.Event = field(default_factory=threading.Event)  # body waits for it
    base: str = ""


@pytest.fixture
def site() -> Iterator[Site]:
    data = Site()
    data.gate.set()
    for name, n in zip(IDX_NAMES, (6000, 6000, 5, 5), strict=True):
        data.files[name + ".gz"] = _idx_gz(n, "images" in name)

    class Handler(BaseHTTPRequestHandler):
        def log_message(self, *args: object) -> None:
            pass

        def do_GET(self) -> None:  # noqa: N802
            body = data.files.get(self.path.lstrip("/"))
            if body is None:
                self.send_error(404)
                return
            if data.corrupt:
                body = body[:-1] + bytes([body[-1] ^ 0xFF])
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            data.gate.wait(10)
            self.wfile.write(body)

    class Server(ThreadingHTTPServer):
        def handle_error(self, request, client_address) -> None:
            pass  # a cancelled client resets its connection: expected, not worth a traceback

    server = Server(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01})
    thread.start()
    data.base = f"http://127.0.0.1:{server.server_address[1]}/"
    try:
        yield data
    finally:
        data.gate.set()
        server.shutdown()
        server.server_close()
        thread.join()


def _tiny(site: Site) -> IdxSet:
    blobs = [site.files[n + ".gz"] for n in IDX_NAMES]
    return IdxSet(name="tiny", subdir="tiny",
                  files=tuple(IdxFile(n, hashlib.md5(b).hexdigest(), len(b))
                              for n, b in zip(IDX_NAMES, blobs, strict=True)),
                  mirrors=(site.base,), class_names=tuple("0123456789"), description="test")


def _dialog(qtbot, site: Site, folder: Path) -> DownloadDialog:
    dialog = DownloadDialog("mnist", folder, mirrors=(site.base,), idx_set=_tiny(site))
    qtbot.addWidget(dialog)
    return dialog


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


def test_download_succeeds(qtbot, site: Site, tmp_path: Path):
    dialog = _dialog(qtbot, site, tmp_path / "data")
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.show()
    qtbot.waitUntil(lambda: not dialog.running)
    assert dialog.result() == QDialog.DialogCode.Accepted
    assert dialog.folder == tmp_path / "data" / "tiny"
    assert _files(tmp_path / "data") == sorted(n + ".gz" for n in IDX_NAMES)
    assert dialog.bar.value() == dialog.bar.maximum() and dialog.error is None
    x_train, _, _, y_test = nn.datasets.load_idx_set(_tiny(site), dialog.folder)
    assert x_train.shape == (6000, 28, 28) and len(y_test) == 5


def test_download_checksum_failure_is_shown_in_the_dialog(qtbot, site: Site, tmp_path: Path):
    site.corrupt = True
    dialog = _dialog(qtbot, site, tmp_path / "data")
    dialog.show()
    qtbot.waitUntil(lambda: dialog.error is not None, timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.running)
    assert "md5 mismatch" in dialog.error and dialog.error_label.text() == dialog.error
    assert dialog.isVisible() and dialog.retry_button.isVisible()
    assert dialog.cancel_button.text() == "Close" and dialog.folder is None
    assert _files(tmp_path / "data") == []  # no partial file
    site.corrupt = False
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.retry_button.click()
    qtbot.waitUntil(lambda: not dialog.running)
    assert len(_files(tmp_path / "data")) == 4


@pytest.mark.parametrize("how", ["cancel button", "window closed"])
def test_download_cancel_leaves_no_partial_file(qtbot, site: Site, tmp_path: Path, how: str):
    site.gate.clear()  # the server sends headers, then waits: the download is mid-way
    dialog = _dialog(qtbot, site, tmp_path / "data")
    dialog.show()
    qtbot.waitUntil(lambda: "MB" in dialog.status.text(), timeout=10_000)
    if how == "cancel button":
        dialog.cancel_button.click()
    else:
        dialog.close()
    assert dialog.isVisible() and not dialog.cancel_button.isEnabled()  # stopping…
    assert "Cancelling" in dialog.status.text()
    site.gate.set()
    qtbot.waitUntil(lambda: not dialog.isVisible(), timeout=10_000)
    qtbot.waitUntil(lambda: not dialog.running)
    assert dialog.result() == QDialog.DialogCode.Rejected and dialog.folder is None
    assert _files(tmp_path / "data") == []


def test_download_uses_download_dataset_by_default(qtbot, tmp_path: Path, monkeypatch):
    calls: list[tuple] = []

    def fake(name, data_dir, *, progress, should_cancel):
        calls.append((name, data_dir))
        progress(0, 100)
        progress(100, 100)
        return tmp_path / "somewhere"

    monkeypatch.setattr(nn.datasets, "download_dataset", fake)
    dialog = DownloadDialog("fashion-mnist")
    qtbot.addWidget(dialog)
    with qtbot.waitSignal(dialog.accepted, timeout=10_000):
        dialog.start()
    qtbot.waitUntil(lambda: not dialog.running)
    assert calls == [("fashion-mnist", None)] and dialog.folder == tmp_path / "somewhere"
    assert "fashion-mnist" in str(dialog.destination())
