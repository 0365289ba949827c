"""The Optimizer group: update rule, its hyperparameters (only those of the chosen rule), L2
weight decay and the learning-rate schedule (in epochs).

Every value goes through :class:`~workbench.state.setup.TrainingSetup`, which validates it with
the engine; a rejected value shows the engine's message under its field and the state keeps the
previous one.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QWidget

import nn
from workbench.core import i18n
from workbench.core.i18n import plural, tr
from workbench.state.setup import TrainingSetup
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import Expander, NumberBox, apply, format_number, make_form, muted_label
from workbench.ui.spin_boxes import BoundedSpinBox
from workbench.ui.view import connect_weak

OPTIMIZERS = tuple(nn.optimizers.RULES)
#: Rule settings other than lr and eps, in display order.
RULE_FIELDS = ("momentum", "decay_rate", "rho", "beta1", "beta2")
SCHEDULES = ("constant", "step", "exponential", "cosine")
_GAMMA_DEFAULT = {"step": 0.5, "exponential": 0.9}


def optimizer_texts() -> dict[str, tuple[str, str]]:
    """Display name and tooltip of each optimizer, in the current language."""
    return {
        "sgd": ("SGD", tr(
            "Stochastic gradient descent (book ch. 6.1.2): W ← W − η·∂L/∂W. Simple, but it "
            "zig-zags in long narrow valleys where the gradient does not point at the minimum "
            "(ch. 6.1.3).")),
        "momentum": (tr("Momentum"), tr(
            "Momentum (book ch. 6.1.4): v ← α·v − η·∂L/∂W, W ← W + v. The velocity v damps "
            "zig-zags and speeds up along directions that stay the same, like a ball rolling "
            "downhill.")),
        "nesterov": ("Nesterov", tr(
            "Nesterov's accelerated gradient (the book's common/optimizer.py, a variant of "
            "ch. 6.1.4): momentum that corrects its step by looking ahead; often steadier.")),
        "adagrad": ("AdaGrad", tr(
            "AdaGrad (book ch. 6.1.5): divides each weight's step by the root of its summed "
            "squared gradients, so often-updated weights slow down. The steps only ever "
            "shrink, which can stall long runs.")),
        "rmsprop": ("RMSprop", tr(
            "RMSprop (book ch. 6.1.5, note): like AdaGrad, but old gradients are forgotten "
            "exponentially (decay rate ρ), so the steps do not shrink to nothing.")),
        "adadelta": ("AdaDelta", tr(
            "AdaDelta (Zeiler 2012; beyond the book): scales each step by running averages of "
            "squared gradients and of squared updates; works with learning rate 1.0.")),
        "adam": ("Adam", tr(
            "Adam (book ch. 6.1.6): momentum (β₁) combined with RMSprop-like per-weight "
            "scaling (β₂), with bias correction. A robust default at learning rate 0.001.")),
    }


class OptimizerPanel(QGroupBox):
    """Optimizer, learning rate, rule settings, weight decay, schedule."""

    #: The user committed a valid learning rate (also while training runs).
    learningRateEdited = Signal(float)  # noqa: N815 (Qt naming)

    def __init__(self, setup: TrainingSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self._gamma = dict(_GAMMA_DEFAULT)
        self.optimizer = QComboBox(self)
        for name in OPTIMIZERS:
            self.optimizer.addItem(name, name)
        self.lr_edit = NumberBox(self, log=True, soft_range=(1e-6, 10.0))
        self.fields: dict[str, NumberBox] = {
            "lr": self.lr_edit,
            "momentum": NumberBox(self, step=0.01, soft_range=(0.0, 0.999)),
            "decay_rate": NumberBox(self, step=0.01, soft_range=(0.0, 0.9999)),
            "rho": NumberBox(self, step=0.01, soft_range=(0.0, 0.9999)),
            "beta1": NumberBox(self, step=0.01, soft_range=(0.0, 0.999)),
            "beta2": NumberBox(self, step=0.001, soft_range=(0.0, 0.9999)),
            "weight_decay": NumberBox(self, log=True, soft_range=(0.0, 10.0), floor=1e-5),
            "eps": NumberBox(self, log=True, soft_range=(1e-12, 1.0), floor=1e-12),
        }
        self.errors = {key: ErrorLabel(self) for key in self.fields}
        self.advanced = Expander(self)
        self.schedule = QComboBox(self)
        for name in SCHEDULES:
            self.schedule.addItem(name, name)
        self.every = BoundedSpinBox(self)
        self.every.setRange(1, 10_000)
        self.every.setKeyboardTracking(False)
        self.gamma = NumberBox(self, step=0.05, soft_range=(0.05, 1.0))
        self.min_factor = BoundedSpinBox(self)
        self.min_factor.setRange(0, 100)
        self.min_factor.setSingleStep(5)
        self.min_factor.setKeyboardTracking(False)
        self.schedule_hint = muted_label(self)
        self.schedule_hint.setProperty("note", True)  # indented to the fields (SetupWidget)
        self.schedule_error = ErrorLabel(self)

        self.form = form = make_form()
        self._labels: dict[str, QLabel] = {}

        def row(key: str, field: QWidget) -> None:
            self._labels[key] = QLabel(self)
            form.addRow(self._labels[key], field)

        row("optimizer", self.optimizer)
        for key in ("lr", *RULE_FIELDS, "weight_decay"):
            row(key, self.fields[key])
            form.addRow(self.errors[key])
        row("schedule", self.schedule)
        row("every", self.every)
        row("gamma", self.gamma)
        row("min_factor", self.min_factor)
        form.addRow(self.schedule_hint)
        form.addRow(self.schedule_error)
        form.addRow(self.advanced)
        row("eps", self.fields["eps"])
        form.addRow(self.errors["eps"])
        self.setLayout(form)

        self.optimizer.currentIndexChanged.connect(self._on_optimizer)
        for key, box in self.fields.items():
            box.valueChanged.connect(lambda value, key=key: self._on_field(key, value))
        self.schedule.currentIndexChanged.connect(self._on_schedule_choice)
        self.every.valueChanged.connect(self._on_schedule)
        self.gamma.valueChanged.connect(self._on_schedule)
        self.min_factor.valueChanged.connect(self._on_schedule)
        self.advanced.expandedChanged.connect(self._show_rows)

        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)
        connect_weak(setup.changed, self.refresh)
        self.refresh()

    # ----------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.setTitle(tr("Optimizer"))
        for index, (text, tip) in enumerate(optimizer_texts().values()):
            self.optimizer.setItemText(index, text)
            self.optimizer.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.optimizer.setToolTip(tr(
            "How the gradients change the weights (book ch. 6.1). Hover over an entry for its "
            "update rule; ch. 6.1.8 compares them on MNIST."))
        labels = {"optimizer": tr("Optimizer"), "lr": tr("Learning rate η"),
                  "momentum": tr("Momentum α"), "decay_rate": tr("Decay rate ρ"),
                  "rho": tr("Decay rate ρ"), "beta1": "β₁", "beta2": "β₂",
                  "weight_decay": tr("Weight decay λ"), "schedule": tr("Schedule"),
                  "every": tr("Every"), "gamma": tr("Factor γ"),
                  "min_factor": tr("Final rate"), "eps": tr("Epsilon ε")}
        for key, text in labels.items():
            self._labels[key].setText(text)
        tips = {
            "lr": tr("Step size η of every update (book ch. 4.4.1): too large and training "
                     "diverges, too small and it crawls. Type values such as 1e-3; the arrows "
                     "step 1–2–5 through the orders of magnitude. Stays editable while "
                     "training runs."),
            "momentum": tr("α in v ← α·v − η·∂L/∂W (book ch. 6.1.4): how much of the previous "
                           "velocity is kept, in [0, 1); 0.9 is usual."),
            "decay_rate": tr("How fast RMSprop forgets old squared gradients, in [0, 1); 0.99 "
                             "keeps a long memory (book ch. 6.1.5)."),
            "rho": tr("Decay of AdaDelta's running averages, in [0, 1); 0.95 is usual."),
            "beta1": tr("Adam's β₁ (book ch. 6.1.6): decay of the running mean of gradients "
                        "(the momentum part), in [0, 1); 0.9 is usual."),
            "beta2": tr("Adam's β₂ (book ch. 6.1.6): decay of the running mean of squared "
                        "gradients (the per-weight scaling), in [0, 1); 0.999 is usual."),
            "weight_decay": tr(
                "L2 weight decay λ (book ch. 6.4.2): adds ½·λ·‖W‖² to the loss, i.e. λ·W to "
                "each weight's gradient, pulling weights towards zero against overfitting. "
                "Applies to weights only, never to biases or BatchNorm γ/β. 0 = off."),
            "eps": tr("Small ε added to the denominator so it is never zero (the book uses "
                      "1e-7). Rarely needs changing."),
        }
        for key, tip in tips.items():
            self.fields[key].setToolTip(tip)
        schedule_texts = {
            "constant": (tr("Constant"), tr("The learning rate stays as set.")),
            "step": (tr("Step decay"), tr("Multiply the rate by γ every N epochs.")),
            "exponential": (tr("Exponential"), tr(
                "Multiply the rate by γ per epoch, smoothly (a little at every step).")),
            "cosine": (tr("Cosine"), tr(
                "Lower the rate along half a cosine, from the set rate at the start to the "
                "final fraction at the end of the run.")),
        }
        for index, name in enumerate(SCHEDULES):
            text, tip = schedule_texts[name]
            self.schedule.setItemText(index, text)
            self.schedule.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.schedule.setToolTip(tr(
            "How the learning rate changes during training (beyond the book; common practice): "
            "large steps early to make progress, small steps late to settle into a minimum."))
        self.every.setSuffix(tr(" epochs"))
        self.every.setToolTip(tr("Step decay: multiply the rate by γ after this many epochs."))
        self.gamma.setToolTip(tr("Multiplier in (0, 1] applied every N epochs (step decay) or "
                                 "per epoch (exponential): 0.5 halves the rate, 1 keeps it."))
        self.min_factor.setSuffix(tr(" % of η"))
        self.min_factor.setToolTip(tr("Cosine: the rate at the end of the run, as a share of "
                                      "the learning rate set above."))
        self.advanced.setText(tr("Advanced"))
        self.advanced.setToolTip(tr("Show rarely changed settings of the optimizer"))
        self.refresh()

    # ------------------------------------------------------------------- state -> widgets
    def refresh(self) -> None:
        setup = self.setup
        name = setup.optimizer_name
        with QSignalBlocker(self.optimizer):
            self.optimizer.setCurrentIndex(self.optimizer.findData(name))
        values = {**setup.optimizer_fields(),
                  "weight_decay": float(setup.optimizer.get("weight_decay", 0.0))}
        for key, box in self.fields.items():
            if key in values:
                with QSignalBlocker(box):
                    box.setValue(values[key])
            self.errors[key].show_error(None)
        schedule = setup.schedule
        sname = schedule.get("name", "constant")
        if "gamma" in schedule and sname in self._gamma:
            self._gamma[sname] = float(schedule["gamma"])
        with QSignalBlocker(self.schedule):
            self.schedule.setCurrentIndex(max(self.schedule.findData(sname), 0))
        for box, value in ((self.every, int(schedule.get("every", 2))),
                           (self.gamma, self._gamma.get(sname, 0.5)),
                           (self.min_factor, round(100 * float(schedule.get("min_factor", 0))))):
            with QSignalBlocker(box):
                box.setValue(value)
        self.schedule_error.show_error(None)
        self._update_hint()
        self._show_rows()

    def _show_rows(self) -> None:
        rule = nn.optimizers.RULES[self.setup.optimizer_name]
        for key in RULE_FIELDS:
            self.form.setRowVisible(self.fields[key], key in rule.defaults)
        has_eps = "eps" in rule.defaults
        self.form.setRowVisible(self.advanced, has_eps)
        self.form.setRowVisible(self.fields["eps"], has_eps and self.advanced.is_expanded())
        sname = self.schedule.currentData()
        self.form.setRowVisible(self.every, sname == "step")
        self.form.setRowVisible(self.gamma, sname in ("step", "exponential"))
        self.form.setRowVisible(self.min_factor, sname == "cosine")
        self.schedule_hint.setVisible(sname != "constant")

    def _update_hint(self) -> None:
        """Say what the rate will be at the end of the run, in the schedule's own terms."""
        setup = self.setup
        epochs = setup.training.epochs
        spe = 100  # any step count per epoch: the schedule is defined in epochs
        try:
            schedule = nn.schedules.get(setup.engine_schedule(spe))
        except ValueError:
            self.schedule_hint.clear()
            return
        lr = float(setup.optimizer_fields()["lr"])
        final = lr * schedule(epochs * spe - 1)
        self.schedule_hint.setText(plural(
            epochs, tr("η goes from {start} to about {end} over 1 epoch."),
            tr("η goes from {start} to about {end} over {epochs} epochs.")).format(
                start=format_number(lr, 3), end=format_number(final, 3), epochs=epochs))

    # ------------------------------------------------------------------- widgets -> state
    def _on_optimizer(self, index: int) -> None:
        name = self.optimizer.itemData(index)
        if name and name != self.setup.optimizer_name:
            apply(self.errors["lr"], self.setup.set_optimizer, name)

    def _on_field(self, key: str, value: float) -> None:
        if apply(self.errors[key], self.setup.set_hyperparameter, key, float(value)) and \
                key == "lr":
            self.learningRateEdited.emit(float(value))

    def _on_schedule_choice(self) -> None:
        name = self.schedule.currentData()
        if name in self._gamma:  # each schedule remembers its own γ
            with QSignalBlocker(self.gamma):
                self.gamma.setValue(self._gamma[name])
        self._on_schedule()

    def _on_schedule(self, *_: object) -> None:
        name = self.schedule.currentData()
        options: dict[str, object] = {}
        if name == "step":
            options = {"every": self.every.value(), "gamma": self.gamma.value()}
        elif name == "exponential":
            options = {"gamma": self.gamma.value()}
        elif name == "cosine":
            options = {"min_factor": self.min_factor.value() / 100}
        self._show_rows()
        apply(self.schedule_error, self.setup.set_schedule, name, **options)

    def set_locked(self, locked: bool) -> None:
        """Lock everything but the learning rate (the only setting pushed to a running run)."""
        for widget in (self.optimizer, self.schedule, self.every, self.gamma, self.min_factor,
                       *(box for key, box in self.fields.items() if key != "lr")):
            widget.setEnabled(not locked)
