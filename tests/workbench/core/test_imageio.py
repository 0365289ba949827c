"""Image files with Pillow (no Qt): every mode loads as luminance; bad files fail by name."""

from __future__ import annotations

import struct
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from nn.preprocess import MNIST_CENTER, center_of_mass
from workbench.core.imageio import (
    ImageFileError,
    load_for_model,
    load_grayscale,
    save_grayscale_png,
)


def _digit(shape: tuple[int, int] = (120, 90)) -> np.ndarray:
    """An ink-high ring (a "0") with a one-pixel antialiased edge, in [0, 1]."""
    rr, cc = np.indices(shape, dtype=np.float64)
    rho = np.hypot(
        (rr - shape[0] * 0.5) / (shape[0] * 0.3), (cc - shape[1] * 0.45) / (shape[1] * 0.25)
    )
    dist = np.abs(rho - 1.0) * min(shape) * 0.25
    return np.clip(5.0 - dist + 0.5, 0.0, 1.0)


def _to_u8(img01: np.ndarray) -> np.ndarray:
    return np.round(np.clip(img01, 0.0, 1.0) * 255.0).astype(np.uint8)


def _png_bytes(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height``, with no real pixel data."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def test_no_qt_needed() -> None:
    import subprocess

    code = ("import sys, workbench.core.imageio; "
            "assert not {'PySide6', 'matplotlib'} & set(sys.modules)")
    subprocess.run([sys.executable, "-c", code], check=True)


def test_grey_png_round_trip(tmp_path: Path) -> None:
    paper = 1.0 - _digit()
    path = tmp_path / "digit.png"
    save_grayscale_png(path, paper)
    out = load_grayscale(path)
    assert out.dtype == np.float32 and out.shape == paper.shape
    assert np.abs(out - paper).max() <= 0.5 / 255 + 1e-6
    assert not list(tmp_path.glob(".*tmp"))  # no temporary file left behind


def test_save_overwrites_atomically_and_validates(tmp_path: Path) -> None:
    path = tmp_path / "x.png"
    save_grayscale_png(path, np.zeros((4, 5)))
    save_grayscale_png(path, np.array([[0.0, 0.5, 1.0, 2.0, np.nan]]))
    np.testing.assert_allclose(load_grayscale(path), [[0.0, 128 / 255, 1.0, 1.0, 0.0]], atol=1e-6)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]
    with pytest.raises(ValueError, match="2-D"):
        save_grayscale_png(path, np.zeros((2, 2, 3)))
    with pytest.raises(OSError):
        save_grayscale_png(tmp_path / "missing" / "x.png", np.zeros((2, 2)))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["x.png"]


@pytest.mark.parametrize("mode", ["L", "RGB", "P", "1", "CMYK", "I;16", "I", "F"])
def test_modes_load_as_luminance(tmp_path: Path, mode: str) -> None:
    grey = _to_u8(1.0 - _digit())
    base = Image.fromarray(grey)
    if mode == "I;16":
        im = Image.fromarray(grey.astype(np.uint16) * 257)  # 16-bit PNG
    elif mode == "I":
        im = Image.fromarray(grey.astype(np.int32) * 257)
    elif mode == "F":
        im = Image.fromarray(grey.astype(np.float32) / 255.0)
    elif mode == "1":
        im = base.point(lambda v: 255 if v > 127 else 0).convert("1")
    else:
        im = base.convert(mode)
    ext = {"CMYK": "jpg", "F": "tif", "I": "tif"}.get(mode, "png")
    path = tmp_path / f"digit_{mode.replace(';', '')}.{ext}"
    im.save(path, quality=95) if ext == "jpg" else im.save(path)
    out = load_grayscale(path)
    assert out.dtype == np.float32 and out.shape == grey.shape
    assert out.min() >= 0.0 and out.max() <= 1.0
    tol = {"1": 0.51, "CMYK": 0.1}.get(mode, 1.5 / 255)
    assert np.abs(out - grey / 255.0).max() <= tol


def test_rgb_uses_luma_weights(tmp_path: Path) -> None:
    rgb = np.zeros((2, 3, 3), dtype=np.uint8)
    rgb[0, 0] = (255, 0, 0)
    rgb[0, 1] = (0, 255, 0)
    rgb[0, 2] = (0, 0, 255)
    rgb[1] = 255
    path = tmp_path / "rgb.bmp"
    Image.fromarray(rgb).save(path)
    expected = [[0.299, 0.587, 0.114], [1, 1, 1]]
    np.testing.assert_allclose(load_grayscale(path), expected, atol=0.5 / 255)


def test_rgba_is_composited_on_white(tmp_path: Path) -> None:
    rgba = np.zeros((2, 2, 4), dtype=np.uint8)  # black ink, alpha = coverage
    rgba[..., 3] = [[0, 255], [128, 64]]
    path = tmp_path / "ink.png"
    Image.fromarray(rgba).save(path)
    expected = 1.0 - np.array([[0, 255], [128, 64]]) / 255.0
    np.testing.assert_allclose(load_grayscale(path), expected, atol=1e-6)
    # a palette image whose transparent index hides black pixels
    pal = Image.fromarray(np.array([[0, 1], [1, 0]], dtype=np.uint8), mode="P")
    pal.putpalette([0, 0, 0, 0, 0, 0])
    pal.info["transparency"] = 0
    pal.save(tmp_path / "pal.png", transparency=0)
    np.testing.assert_allclose(load_grayscale(tmp_path / "pal.png"), [[1, 0], [0, 1]], atol=1e-6)


def test_gif_first_frame(tmp_path: Path) -> None:
    frames = [Image.fromarray(_to_u8(np.full((8, 8), v))) for v in (0.2, 0.8)]
    path = tmp_path / "anim.gif"
    frames[0].save(path, save_all=True, append_images=frames[1:])
    out = load_grayscale(path)
    assert out.shape == (8, 8)
    assert np.abs(out - 51 / 255).max() < 0.02


def test_light_and_dark_backgrounds_give_the_same_model_input(tmp_path: Path) -> None:
    ink = _digit((300, 200))
    Image.fromarray(_to_u8(0.92 - 0.85 * ink)).save(tmp_path / "paper.png")
    Image.fromarray(_to_u8(0.05 + 0.9 * ink)).save(tmp_path / "dark.png")
    rgb = np.stack([0.95 - 0.6 * ink, 0.9 - 0.6 * ink, 0.85 - 0.5 * ink], axis=-1)
    Image.fromarray(_to_u8(rgb)).save(tmp_path / "photo.jpg", quality=92)
    a, b, c = (load_for_model(tmp_path / n) for n in ("paper.png", "dark.png", "photo.jpg"))
    for x in (a, b, c):
        assert x.shape == (28, 28) and x.dtype == np.float32
        assert x.max() == pytest.approx(1.0, abs=0.05)
        row, col = center_of_mass(x)
        assert abs(row - MNIST_CENTER) < 0.1 and abs(col - MNIST_CENTER) < 0.1
    assert np.abs(a - b).max() < 0.03
    assert np.abs(a - c).max() < 0.1
    assert np.abs(a - c).mean() < 0.01


def test_blank_image_gives_zeros(tmp_path: Path) -> None:
    Image.new("L", (50, 40), 255).save(tmp_path / "blank.png")
    out = load_for_model(tmp_path / "blank.png")
    assert out.shape == (28, 28) and not out.any()


def _bad_files(tmp: Path) -> dict[str, tuple[Path, str]]:
    """name -> (file, regex the message must match besides the file name)."""
    good = tmp / "good.png"
    Image.fromarray(_to_u8(_digit((200, 200)))).save(good)
    data = good.read_bytes()
    jpg = tmp / "good.jpg"
    Image.fromarray(_to_u8(_digit((200, 200)))).save(jpg)
    cases = {
        "missing": (tmp / "nowhere.png", "no such file"),
        "folder": (tmp / "a_folder.png", "folder"),
        "empty": (tmp / "empty.png", "empty"),
        "text": (tmp / "notes.png", "not an image"),
        "truncated-png": (tmp / "cut.png", "truncated"),
        "truncated-jpg": (tmp / "cut.jpg", "truncated"),
        "zero-size": (tmp / "zero.png", "damaged PNG"),
        "huge": (tmp / "huge.png", "megapixels"),
        "bomb": (tmp / "bomb.png", "megapixels"),
    }
    (tmp / "a_folder.png").mkdir()
    (tmp / "empty.png").write_bytes(b"")
    (tmp / "notes.png").write_text("hello, this is not a picture\n")
    (tmp / "cut.png").write_bytes(data[: len(data) // 2])
    (tmp / "cut.jpg").write_bytes(jpg.read_bytes()[:600])
    (tmp / "zero.png").write_bytes(_png_bytes(0, 7))
    (tmp / "huge.png").write_bytes(_png_bytes(8000, 7000))  # 56 MP: refused by our limit
    (tmp / "bomb.png").write_bytes(_png_bytes(20000, 20000))  # 400 MP: Pillow's bomb guard
    return cases


@pytest.mark.parametrize(
    "case",
    [
        "missing",
        "folder",
        "empty",
        "text",
        "truncated-png",
        "truncated-jpg",
        "zero-size",
        "huge",
        "bomb",
    ],
)
def test_bad_files_raise_image_file_error_naming_the_file(tmp_path: Path, case: str) -> None:
    path, pattern = _bad_files(tmp_path)[case]
    with pytest.raises(ImageFileError, match=pattern) as info:
        load_grayscale(path)
    message = str(info.value)
    assert path.name in message
    assert "\n" not in message
    assert isinstance(info.value, ValueError)
    with pytest.raises(ImageFileError):
        load_for_model(path)


def test_jpeg_exif_rotation_is_applied(tmp_path: Path) -> None:
    grey = np.full((30, 60), 255, dtype=np.uint8)
    grey[:, :10] = 0  # a dark band on the left
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: the camera was turned; display rotated 90 degrees clockwise
    Image.fromarray(grey).save(tmp_path / "phone.jpg", exif=exif.tobytes(), quality=95)
    out = load_grayscale(tmp_path / "phone.jpg")
    assert out.shape == (60, 30)
    assert out[:10].mean() < 0.1 and out[20:].mean() > 0.9  # the band is now at the top


@pytest.mark.parametrize("suffix", [".png", ".svg", ".pdf"])
def test_save_figure_writes_atomically_in_the_format_of_the_name(tmp_path, suffix):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from workbench.core.imageio import save_figure

    fig = Figure()
    FigureCanvasAgg(fig)
    fig.add_subplot().plot([0, 1], [1, 0])
    target = tmp_path / "new folder" / f"fig{suffix}"
    save_figure(fig, target)
    head = target.read_bytes()[:8]
    assert head.startswith({".png": b"\x89PNG", ".svg": b"<?xml", ".pdf": b"%PDF"}[suffix])
    assert [p.name for p in target.parent.iterdir()] == [target.name]  # no temporary left


def test_save_figure_refuses_an_unknown_format_and_keeps_the_old_file(tmp_path):
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    from workbench.core.imageio import save_figure

    fig = Figure()
    FigureCanvasAgg(fig)
    target = tmp_path / "fig.xyz"
    target.write_bytes(b"old")
    with pytest.raises(ValueError, match=r"cannot write a figure as \.xyz"):
        save_figure(fig, target)
    assert target.read_bytes() == b"old"
