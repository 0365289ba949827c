"""Digits (and letters) rendered from the fonts installed on this machine onto a 280x280 canvas.

Fonts come from ``fc-list`` (fontconfig), restricted to Latin text families so that a digit
glyph is a digit: DejaVu, Liberation, FreeFont, Noto Sans/Serif, the URW base 35, Carlito,
Caladea, Lato, Open Sans, Roboto, Cabin, Dosis, Cantarell, Inconsolata, and the handwriting
fonts Comic Neue, DKG Handwriting, Breip, Because We…, Dancing Script and Femke Klaver
(Debian packages ``fonts-dejavu fonts-liberation fonts-freefont-ttf fonts-noto-core
fonts-urw-base35 fonts-crosextra-carlito fonts-crosextra-caladea fonts-comic-neue
fonts-dkg-handwriting fonts-breip fonts-bwht fonts-dancingscript fonts-femkeklaver fonts-cabin
fonts-dosis fonts-cantarell fonts-open-sans fonts-roboto-unhinted fonts-lato
fonts-inconsolata``). A font is split into the tuning or the held-out half by a hash of its
file name, so the held-out fonts are never seen while tuning.
"""

from __future__ import annotations

import re
import subprocess
import zlib
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray
from PIL import Image, ImageDraw, ImageFont

from nn.raster import CANVAS_SIZE

_FAMILIES = re.compile(
    r"^(DejaVu(Sans|Serif)|Liberation|Free(Sans|Serif|Mono)|NotoSans(Display)?-|"
    r"NotoSerif(Display)?-|NimbusSans|NimbusRoman|NimbusMonoPS|C059|P052|URWBookman|URWGothic|"
    r"Z003|Carlito|Caladea|Lato|OpenSans|Roboto|Cabin|Dosis|Cantarell|Inconsolata|ComicNeue|"
    r"dkg|[Bb]reip|BecauseWe|DancingScript|femkeklaver)", re.ASCII)

#: Placements of a glyph: (height range, centre spread) in canvas units (as for the strokes).
PLACEMENTS: dict[str, tuple[tuple[float, float], float]] = {
    "centred": ((150.0, 230.0), 15.0),
    "off-centre": ((110.0, 160.0), 70.0),
    "tiny": ((40.0, 70.0), 80.0),
    "huge": ((245.0, 272.0), 2.0),
}


@lru_cache(maxsize=1)
def font_files() -> tuple[Path, ...]:
    """Installed Latin text fonts (one file per name), sorted by file name."""
    try:
        listing = subprocess.run(["fc-list", "--format", "%{file}\\n"], capture_output=True,
                                 text=True, check=True, timeout=60).stdout
    except (OSError, subprocess.SubprocessError):
        return ()
    chosen: dict[str, Path] = {}
    for line in sorted(listing.splitlines()):
        path = Path(line.strip())
        if path.suffix.lower() in (".ttf", ".otf") and _FAMILIES.match(path.name):
            chosen.setdefault(path.stem.lower(), path)
    return tuple(sorted(chosen.values(), key=lambda p: p.name))


def is_held_out(font: Path) -> bool:
    """A third of the fonts, chosen by a hash of the file name, are held out."""
    return zlib.crc32(font.name.encode()) % 3 == 0


@lru_cache(maxsize=256)
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size)


def glyph(font: Path, char: str, bold: int = 0) -> NDArray[np.float32] | None:
    """The glyph of ``char`` rendered at 200 px, cropped to its ink, ink high in ``[0, 1]``;
    ``bold`` thickens the outline by that many pixels. None when the font lacks it (the glyph
    equals the font's missing-glyph box)."""
    f = _font(str(font), 200)
    missing = f.getmask("\uffff")
    mask = f.getmask(char)
    if mask.size == missing.size and bytes(mask) == bytes(missing):
        return None
    image = Image.new("L", (420, 420), 0)
    ImageDraw.Draw(image).text((60, 40), char, fill=255, font=f, stroke_width=bold,
                               stroke_fill=255)
    arr = np.asarray(image, np.float32) / 255.0
    rows, cols = np.flatnonzero(arr.max(1) > 0.1), np.flatnonzero(arr.max(0) > 0.1)
    if rows.size == 0:
        return None
    return arr[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def place(glyph_ink: NDArray[np.float32], placement: str,
          rng: np.random.Generator) -> NDArray[np.float32]:
    """Rotate a glyph (+-12 degrees), scale it to a height from ``PLACEMENTS[placement]`` and
    paste it at a random place on a 280x280 canvas that holds all of it."""
    img = Image.fromarray((glyph_ink * 255).astype(np.uint8))
    img = img.rotate(float(rng.uniform(-12, 12)), resample=Image.BICUBIC, expand=True)
    (h_lo, h_hi), spread = PLACEMENTS[placement]
    height = rng.uniform(h_lo, h_hi)
    scale = height / img.height
    w = max(1, min(CANVAS_SIZE - 2, int(round(img.width * scale))))
    h = max(1, min(CANVAS_SIZE - 2, int(round(img.height * scale))))
    img = img.resize((w, h), Image.LANCZOS)
    centre = CANVAS_SIZE / 2.0 + rng.uniform(-spread, spread, 2)
    left = int(np.clip(centre[0] - w / 2, 0, CANVAS_SIZE - w))
    top = int(np.clip(centre[1] - h / 2, 0, CANVAS_SIZE - h))
    canvas = np.zeros((CANVAS_SIZE, CANVAS_SIZE), np.float32)
    canvas[top : top + h, left : left + w] = np.asarray(img, np.float32) / 255.0
    return np.clip(canvas, 0.0, 1.0)
