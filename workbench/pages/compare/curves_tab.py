"""Common ground of the optimizer and initializer tabs: loss and accuracy curves of every
variant (:class:`~workbench.plots.compare.loss_figure.LossAccuracyFigure`) and a table of
final loss, training and test accuracy."""

from __future__ import annotations

import math

import numpy as np

from nn.training import Diverged, Finished
from workbench.core.compare_jobs import ComparisonJob
from workbench.core.i18n import tr
from workbench.pages.compare.controls import DataChoice, NetworkFields, SeedsRow, int_spin
from workbench.pages.compare.settings_form import SettingsForm
from workbench.pages.compare.tab_base import ComparisonTab
from workbench.pages.compare.table import Cell, num_cell, pct_cell
from workbench.plots.compare.loss_figure import LossAccuracyFigure
from workbench.state.compare.views import ComparisonState


def seed_values(state: ComparisonState, variant: int, name: str) -> list[float]:
    """``train_acc`` or ``test_acc`` of each seed at its end (or its last epoch so far),
    skipping diverged seeds — as :meth:`nn.compare.Comparison.summary` counts them."""
    values = []
    for s, history in enumerate(state.histories[variant]):
        outcome = state.outcomes.get((variant, s))
        if isinstance(outcome, Diverged):
            continue
        if isinstance(outcome, Finished):
            values.append(getattr(outcome, name))
        elif history.epochs:
            values.append(getattr(history.epochs[-1], name))
    return [v for v in values if not math.isnan(v)]


def _train_spread(state: ComparisonState, variant: int, saved: float) -> float | None:
    """The spread of training accuracy over seeds; results saved before the summary held it
    recompute it from the outcomes."""
    if not math.isnan(saved):
        return saved
    values = seed_values(state, variant, "train_acc")
    return float(np.std(values)) if len(values) > 1 else None


class CurvesTab(ComparisonTab):
    """Subclasses name the variants (:meth:`variant_name`) and their setting column."""

    def build_network_and_training(self) -> None:
        """The Network and Training groups both curve tabs share (the book's ch. 6.1.8 and
        6.2.4 experiments: batch 128, 2,000 iterations); the tab adds them to its layout."""
        self.net_group = SettingsForm(self)
        self.network = self.net_group.add("network", NetworkFields(self), labelled=False)
        self.train_group = SettingsForm(self)
        self.data_choice = self.train_group.add("data", DataChoice(self.context, self),
                                                optional=True)
        self.batch = self.train_group.add("batch_size", int_spin(1, 10_000, 128, parent=self))
        self.iterations = self.train_group.add(
            "iterations", int_spin(1, 1_000_000, 2000, step=100, parent=self))
        self.seeds = self.train_group.add("seeds", SeedsRow(self))

    def retranslate_network_and_training(self) -> None:
        self.net_group.retranslate(tr("Network"))
        self.train_group.retranslate(tr("Training"))

    def create_figure(self, fig, colors: dict[str, str]) -> LossAccuracyFigure:
        return LossAccuracyFigure(fig, colors, self.legend_name)

    def update_figure(self) -> None:
        self.figure.update(self.state)

    def variant_name(self, state: ComparisonState, variant: int) -> str:
        raise NotImplementedError

    def legend_name(self, state: ComparisonState, variant: int) -> str:
        """The variant in the figure's legend (by default its name)."""
        return self.variant_name(state, variant)

    def first_header(self) -> str:
        raise NotImplementedError

    def setting_header(self) -> str:
        raise NotImplementedError

    def setting_cell(self, state: ComparisonState, variant: int) -> Cell:
        raise NotImplementedError

    def table_content(self) -> tuple[list[str], list[list[Cell]], str]:
        state = self.state
        headers = [self.first_header(), self.setting_header(), tr("Final loss"),
                   tr("Train accuracy"), tr("Test accuracy"), tr("Diverged")]
        rows = []
        summary = state.summary if len(state.summary) == len(state.variants) else None
        seeds = len(state.seeds)
        for v in range(len(state.variants)):
            if summary is not None:
                row = summary[v]
                loss = num_cell(row.final_loss, row.final_loss_std if seeds > 1 else None)
                train = pct_cell(row.train_acc, _train_spread(state, v, row.train_acc_std)
                                 if seeds > 1 else None)
                test = pct_cell(row.test_acc, row.test_acc_std if seeds > 1 else None)
                diverged = row.diverged
            else:
                loss = train = test = Cell("—", math.nan)
                diverged = len(state.diverged(v))
            rows.append([Cell(self.variant_name(state, v), state.variants[v].label),
                         self.setting_cell(state, v), loss, train, test,
                         Cell(tr("{n} of {total}").format(n=diverged, total=seeds), diverged)])
        caption = tr("Final loss: mean of the last {n} iterations.").format(
            n=ComparisonJob.smooth_window)
        if seeds > 1:
            caption += " " + tr("± is the standard deviation over {n} seeds.").format(n=seeds)
        if state.outcomes and any(state.diverged(v) for v in range(len(state.variants))):
            caption += " " + tr("A diverged run (loss NaN or infinite) is left out of the "
                                "means.")
        return headers, rows, caption


__all__ = ["CurvesTab", "seed_values"]
