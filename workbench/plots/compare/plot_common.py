"""Helpers shared by the Compare page's live figures: seed statistics, spread bands, theming.

Pure Matplotlib and NumPy; the figures redraw from a state object on the page's timer.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence

import numpy as np
from matplotlib.axes import Axes
from matplotlib.collections import PolyCollection
from numpy.typing import NDArray

from nn.training import History

MAX_RAW_POINTS = 4000  # faint raw loss lines are decimated beyond this many points
__all__ = ["MAX_RAW_POINTS", "epoch_statistics", "grid_shape", "set_band", "stride"]


def stride(n: int) -> int:
    """Keep every ``stride(n)``-th point of a long raw curve (at most ``MAX_RAW_POINTS``)."""
    return max(1, math.ceil(n / MAX_RAW_POINTS))


def epoch_statistics(histories: Sequence[History], column: str | Callable[[History], NDArray]
                     ) -> tuple[NDArray, NDArray, NDArray]:
    """Epoch numbers, mean and spread (std over seeds) of one per-epoch metric.

    Parameters
    ----------
    histories : sequence of History
        One per seed; a seed that diverged or is behind has fewer epochs (padded with NaN).
    column : str or callable
        An :class:`~nn.training.EpochEnd` field, e.g. ``"train_acc"``, or a function of a
        history giving one value per epoch (e.g. the train − test gap).

    Returns
    -------
    epochs, mean, spread : ndarray, each of shape (n_epochs,)
        ``n_epochs`` is the longest history's; NaN where no seed has a value; spread 0 with
        one seed.
    """
    length = max((len(h.epochs) for h in histories), default=0)
    table = np.full((max(len(histories), 1), length), np.nan)
    for i, h in enumerate(histories):
        values = h.epoch_column(column) if isinstance(column, str) else column(h)
        table[i, : len(values)] = values
    epochs = np.arange(1, length + 1, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        counts = np.isfinite(table).sum(axis=0)
        total = np.nansum(table, axis=0)
        mean = np.where(counts > 0, total / np.maximum(counts, 1), np.nan)
        dev = np.where(np.isfinite(table), table - mean, 0.0)
        spread = np.sqrt((dev ** 2).sum(axis=0) / np.maximum(counts, 1))
    spread[counts == 0] = np.nan
    return epochs, mean, spread


def set_band(ax: Axes, old: PolyCollection | None, x: NDArray, mean: NDArray, spread: NDArray,
             color: str, show: bool, alpha: float = 0.18) -> PolyCollection | None:
    """Replace ``old`` with a band ``mean ± spread`` over ``x`` (None when not ``show``)."""
    if old is not None:
        old.remove()
    if not show or len(x) == 0:
        return None
    lo, hi = mean - spread, mean + spread
    ok = np.isfinite(lo) & np.isfinite(hi)
    return ax.fill_between(x, np.where(ok, lo, np.nan), np.where(ok, hi, np.nan), color=color,
                           alpha=alpha, linewidth=0)


def grid_shape(count: int, max_cols: int = 4) -> tuple[int, int]:
    """Rows and columns for ``count`` small panels, as square as possible (16 → 4 × 4)."""
    cols = min(max_cols, max(1, math.ceil(math.sqrt(count))))
    return math.ceil(count / cols), cols
