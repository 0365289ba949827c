"""The Data group: which data set, where its files are, how much of it and how it is augmented.

Writes into :class:`~workbench.state.setup.TrainingSetup` with ``set_dataset`` / ``set_data`` /
``set_augment`` and re-reads it whenever the state announces a change.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QSignalBlocker, Qt
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

import nn.datasets
from workbench.core import i18n
from workbench.core.i18n import tr
from workbench.pages.train.setup.augment_box import AugmentBox
from workbench.shell.download_dialog import DownloadDialog
from workbench.state.setup import TrainingSetup
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import ElidedLabel, apply, make_form
from workbench.ui.spin_boxes import BoundedDoubleSpinBox, BoundedSpinBox
from workbench.ui.view import connect_weak

IDX_NAMES = tuple(nn.datasets.IDX_SETS)  # "mnist", "fashion-mnist": read from a folder
_SIZE_MB = {name: sum(f.size for f in s.files) / 1e6 for name, s in nn.datasets.IDX_SETS.items()}


def _dataset_texts() -> dict[str, tuple[str, str]]:
    """Display name and tooltip of every data set, in the current language."""
    return {
        "digits": (tr("Embedded digits (10,000, offline)"), tr(
            "10,000 MNIST digits shipped with the application (8,000 for training, 2,000 for "
            "testing): no download needed (book ch. 3.6).")),
        "mnist": (tr("MNIST (60,000)"), tr(
            "The full MNIST set of handwritten digits (book ch. 3.6): 60,000 training and "
            "10,000 test images. Needs its four files (about 12 MB to download).")),
        "fashion-mnist": (tr("Fashion-MNIST (60,000)"), tr(
            "Zalando's Fashion-MNIST: 60,000 training and 10,000 test images of clothes in 10 "
            "classes, in MNIST's format but harder. About 31 MB to download.")),
        "xor": (tr("XOR (toy, 2-D)"), tr(
            "Four noisy clusters at the corners of a square: the XOR gate, which one perceptron "
            "cannot separate but two layers can (book ch. 2.4–2.5).")),
        "circles": (tr("Circles (toy, 2-D)"), tr(
            "Two concentric rings: needs a non-linear decision boundary (book ch. 3.2).")),
        "moons": (tr("Moons (toy, 2-D)"), tr("Two interleaving half moons.")),
        "spiral": (tr("Spiral (toy, 2-D)"), tr(
            "Three interleaved spiral arms (from Stanford's CS231n): needs enough hidden "
            "units.")),
        "blobs": (tr("Blobs (toy, 2-D)"), tr(
            "Three Gaussian blobs: almost linearly separable, a sanity check.")),
    }


class DataPanel(QGroupBox):
    """Data set, its folder (full MNIST, Fashion), toy options, subset, validation, augmentation."""

    def __init__(self, setup: TrainingSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self._last_dir: str | None = setup.data.data_dir
        self._locked = False

        self.dataset = QComboBox(self)
        for name in nn.datasets.IMAGE_DATASETS:
            self.dataset.addItem(name, name)
        self.dataset.insertSeparator(self.dataset.count())
        for name in nn.datasets.TOY_DATASETS:
            self.dataset.addItem(name, name)

        # files of the full image sets
        self.files = QWidget(self)
        self.files_status = QLabel(self.files)
        self.files_status.setWordWrap(True)
        self.files_path = ElidedLabel(self.files)
        self.files_path.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        self.choose_button = QPushButton(self.files)
        self.download_button = QPushButton(self.files)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.download_button)
        buttons.addStretch(1)
        files_layout = QVBoxLayout(self.files)
        files_layout.setContentsMargins(0, 0, 0, 0)
        files_layout.setSpacing(2)
        files_layout.addWidget(self.files_status)
        files_layout.addWidget(self.files_path)
        files_layout.addLayout(buttons)
        self.folder_error = ErrorLabel(self)

        # toy sets
        self.toy_n = BoundedSpinBox(self)
        self.toy_n.setRange(4, 100_000)
        self.toy_n.setSingleStep(100)
        self.toy_noise = BoundedDoubleSpinBox(self)
        self.toy_noise.setRange(0.0, 5.0)
        self.toy_noise.setSingleStep(0.01)
        self.toy_noise.setDecimals(2)
        self.toy_seed = BoundedSpinBox(self)
        self.toy_seed.setRange(0, 2**31 - 1)

        # image sets and all sets
        self.train_size = BoundedSpinBox(self)
        self.train_size.setRange(0, 1_000_000)
        self.train_size.setSingleStep(1000)
        self.val_fraction = BoundedSpinBox(self)
        self.val_fraction.setRange(0, 90)
        self.val_fraction.setSingleStep(5)
        self.augment = AugmentBox(setup, self)
        self.error = ErrorLabel(self)

        for box in (self.toy_n, self.toy_noise, self.toy_seed, self.train_size,
                    self.val_fraction):
            box.setKeyboardTracking(False)

        self.form = form = make_form()
        self._labels = {key: QLabel(self) for key in
                        ("dataset", "files", "toy_n", "toy_noise", "toy_seed", "train_size",
                         "val")}
        form.addRow(self._labels["dataset"], self.dataset)
        form.addRow(self._labels["files"], self.files)
        form.addRow(self.folder_error)
        form.addRow(self._labels["toy_n"], self.toy_n)
        form.addRow(self._labels["toy_noise"], self.toy_noise)
        form.addRow(self._labels["toy_seed"], self.toy_seed)
        form.addRow(self._labels["train_size"], self.train_size)
        form.addRow(self._labels["val"], self.val_fraction)
        form.addRow(self.error)
        form.addRow(self.augment)
        self.setLayout(form)

        self.dataset.currentIndexChanged.connect(self._on_dataset)
        self.choose_button.clicked.connect(self.choose_folder)
        self.download_button.clicked.connect(self.download)
        self.toy_n.valueChanged.connect(lambda v: self._set(toy_n=int(v)))
        self.toy_noise.valueChanged.connect(lambda v: self._set(toy_noise=float(v)))
        self.toy_seed.valueChanged.connect(lambda v: self._set(toy_seed=int(v)))
        self.train_size.valueChanged.connect(lambda v: self._set(train_size=int(v) or None))
        self.val_fraction.valueChanged.connect(lambda v: self._set(val_fraction=v / 100))

        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)
        connect_weak(setup.changed, self.refresh)
        self.refresh()

    # ----------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.setTitle(tr("Data"))
        texts = _dataset_texts()
        for index in range(self.dataset.count()):
            name = self.dataset.itemData(index)
            if name in texts:
                self.dataset.setItemText(index, texts[name][0])
                self.dataset.setItemData(index, texts[name][1], Qt.ItemDataRole.ToolTipRole)
        self.dataset.setToolTip(tr(
            "What the network learns from: handwritten digits (book ch. 3.6), clothes, or a "
            "2-D toy set whose decision boundary you can watch."))
        labels = {"dataset": tr("Data set"), "files": tr("Files"), "toy_n": tr("Points"),
                  "toy_noise": tr("Noise"), "toy_seed": tr("Data seed"),
                  "train_size": tr("Training images"), "val": tr("Validation")}
        for key, text in labels.items():
            self._labels[key].setText(text)
        self.choose_button.setText(tr("Choose folder…"))
        self.choose_button.setToolTip(tr(
            "Pick the folder that holds train-images-idx3-ubyte, train-labels-idx1-ubyte, "
            "t10k-images-idx3-ubyte and t10k-labels-idx1-ubyte (gzipped or not)."))
        self.download_button.setText(tr("Download…"))
        self.download_button.setToolTip(tr(
            "Download the four files from the official mirrors, verify their checksums and "
            "keep them for next time."))
        self.toy_n.setToolTip(tr("Number of training points generated (the test set gets half "
                                 "as many)."))
        self.toy_noise.setToolTip(tr("How much the points scatter: larger values blur the "
                                     "classes into each other."))
        self.toy_seed.setToolTip(tr("Seed of the point generator: the same seed gives the same "
                                    "points."))
        self.train_size.setSpecialValueText(tr("All"))
        self.train_size.setToolTip(tr(
            "Use only the first N training images; the validation share is taken from "
            "them. Small subsets train fast and make overfitting easy to see (book ch. "
            "6.4.1)."))
        self.val_fraction.setSuffix(tr(" % held out"))
        self.val_fraction.setToolTip(tr(
            "Share of the training data set aside as a validation set, to watch generalization "
            "and tune hyperparameters without touching the test set (book ch. 6.5.1)."))
        self._refresh_files()

    # ------------------------------------------------------------------- state -> widgets
    def refresh(self) -> None:
        data = self.setup.data
        name = data.name
        if name in IDX_NAMES and data.data_dir:
            self._last_dir = data.data_dir
        with QSignalBlocker(self.dataset):
            self.dataset.setCurrentIndex(self.dataset.findData(name))
        toy, image = name in nn.datasets.TOY_DATASETS, name in nn.datasets.IMAGE_DATASETS
        for key, box, value in (
            ("toy_n", self.toy_n, data.toy_n or nn.datasets.TOY_DEFAULT_N),
            ("toy_noise", self.toy_noise, data.toy_noise if data.toy_noise is not None
             else nn.datasets.TOY_DEFAULT_NOISE.get(name, 0.1)),
            ("toy_seed", self.toy_seed, data.toy_seed),
            ("train_size", self.train_size, data.train_size or 0),
            ("val", self.val_fraction, round(100 * data.val_fraction)),
        ):
            with QSignalBlocker(box):
                box.setValue(value)
            self.form.setRowVisible(box, (key == "val") or (toy if key.startswith("toy")
                                                            else image))
        self.form.setRowVisible(self.augment, image)
        self.form.setRowVisible(self.files, name in IDX_NAMES)
        self.augment.refresh()
        self.error.show_error(None)
        self.folder_error.show_error(None)
        self._refresh_files()

    def _refresh_files(self) -> None:
        name, data_dir = self.setup.data.name, self.setup.data.data_dir
        if name not in IDX_NAMES:
            return
        found = nn.datasets.find_dataset_dir(name, data_dir)
        if found is not None:
            self.files_status.setText("✓ " + tr("Found"))
            self.files_status.setStyleSheet(f"color: {theme.ok_color()};")
            path = str(found)
        else:
            self.files_status.setText("✗ " + tr(
                "Not found — choose the folder that holds them, or download them "
                "({size:.0f} MB).").format(size=_SIZE_MB[name]))
            self.files_status.setStyleSheet(f"color: {theme.error_color()};")
            path = tr("looked in {folder}").format(folder=data_dir) if data_dir else ""
        self.files_path.set_full_text(path)
        self.files_path.setVisible(bool(path))
        self.files_path.setToolTip(path)
        self.files_status.setToolTip(tr(
            "Whether the four files of {name} are on this computer. Without them a run "
            "cannot start.").format(name=self.dataset.currentText()))
        self.download_button.setEnabled(found is None and not self._locked)

    def changeEvent(self, event: QEvent) -> None:  # noqa: N802 (Qt override)
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._refresh_files()  # ok/error colours follow a light/dark switch

    # ------------------------------------------------------------------- widgets -> state
    def _set(self, **values: object) -> None:
        apply(self.error, self.setup.set_data, **values)

    def _on_dataset(self, index: int) -> None:
        name = self.dataset.itemData(index)
        if not name or name == self.setup.data.name:
            return
        if name in nn.datasets.TOY_DATASETS:
            # a training subset would silently truncate the generated points: drop it
            apply(self.error, self.setup.set_data, name=name, data_dir=None, train_size=None)
        else:
            keep = self._last_dir if name in IDX_NAMES else None
            apply(self.error, self.setup.set_dataset, name, keep)

    def choose_folder(self) -> None:
        """Ask for the folder of the current full image set and use it if the files are there."""
        name = self.setup.data.name
        start = self.setup.data.data_dir or self._last_dir or str(Path.home())
        folder = QFileDialog.getExistingDirectory(
            self, tr("Folder with the {name} files").format(name=self.dataset.currentText()),
            start)
        if not folder:
            return
        if not nn.datasets.is_available(name, folder):
            files = ", ".join(f.name for f in nn.datasets.IDX_SETS[name].files)
            self.folder_error.show_error(tr(
                "{folder} does not contain the four files ({files}, gzipped or not), neither "
                "directly nor in a \"{subdir}\" subfolder.").format(
                folder=folder, files=files, subdir=nn.datasets.IDX_SETS[name].subdir))
            return
        self._last_dir = folder
        if apply(self.folder_error, self.setup.set_dataset, name, folder):
            self.folder_error.show_error(None)

    def download(self) -> None:
        """Open the download dialog for the current full image set (window-modal)."""
        dialog = DownloadDialog(self.setup.data.name, self.setup.data.data_dir, self)
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.finished.connect(self._on_download_finished)
        dialog.open()

    def _on_download_finished(self, result: int) -> None:
        if result == DownloadDialog.DialogCode.Accepted:
            # re-set the data set so that every listener learns the files are there now
            data = self.setup.data
            apply(self.folder_error, self.setup.set_dataset, data.name, data.data_dir)
        else:
            self._refresh_files()

    def set_locked(self, locked: bool) -> None:
        self._locked = locked
        for widget in (self.dataset, self.choose_button, self.download_button, self.toy_n,
                       self.toy_noise, self.toy_seed, self.train_size, self.val_fraction):
            widget.setEnabled(not locked)
        self.augment.set_locked(locked)
        self._refresh_files()
