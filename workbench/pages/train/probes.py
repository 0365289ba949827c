"""Probes the Build & Train page runs in the training worker (see
:class:`~workbench.core.training_events.Probe`)."""

from __future__ import annotations

from nn.training import Trainer
from workbench.core.boundary_grid import boundary_grid, data_extent
from workbench.core.training_events import Probe


def boundary_probe() -> Probe:
    """The decision boundary over the training points, for 2-D data (else nothing)."""
    extents: dict[int, tuple[float, float, float, float]] = {}

    def compute(trainer: Trainer):
        x = trainer.train[0]
        if x.ndim != 2 or x.shape[1] != 2:
            return None
        extent = extents.setdefault(id(x), data_extent(x))
        return boundary_grid(trainer.model, extent)

    return Probe("boundary", compute, interval=0.3)


__all__ = ["boundary_probe"]
