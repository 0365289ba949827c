"""Why this answer: the 28×28 image the network receives, a saliency map over it, the options
for showing both on the canvas, and the way to the feature maps (Inspect page)."""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.draw.saliency import METHODS, NEGATIVE_RGB, POSITIVE_RGB
from workbench.core.i18n import language_changed, tr
from workbench.pages.draw.preview import PixelView
from workbench.ui import theme
from workbench.ui.view import connect_weak


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


class ExplainPanel(QWidget):
    """Network input and saliency side by side, with their options."""

    optionsChanged = Signal()  # saliency method, overlay or guides switched
    featureMapsRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.input_view = PixelView()
        self.saliency_view = PixelView()
        self.method_label = QLabel()
        self.method = QComboBox()
        for key in METHODS:
            self.method.addItem("", key)
        self.method_label.setBuddy(self.method)
        self.overlay_check = QCheckBox()
        self.overlay_check.setChecked(True)
        self.guides_check = QCheckBox()
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        self.feature_button = QPushButton()
        self.feature_button.setEnabled(False)
        self.method.currentIndexChanged.connect(lambda _i: self.optionsChanged.emit())
        self.overlay_check.toggled.connect(lambda _on: self.optionsChanged.emit())
        self.guides_check.toggled.connect(lambda _on: self.optionsChanged.emit())
        self.feature_button.clicked.connect(self.featureMapsRequested)

        views = QHBoxLayout()
        views.addWidget(self.input_view)
        views.addWidget(self.saliency_view)
        options = QGridLayout()
        options.setContentsMargins(0, 0, 0, 0)
        options.addWidget(self.method_label, 0, 0)
        options.addWidget(self.method, 0, 1, 1, 2)
        options.addWidget(self.overlay_check, 1, 0, 1, 2)
        options.addWidget(self.guides_check, 1, 2)
        options.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(views)
        layout.addWidget(self.legend)
        layout.addLayout(options)
        layout.addWidget(self.feature_button)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.input_view.caption = tr("Network input 28×28")
        self.input_view.placeholder = tr("nothing drawn")
        self.input_view.setToolTip(tr(
            "Exactly what the network receives: your drawing cropped to its ink, scaled so its "
            "longest side is 20 px and shifted so its centre of mass is at pixel (14, 14) — "
            "MNIST's own preprocessing (book ch. 3.6)."))
        self.saliency_view.caption = tr("Saliency")
        self.saliency_view.placeholder = tr("no answer yet")
        self.saliency_view.setToolTip(tr(
            "Which pixels drive the answer, over the dimmed input. Orange: they support the "
            "top class; blue: they argue against it."))
        self.method_label.setText(tr("Saliency:"))
        names = {"gradient": tr("Gradient (ch. 5)"),
                 "gradient_input": tr("Gradient × ink"),
                 "occlusion": tr("Occlusion")}
        for i in range(self.method.count()):
            self.method.setItemText(i, names[self.method.itemData(i)])
        self.method.setToolTip(tr(
            "Gradient: ∂score/∂pixel by backpropagation (ch. 5) — where more ink would raise "
            "(orange) or lower (blue) the top class's score.\nGradient × ink: the same, only "
            "on the ink you drew — which strokes helped.\nOcclusion: how much the probability "
            "drops when a 4×4 patch of ink is erased (slower: one forward pass per patch)."))
        self.overlay_check.setText(tr("On the drawing"))
        self.overlay_check.setToolTip(tr("Overlay the saliency map on the canvas, mapped back "
                                         "through the crop and scaling (hidden while you draw)."))
        self.guides_check.setText(tr("Show framing"))
        self.guides_check.setToolTip(tr(
            "Outline on the canvas the area that becomes the 28×28 input (blue, dashed), the "
            "ink's bounding box that is scaled to 20 px and its centre of mass that goes to "
            "pixel 14 (orange)."))
        self.legend.setText(tr("<span style='color:{pos}'>■</span> supports the answer "
                               "&nbsp; <span style='color:{neg}'>■</span> argues against "
                               "it").format(pos=_hex(POSITIVE_RGB), neg=_hex(NEGATIVE_RGB)))
        self.legend.setStyleSheet(f"color: {theme.muted_color()};")
        self.feature_button.setText(tr("See feature maps →"))
        self.feature_button.setToolTip(tr("Open this 28×28 input on the Inspect page to see what "
                                          "every convolution filter and layer makes of it "
                                          "(ch. 7.6)."))
        self.input_view.update()
        self.saliency_view.update()

    @property
    def method_key(self) -> str:
        return str(self.method.currentData())

    def show_input(self, x28: NDArray | None) -> None:
        self.input_view.set_content(x28)
        self.feature_button.setEnabled(x28 is not None and bool(np.any(x28)))

    def show_saliency(self, x28: NDArray | None, rgba: NDArray[np.uint8] | None,
                      class_name: str = "") -> None:
        self.saliency_view.set_content(x28, rgba, dim=True)
        self.saliency_view.caption = (tr("Saliency for “{name}”").format(name=class_name)
                                      if rgba is not None else tr("Saliency"))
        self.saliency_view.update()
