"""The Training group: batch size, epochs, seed, precision, weight initialization and how much
data the per-epoch metrics use (:class:`nn.training.TrainSettings`).

The initializer belongs to the model, not to :class:`TrainingSetup`: the panel announces it with
:attr:`TrainingPanel.modelInitChanged` and shows what :meth:`TrainingPanel.set_model_init` is told.
"""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import QComboBox, QGroupBox, QLabel, QSpinBox, QWidget

import nn
from workbench.core import i18n
from workbench.core.i18n import tr
from workbench.state.setup import TrainingSetup
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import Expander, apply, make_form
from workbench.ui.spin_boxes import BoundedSpinBox
from workbench.ui.view import connect_weak

INITIALIZERS = nn.initializers.NAMES
DTYPES = ("float32", "float64")


def initializer_texts() -> dict[str, tuple[str, str]]:
    """Display name and tooltip of each initializer, in the current language (book ch. 6.2)."""
    return {
        "zeros": (tr("Zeros (to see it fail)"), tr(
            "Every weight 0 (book ch. 6.2.1): all neurons of a layer compute and learn the same "
            "thing, the symmetry is never broken and the network cannot learn. Try it to see "
            "the failure.")),
        "std0.01": (tr("Gaussian, σ = 0.01"), tr(
            "Normal distribution with standard deviation 0.01, the book's default up to "
            "ch. 5: fine for shallow nets, but in deep ones the activations shrink layer after "
            "layer and learning stalls (ch. 6.2.2).")),
        "std1": (tr("Gaussian, σ = 1"), tr(
            "Standard deviation 1 (book ch. 6.2.2): sigmoid and tanh saturate at their ends, "
            "so gradients vanish; with ReLU the activations explode.")),
        "xavier": (tr("Xavier (sigmoid, tanh)"), tr(
            "Xavier/Glorot: σ = √(1/n) for n inputs per neuron (book ch. 6.2.3). Keeps "
            "activations spread out through the layers with sigmoid or tanh.")),
        "he": (tr("He (ReLU)"), tr(
            "He: σ = √(2/n) for n inputs per neuron (book ch. 6.2.4), twice Xavier's variance "
            "because ReLU zeroes half of its inputs. The choice for ReLU networks.")),
        "xavier_uniform": (tr("Xavier, uniform"), tr(
            "Xavier's variance from a uniform distribution U(±√(3/n)) (beyond the book; Keras' "
            "default).")),
        "he_uniform": (tr("He, uniform"), tr(
            "He's variance from a uniform distribution U(±√(6/n)) (beyond the book).")),
    }


def _count_box(low: int, high: int, step: int) -> QSpinBox:
    box = BoundedSpinBox()
    box.setRange(low, high)
    box.setSingleStep(step)
    box.setKeyboardTracking(False)
    box.setGroupSeparatorShown(True)
    return box


class TrainingPanel(QGroupBox):
    """Batch size, epochs, seed, dtype, initializer, metric subsets."""

    #: The user chose a weight initializer (a name of :data:`nn.initializers.NAMES`).
    modelInitChanged = Signal(str)  # noqa: N815 (Qt naming)

    def __init__(self, setup: TrainingSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self.batch_size = _count_box(1, 100_000, 10)
        self.epochs = _count_box(1, 100_000, 1)
        self.seed = _count_box(0, 2**31 - 1, 1)
        self.seed.setGroupSeparatorShown(False)
        self.dtype = QComboBox(self)
        for name in DTYPES:
            self.dtype.addItem(name, name)
        self.init = QComboBox(self)
        for name in INITIALIZERS:
            self.init.addItem(name, name)
        self.init.setCurrentIndex(self.init.findData("he"))
        self.train_eval_size = _count_box(0, 10_000_000, 500)
        self.advanced = Expander(self)
        self.eval_size = _count_box(0, 10_000_000, 1000)
        self.max_iterations = _count_box(0, 100_000_000, 100)
        self.error = ErrorLabel(self)

        self.form = form = make_form()
        self._labels: dict[str, QLabel] = {}
        for key, field in (("batch_size", self.batch_size), ("epochs", self.epochs),
                           ("init", self.init), ("dtype", self.dtype), ("seed", self.seed),
                           ("train_eval_size", self.train_eval_size)):
            self._labels[key] = QLabel(self)
            form.addRow(self._labels[key], field)
        form.addRow(self.error)
        form.addRow(self.advanced)
        for key, field in (("eval_size", self.eval_size),
                           ("max_iterations", self.max_iterations)):
            self._labels[key] = QLabel(self)
            form.addRow(self._labels[key], field)
        self.setLayout(form)

        for key, box in (("batch_size", self.batch_size), ("epochs", self.epochs),
                         ("seed", self.seed)):
            box.valueChanged.connect(lambda v, key=key: self._set(**{key: int(v)}))
        for key, box in (("train_eval_size", self.train_eval_size),
                         ("eval_size", self.eval_size), ("max_iterations", self.max_iterations)):
            box.valueChanged.connect(lambda v, key=key: self._set(**{key: int(v) or None}))
        self.dtype.currentIndexChanged.connect(
            lambda index: apply(self.error, self.setup.set_dtype, self.dtype.itemData(index)))
        self.init.currentIndexChanged.connect(self._on_init)
        self.advanced.expandedChanged.connect(self._show_rows)

        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)
        connect_weak(setup.changed, self.refresh)
        self.refresh()

    # ----------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.setTitle(tr("Training"))
        labels = {"batch_size": tr("Batch size"), "epochs": tr("Epochs"),
                  "init": tr("Initial weights"), "dtype": tr("Precision"), "seed": tr("Seed"),
                  "train_eval_size": tr("Train metrics on"), "eval_size": tr("Val/test on"),
                  "max_iterations": tr("Stop after")}
        for key, text in labels.items():
            self._labels[key].setText(text)
        self.batch_size.setSuffix(tr(" samples"))
        self.batch_size.setToolTip(tr(
            "Samples per gradient step: the mini-batch (book ch. 4.2.3, 4.5). Larger batches "
            "give smoother but fewer steps per epoch."))
        self.epochs.setToolTip(tr(
            "Passes over the training set; one epoch uses every training sample once "
            "(book ch. 4.5.2)."))
        self.seed.setToolTip(tr(
            "Seeds the initial weights and the order of the mini-batches: the same seed "
            "repeats a run exactly."))
        self.dtype.setItemText(0, tr("float32 (default, faster)"))
        self.dtype.setItemText(1, tr("float64 (for gradient checks)"))
        self.dtype.setToolTip(tr(
            "Number precision of weights and activations. float32 is the default: faster and "
            "half the memory. float64 is for gradient checks (book ch. 5.7.3), where rounding "
            "errors must not hide a bug."))
        texts = initializer_texts()
        for index in range(self.init.count()):
            name = self.init.itemData(index)
            text, tip = texts.get(name) or (
                tr("Gaussian, σ = {std}").format(std=name[3:]),
                tr("Normal distribution with this standard deviation (book ch. 6.2.1)."))
            self.init.setItemText(index, text)
            self.init.setItemData(index, tip, Qt.ItemDataRole.ToolTipRole)
        self.init.setToolTip(tr(
            "How the weights are drawn before training (book ch. 6.2): He for ReLU, Xavier for "
            "sigmoid or tanh. Layers that set their own initializer keep it."))
        self.train_eval_size.setSpecialValueText(tr("All samples"))
        self.train_eval_size.setSuffix(tr(" samples"))
        self.train_eval_size.setToolTip(tr(
            "Training loss and accuracy after each epoch are measured on a fixed random subset "
            "of this many training samples (faster); the value 0 means all of them."))
        self.eval_size.setSpecialValueText(tr("All samples"))
        self.eval_size.setSuffix(tr(" samples"))
        self.eval_size.setToolTip(tr(
            "Validation and test metrics after each epoch use at most this many samples; the "
            "value 0 means all of them."))
        self.max_iterations.setSpecialValueText(tr("All epochs"))
        self.max_iterations.setSuffix(tr(" steps"))
        self.max_iterations.setToolTip(tr(
            "Stop after this many mini-batch steps in total, even in the middle of an epoch "
            "(0 = run every epoch). Handy for quick experiments."))
        self.advanced.setText(tr("Advanced"))
        self.advanced.setToolTip(tr("Show rarely changed training settings"))

    # ------------------------------------------------------------------- state -> widgets
    def refresh(self) -> None:
        t = self.setup.training
        for box, value in ((self.batch_size, t.batch_size), (self.epochs, t.epochs),
                           (self.seed, t.seed), (self.train_eval_size, t.train_eval_size or 0),
                           (self.eval_size, t.eval_size or 0),
                           (self.max_iterations, t.max_iterations or 0)):
            with QSignalBlocker(box):
                box.setValue(value)
        with QSignalBlocker(self.dtype):
            self.dtype.setCurrentIndex(max(self.dtype.findData(self.setup.dtype), 0))
        self.error.show_error(None)
        self._show_rows()

    def _show_rows(self) -> None:
        for box in (self.eval_size, self.max_iterations):
            self.form.setRowVisible(box, self.advanced.is_expanded())

    # ------------------------------------------------------------------- widgets -> state
    def _set(self, **values: object) -> None:
        apply(self.error, self.setup.set_training, **values)

    def _on_init(self, index: int) -> None:
        name = self.init.itemData(index)
        if name:
            self.modelInitChanged.emit(name)

    def model_init(self) -> str:
        """The initializer the combo shows."""
        return self.init.currentData()

    def set_model_init(self, name: str) -> None:
        """Show ``name`` (canonicalised, e.g. ``"relu"`` → ``"he"``) without emitting."""
        canonical = nn.initializers.get(name).name
        index = self.init.findData(canonical)
        if index < 0:  # another σ, e.g. "std0.1": list it too
            self.init.addItem(canonical, canonical)
            index = self.init.count() - 1
            self.retranslate()
        with QSignalBlocker(self.init):
            self.init.setCurrentIndex(index)

    def set_locked(self, locked: bool) -> None:
        for widget in (self.batch_size, self.epochs, self.seed, self.dtype, self.init,
                       self.train_eval_size, self.eval_size, self.max_iterations):
            widget.setEnabled(not locked)
