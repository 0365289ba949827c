"""The decision-boundary grid of a 2-D classifier: the predicted class and its probability over
a grid of points. Qt-free; computed in the worker thread, drawn by
:class:`workbench.plots.boundary.BoundaryFigure`."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class BoundaryGrid:
    extent: tuple[float, float, float, float]  # x0, x1, y0, y1
    classes: NDArray  # (res, res) uint8, predicted class per cell (row 0 = y0)
    confidence: NDArray  # (res, res) float32, probability of that class


def data_extent(x: NDArray, margin: float = 0.15) -> tuple[float, float, float, float]:
    lo, hi = x.min(axis=0), x.max(axis=0)
    pad = (hi - lo) * margin + 1e-6
    x0, y0 = (lo - pad).tolist()
    x1, y1 = (hi + pad).tolist()
    return float(x0), float(x1), float(y0), float(y1)


def boundary_grid(model, extent: tuple[float, float, float, float], res: int = 120) -> BoundaryGrid:
    """Evaluate ``model`` on a ``res``×``res`` grid over ``extent`` (runs in the worker)."""
    x0, x1, y0, y1 = extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, res), np.linspace(y0, y1, res))
    points = np.stack([gx.ravel(), gy.ravel()], axis=1).astype(model.dtype)
    with np.errstate(all="ignore"):
        proba = model.predict_proba(points, batch_size=res * res)
    proba = np.nan_to_num(proba, nan=0.0)
    classes = proba.argmax(axis=1).astype(np.uint8).reshape(res, res)
    confidence = proba.max(axis=1).astype(np.float32).reshape(res, res)
    return BoundaryGrid(extent, classes, confidence)
