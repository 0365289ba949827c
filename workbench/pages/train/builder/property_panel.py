"""Editors for the selected layer, generated from the catalog's fields.

Every change goes through :meth:`BuilderState.update` (one undo step). Spin boxes apply when the
user presses Enter, leaves the box or clicks an arrow (keyboard tracking off), so typing "128"
is one edit, not three; a typed number beyond a box's range is refused with a message naming
the limit (Qt's own spin box would silently drop the keystroke: 30 in a 1–8 box gives 3).
Refreshing from the state blocks the editors' signals.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import tr, tr_dynamic
from workbench.pages.train.builder import catalog
from workbench.state.builder import BuilderState
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.spin_boxes import BoundedDoubleSpinBox, BoundedSpinBox, number_text


class SizePairEdit(QWidget):
    """Height × width of a kernel or window; a square value is stored as one int.

    While both numbers are equal, changing the first changes both (square kernels are the
    usual case); changing the second makes the size rectangular.
    """

    valueChanged = Signal(object)
    refused = Signal(float)  # a typed number outside the range (the box keeps its value)

    def __init__(self, minimum: int, maximum: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # the panel names the setting in its own message: no tooltip balloon
        self.first, self.second = BoundedSpinBox(announce=False), BoundedSpinBox(announce=False)
        for box in (self.first, self.second):
            box.setRange(minimum, maximum)
            box.setKeyboardTracking(False)
            box.setMinimumWidth(64)
            box.refused.connect(self.refused)
        self.times = QLabel("×")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.first)
        layout.addWidget(self.times)
        layout.addWidget(self.second)
        layout.addStretch(1)
        self._last = (self.first.value(), self.second.value())
        self.first.valueChanged.connect(self._first_changed)
        self.second.valueChanged.connect(self._second_changed)

    def value(self) -> int | list[int]:
        h, w = self.first.value(), self.second.value()
        return h if h == w else [h, w]

    def setValue(self, value: Any) -> None:  # noqa: N802 - Qt naming
        h, w = (value[0], value[1]) if isinstance(value, (list, tuple)) else (value, value)
        with QSignalBlocker(self.first), QSignalBlocker(self.second):
            self.first.setValue(int(h))
            self.second.setValue(int(w))
        self._last = (self.first.value(), self.second.value())

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        super().setToolTip(text)
        self.first.setToolTip(text + "\n" + tr("Height (rows)."))
        self.second.setToolTip(text + "\n" + tr("Width (columns)."))

    def _first_changed(self, value: int) -> None:
        if self._last[0] == self._last[1]:
            with QSignalBlocker(self.second):
                self.second.setValue(value)
        self._emit()

    def _second_changed(self, value: int) -> None:
        self._emit()

    def _emit(self) -> None:
        self._last = (self.first.value(), self.second.value())
        self.valueChanged.emit(self.value())


class PropertyPanel(QWidget):
    """Settings of one layer of ``state``; call :meth:`set_layer` when the selection changes."""

    def __init__(self, state: BuilderState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._index: int | None = None
        self._key: tuple[int, str] | None = None
        self.editors: dict[str, QWidget] = {}
        self.title = QLabel()
        bold = QFont(self.title.font())
        bold.setBold(True)
        self.title.setFont(bold)
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 4, 0, 0)
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
        self.form.setHorizontalSpacing(12)
        self.error = ErrorLabel()
        self.refusal = ErrorLabel()  # a typed value outside a box's range
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        for widget in (self.title, self.status, self.note, self.form_host, self.refusal,
                       self.error):
            layout.addWidget(widget)
        self.set_layer(None)

    # ------------------------------------------------------------------------------ refresh
    def retranslate(self) -> None:
        self._key = None  # rebuild: labels and tooltips come from the catalog through tr()
        self.set_layer(self._index)

    def set_layer(self, index: int | None) -> None:
        """Show layer ``index`` of the state (``None``: nothing selected)."""
        layers = self._state.layers
        if index is None or not (0 <= index < len(layers)):
            index = None
        if index != self._index:
            self.refusal.show_error(None)
        self._index = index
        self.status.setStyleSheet(f"color: {theme.muted_color()};")
        self.note.setStyleSheet(f"color: {theme.muted_color()};")
        if index is None:
            self._key = None
            self._clear_form()
            self.title.setText(tr("No layer selected"))
            self.status.setText(tr("Select a layer in the list to edit its settings."))
            self.note.hide()
            self.error.show_error(None)
            return
        spec = layers[index]
        entry = catalog.entry(str(spec["type"]))
        key = (index, entry.type)
        if key != self._key:
            self._key = key
            self._build_form(entry)
        self._load_values(spec, entry)
        self.title.setText(tr("Layer {index} · {title}").format(index=index,
                                                                title=tr_dynamic(entry.title)))
        validation = self._state.validation()
        rows = validation.rows
        row = rows[index] if index < len(rows) else None
        self.status.setText(self._status_text(index, row, validation))
        self.note.setVisible(not entry.fields)
        self.note.setText(tr("This layer has no settings."))
        message = catalog.short_error(index, row.description, row.error) if row else None
        self.error.show_error(message)

    @staticmethod
    def _status_text(index: int, row: Any, validation: Any) -> str:
        """This layer's output, or why it has none: its own problem, or the layer above that
        has one (named), or a problem of the whole model."""
        if row is not None and row.output_shape is not None:
            return tr("Output {shape} · {params} parameters").format(
                shape=catalog.shape_text(row.output_shape), params=f"{row.parameters:,}")
        if row is not None and row.error:
            return tr("No output: this layer is the problem (see below).")
        bad = validation.error_index
        if bad is not None and bad < index:
            return tr("Output unknown until layer {index} ({title}) is fixed.").format(
                index=bad, title=tr_dynamic(catalog.entry(validation.rows[bad].type).title))
        return tr("Output unknown: the model cannot be built (see the message under the "
                  "layer list).")

    def _clear_form(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}

    def _build_form(self, entry: catalog.LayerEntry) -> None:
        self._clear_form()
        for fld in entry.fields:
            editor = self._make_editor(fld)
            tip = tr_dynamic(fld.tooltip)
            if fld.kind in ("int", "float", "pair"):
                tip += "\n" + tr("Allowed: {low} to {high}.").format(
                    low=number_text(fld.minimum), high=number_text(fld.maximum))
                editor.refused.connect(lambda value, f=fld: self._refuse(f, value))
            editor.setToolTip(tip)
            label = QLabel(tr_dynamic(fld.label))
            label.setToolTip(tip)
            label.setBuddy(editor)
            self.form.addRow(label, editor)
            self.editors[fld.name] = editor
        self.form_host.setVisible(bool(entry.fields))

    def _make_editor(self, fld: catalog.Field) -> QWidget:
        def apply(value: Any, name: str = fld.name) -> None:
            self._apply(name, value)

        if fld.kind == "int":
            box = BoundedSpinBox(announce=False)
            box.setRange(int(fld.minimum), int(fld.maximum))
            box.setSingleStep(int(fld.step))
            box.setKeyboardTracking(False)
            box.setMinimumWidth(110)
            box.setAccelerated(True)
            box.valueChanged.connect(apply)
            return box
        if fld.kind == "float":
            dbox = BoundedDoubleSpinBox(announce=False)
            dbox.setDecimals(fld.decimals)
            dbox.setRange(fld.minimum, fld.maximum)
            dbox.setSingleStep(fld.step)
            dbox.setKeyboardTracking(False)
            dbox.setMinimumWidth(110)
            dbox.valueChanged.connect(lambda v, d=fld.decimals: apply(round(float(v), d)))
            return dbox
        if fld.kind == "bool":
            check = QCheckBox(tr("On"))
            check.toggled.connect(apply)
            return check
        if fld.kind == "pair":
            pair = SizePairEdit(int(fld.minimum), int(fld.maximum))
            pair.valueChanged.connect(apply)
            return pair
        combo = QComboBox()
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMinimumWidth(110)
        combo.currentIndexChanged.connect(lambda _i, c=combo: apply(c.currentData()))
        return combo

    def _load_values(self, spec: dict[str, Any], entry: catalog.LayerEntry) -> None:
        for fld in entry.fields:
            editor = self.editors.get(fld.name)
            if editor is None:
                continue
            value = catalog.current_value(spec, fld)
            with QSignalBlocker(editor):
                if isinstance(editor, (QSpinBox, QDoubleSpinBox)):
                    editor.setValue(value)
                elif isinstance(editor, QCheckBox):
                    editor.setChecked(bool(value))
                elif isinstance(editor, SizePairEdit):
                    editor.setValue(value)
                elif isinstance(editor, QComboBox):
                    self._fill_combo(editor, fld, value)

    def _fill_combo(self, combo: QComboBox, fld: catalog.Field, value: Any) -> None:
        combo.clear()
        if fld.kind == "init":
            combo.addItem(tr("Model default ({init})").format(init=self._state.init), None)
            combo.setItemData(0, tr("Use the model-wide initializer, set in the training "
                                    "settings (ch. 6.2)."), Qt.ItemDataRole.ToolTipRole)
        choices = list(fld.choices)
        if value is not None and value not in choices:
            choices.append(value)
        for choice in choices:
            text = f"{choice:g}" if isinstance(choice, float) else str(choice)
            combo.addItem(text, choice)
            tip = catalog.INIT_TIPS.get(str(choice)) if fld.kind == "init" else None
            if tip:
                combo.setItemData(combo.count() - 1, tr_dynamic(tip), Qt.ItemDataRole.ToolTipRole)
        found = combo.findData(value) if value is not None else 0
        combo.setCurrentIndex(max(found, 0))

    def _refuse(self, fld: catalog.Field, value: float) -> None:
        """Say why a typed number was not taken, and what the setting kept."""
        editor = self.editors.get(fld.name)
        kept = editor.value() if editor is not None else fld.default
        kept_text = (" × ".join(map(str, kept)) if isinstance(kept, (list, tuple))
                     else number_text(kept))
        template = (tr("{setting}: {value} is more than the largest allowed, {limit}; it "
                       "stays {kept}.") if value > fld.maximum else
                    tr("{setting}: {value} is less than the smallest allowed, {limit}; it "
                       "stays {kept}."))
        self.refusal.show_error(template.format(
            setting=tr_dynamic(fld.label), value=number_text(value), kept=kept_text,
            limit=number_text(fld.maximum if value > fld.maximum else fld.minimum)))

    def _apply(self, name: str, value: Any) -> None:
        self.refusal.show_error(None)
        if self._index is not None:
            self._state.update(self._index, **{name: value})
