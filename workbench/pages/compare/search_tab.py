"""Hyperparameter search (book ch. 6.5, ``hyperparameter_optimization.py``): learning rate and
weight decay sampled log-uniformly, each trial trained briefly, ranked by validation accuracy."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QLabel, QVBoxLayout

from workbench.core.i18n import tr
from workbench.pages.compare.controls import DataChoice, int_spin, log_box
from workbench.pages.compare.settings_form import SettingsForm
from workbench.pages.compare.tab_base import ComparisonTab
from workbench.pages.compare.table import Cell, pct_cell, sci_cell
from workbench.plots.compare.search_figure import SearchFigure, param_title
from workbench.state.compare import specs
from workbench.state.compare.views import SearchState
from workbench.ui.fields import make_form

VAL_FRACTION = 0.2  # the book holds out 20 % of its training images for validation


class _Range(QHBoxLayout):
    """``low … high`` as two log-stepping number boxes."""

    def __init__(self, parent, low: float, high: float) -> None:
        super().__init__()
        self.low, self.high = log_box(low, 1e-12, parent), log_box(high, 1e-12, parent)
        self.dots = QLabel("…", parent)
        self.addWidget(self.low, 1)
        self.addWidget(self.dots)
        self.addWidget(self.high, 1)

    def values(self) -> list[float]:
        return [self.low.value(), self.high.value()]

    def set_values(self, values: list[float]) -> None:
        low, high = (float(v) for v in values)
        self.low.setValue(low)
        self.high.setValue(high)

    def set_enabled(self, enabled: bool) -> None:
        for widget in (self.low, self.high, self.dots):
            widget.setEnabled(enabled)


class SearchTab(ComparisonTab):
    key = "search"
    kind = "search"

    def build_settings(self, layout: QVBoxLayout) -> None:
        self.space_group = QGroupBox(self)
        space = make_form()
        self.space_group.setLayout(space)
        self.lr_range = _Range(self, 1e-6, 1e-2)
        self.wd_check = QCheckBox(self)
        self.wd_range = _Range(self, 1e-8, 1e-4)
        self.wd_check.toggled.connect(self.wd_range.set_enabled)
        self.trials = int_spin(1, 10_000, 100, step=10, parent=self)
        self.search_seed = int_spin(0, 1_000_000, 0, parent=self)
        self.space_labels = (QLabel(self), QLabel(self), QLabel(self))
        space.addRow(self.space_labels[0], self.lr_range)
        space.addRow(self.wd_check, self.wd_range)
        space.addRow(self.space_labels[1], self.trials)
        space.addRow(self.space_labels[2], self.search_seed)
        self.trial_group = SettingsForm(self)
        self.data_choice = self.trial_group.add("data", DataChoice(self.context, self),
                                                optional=True)
        self.train_size = self.trial_group.add(
            "train_size", int_spin(10, 60_000, 500, step=100, parent=self))
        self.layers = self.trial_group.add("layers", int_spin(1, 20, 6, parent=self))
        self.units = self.trial_group.add("units", int_spin(1, 4096, 100, step=10, parent=self))
        self.optimizer = self.trial_group.add("optimizer", QComboBox(self))
        for name in specs.OPTIMIZERS:
            self.optimizer.addItem(specs.OPTIMIZER_TITLES[name], name)
        self.batch = self.trial_group.add("batch_size", int_spin(1, 10_000, 100, parent=self))
        self.epochs = self.trial_group.add("epochs", int_spin(1, 1000, 50, parent=self))
        self.view_group = QGroupBox(self)
        view = make_form()
        self.view_group.setLayout(view)
        self.show_best = int_spin(1, 30, 20, parent=self)
        self.show_label = QLabel(self)
        view.addRow(self.show_label, self.show_best)
        self.show_best.valueChanged.connect(self._show_best_changed)
        for group in (self.space_group, self.trial_group, self.view_group):
            layout.addWidget(group)

    def _show_best_changed(self, value: int) -> None:
        """How many panels to draw: a view setting, applied to the results on screen."""
        self.shown["show_best"] = int(value)
        self.state.dirty = True

    def retranslate_settings(self) -> None:
        self.space_group.setTitle(tr("Search space (ch. 6.5.2)"))
        self.space_labels[0].setText(tr("Learning rate"))
        self.wd_check.setText(tr("Weight decay"))
        self.space_labels[1].setText(tr("Trials"))
        self.space_labels[2].setText(tr("Sampling seed"))
        tip = tr("Each trial draws this setting log-uniformly between the two values, "
                 "10^U(log₁₀ low, log₁₀ high) (the book: learning rate 10^-6 … 10^-2, weight "
                 "decay 10^-8 … 10^-4). Search on a log scale: good values span decades.")
        for widget in (self.lr_range.low, self.lr_range.high, self.wd_range.low,
                       self.wd_range.high):
            widget.setToolTip(tip)
        self.wd_check.setToolTip(tr("Also sample the weight decay λ (ch. 6.4.2); unticked, "
                                    "trials use none."))
        self.trials.setToolTip(tr("How many settings to try (the book: 100)."))
        self.search_seed.setToolTip(tr("Seed of the sampling: the same seed draws the same "
                                       "settings again."))
        self.trial_group.retranslate(tr("Each trial"))
        self.train_size.setToolTip(tr(
            "The first images of the training set; 20 % of them are held out for validation "
            "(the book: 500, so 400 train and 100 validate). Trials are ranked on the "
            "validation images — never on the test set (ch. 6.5.1)."))
        self.layers.setToolTip(tr("Hidden layers (the book: 6)."))
        self.units.setToolTip(tr("Units per hidden layer (the book: 100)."))
        self.optimizer.setToolTip(tr("The optimizer of every trial (the book: SGD)."))
        self.batch.setToolTip(tr("Images per mini-batch (the book: 100)."))
        self.epochs.setToolTip(tr("Epochs per trial (the book: 50): a short budget is enough "
                                  "to tell good ranges from bad ones (ch. 6.5.2)."))
        self.view_group.setTitle(tr("View"))
        self.show_label.setText(tr("Show best"))
        self.show_best.setToolTip(tr("How many of the best trials get a panel of their "
                                     "accuracy curves (the book shows 20)."))

    def intro_text(self) -> str:
        return tr("Book ch. 6.5: sample the learning rate and weight decay at random on log "
                  "scales, train each trial briefly, and rank by validation accuracy. Then "
                  "narrow the ranges around the best trials and search again.")

    def book_tooltip(self) -> str:
        return tr("The book's setting (ch. 6.5.3): 100 trials of a 6×100 MultiLayerNet on "
                  "500 images (400 train, 100 validate), SGD, batch 100, 50 epochs; learning "
                  "rate 10^-6 … 10^-2, weight decay 10^-8 … 10^-4.")

    def settings(self) -> dict[str, Any]:
        return {"lr_range": self.lr_range.values(), "search_wd": self.wd_check.isChecked(),
                "wd_range": self.wd_range.values(), "trials": self.trials.value(),
                **self.trial_group.values(), "search_seed": self.search_seed.value(),
                "seed": 0, "show_best": self.show_best.value()}

    def apply_settings(self, settings: dict[str, Any]) -> None:
        self.lr_range.set_values(settings["lr_range"])
        self.wd_check.setChecked(bool(settings["search_wd"]))
        self.wd_range.set_values(settings["wd_range"])
        self.wd_range.set_enabled(bool(settings["search_wd"]))
        self.trials.setValue(int(settings["trials"]))
        self.trial_group.set_values({"optimizer": "sgd", **settings})
        self.search_seed.setValue(int(settings["search_seed"]))
        self.show_best.setValue(int(settings.get("show_best", 20)))

    def data_config(self, settings: dict[str, Any]):
        return self.data_choice.config(train_size=int(settings["train_size"]),
                                       val_fraction=VAL_FRACTION)

    def settings_from_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Settings for a ``search --experiment`` file of the command line."""
        base, space = config["base"], config["space"]
        if set(space) - {"lr", "weight_decay"} or "lr" not in space:
            raise ValueError(tr("This search samples settings the Search tab cannot show."))
        network = specs.network_settings(base.get("model") or {})
        training = base.get("training") or {}
        data = base.get("data") or {}
        return {"lr_range": list(space["lr"]), "search_wd": "weight_decay" in space,
                "wd_range": list(space.get("weight_decay", [1e-8, 1e-4])),
                "trials": int(config.get("trials", 1)), "epochs": int(training["epochs"]),
                "train_size": int(data.get("train_size") or 500), "layers": network["layers"],
                "units": network["units"],
                "optimizer": (base.get("optimizer") or {}).get("name", "sgd"),
                "batch_size": int(training.get("batch_size", 100)),
                "search_seed": int(config.get("seed", 0)), "seed": 0,
                "show_best": 20, "data": data.get("name", "digits")}

    # ----------------------------------------------------------------------------- display
    def _space(self) -> tuple[list[str], dict[str, tuple[float, float]]]:
        bounds = {"lr": tuple(self.shown.get("lr_range", (1e-6, 1e-2)))}
        if self.shown.get("search_wd"):
            bounds["weight_decay"] = tuple(self.shown.get("wd_range", (1e-8, 1e-4)))
        return list(bounds), bounds

    def create_figure(self, fig, colors: dict[str, str]) -> SearchFigure:
        return SearchFigure(fig, colors)

    def update_figure(self) -> None:
        names, bounds = self._space()
        self.figure.update(self.state, names, bounds, int(self.shown.get("show_best", 20)),
                           int(self.shown.get("epochs", 50)))

    def progress_text(self) -> str:
        state: SearchState = self.state
        if not state.steps_per_run:
            return ""
        trial = (state.current if state.current is not None else len(state.ends) - 1) + 1
        text = tr("trial {k} of {n}").format(k=max(trial, 1), n=state.trials)
        history = state.histories.get(state.current) if state.current is not None else None
        if history is not None and history.epochs:
            text += " · " + tr("epoch {e} of {n}").format(e=history.epochs[-1].epoch,
                                                          n=int(self.shown.get("epochs", 0)))
        best = state.ranked()[:1]
        if best and not math.isnan(best[0].val_acc):
            text += " · " + tr("best validation accuracy {a:.1%}").format(a=best[0].val_acc)
        return text

    def table_content(self) -> tuple[list[str], list[list[Cell]], str]:
        state: SearchState = self.state
        names, _bounds = self._space()
        titles = {"lr": tr("Learning rate"), "weight_decay": tr("Weight decay")}
        headers = [tr("Rank"), tr("Trial"), tr("Validation accuracy"), tr("Train accuracy"),
                   *(titles.get(n, param_title(n)) for n in names)]
        rows = []
        for rank, trial in enumerate(state.ranked(), 1):
            rows.append([Cell(str(rank), rank), Cell(str(trial.index + 1), trial.index + 1),
                         Cell(tr("diverged"), math.nan) if trial.diverged
                         else pct_cell(trial.val_acc), pct_cell(trial.train_acc),
                         *(sci_cell(trial.params.get(n, 0.0)) for n in names)])
        caption = tr("Ranked by validation accuracy at the last epoch (on the 20 % of the "
                     "training images held out). {done} of {total} trials done.").format(
                         done=len(state.ends), total=state.trials)
        return headers, rows, caption


__all__ = ["SearchTab"]
