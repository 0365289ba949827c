"""The preset picker: the book's networks by name, "Custom" once the stack is edited, and the
BatchNorm / Dropout switches of ``multi_layer_net_extend`` (book ch. 6.3–6.4)."""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.errors import NNError
from workbench.core.i18n import tr, tr_dynamic
from workbench.state.builder import BuilderState
from workbench.ui import theme
from workbench.ui.common import ErrorLabel

EXTEND = "multi_layer_net_extend"


def dense_sizes(state: BuilderState) -> str:
    """ "2-32-32-3": inputs and each Dense layer's width, for a stack of Dense layers only
    (and the activations, BatchNorm, Dropout between them); "" for any other stack."""
    layers = state.layers
    if not layers or any(spec["type"] in ("Conv2D", "Conv2DTranspose") for spec in layers):
        return ""
    units = [spec["config"].get("units") for spec in layers if spec["type"] == "Dense"]
    if not units or None in units:
        return ""
    return "-".join(str(n) for n in [math.prod(state.input_shape), *units])


class PresetPicker(QWidget):
    """Loads presets into ``state``; :meth:`sync` shows the state's current preset."""

    def __init__(self, state: BuilderState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self.heading = QLabel()
        bold = QFont(self.heading.font())
        bold.setBold(True)
        self.heading.setFont(bold)
        self.combo = QComboBox()
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.combo.setMinimumContentsLength(16)
        self.combo.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        for name in nn.presets.NAMES:
            self.combo.addItem("", name)
        self.combo.addItem("", None)  # "Custom": shown, never chosen, once the stack is edited
        custom = self.combo.model().item(self.combo.count() - 1)
        custom.setFlags(custom.flags() & ~Qt.ItemFlag.ItemIsEnabled)
        self.combo.activated.connect(self._activated)
        self.info = QLabel()
        self.info.setWordWrap(True)
        self.error = ErrorLabel()

        self.bn_check, self.dropout_check = QCheckBox(), QCheckBox()
        self.rate_spin = QDoubleSpinBox()
        self.rate_spin.setRange(0.05, 0.95)
        self.rate_spin.setSingleStep(0.05)
        self.rate_spin.setDecimals(2)
        self.rate_spin.setValue(0.5)
        self.rate_spin.setKeyboardTracking(False)
        self.rate_label = QLabel()
        self.rate_label.setBuddy(self.rate_spin)
        self.bn_check.toggled.connect(self._switched)
        self.dropout_check.toggled.connect(self._switched)
        self.rate_spin.valueChanged.connect(self._switched)
        self.extend_box = QWidget()
        switches = QHBoxLayout(self.extend_box)
        switches.setContentsMargins(0, 0, 0, 0)
        switches.setSpacing(10)
        for w in (self.bn_check, self.dropout_check, self.rate_label, self.rate_spin):
            switches.addWidget(w)
        switches.addStretch(1)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        for w in (self.heading, self.combo, self.info, self.error, self.extend_box):
            layout.addWidget(w)

    def retranslate(self) -> None:
        self.heading.setText(tr("Model"))
        self.combo.setToolTip(tr(
            "Start from one of the book's networks; edit its layers below to make it your own "
            "(the picker then shows “Custom”)."))
        for i, name in enumerate(nn.presets.NAMES):
            info = nn.presets.INFO[name]
            self.combo.setItemText(i, tr_dynamic(info.title))
            self.combo.setItemData(i, tr("{title} — book {chapter}\n{description}").format(
                title=tr_dynamic(info.title), chapter=tr_dynamic(info.chapter),
                description=tr_dynamic(info.description)), Qt.ItemDataRole.ToolTipRole)
        last = self.combo.count() - 1
        self.combo.setItemText(last, tr("Custom"))
        self.combo.setItemData(last, tr("Your own stack of layers."),
                               Qt.ItemDataRole.ToolTipRole)
        self.bn_check.setText(tr("BatchNorm"))
        self.bn_check.setToolTip(tr("Insert Batch Normalization after every hidden Dense layer "
                                    "(ch. 6.3): faster, steadier training."))
        self.dropout_check.setText(tr("Dropout"))
        self.dropout_check.setToolTip(tr("Insert Dropout after every hidden activation "
                                         "(ch. 6.4.3) to fight overfitting."))
        self.rate_label.setText(tr("rate"))
        rate_tip = tr("Fraction of units dropped at each training step (ch. 6.4.3).")
        self.rate_label.setToolTip(rate_tip)
        self.rate_spin.setToolTip(rate_tip)
        self.sync()

    def sync(self) -> None:
        """Show the state's preset (or "Custom") and, for the ch. 6 MLP, its switches."""
        self.error.show_error(None)
        preset = self._state.preset if self._state.preset in nn.presets.NAMES else None
        index = nn.presets.NAMES.index(preset) if preset else self.combo.count() - 1
        with QSignalBlocker(self.combo):
            self.combo.setCurrentIndex(index)
        self.info.setStyleSheet(f"color: {theme.muted_color()};")
        if preset:
            info = nn.presets.INFO[preset]
            text = tr("Book {chapter} · {description}").format(
                chapter=tr_dynamic(info.chapter), description=tr_dynamic(info.description))
            sizes = dense_sizes(self._state)
            if sizes:  # the description gives the defaults; this is the stack shown
                text += " " + tr("This one: {sizes}.").format(sizes=sizes)
            self.info.setText(text)
        else:
            self.info.setText(tr("Custom stack: your own layers, built or edited here."))
        self.extend_box.setVisible(preset == EXTEND)
        if preset != EXTEND:
            return
        layers = self._state.layers
        rates = [spec["config"].get("rate", 0.5) for spec in layers if spec["type"] == "Dropout"]
        with QSignalBlocker(self.bn_check), QSignalBlocker(self.dropout_check), \
                QSignalBlocker(self.rate_spin):
            self.bn_check.setChecked(any(spec["type"] == "BatchNorm" for spec in layers))
            self.dropout_check.setChecked(bool(rates))
            if rates:
                self.rate_spin.setValue(float(rates[0]))
        self.rate_spin.setEnabled(bool(rates))

    def _activated(self, combo_index: int) -> None:
        name = self.combo.itemData(combo_index)
        if name and name != self._state.preset:
            self._load(name)

    def _switched(self, *_: Any) -> None:
        self._load(EXTEND, use_batchnorm=self.bn_check.isChecked(),
                   use_dropout=self.dropout_check.isChecked(),
                   dropout_rate=round(self.rate_spin.value(), 2))

    def _load(self, name: str, **options: Any) -> None:
        try:
            self._state.load_preset(name, **options)
        except (NNError, ValueError) as exc:  # e.g. a ConvNet for a 2-feature toy data set
            self.sync()
            self.error.show_error(str(exc))
