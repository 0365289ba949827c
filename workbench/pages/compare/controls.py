"""Settings controls shared by the comparison tabs: the data set, the network, the seeds, and
spin boxes. Each control has a tooltip that says what it does and where the book explains it."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QStandardItemModel
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

import nn.datasets
from nn.experiment import DataConfig
from workbench.core.i18n import language_changed, tr
from workbench.shell.context import AppContext
from workbench.state.compare.specs import ACTIVATIONS
from workbench.ui.fields import NumberBox
from workbench.ui.view import connect_weak


def int_spin(low: int, high: int, value: int, step: int = 1, parent: QWidget | None = None
             ) -> QSpinBox:
    box = QSpinBox(parent)
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setValue(value)
    box.setGroupSeparatorShown(True)
    box.setKeyboardTracking(False)
    box.setMinimumWidth(60)  # the size hint of a wide range would widen the settings panel
    return box


def log_box(value: float, floor: float = 1e-8, parent: QWidget | None = None) -> NumberBox:
    """A number box for learning rates, weight decay, scales (1-2-5 steps on the arrows)."""
    box = NumberBox(parent, log=True, floor=floor, soft_range=(0.0, 100.0))
    box.setValue(value)
    box.setMinimumWidth(70)  # its ±1e12 range would otherwise ask for a very wide box
    return box


class DataChoice(QComboBox):
    """The image data set a comparison trains on. Defaults to the one chosen on the Build &
    Train page (its folder is used too); sets whose files are missing are disabled."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self._tips: dict[str, str] = {}
        for name in nn.datasets.IMAGE_DATASETS:
            self.addItem(name, name)
        chosen = context.setup.data.name
        self.set_name(chosen if chosen in nn.datasets.IMAGE_DATASETS else "digits")
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        connect_weak(context.setup.changed, self.refresh)

    def _data_dir(self, name: str) -> str | None:
        data = self.context.setup.data
        return data.data_dir if data.name == name else None

    def retranslate(self) -> None:
        texts = {
            "digits": (tr("Embedded digits"), tr(
                "10,000 MNIST digits shipped with the application: 8,000 for training, 2,000 "
                "for testing.")),
            "mnist": (tr("MNIST"), tr("Full MNIST: 60,000 training and 10,000 test images.")),
            "fashion-mnist": (tr("Fashion-MNIST"), tr(
                "Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothes.")),
        }
        self._tips = {name: tip for name, (_text, tip) in texts.items()}
        for i in range(self.count()):
            self.setItemText(i, texts[self.itemData(i)][0])
        self.setToolTip(tr(
            "The images to train on. The embedded digits are always there; full MNIST or "
            "Fashion-MNIST becomes available once it is chosen (or downloaded) on the Build & "
            "Train page. The book's ch. 6 experiments use MNIST (ch. 3.6)."))
        self.refresh()

    def refresh(self) -> None:
        """Enable the sets whose files are present."""
        model = self.model()
        if not isinstance(model, QStandardItemModel):
            return
        for i in range(self.count()):
            name = self.itemData(i)
            try:
                ok = nn.datasets.is_available(name, self._data_dir(name))
            except nn.datasets.DatasetError:
                ok = False
            item = model.item(i)
            item.setEnabled(ok)
            item.setToolTip(self._tips.get(name, "") if ok else tr(
                "Not found on this computer: choose it on the Build & Train page to download "
                "it or point to its folder."))

    def name(self) -> str:
        return str(self.currentData())

    def set_name(self, name: str) -> None:
        index = self.findData(name)
        if index < 0:
            raise ValueError(tr("Unknown data set {name!r}.").format(name=name))
        self.setCurrentIndex(index)

    def config(self, **values: Any) -> DataConfig:
        """A data configuration for the chosen set (``train_size``, ``val_fraction``…)."""
        name = self.name()
        return DataConfig(name, data_dir=self._data_dir(name), **values)


class SeedsRow(QWidget):
    """How many seeds to repeat each variant over, and the first seed (beyond the book)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.count = int_spin(1, 20, 1, parent=self)
        self.first = int_spin(0, 1_000_000, 0, parent=self)
        self.from_label = QLabel(self)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.count, 1)
        layout.addWidget(self.from_label)
        layout.addWidget(self.first, 1)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.from_label.setText(tr("from seed"))
        self.count.setToolTip(tr(
            "Repeat every variant with this many seeds (other initial weights and batch "
            "orders). With more than one, curves show the mean and a band of ± one standard "
            "deviation, and the table shows mean ± spread: is a difference real or luck?"))
        self.first.setToolTip(tr(
            "The first seed. The same seed gives the same initial weights and batches, so a "
            "comparison can be reproduced exactly."))

    def values(self) -> dict[str, int]:
        return {"seeds": self.count.value(), "first_seed": self.first.value()}

    def set_values(self, settings: dict[str, Any]) -> None:
        self.count.setValue(int(settings.get("seeds", 1)))
        self.first.setValue(int(settings.get("first_seed", 0)))


class NetworkFields(QWidget):
    """The network of an optimizer or initializer comparison: the book's multi-layer net
    (hidden layers × units, activation, optional BatchNorm) or the simple ConvNet."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.arch = QComboBox(self)
        self.arch.addItem("", "mlp")
        self.arch.addItem("", "convnet")
        self.layers = int_spin(1, 20, 4, parent=self)
        self.units = int_spin(1, 4096, 100, step=10, parent=self)
        self.activation = QComboBox(self)
        for name in ACTIVATIONS:
            self.activation.addItem(name, name)
        self.batchnorm = QCheckBox(self)
        self.times = QLabel("×", self)
        row = QHBoxLayout()
        row.addWidget(self.layers, 1)
        row.addWidget(self.times)
        row.addWidget(self.units, 1)
        row.addWidget(self.activation, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.arch)
        layout.addLayout(row)
        layout.addWidget(self.batchnorm)
        self.arch.currentIndexChanged.connect(self._sync)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)
        self._sync()

    def retranslate(self) -> None:
        self.arch.setItemText(0, tr("Multi-layer net (book ch. 6)"))
        self.arch.setItemText(1, tr("Simple ConvNet (ch. 7.5, slower)"))
        self.arch.setToolTip(tr(
            "The network every variant trains. The book compares on MultiLayerNet "
            "784-100×4-10 with ReLU (ch. 6.1.8, 6.2.4)."))
        self.layers.setToolTip(tr("Hidden layers of the multi-layer net (book: 4)."))
        self.units.setToolTip(tr("Units in each hidden layer (book: 100)."))
        self.activation.setToolTip(tr(
            "Hidden-layer activation (ch. 3.2). He initialization suits ReLU, Xavier suits "
            "sigmoid and tanh (ch. 6.2.3–6.2.4)."))
        self.batchnorm.setText(tr("Batch Normalization after each hidden layer"))
        self.batchnorm.setToolTip(tr(
            "Insert a BatchNorm layer before each activation (ch. 6.3): training depends much "
            "less on the optimizer and the initial weights."))

    def _sync(self) -> None:
        mlp = self.arch.currentData() == "mlp"
        for widget in (self.layers, self.units, self.activation, self.batchnorm, self.times):
            widget.setEnabled(mlp)

    def values(self) -> dict[str, Any]:
        return {"arch": self.arch.currentData(), "layers": self.layers.value(),
                "units": self.units.value(), "activation": self.activation.currentData(),
                "batchnorm": self.batchnorm.isChecked()}

    def set_values(self, network: dict[str, Any]) -> None:
        index = self.arch.findData(network.get("arch", "mlp"))
        if index < 0:
            raise ValueError(tr("Unknown network {name!r}.").format(name=network.get("arch")))
        self.arch.setCurrentIndex(index)
        self.layers.setValue(int(network.get("layers", 4)))
        self.units.setValue(int(network.get("units", 100)))
        index = self.activation.findData(network.get("activation", "ReLU"))
        if index < 0:
            raise ValueError(tr("Unknown activation {name!r}.").format(
                name=network.get("activation")))
        self.activation.setCurrentIndex(index)
        self.batchnorm.setChecked(bool(network.get("batchnorm", False)))

__all__ = ["DataChoice", "NetworkFields", "SeedsRow", "int_spin", "log_box"]
