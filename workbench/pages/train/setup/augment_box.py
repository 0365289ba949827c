"""Data augmentation settings (book ch. 8.1.1): a switch plus the :class:`nn.datasets.Augmenter`
settings it uses, written with :meth:`TrainingSetup.set_augment`."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QVBoxLayout,
    QWidget,
)

from workbench.core import i18n
from workbench.core.i18n import tr
from workbench.state.setup import DEFAULT_AUGMENT, TrainingSetup
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import apply, make_form
from workbench.ui.spin_boxes import BoundedDoubleSpinBox, BoundedSpinBox
from workbench.ui.view import connect_weak


def _spin(low: float, high: float, step: float, decimals: int) -> QDoubleSpinBox:
    box = BoundedDoubleSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setDecimals(decimals)
    box.setKeyboardTracking(False)
    return box


class AugmentBox(QWidget):
    """The "Augment training images" switch and, when on, its settings (indented below it)."""

    def __init__(self, setup: TrainingSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self.enabled_check = QCheckBox(self)
        self.settings = QWidget(self)
        self.shift = _spin(0, 10, 0.5, 1)
        self.rotation = _spin(0, 180, 1, 0)
        self.scale_low = _spin(0.1, 3, 0.05, 2)
        self.scale_high = _spin(0.1, 3, 0.05, 2)
        self.noise = _spin(0, 1, 0.01, 2)
        self.thickness = BoundedSpinBox()
        self.thickness.setRange(0, 100)
        self.thickness.setSingleStep(5)
        self.thickness.setKeyboardTracking(False)
        self._to_label = QLabel()
        self.error = ErrorLabel(self)

        scale_row = QWidget()
        scale_layout = QHBoxLayout(scale_row)
        scale_layout.setContentsMargins(0, 0, 0, 0)
        scale_layout.addWidget(self.scale_low, 1)
        scale_layout.addWidget(self._to_label)
        scale_layout.addWidget(self.scale_high, 1)

        self.form = form = make_form()
        form.setContentsMargins(22, 0, 0, 0)  # indented under the switch
        self._labels = [QLabel() for _ in range(5)]
        for label, field in zip(self._labels, (self.shift, self.rotation, scale_row, self.noise,
                                               self.thickness), strict=True):
            form.addRow(label, field)
        self.settings.setLayout(form)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.enabled_check)
        layout.addWidget(self.settings)
        layout.addWidget(self.error)

        self._load(DEFAULT_AUGMENT)
        self.settings.setVisible(False)
        self.enabled_check.toggled.connect(self._on_toggled)
        for box in (self.shift, self.rotation, self.scale_low, self.scale_high, self.noise,
                    self.thickness):
            box.valueChanged.connect(self._on_edited)
        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.enabled_check.setText(tr("Augment training images (ch. 8.1)"))
        self.enabled_check.setToolTip(tr(
            "Data augmentation (book ch. 8.1.1): every time a training image is used it is "
            "randomly shifted, rotated, scaled and altered, so the network sees more variety "
            "and overfits less. Validation and test images are never changed."))
        for label, text in zip(self._labels, (tr("Shift"), tr("Rotation"), tr("Scale"),
                                              tr("Pixel noise"), tr("Stroke width")), strict=True):
            label.setText(text)
        self.shift.setPrefix("± ")
        self.shift.setSuffix(tr(" px"))
        self.shift.setToolTip(tr("Each image moves by a random amount of up to this many pixels "
                                 "horizontally and vertically (0 = off)."))
        self.rotation.setPrefix("± ")
        self.rotation.setSuffix("°")
        self.rotation.setToolTip(tr("Each image turns by a random angle of up to this many "
                                    "degrees either way (0 = off)."))
        self._to_label.setText(tr("to"))
        self.scale_low.setToolTip(tr("Smallest zoom factor: each image is scaled by a random "
                                     "factor between the two values (1 to 1 = off)."))
        self.scale_high.setToolTip(tr("Largest zoom factor: each image is scaled by a random "
                                      "factor between the two values (1 to 1 = off)."))
        self.noise.setSpecialValueText(tr("Off"))
        self.noise.setPrefix("σ = ")
        self.noise.setToolTip(tr("Standard deviation of Gaussian noise added to every pixel "
                                 "(pixels are in [0, 1]; 0 = off)."))
        self.thickness.setSpecialValueText(tr("Off"))
        self.thickness.setSuffix(tr(" % of images"))
        self.thickness.setToolTip(tr("Share of images whose strokes are made thicker or thinner "
                                     "(half each), like a different pen (0 = off)."))

    # ------------------------------------------------------------------- state -> widgets
    def refresh(self) -> None:
        """Show the state's augmentation settings (the settings stay put while it is off)."""
        config = self.setup.data.augment
        with QSignalBlocker(self.enabled_check):
            self.enabled_check.setChecked(config is not None)
        self.settings.setVisible(config is not None)
        if config is not None:
            self._load(config)
        self.error.show_error(None)

    def _load(self, config: dict[str, Any]) -> None:
        low, high = config.get("scale_range", (0.9, 1.1))
        if not config.get("scale", True):
            low, high = 1.0, 1.0
        values = (
            (self.shift, config.get("max_shift", 2.0) if config.get("shift", True) else 0.0),
            (self.rotation,
             config.get("max_rotation", 10.0) if config.get("rotation", True) else 0.0),
            (self.scale_low, low),
            (self.scale_high, high),
            (self.noise, config.get("noise_std", 0.02) if config.get("noise", False) else 0.0),
            (self.thickness, round(100 * config.get("thickness_prob", 0.3))
             if config.get("thickness", False) else 0),
        )
        for box, value in values:
            with QSignalBlocker(box):
                box.setValue(value)

    # ------------------------------------------------------------------- widgets -> state
    def config(self) -> dict[str, Any]:
        """The :class:`nn.datasets.Augmenter` settings the fields show."""
        base = dict(self.setup.data.augment or {})
        shift, rotation, noise = self.shift.value(), self.rotation.value(), self.noise.value()
        prob = self.thickness.value() / 100
        return {**base, "shift": shift > 0, "max_shift": shift,
                "rotation": rotation > 0, "max_rotation": rotation,
                "scale": True, "scale_range": [self.scale_low.value(), self.scale_high.value()],
                "noise": noise > 0, "noise_std": noise,
                "thickness": prob > 0, "thickness_prob": prob}

    def _on_toggled(self, checked: bool) -> None:
        self.settings.setVisible(checked)
        apply(self.error, self.setup.set_augment, checked, self.config() if checked else None)

    def _on_edited(self) -> None:
        if self.enabled_check.isChecked():
            apply(self.error, self.setup.set_augment, True, self.config())

    def set_locked(self, locked: bool) -> None:
        for widget in (self.enabled_check, self.settings):
            widget.setEnabled(not locked)
