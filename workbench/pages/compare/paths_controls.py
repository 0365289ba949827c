"""Controls of the optimizer-paths view: a compact number box and the optimizer table (on/off,
colour, learning rate and the rule's own settings for each of the engine's optimizers)."""

from __future__ import annotations

import math
import re

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPainter, QPixmap, QValidator
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QSizePolicy,
    QWidget,
)

from workbench.core.i18n import language_changed, tr
from workbench.state.compare.paths import EXTRA_SETTINGS, OPTIMIZERS, PathsState
from workbench.ui.common import ErrorLabel
from workbench.ui.theme import SERIES
from workbench.ui.view import connect_weak

#: Each optimizer's colour, fixed so a path keeps its colour whatever else is shown.
COLORS = {name: SERIES[i % len(SERIES)] for i, name in
          enumerate(("sgd", "momentum", "adagrad", "adam", "nesterov", "rmsprop", "adadelta"))}
SYMBOLS = {"momentum": "α", "decay_rate": "ρ", "rho": "ρ", "eps": "ε", "beta1": "β₁",
           "beta2": "β₂"}
_HUGE = 1e9


def display_name(name: str) -> str:
    return {"sgd": "SGD", "momentum": tr("Momentum"), "nesterov": "Nesterov",
            "adagrad": "AdaGrad", "rmsprop": "RMSprop", "adadelta": "AdaDelta",
            "adam": "Adam"}[name]


def optimizer_tooltip(name: str) -> str:
    return {
        "sgd": tr("SGD (book ch. 6.1.2): W ← W − η·∇f. On x²/20 + y² the gradient points "
                  "across the valley rather than at the minimum, so SGD zig-zags (ch. 6.1.3)."),
        "momentum": tr("Momentum (book ch. 6.1.4): v ← α·v − η·∇f, W ← W + v. The velocity "
                       "damps the zig-zag and builds up speed along the valley, like a ball "
                       "rolling downhill — and, like a ball, it overshoots."),
        "nesterov": tr("Nesterov's accelerated gradient (the book's common/optimizer.py): "
                       "momentum that corrects its step by looking ahead; it overshoots less."),
        "adagrad": tr("AdaGrad (book ch. 6.1.5): each coordinate's step is divided by the root "
                      "of its summed squared gradients, so the steep y direction is tamed at "
                      "once; the steps only ever shrink."),
        "rmsprop": tr("RMSprop (book ch. 6.1.5, note): AdaGrad with an exponentially "
                      "forgetting sum (decay rate ρ), so the steps do not shrink to nothing."),
        "adadelta": tr("AdaDelta (Zeiler 2012; beyond the book): steps scaled by running "
                       "averages of squared gradients and squared updates. It starts with "
                       "tiny steps of about √ε — raise ε to see it move sooner."),
        "adam": tr("Adam (book ch. 6.1.6): momentum (β₁) plus RMSprop-like scaling (β₂) with "
                   "bias correction; moves like a ball in a bowl, with less swinging."),
    }[name]


def setting_tooltip(key: str) -> str:
    return {
        "lr": tr("Learning rate η (book ch. 4.4.1): the step size. Too large and the path "
                 "diverges (marked in the table), too small and it crawls. Type any value "
                 "such as 1e-3; the arrows step 1–2–5."),
        "momentum": tr("Momentum α (book ch. 6.1.4): the share of the previous velocity kept "
                       "at each step, in [0, 1)."),
        "decay_rate": tr("Decay rate ρ (book ch. 6.1.5): how fast RMSprop forgets old squared "
                         "gradients, in [0, 1)."),
        "rho": tr("Decay rate ρ of AdaDelta's running averages, in [0, 1)."),
        "eps": tr("ε of AdaDelta: the first steps are about √ε long, so a larger ε starts "
                  "faster."),
        "beta1": tr("Adam's β₁ (book ch. 6.1.6): decay of the running mean of gradients (the "
                    "momentum part), in [0, 1)."),
        "beta2": tr("Adam's β₂ (book ch. 6.1.6): decay of the running mean of squared "
                    "gradients (the per-coordinate scaling), in [0, 1)."),
    }[key]


def swatch(color: str, size: int = 12) -> QIcon:
    """A filled round swatch in ``color``."""
    pm = QPixmap(size * 2, size * 2)
    pm.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pm)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor(color))
    painter.drawEllipse(2, 2, size * 2 - 4, size * 2 - 4)
    painter.end()
    pm.setDevicePixelRatio(2)
    return QIcon(pm)


def compact(value: float) -> str:
    """``0.95``, ``0.001``, ``1e-6`` — short text for a number."""
    text = f"{value:.6g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: "e" + ("-" if m.group(1) == "-" else "") +
                  m.group(2), text)


class NumberBox(QDoubleSpinBox):
    """A spin box for any finite number, shown compactly; the owner validates the value.

    ``log=True`` steps along 1–2–5–10 (learning rates, ε); otherwise by ``step``.
    """

    def __init__(self, parent: QWidget | None = None, *, log: bool = False,
                 step: float = 0.01, low: float = -_HUGE, high: float = _HUGE) -> None:
        super().__init__(parent)
        self._log = log
        self.setDecimals(12)
        self.setRange(low, high)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)
        self.setButtonSymbols(QAbstractSpinBox.ButtonSymbols.UpDownArrows)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return compact(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt override)
        try:
            value = float(text.strip().removeprefix(self.prefix().strip()).strip())
        except ValueError:
            return self.value()
        return value if math.isfinite(value) else self.value()

    def validate(self, text: str, pos: int):
        body = text.strip().removeprefix(self.prefix().strip()).strip()
        if re.fullmatch(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?", body):
            return QValidator.State.Acceptable, text, pos
        if re.fullmatch(r"[+-]?\d*\.?\d*([eE][+-]?\d*)?", body):
            return QValidator.State.Intermediate, text, pos
        return QValidator.State.Invalid, text, pos

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        value = self.value()
        if not self._log:
            self.setValue(round(value + steps * self.singleStep(), 10))
            return
        grid = [m * 10.0**e for e in range(-8, 4) for m in (1, 2, 5)]
        if steps > 0:
            above = [g for g in grid if g > value * (1 + 1e-9)]
            target = above[min(steps - 1, len(above) - 1)] if above else value
        else:
            below = [g for g in grid if g < value * (1 - 1e-9)]
            target = below[max(len(below) + steps, 0)] if below else value
        self.setValue(target)


class OptimizerTable(QWidget):
    """A row per engine optimizer: check box (with its path colour), η and the rule's settings.

    Edits go to :class:`PathsState`; a value the engine rejects shows its message below and the
    box returns to the accepted value.
    """

    edited = Signal()

    def __init__(self, state: PathsState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.state = state
        self.checks: dict[str, QCheckBox] = {}
        self.boxes: dict[tuple[str, str], NumberBox] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(4)
        self.headers = [QLabel(self) for _ in range(2)]
        grid.addWidget(self.headers[0], 0, 1)
        grid.addWidget(self.headers[1], 0, 2, 1, 2)
        for row, name in enumerate(OPTIMIZERS, start=1):
            check = QCheckBox(self)
            check.setIcon(swatch(COLORS[name]))
            check.toggled.connect(lambda on, n=name: self._on_check(n, on))
            self.checks[name] = check
            grid.addWidget(check, row, 0)
            for col, key in enumerate(("lr", *EXTRA_SETTINGS[name]), start=1):
                box = NumberBox(self, log=key in ("lr", "eps"),
                                step=0.001 if key == "beta2" else 0.01)
                if key != "lr":
                    box.setPrefix(SYMBOLS[key] + " ")
                box.setMinimumWidth(72)
                box.valueChanged.connect(lambda v, n=name, k=key: self._on_value(n, k, v))
                self.boxes[name, key] = box
                grid.addWidget(box, row, col)
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(2, 1)
        grid.setColumnStretch(3, 1)
        self.error = ErrorLabel(self)
        grid.addWidget(self.error, len(OPTIMIZERS) + 1, 0, 1, 4)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        self.refresh()

    def retranslate(self) -> None:
        self.headers[0].setText(tr("Learning rate η"))
        self.headers[1].setText(tr("Other settings"))
        self.headers[0].setToolTip(setting_tooltip("lr"))
        self.headers[1].setToolTip(tr(
            "The rule's own settings (hover over each); the ones not shown keep the engine's "
            "defaults, e.g. ε = 1e-7 as in the book."))
        for name, check in self.checks.items():
            check.setText(display_name(name))
            check.setMinimumWidth(check.sizeHint().width())  # the name is never cut
            check.setToolTip(optimizer_tooltip(name) + "\n" + tr(
                "Tick to add its path; its colour is the same on the map, in the loss plot "
                "and in the table."))
        for (_name, key), box in self.boxes.items():
            box.setToolTip(setting_tooltip(key))

    def refresh(self) -> None:
        """Show the state's values (without echoing them back)."""
        for name, check in self.checks.items():
            with QSignalBlocker(check):
                check.setChecked(self.state.enabled[name])
        for (name, key), box in self.boxes.items():
            with QSignalBlocker(box):
                box.setValue(self.state.hyper[name][key])
            box.setEnabled(self.state.enabled[name])

    def _on_check(self, name: str, on: bool) -> None:
        self.state.set_enabled(name, on)
        for (n, _key), box in self.boxes.items():
            if n == name:
                box.setEnabled(on)
        self.edited.emit()

    def _on_value(self, name: str, key: str, value: float) -> None:
        try:
            self.state.set_hyperparameter(name, key, value)
        except ValueError as exc:
            self.error.show_error(f"{display_name(name)}: {exc}")
            with QSignalBlocker(self.boxes[name, key]):
                self.boxes[name, key].setValue(self.state.hyper[name][key])
            return
        self.error.show_error(None)
        self.edited.emit()
