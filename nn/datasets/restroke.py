"""Re-stroking: redraw a batch of digits with a round pen of a chosen width.

The Draw page hands the network strokes of one uniform width with a one-pixel anti-aliased
edge (its "MNIST pen width" makes that width a fixed fraction of the drawing's size), while
MNIST's writers used pens of every width with soft edges. Re-stroking a training digit turns it
into a page-like drawing: its ink is thinned to a one-pixel skeleton (Zhang & Suen, "A fast
parallel algorithm for thinning digital patterns", CACM 27(3), 1984) and every skeleton pixel is
stamped with an anti-aliased disc of the new pen (a grey dilation with a non-flat structuring
element whose value at offset ``o`` is ``clip(w / 2 - |o| + 0.5, 0, 1)``, the same coverage rule
as :mod:`nn.raster`).

Both steps work on the whole batch at once with shifted views; the only loops are over the
thinning passes (a few for strokes a few pixels wide) and over the disc's offsets.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

__all__ = ["pen_stamp", "restroke", "thin"]

_MAX_PASSES = 20


def _neighbours(b: NDArray[np.bool_]) -> list[NDArray[np.uint8]]:
    """P2..P9 of every pixel of ``b`` (N, H, W): N, NE, E, SE, S, SW, W, NW (zero outside)."""
    p = np.pad(b, ((0, 0), (1, 1), (1, 1))).astype(np.uint8)
    h, w = b.shape[1:]
    at = lambda dy, dx: p[:, 1 + dy : 1 + dy + h, 1 + dx : 1 + dx + w]  # noqa: E731
    return [at(-1, 0), at(-1, 1), at(0, 1), at(1, 1), at(1, 0), at(1, -1), at(0, -1), at(-1, -1)]


def thin(ink: NDArray[np.bool_]) -> NDArray[np.bool_]:
    """Zhang–Suen thinning of binary images ``(N, H, W)`` to 8-connected one-pixel skeletons.

    A pass removes, in two sub-iterations, every boundary pixel with 2..6 ink neighbours, exactly
    one 0->1 transition around it, and an empty N/E/S (then S/W/N) side; passes repeat until no
    image changes. A new array is returned.
    """
    b = np.array(ink, dtype=bool, copy=True)
    for _ in range(_MAX_PASSES):
        changed = False
        for first in (True, False):
            n = _neighbours(b)
            count = sum(v.astype(np.int16) for v in n)
            ring = n + n[:1]
            transitions = sum(((ring[i] == 0) & (ring[i + 1] == 1)).astype(np.int16)
                              for i in range(8))
            p2, p4, p6, p8 = n[0], n[2], n[4], n[6]
            if first:
                side = (p2 * p4 * p6 == 0) & (p4 * p6 * p8 == 0)
            else:
                side = (p2 * p4 * p8 == 0) & (p2 * p6 * p8 == 0)
            remove = b & (count >= 2) & (count <= 6) & (transitions == 1) & side
            if remove.any():
                b &= ~remove
                changed = True
        if not changed:
            break
    return b


def pen_stamp(widths: NDArray) -> tuple[list[tuple[int, int]], NDArray[np.float32]]:
    """Offsets of a round pen and each one's coverage for every width.

    Returns
    -------
    offsets : list of (dy, dx)
        Every offset reached by the widest pen.
    weights : numpy.ndarray, shape (len(offsets), N), float32
        ``clip(w / 2 - |o| + 0.5, 0, 1)`` for each offset and width.
    """
    widths = np.asarray(widths, np.float64)
    r = int(np.ceil(widths.max() / 2.0 + 0.5)) if widths.size else 0
    offsets = [(dy, dx) for dy in range(-r, r + 1) for dx in range(-r, r + 1)]
    dist = np.array([np.hypot(dy, dx) for dy, dx in offsets])
    weights = np.clip(widths[None, :] / 2.0 - dist[:, None] + 0.5, 0.0, 1.0)
    keep = weights.max(axis=1) > 0.0
    return [o for o, k in zip(offsets, keep, strict=True) if k], weights[keep].astype(np.float32)


def restroke(images: NDArray, widths: NDArray, threshold: float = 0.5) -> NDArray[np.float32]:
    """Redraw each image's strokes with a round pen ``widths[i]`` pixels wide.

    Parameters
    ----------
    images : numpy.ndarray, shape (N, H, W)
        Ink high in ``[0, 1]``.
    widths : numpy.ndarray, shape (N,)
        Pen widths in pixels (about 1..4 for 28x28 digits).
    threshold : float
        Ink level that counts as stroke before thinning.

    Returns
    -------
    numpy.ndarray, shape (N, H, W), float32
        The re-stroked images in ``[0, 1]``; an image without ink above ``threshold`` is kept.
    """
    x = np.asarray(images, np.float32)
    if x.ndim != 3 or len(widths) != len(x):
        raise ValueError(f"restroke needs images (N, H, W) and N widths, got {x.shape} and "
                         f"{np.shape(widths)}")
    skeleton = thin(x > threshold)
    offsets, weights = pen_stamp(widths)
    n, h, w = x.shape
    r = max(max(abs(dy), abs(dx)) for dy, dx in offsets)
    padded = np.pad(skeleton, ((0, 0), (r, r), (r, r))).astype(np.float32)
    out = np.zeros_like(x)
    for (dy, dx), weight in zip(offsets, weights, strict=True):
        view = padded[:, r - dy : r - dy + h, r - dx : r - dx + w]
        np.maximum(out, view * weight[:, None, None], out=out)
    empty = ~skeleton.any(axis=(1, 2))
    out[empty] = x[empty]
    return out
