"""Image files in and out for ``predict``, the Draw page and figure export: no Qt.

:func:`load_grayscale` reads any still image Pillow knows (PNG, JPEG, BMP, GIF's first frame, ...)
in any mode as natural luminance in ``[0, 1]``; :func:`load_for_model` adds MNIST's preprocessing
(:func:`nn.preprocess.prepare_image`). Every problem with an input file is an
:class:`ImageFileError` whose one-line message names the file. Everything written goes through
:func:`nn.fileio.atomic_write`: grey PNGs (:func:`save_grayscale_png`) and Matplotlib figures
(:func:`save_figure`, for File → Export figure and the commands' ``--png``).
"""

from __future__ import annotations

import os
import struct
import warnings
from pathlib import Path

import numpy as np
from numpy.typing import ArrayLike, NDArray
from PIL import Image, ImageOps, UnidentifiedImageError

from nn.fileio import atomic_write
from nn.preprocess import prepare_image

__all__ = [
    "MAX_PIXELS",
    "ImageFileError",
    "load_for_model",
    "load_grayscale",
    "save_figure",
    "save_grayscale_png",
]

#: Largest image accepted, in pixels (50 megapixels, e.g. 8660 x 5773).
MAX_PIXELS = 50_000_000

# ITU-R 601-2 luma, the weights Pillow's own convert("L") uses
_LUMA = np.array([0.299, 0.587, 0.114])

# What Pillow raises for files it cannot decode besides UnidentifiedImageError (an OSError):
# truncated data (OSError), bad headers or chunks (SyntaxError, ValueError, struct.error, ...)
_DECODE_ERRORS = (
    OSError,
    ValueError,
    SyntaxError,
    EOFError,
    IndexError,
    TypeError,
    KeyError,
    struct.error,
)

_ORIENTATION = 0x0112  # EXIF tag

# Signatures of common formats, to tell a damaged image from a file that is no image at all
_SIGNATURES = {b"\x89PNG": "PNG", b"GIF8": "GIF", b"BM": "BMP", b"\xff\xd8\xff": "JPEG"}


class ImageFileError(ValueError):
    """An image file that is missing, unreadable, corrupt, empty or too large."""


def _fail(path: Path, problem: str) -> ImageFileError:
    return ImageFileError(f"cannot read image '{path}': {problem}")


def _unit(arr: NDArray[np.generic]) -> NDArray[np.float64]:
    """Samples of unknown depth (32-bit int or float modes) to ``[0, 1]``: by their maximum, as
    already in ``[0, 1]`` (floats), 8-bit or 16-bit."""
    data = np.nan_to_num(arr.astype(np.float64), nan=0.0, posinf=0.0, neginf=0.0)
    top = float(data.max()) if data.size else 0.0
    if np.issubdtype(arr.dtype, np.floating) and top <= 1.0:
        scale = 1.0
    elif top <= 255.0:
        scale = 255.0
    else:
        scale = 65535.0
    return np.clip(data / scale, 0.0, 1.0)


def _luminance(im: Image.Image) -> NDArray[np.float32]:
    """One decoded frame to luminance ``(H, W)`` float32 in ``[0, 1]``, transparency on white."""
    mode = im.mode
    if mode.startswith("I;16"):
        return (np.asarray(im, dtype=np.float64) / 65535.0).astype(np.float32)
    if mode in ("I", "F"):
        return _unit(np.asarray(im)).astype(np.float32)
    has_alpha = mode in ("RGBA", "LA", "PA", "RGBa", "La") or "transparency" in im.info
    if not has_alpha:  # 8-bit sources: Pillow's C conversion with the same luma weights
        grey = im if mode == "L" else im.convert("L")
        return np.asarray(grey, dtype=np.float32) / np.float32(255.0)
    rgba = np.asarray(im.convert("RGBA"), dtype=np.float32) / np.float32(255.0)
    alpha = rgba[..., 3]
    grey = rgba[..., :3] @ _LUMA.astype(np.float32)
    grey = grey * alpha + (1.0 - alpha)  # composite on white paper
    return np.clip(grey, 0.0, 1.0)


def load_grayscale(path: str | os.PathLike[str]) -> NDArray[np.float32]:
    """Read an image file as grey levels, 1 = white (natural luminance, not inverted).

    Parameters
    ----------
    path : str or path-like
        PNG, JPEG, BMP, GIF (first frame) or any other format Pillow reads, in any mode: palette,
        1-bit, 16-bit grey, RGB, RGBA (composited on white), CMYK. JPEG EXIF rotation is applied.

    Returns
    -------
    numpy.ndarray, shape (H, W), float32
        Values in ``[0, 1]``.

    Raises
    ------
    ImageFileError
        Missing file, a folder, an empty or non-image file, a corrupt or truncated image, an
        image with no pixels, or one over :data:`MAX_PIXELS`.
    """
    p = Path(path)
    if not p.exists():
        raise _fail(p, "no such file")
    if p.is_dir():
        raise _fail(p, "it is a folder, not a file")
    try:
        if p.stat().st_size == 0:
            raise _fail(p, "the file is empty")
        # Pillow warns above ~89 megapixels and raises above ~179: refuse both as too large.
        # (catch_warnings swaps the process-wide filters; a race costs at most a stray warning.)
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(p) as im:
                width, height = im.size
                if width <= 0 or height <= 0:
                    raise _fail(p, f"the image has no pixels ({width}x{height})")
                if width * height > MAX_PIXELS:
                    raise _fail(p, _too_large(f"{width}x{height} is {width * height / 1e6:.0f}"))
                im.seek(0)  # GIF, TIFF, APNG: the first frame
                if im.format == "JPEG" and im.mode in ("RGB", "YCbCr"):
                    im.draft("L", im.size)  # decode only the luma channel: same values, faster
                im.load()
                if im.getexif().get(_ORIENTATION, 1) != 1:  # phone photos: EXIF rotation
                    return _luminance(ImageOps.exif_transpose(im))
                return _luminance(im)
    except ImageFileError:
        raise
    except UnidentifiedImageError:
        raise _fail(p, _unidentified(p)) from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _fail(p, _too_large("the image has more than 89")) from None
    except PermissionError:
        raise _fail(p, "permission denied") from None
    except MemoryError:
        raise _fail(p, "not enough memory to decode it") from None
    except _DECODE_ERRORS as exc:
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise _fail(p, f"corrupt or truncated image ({detail})") from None


def _too_large(size: str) -> str:
    return f"{size} megapixels; images over {MAX_PIXELS // 1_000_000} megapixels are refused"


def _unidentified(path: Path) -> str:
    """Why Pillow could not identify ``path``: a damaged image, or no image at all."""
    try:
        with path.open("rb") as fh:
            head = fh.read(8)
    except OSError:
        head = b""
    for magic, name in _SIGNATURES.items():
        if head.startswith(magic):
            return f"damaged {name} file (bad header, e.g. zero width or height)"
    return "not an image, or a format Pillow cannot read"


def load_for_model(path: str | os.PathLike[str]) -> NDArray[np.float32]:
    """Read a digit image and preprocess it like MNIST: the network input for ``predict``.

    :func:`load_grayscale` then :func:`nn.preprocess.prepare_image` (either polarity, contrast
    stretched, cropped, scaled to 20 px, centre of mass at 14).

    Returns
    -------
    numpy.ndarray, shape (28, 28), float32
        Ink high, in ``[0, 1]``; zeros for a blank image.

    Raises
    ------
    ImageFileError
        As :func:`load_grayscale`.
    """
    return prepare_image(load_grayscale(path))


def save_grayscale_png(path: str | os.PathLike[str], image01: ArrayLike) -> None:
    """Write a grey image as an 8-bit PNG, atomically (temporary file in the same folder, then
    ``os.replace``), so a crash never leaves a half-written file under ``path``.

    Parameters
    ----------
    path : str or path-like
        Destination; its folder must exist.
    image01 : array_like, shape (H, W)
        Values in ``[0, 1]`` (others are clipped; NaN is written as 0), 1 = white.

    Raises
    ------
    ValueError
        ``image01`` is not a non-empty 2-D array.
    OSError
        The file cannot be written.
    """
    arr = np.asarray(image01, dtype=np.float64)
    if arr.ndim != 2 or arr.size == 0:
        raise ValueError(f"image must be a non-empty 2-D array (H, W), got shape {arr.shape}")
    pixels = np.round(np.clip(np.nan_to_num(arr, nan=0.0), 0.0, 1.0) * 255.0).astype(np.uint8)
    image = Image.fromarray(pixels)
    atomic_write(path, lambda fh: image.save(fh, format="PNG"), "image", create_folder=False)


def save_figure(figure, path: str | os.PathLike[str], **savefig: object) -> None:
    """Write a Matplotlib ``figure`` to ``path`` atomically, in the format its extension names
    (``.png``, ``.svg``, ``.pdf``…; PNG without one); a missing folder is created.

    Raises
    ------
    ValueError
        An extension Matplotlib cannot write (nothing is written).
    nn.errors.FileWriteError
        (an ``OSError``) naming ``path`` and the reason.
    """
    fmt = Path(path).suffix.lower().lstrip(".") or "png"
    supported = figure.canvas.get_supported_filetypes()
    if fmt not in supported:
        raise ValueError(f"cannot write a figure as .{fmt}; use one of "
                         f"{', '.join('.' + k for k in sorted(supported))}")
    atomic_write(path, lambda fh: figure.savefig(fh, format=fmt, **savefig), "figure")
