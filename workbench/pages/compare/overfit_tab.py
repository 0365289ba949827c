"""Overfitting and regularization (book ch. 6.4, ``overfit_weight_decay.py`` and
``overfit_dropout.py``): a 7-layer network on 300 images, without regularization, with weight
decay, with Dropout — training against test accuracy per epoch."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QVBoxLayout

from workbench.core.i18n import tr
from workbench.pages.compare.controls import DataChoice, SeedsRow, int_spin, log_box
from workbench.pages.compare.settings_form import SettingsForm
from workbench.pages.compare.tab_base import ComparisonTab
from workbench.pages.compare.table import Cell, pct_cell
from workbench.plots.compare.epoch_figures import OverfitFigure
from workbench.state.compare import specs
from workbench.state.compare.views import ComparisonState
from workbench.ui.fields import NumberBox


def _settings_of(state: ComparisonState, variant: int) -> tuple[float, float]:
    """Weight decay λ and dropout ratio of a variant (0 when unused)."""
    overrides = state.variants[variant].overrides
    decay = float((overrides.get("optimizer") or {}).get("weight_decay", 0.0))
    options = (overrides.get("model") or {}).get("options") or {}
    rate = float(options.get("dropout_rate", 0.0)) if options.get("use_dropout") else 0.0
    return decay, rate


def _gaps(state: ComparisonState, variant: int, last: int = 1) -> list[float]:
    """Per seed, train − test accuracy averaged over the ``last`` epochs run."""
    gaps = []
    for history in state.histories[variant]:
        if history.epochs:
            tail = history.epochs[-last:]
            gaps.append(float(np.mean([e.train_acc - e.test_acc for e in tail])))
    return [g for g in gaps if math.isfinite(g)]


class OverfitTab(ComparisonTab):
    key = "overfitting"
    epoch_based = True

    def build_settings(self, layout: QVBoxLayout) -> None:
        self.variant_group = QGroupBox(self)
        grid = QGridLayout(self.variant_group)
        self.variant_checks = {name: QCheckBox(self) for name in specs.OVERFIT_VARIANTS}
        self.decay = log_box(0.1, parent=self)
        self.dropout = NumberBox(self, step=0.05, soft_range=(0.05, 0.95))
        self.dropout.setValue(0.2)
        self.dropout.setMinimumWidth(70)
        for row, name in enumerate(specs.OVERFIT_VARIANTS):
            grid.addWidget(self.variant_checks[name], row, 0)
        grid.addWidget(self.decay, 1, 1)
        grid.addWidget(self.dropout, 2, 1)
        grid.setColumnStretch(1, 1)
        self.net_group = SettingsForm(self)
        self.layers = self.net_group.add("layers", int_spin(1, 20, 6, parent=self))
        self.units = self.net_group.add("units", int_spin(1, 4096, 100, step=10, parent=self))
        self.train_group = SettingsForm(self)
        self.data_choice = self.train_group.add("data", DataChoice(self.context, self),
                                                optional=True)
        self.train_size = self.train_group.add(
            "train_size", int_spin(10, 60_000, 300, step=100, parent=self))
        self.lr = self.train_group.add("lr", log_box(0.01, parent=self))
        self.batch = self.train_group.add("batch_size", int_spin(1, 10_000, 100, parent=self))
        self.epochs = self.train_group.add("epochs",
                                           int_spin(1, 10_000, 201, step=10, parent=self))
        self.seeds = self.train_group.add("seeds", SeedsRow(self))
        for group in (self.variant_group, self.net_group, self.train_group):
            layout.addWidget(group)

    def retranslate_settings(self) -> None:
        self.variant_group.setTitle(tr("Variants (ch. 6.4)"))
        texts = {"none": tr("No regularization"), "weight_decay": tr("Weight decay, λ ="),
                 "dropout": tr("Dropout, ratio ="), "both": tr("Weight decay + Dropout")}
        tips = {
            "none": tr("The plain network: with few images and many weights it memorises the "
                       "training set — training accuracy reaches 100 %, test accuracy lags "
                       "(ch. 6.4.1)."),
            "weight_decay": tr("Add ½λ‖W‖² to the loss for every weight matrix, so large "
                               "weights cost something (ch. 6.4.2). The book uses λ = 0.1."),
            "dropout": tr("Drop hidden units at random while training, a different subset "
                          "each batch (ch. 6.4.3). The book uses a ratio of 0.2."),
            "both": tr("Weight decay and Dropout together (beyond the book)."),
        }
        for name, check in self.variant_checks.items():
            check.setText(texts[name])
            check.setToolTip(tips[name])
        self.decay.setToolTip(tips["weight_decay"])
        self.dropout.setToolTip(tr("The fraction of hidden units dropped in each training "
                                   "step (between 0 and 1)."))
        self.net_group.retranslate(tr("Network (MultiLayerNetExtend)"))
        self.layers.setToolTip(tr("Hidden layers (the book: 6, a large network for 300 "
                                  "images)."))
        self.units.setToolTip(tr("Units per hidden layer (the book: 100)."))
        self.train_group.retranslate(tr("Training"))
        self.train_size.setToolTip(tr("The first images of the training set; the book keeps "
                                      "300 to provoke overfitting."))
        self.lr.setToolTip(tr("SGD's learning rate (the book: 0.01)."))
        self.batch.setToolTip(tr("Images per mini-batch (the book: 100)."))
        self.epochs.setToolTip(tr("Passes over the training images (the book: 201 for "
                                  "weight decay, 301 for Dropout)."))

    def intro_text(self) -> str:
        return tr("Book ch. 6.4: a large network trained on only 300 images overfits — "
                  "training accuracy climbs to 100 % while test accuracy stays far below. "
                  "Weight decay and Dropout narrow that gap (shaded).")

    def book_tooltip(self) -> str:
        return tr("The book's setting (ch. 6.4): MultiLayerNet 784-100×6-10, 300 training "
                  "images, SGD lr 0.01, batch 100, 201 epochs; weight decay λ = 0.1 and "
                  "Dropout ratio 0.2.")

    def settings(self) -> dict[str, Any]:
        return {"variants": {name: check.isChecked()
                             for name, check in self.variant_checks.items()},
                "weight_decay": self.decay.value(), "dropout_rate": self.dropout.value(),
                **self.net_group.values(), **self.train_group.values()}

    def apply_settings(self, settings: dict[str, Any]) -> None:
        for name, check in self.variant_checks.items():
            check.setChecked(bool(settings["variants"].get(name)))
        self.decay.setValue(float(settings["weight_decay"]))
        self.dropout.setValue(float(settings["dropout_rate"]))
        self.net_group.set_values(settings)
        self.train_group.set_values(settings)

    def data_config(self, settings: dict[str, Any]):
        return self.data_choice.config(train_size=int(settings["train_size"]),
                                       val_fraction=0.0)

    # ----------------------------------------------------------------------------- display
    def variant_name(self, state: ComparisonState, variant: int) -> str:
        decay, rate = _settings_of(state, variant)
        if decay and rate:
            return tr("Weight decay λ = {d:g} + Dropout {r:g}").format(d=decay, r=rate)
        if decay:
            return tr("Weight decay λ = {d:g}").format(d=decay)
        if rate:
            return tr("Dropout, ratio {r:g}").format(r=rate)
        return tr("No regularization")

    def create_figure(self, fig, colors: dict[str, str]) -> OverfitFigure:
        return OverfitFigure(fig, colors, self.variant_name)

    def update_figure(self) -> None:
        self.figure.update(self.state, int(self.shown.get("epochs", 201)))

    def table_content(self) -> tuple[list[str], list[list[Cell]], str]:
        state = self.state
        headers = [tr("Variant"), tr("Train accuracy"), tr("Test accuracy"),
                   tr("Gap (train − test)"), tr("Gap, last 10 epochs"), tr("Best test accuracy")]
        multi = len(state.seeds) > 1
        rows = []
        for v in range(len(state.variants)):
            def last(name: str, v: int = v) -> list[float]:
                return [getattr(h.epochs[-1], name) for h in state.histories[v] if h.epochs]

            def spread(values: list[float]) -> float | None:
                return float(np.std(values)) if multi and len(values) > 1 else None

            def mean(values: list[float]) -> float:
                return float(np.mean(values)) if values else math.nan

            train, test = last("train_acc"), last("test_acc")
            gap, gap10 = _gaps(state, v), _gaps(state, v, 10)
            best = [float(np.nanmax(h.epoch_column("test_acc")))
                    for h in state.histories[v] if h.epochs]
            rows.append([Cell(self.variant_name(state, v), state.variants[v].label),
                         pct_cell(mean(train), spread(train)), pct_cell(mean(test), spread(test)),
                         pct_cell(mean(gap), spread(gap)), pct_cell(mean(gap10), spread(gap10)),
                         pct_cell(mean(best), spread(best))])
        caption = tr("At the last epoch run; the gap is what regularization should narrow. "
                     "Test accuracy on the whole test set.")
        if multi:
            caption += " " + tr("± is the standard deviation over {n} seeds.").format(
                n=len(state.seeds))
        return headers, rows, caption


__all__ = ["OverfitTab"]
