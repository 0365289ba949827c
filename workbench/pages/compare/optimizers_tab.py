"""Optimizers on real data (book ch. 6.1.8, ``optimizer_compare_mnist.py``): one network, the
same initial weights and batches, several optimizers trained in lock-step."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QGridLayout, QGroupBox, QLabel, QVBoxLayout

import nn
from workbench.core.i18n import tr
from workbench.pages.compare.controls import log_box
from workbench.pages.compare.curves_tab import CurvesTab
from workbench.pages.compare.table import Cell, sci_cell
from workbench.state.compare import specs
from workbench.state.compare.views import ComparisonState


def _optimizer_tips() -> dict[str, str]:
    return {
        "sgd": tr("Stochastic gradient descent, W ← W − η ∂L/∂W (ch. 6.1.2). Its path zigzags "
                  "when the slope differs by direction (ch. 6.1.3): the slowest here."),
        "momentum": tr("SGD with a velocity, v ← αv − η ∂L/∂W, W ← W + v, α = 0.9 "
                       "(ch. 6.1.4): like a ball rolling downhill."),
        "adagrad": tr("A learning rate per parameter that shrinks with the sum of its squared "
                      "gradients (ch. 6.1.5)."),
        "adam": tr("Momentum plus AdaGrad-style scaling, with bias correction (ch. 6.1.6). The "
                   "book uses lr 0.001."),
        "nesterov": tr("Nesterov's accelerated gradient: momentum that evaluates the gradient "
                       "a step ahead (beyond the book)."),
        "rmsprop": tr("AdaGrad with a moving average of squared gradients, so the step does "
                      "not shrink to zero (ch. 6.1.5's note)."),
        "adadelta": tr("AdaDelta (Zeiler, 2012): steps scaled by the size of past updates; "
                       "lr 1 by default (beyond the book)."),
    }


class OptimizersTab(CurvesTab):
    key = "optimizers"

    def build_settings(self, layout: QVBoxLayout) -> None:
        self.opt_group = QGroupBox(self)
        grid = QGridLayout(self.opt_group)
        self.opt_header = (QLabel(self), QLabel(self))
        grid.addWidget(self.opt_header[0], 0, 0)
        grid.addWidget(self.opt_header[1], 0, 1)
        self.opt_checks: dict[str, QCheckBox] = {}
        self.opt_lrs = {}
        for row, name in enumerate(specs.OPTIMIZERS, start=1):
            check = QCheckBox(specs.OPTIMIZER_TITLES[name], self)
            lr = log_box(nn.optimizers.RULES[name].default_lr, parent=self)
            check.toggled.connect(lr.setEnabled)
            grid.addWidget(check, row, 0)
            grid.addWidget(lr, row, 1)
            self.opt_checks[name], self.opt_lrs[name] = check, lr
        grid.setColumnStretch(1, 1)
        self.build_network_and_training()
        for group in (self.opt_group, self.net_group, self.train_group):
            layout.addWidget(group)

    def retranslate_settings(self) -> None:
        self.opt_group.setTitle(tr("Optimizers (ch. 6.1)"))
        self.opt_header[0].setText(tr("optimizer"))
        self.opt_header[1].setText(tr("learning rate"))
        tips = _optimizer_tips()
        for name, check in self.opt_checks.items():
            check.setToolTip(tips[name])
            self.opt_lrs[name].setToolTip(tr(
                "{name}'s learning rate η (ch. 6.1). The book's: SGD, Momentum and AdaGrad "
                "0.01, Adam 0.001. Type a value or step through 1-2-5 with the arrows."
            ).format(name=specs.OPTIMIZER_TITLES[name]))
        self.retranslate_network_and_training()
        self.batch.setToolTip(tr("Images per mini-batch (ch. 4.2.3); the book uses 128."))
        self.iterations.setToolTip(tr(
            "Optimizer steps per run; the book trains 2,000 iterations. Every optimizer sees "
            "the same batches in the same order."))

    def intro_text(self) -> str:
        return tr("Book ch. 6.1.8: the same network, started from the same weights and fed the "
                  "same batches, trained by each optimizer in lock-step. Watch SGD fall behind "
                  "Momentum, AdaGrad and Adam.")

    def book_tooltip(self) -> str:
        return tr("The book's setting (ch. 6.1.8): MultiLayerNet 784-100×4-10 with ReLU, batch "
                  "128, 2,000 iterations; SGD, Momentum and AdaGrad at lr 0.01, Adam at 0.001.")

    # ---------------------------------------------------------------------------- settings
    def settings(self) -> dict[str, Any]:
        return {
            "optimizers": {name: {"enabled": check.isChecked(),
                                  "lr": self.opt_lrs[name].value()}
                           for name, check in self.opt_checks.items()},
            **self.net_group.values(), **self.train_group.values(),
        }

    def apply_settings(self, settings: dict[str, Any]) -> None:
        for name, row in settings["optimizers"].items():
            if name in self.opt_checks:
                self.opt_checks[name].setChecked(bool(row.get("enabled")))
                self.opt_lrs[name].setValue(float(row["lr"]))
                self.opt_lrs[name].setEnabled(bool(row.get("enabled")))
        self.net_group.set_values(settings)
        self.train_group.set_values(settings)

    def settings_from_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Settings for a ``compare --experiment`` file of the command line."""
        base = config["base"]
        rows = {name: {"enabled": False, "lr": nn.optimizers.RULES[name].default_lr}
                for name in specs.OPTIMIZERS}
        for variant in config["variants"]:
            opt = (variant.get("overrides") or {}).get("optimizer") or {}
            if set(variant.get("overrides") or {}) - {"optimizer"} or opt.get("name") not in rows:
                raise ValueError(tr("This comparison varies more than the optimizer; the "
                                    "Optimizers tab cannot show it."))
            rows[opt["name"]] = {"enabled": True, "lr": float(
                opt.get("lr", nn.optimizers.RULES[opt["name"]].default_lr))}
        training = base.get("training") or {}
        return {"optimizers": rows, "network": specs.network_settings(base.get("model") or {}),
                "batch_size": int(training.get("batch_size", 128)),
                "iterations": int(training.get("max_iterations") or 2000),
                "seeds": len(config.get("seeds") or [0]),
                "first_seed": int((config.get("seeds") or [0])[0]),
                "data": (base.get("data") or {}).get("name", "digits")}

    # ---------------------------------------------------------------------------- display
    def _optimizer(self, state: ComparisonState, variant: int) -> dict[str, Any]:
        return state.variants[variant].overrides.get("optimizer") or {}

    def variant_name(self, state: ComparisonState, variant: int) -> str:
        name = self._optimizer(state, variant).get("name", state.variants[variant].label)
        return specs.OPTIMIZER_TITLES.get(name, state.variants[variant].label)

    def legend_name(self, state: ComparisonState, variant: int) -> str:
        lr = self._optimizer(state, variant).get("lr")
        name = self.variant_name(state, variant)
        return name if lr is None else tr("{name}, lr {lr:g}").format(name=name, lr=lr)

    def first_header(self) -> str:
        return tr("Optimizer")

    def setting_header(self) -> str:
        return tr("Learning rate")

    def setting_cell(self, state: ComparisonState, variant: int) -> Cell:
        lr = self._optimizer(state, variant).get("lr")
        return sci_cell(float(lr)) if lr is not None else Cell(tr("default"), float("nan"))


__all__ = ["OptimizersTab"]
