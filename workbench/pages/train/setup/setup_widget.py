"""The Data / Optimizer / Training part of the Build & Train page.

:class:`SetupWidget` stacks three group boxes that edit one
:class:`~workbench.state.setup.TrainingSetup` (style §9: the state announces changes, the widgets
listen and block their own signals while they follow it). The model's weight initializer is not
part of the set-up, so it travels by :attr:`SetupWidget.modelInitChanged` /
:meth:`SetupWidget.set_model_init`; the page forwards it to the builder state.
"""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFormLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from workbench.core import i18n
from workbench.core.i18n import tr
from workbench.pages.train.setup.data_panel import DataPanel
from workbench.pages.train.setup.optimizer_panel import OptimizerPanel
from workbench.pages.train.setup.training_panel import TrainingPanel
from workbench.state.setup import TrainingSetup
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import NumberBox, muted_label
from workbench.ui.view import connect_weak


class SetupWidget(QWidget):
    """Data, optimizer and training settings of a run, bound to ``setup``.

    Signals
    -------
    modelInitChanged(str)
        The user chose a weight initializer (a name of :data:`nn.initializers.NAMES`).
    learningRateEdited(float)
        The user committed a valid learning rate (already written to ``setup``); the page
        pushes it into a running trainer.
    """

    modelInitChanged = Signal(str)  # noqa: N815 (Qt naming)
    learningRateEdited = Signal(float)  # noqa: N815 (Qt naming)

    def __init__(self, setup: TrainingSetup, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setup = setup
        self._locked = False
        self.data_panel = DataPanel(setup, self)
        self.optimizer_panel = OptimizerPanel(setup, self)
        self.training_panel = TrainingPanel(setup, self)
        self.lock_hint = muted_label(self)
        self.lock_hint.setContentsMargins(8, 4, 8, 4)
        self.lock_hint.hide()

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.lock_hint)
        layout.addWidget(self.data_panel)
        layout.addWidget(self.optimizer_panel)
        layout.addWidget(self.training_panel)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Maximum)

        self.training_panel.modelInitChanged.connect(self.modelInitChanged)
        self.optimizer_panel.learningRateEdited.connect(self.learningRateEdited)
        self.retranslate()
        connect_weak(i18n.language_changed, self.retranslate)

    @property
    def lr_edit(self) -> NumberBox:
        """The learning-rate field (stays editable while training runs)."""
        return self.optimizer_panel.lr_edit

    def retranslate(self) -> None:
        self.lock_hint.setText(tr("Training is running: only the learning rate can be changed "
                                  "until it stops."))
        self._align_columns()

    def _align_columns(self) -> None:
        """Give every form the same label width, so all fields start at one x position, and
        indent the full-width notes (errors, hints) to that position too."""
        forms = [(panel.form, 0) for panel in (self.data_panel, self.optimizer_panel,
                                                self.training_panel)]
        augment_form = self.data_panel.augment.form
        forms.append((augment_form, augment_form.contentsMargins().left()))
        labels: list[tuple[QLabel, int]] = []
        for form, offset in forms:
            for row in range(form.rowCount()):
                item = form.itemAt(row, QFormLayout.ItemRole.LabelRole)
                if item is not None and isinstance(item.widget(), QLabel):
                    labels.append((item.widget(), offset))
        width = max(label.sizeHint().width() + offset for label, offset in labels)
        for label, offset in labels:
            label.setMinimumWidth(width - offset)
        spacing = self.data_panel.form.horizontalSpacing()
        indent = width + (spacing if spacing >= 0 else 6)
        for note in self.findChildren(QLabel):
            if isinstance(note, ErrorLabel) or note.property("note"):
                note.setIndent(indent)

    def refresh(self) -> None:
        """Re-read every field from the state (normally automatic on ``setup.changed``)."""
        for panel in (self.data_panel, self.optimizer_panel, self.training_panel):
            panel.refresh()

    # ---------------------------------------------------------------------- initializer
    def model_init(self) -> str:
        """The weight initializer currently shown."""
        return self.training_panel.model_init()

    def set_model_init(self, name: str) -> None:
        """Show the builder's initializer ``name`` (no :attr:`modelInitChanged` is emitted)."""
        self.training_panel.set_model_init(name)

    # ------------------------------------------------------------------------- training
    def set_training_locked(self, locked: bool) -> None:
        """Lock what a running trainer cannot take mid-run: everything but the learning rate.

        Data, batch size, epochs, seed, dtype and initializer define the run; the optimizer,
        its settings, weight decay and the schedule are built into the trainer's optimizer at
        the start. The learning rate stays editable and is announced by
        :attr:`learningRateEdited`.
        """
        self._locked = bool(locked)
        self.data_panel.set_locked(self._locked)
        self.optimizer_panel.set_locked(self._locked)
        self.training_panel.set_locked(self._locked)
        self.lock_hint.setVisible(self._locked)

    def is_training_locked(self) -> bool:
        return self._locked
