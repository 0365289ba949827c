"""Batch Normalization across initial weight scales (book ch. 6.3.2, ``batch_norm_test.py``):
the same deep network with and without BatchNorm, for weight scales from 1 down to 0.0001."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtWidgets import QGroupBox, QLabel, QVBoxLayout

import nn
from workbench.core.i18n import tr
from workbench.pages.compare.controls import DataChoice, SeedsRow, int_spin, log_box
from workbench.pages.compare.curves_tab import seed_values
from workbench.pages.compare.settings_form import SettingsForm
from workbench.pages.compare.tab_base import ComparisonTab
from workbench.pages.compare.table import Cell, pct_cell
from workbench.plots.compare.epoch_figures import BatchNormGridFigure
from workbench.state.compare import specs
from workbench.state.compare.views import ComparisonState
from workbench.ui.fields import make_form, muted_label


def variant_scales(state: ComparisonState) -> list[float]:
    """The weight scale of each BatchNorm / plain pair (variants ``2·i`` and ``2·i + 1``)."""
    scales = []
    for variant in state.variants[::2]:
        init = (variant.overrides.get("model") or {}).get("init", "std1")
        try:
            scales.append(float(nn.initializers.get(init).std))
        except ValueError:
            scales.append(math.nan)
    return scales


class BatchNormTab(ComparisonTab):
    key = "batchnorm"
    min_view_height = 560  # eight panels with titles and ticks
    epoch_based = True

    def build_settings(self, layout: QVBoxLayout) -> None:
        self.scale_group = QGroupBox(self)
        scale_form = make_form()
        self.scale_group.setLayout(scale_form)
        self.scales = int_spin(1, 25, 16, parent=self)
        self.scale_max = log_box(1.0, parent=self)
        self.scale_min = log_box(1e-4, parent=self)
        self.scale_list = muted_label(self)
        for box in (self.scales, self.scale_max, self.scale_min):
            box.valueChanged.connect(self._show_scales)
        self.scale_labels = (QLabel(self), QLabel(self), QLabel(self))
        scale_form.addRow(self.scale_labels[0], self.scales)
        scale_form.addRow(self.scale_labels[1], self.scale_max)
        scale_form.addRow(self.scale_labels[2], self.scale_min)
        scale_form.addRow(self.scale_list)
        self.net_group = SettingsForm(self)
        self.layers = self.net_group.add("layers", int_spin(1, 20, 5, parent=self))
        self.units = self.net_group.add("units", int_spin(1, 4096, 100, step=10, parent=self))
        self.train_group = SettingsForm(self)
        self.data_choice = self.train_group.add("data", DataChoice(self.context, self),
                                                optional=True)
        self.train_size = self.train_group.add(
            "train_size", int_spin(10, 60_000, 1000, step=100, parent=self))
        self.lr = self.train_group.add("lr", log_box(0.01, parent=self))
        self.batch = self.train_group.add("batch_size", int_spin(1, 10_000, 100, parent=self))
        self.epochs = self.train_group.add("epochs", int_spin(1, 1000, 20, parent=self))
        self.seeds = self.train_group.add("seeds", SeedsRow(self))
        for group in (self.scale_group, self.net_group, self.train_group):
            layout.addWidget(group)

    def _show_scales(self) -> None:
        low, high = self.scale_min.value(), self.scale_max.value()
        if not 0 < low <= high:
            self.scale_list.setText(tr("Need 0 < smallest ≤ largest."))
            return
        scales = specs.weight_scales(self.scales.value(), high, low)
        text = ", ".join(f"{w:.2g}" for w in scales)
        self.scale_list.setText(tr("w = {values}").format(values=text))

    def retranslate_settings(self) -> None:
        self.scale_group.setTitle(tr("Initial weight scales"))
        self.scale_labels[0].setText(tr("Scales"))
        self.scale_labels[1].setText(tr("Largest w"))
        self.scale_labels[2].setText(tr("Smallest w"))
        self.scales.setToolTip(tr(
            "How many initial weight scales w to try, spaced evenly on a log scale (the book: "
            "16, np.logspace(0, -4, 16)). Every weight starts as N(0, w²); each scale trains "
            "once with and once without BatchNorm."))
        self.scale_max.setToolTip(tr("The largest weight scale (the book: 1)."))
        self.scale_min.setToolTip(tr("The smallest weight scale (the book: 0.0001)."))
        self._show_scales()
        self.net_group.retranslate(tr("Network (MultiLayerNetExtend)"))
        self.layers.setToolTip(tr("Hidden layers (the book: 5). Deep networks suffer most "
                                  "from a bad weight scale."))
        self.units.setToolTip(tr("Units per hidden layer (the book: 100)."))
        self.train_group.retranslate(tr("Training"))
        self.train_size.setToolTip(tr("The first images of the training set (the book: "
                                      "1,000, to keep the experiment fast)."))
        self.lr.setToolTip(tr("SGD's learning rate (the book: 0.01)."))
        self.batch.setToolTip(tr("Images per mini-batch (the book: 100)."))
        self.epochs.setToolTip(tr("Passes over the training images (the book: 20)."))

    def intro_text(self) -> str:
        return tr("Book ch. 6.3.2: a 5-layer network with and without Batch Normalization, "
                  "started from weights of scale w = 1 … 0.0001. Without BatchNorm most scales "
                  "stall near 10 % (chance); with it nearly every scale learns, and fast.")

    def book_tooltip(self) -> str:
        return tr("The book's setting (ch. 6.3.2): 16 weight scales, MultiLayerNetExtend with "
                  "5 hidden layers of 100, 1,000 training images, SGD lr 0.01, batch 100, 20 "
                  "epochs — 32 networks.")

    def settings(self) -> dict[str, Any]:
        return {"scales": self.scales.value(), "scale_max": self.scale_max.value(),
                "scale_min": self.scale_min.value(), **self.net_group.values(),
                **self.train_group.values()}

    def apply_settings(self, settings: dict[str, Any]) -> None:
        self.scales.setValue(int(settings["scales"]))
        self.scale_max.setValue(float(settings.get("scale_max", 1.0)))
        self.scale_min.setValue(float(settings.get("scale_min", 1e-4)))
        self.net_group.set_values(settings)
        self.train_group.set_values(settings)

    def data_config(self, settings: dict[str, Any]):
        return self.data_choice.config(train_size=int(settings["train_size"]),
                                       val_fraction=0.0)

    # ----------------------------------------------------------------------------- display
    def create_figure(self, fig, colors: dict[str, str]) -> BatchNormGridFigure:
        return BatchNormGridFigure(fig, colors)

    def update_figure(self) -> None:
        self.figure.update(self.state, variant_scales(self.state),
                           int(self.shown.get("epochs", 20)))

    def table_content(self) -> tuple[list[str], list[list[Cell]], str]:
        state = self.state
        headers = [tr("Weight scale w"), tr("Train accuracy, BatchNorm"),
                   tr("Train accuracy, plain"), tr("Difference"), tr("Test accuracy, BatchNorm"),
                   tr("Test accuracy, plain")]
        summary = state.summary if len(state.summary) == len(state.variants) else None
        rows = []
        for i, w in enumerate(variant_scales(state)):
            cells = [Cell(f"{w:.3g}", w)]
            trains = []
            for v in (2 * i, 2 * i + 1):
                values = seed_values(state, v, "train_acc")
                trains.append(float(np.mean(values)) if values else math.nan)
                spread = float(np.std(values)) if len(values) > 1 else None
                cells.append(pct_cell(trains[-1], spread))
                if state.diverged(v):
                    cells[-1] = Cell(cells[-1].text + " " + tr("(diverged)"), cells[-1].value)
            diff = trains[0] - trains[1]
            cells.append(Cell(tr("{d:+.1f} points").format(d=100 * diff), diff)
                         if math.isfinite(diff)
                         else Cell("—", math.nan))
            for v in (2 * i, 2 * i + 1):
                cells.append(pct_cell(summary[v].test_acc, summary[v].test_acc_std
                                      if len(state.seeds) > 1 else None)
                             if summary else Cell("—", math.nan))
            rows.append(cells)
        caption = tr("Training accuracy at the last epoch, on the training images; test "
                     "accuracy on up to 1,000 test images. Difference: BatchNorm minus plain, "
                     "in percentage points.")
        return headers, rows, caption


__all__ = ["BatchNormTab", "variant_scales"]
