"""Training curves per weight initializer (book ch. 6.2.4, ``weight_init_compare.py``): the
same network and batches, started from weights of different scales."""

from __future__ import annotations

from typing import Any

from PySide6.QtWidgets import QCheckBox, QComboBox, QGroupBox, QHBoxLayout, QVBoxLayout

import nn
from workbench.core.i18n import tr
from workbench.pages.compare.controls import log_box
from workbench.pages.compare.curves_tab import CurvesTab
from workbench.pages.compare.settings_form import SettingsForm
from workbench.pages.compare.table import Cell
from workbench.state.compare import specs
from workbench.state.compare.views import ComparisonState


def _init_tips() -> dict[str, str]:
    return {
        "std1": tr("Gaussian weights with standard deviation 1 (ch. 6.2.2): sigmoid "
                   "activations saturate at 0 and 1, gradients vanish; with ReLU the signal "
                   "explodes."),
        "std0.01": tr("Gaussian weights with standard deviation 0.01, the book's default "
                      "until ch. 6.2: activations shrink layer by layer and the network barely "
                      "learns."),
        "xavier": tr("Xavier Glorot's scale √(1/n) for n inputs per neuron (ch. 6.2.2): keeps "
                     "the spread of sigmoid and tanh activations."),
        "he": tr("Kaiming He's scale √(2/n) (ch. 6.2.3): twice Xavier's variance, made for "
                 "ReLU, which zeroes half of its inputs."),
    }


class InitCurvesTab(CurvesTab):
    key = "init"

    def build_settings(self, layout: QVBoxLayout) -> None:
        self.init_group = QGroupBox(self)
        box = QVBoxLayout(self.init_group)
        self.init_checks: dict[str, QCheckBox] = {}
        for name in specs.INITS:
            check = QCheckBox(self)
            box.addWidget(check)
            self.init_checks[name] = check
        row = QHBoxLayout()
        self.custom_check = QCheckBox(self)
        self.custom_std = log_box(0.05, parent=self)
        self.custom_check.toggled.connect(self.custom_std.setEnabled)
        row.addWidget(self.custom_check)
        row.addWidget(self.custom_std, 1)
        box.addLayout(row)
        self.opt_group = SettingsForm(self)
        self.optimizer = self.opt_group.add("optimizer", QComboBox(self))
        for name in specs.OPTIMIZERS:
            self.optimizer.addItem(specs.OPTIMIZER_TITLES[name], name)
        self.lr = self.opt_group.add("lr", log_box(0.01, parent=self))
        self.optimizer.activated.connect(self._optimizer_chosen)
        self.build_network_and_training()
        for group in (self.init_group, self.opt_group, self.net_group, self.train_group):
            layout.addWidget(group)

    def _optimizer_chosen(self) -> None:
        """A newly chosen optimizer starts from its default learning rate (Adam's is 0.001)."""
        self.lr.setValue(nn.optimizers.RULES[self.optimizer.currentData()].default_lr)

    def retranslate_settings(self) -> None:
        self.init_group.setTitle(tr("Initial weights (ch. 6.2)"))
        tips = _init_tips()
        for name, check in self.init_checks.items():
            check.setText(specs.init_title(name))
            check.setToolTip(tips[name])
        self.custom_check.setText(tr("std"))
        self.custom_check.setToolTip(tr(
            "Also try Gaussian weights with a standard deviation of your choice."))
        self.custom_std.setToolTip(tr("The custom standard deviation of the initial weights."))
        self.opt_group.retranslate(tr("Optimizer"))
        self.optimizer.setToolTip(tr("The optimizer every variant uses; the book uses SGD "
                                     "(ch. 6.2.4)."))
        self.lr.setToolTip(tr("The learning rate η; the book uses 0.01."))
        self.retranslate_network_and_training()
        self.batch.setToolTip(tr("Images per mini-batch (ch. 4.2.3); the book uses 128."))
        self.iterations.setToolTip(tr("Optimizer steps per run; the book trains 2,000."))

    def intro_text(self) -> str:
        return tr("Book ch. 6.2.4: the same network trained identically from initial weights "
                  "of different scales. With ReLU, std 0.01 hardly learns at all (the signal "
                  "fades layer by layer) while He learns fastest.")

    def book_tooltip(self) -> str:
        return tr("The book's setting (ch. 6.2.4): MultiLayerNet 784-100×4-10 with ReLU, SGD "
                  "lr 0.01, batch 128, 2,000 iterations; std 0.01 vs Xavier vs He.")

    # ---------------------------------------------------------------------------- settings
    def settings(self) -> dict[str, Any]:
        return {
            "inits": {name: check.isChecked() for name, check in self.init_checks.items()},
            "custom_std": {"enabled": self.custom_check.isChecked(),
                           "std": self.custom_std.value()},
            **self.opt_group.values(), **self.net_group.values(), **self.train_group.values(),
        }

    def apply_settings(self, settings: dict[str, Any]) -> None:
        for name, check in self.init_checks.items():
            check.setChecked(bool(settings["inits"].get(name)))
        custom = settings.get("custom_std") or {}
        self.custom_check.setChecked(bool(custom.get("enabled")))
        self.custom_std.setValue(float(custom.get("std", 0.05)))
        self.custom_std.setEnabled(bool(custom.get("enabled")))
        self.opt_group.set_values({"optimizer": "sgd", **settings})
        self.net_group.set_values(settings)
        self.train_group.set_values(settings)

    def settings_from_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """Settings for a ``compare --inits … --experiment`` file of the command line."""
        base = config["base"]
        inits = {name: False for name in specs.INITS}
        custom = {"enabled": False, "std": 0.05}
        for variant in config["variants"]:
            overrides = variant.get("overrides") or {}
            init = (overrides.get("model") or {}).get("init")
            if set(overrides) - {"model"} or set(overrides.get("model") or {}) - {"init"} \
                    or not isinstance(init, str):
                raise ValueError(tr("This comparison varies more than the initial weights; "
                                    "the Initializers tab cannot show it."))
            name = nn.initializers.get(init).name
            if name in inits:
                inits[name] = True
            else:
                custom = {"enabled": True, "std": float(nn.initializers.get(init).std)}
        optimizer = base.get("optimizer") or {"name": "sgd", "lr": 0.01}
        training = base.get("training") or {}
        return {"inits": inits, "custom_std": custom, "optimizer": optimizer.get("name", "sgd"),
                "lr": float(optimizer.get("lr", 0.01)),
                "network": specs.network_settings(base.get("model") or {}),
                "batch_size": int(training.get("batch_size", 128)),
                "iterations": int(training.get("max_iterations") or 2000),
                "seeds": len(config.get("seeds") or [0]),
                "first_seed": int((config.get("seeds") or [0])[0]),
                "data": (base.get("data") or {}).get("name", "digits")}

    # ---------------------------------------------------------------------------- display
    def _init(self, state: ComparisonState, variant: int) -> str:
        model = state.variants[variant].overrides.get("model") or {}
        return str(model.get("init", state.variants[variant].label))

    def variant_name(self, state: ComparisonState, variant: int) -> str:
        return specs.init_title(self._init(state, variant))

    def first_header(self) -> str:
        return tr("Initializer")

    def setting_header(self) -> str:
        return tr("Weight standard deviation")

    def setting_cell(self, state: ComparisonState, variant: int) -> Cell:
        name = self._init(state, variant)
        if name == "xavier":
            return Cell(tr("√(1/n), n inputs"))
        if name == "he":
            return Cell(tr("√(2/n), n inputs"))
        try:
            return Cell(f"{nn.initializers.get(name).std:g}")
        except ValueError:
            return Cell(name)


__all__ = ["InitCurvesTab"]
