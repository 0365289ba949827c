"""The "Model" part of the Build & Train page: preset, layer stack, settings, explanation.

A view of :class:`~workbench.state.builder.BuilderState`: every edit goes through the state (which
keeps the undo history) and the widget redraws from ``state.changed`` — including after
``state.undo()`` / ``state.redo()`` issued by the main window's Edit menu.
"""

from __future__ import annotations

import copy
import html
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtGui import QAction, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import (
    QFrame,
    QHBoxLayout,
    QLabel,
    QMenu,
    QSizePolicy,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core import i18n
from workbench.core.i18n import plural, tr, tr_dynamic
from workbench.pages.train.builder import catalog
from workbench.pages.train.builder._support import dot_icon, line_icon
from workbench.pages.train.builder.layer_list import (
    CATEGORY_COLORS,
    LayerListView,
    RowData,
    StackHeader,
)
from workbench.pages.train.builder.preset_picker import PresetPicker
from workbench.pages.train.builder.property_panel import PropertyPanel
from workbench.state.builder import BuilderState, Validation
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.fields import muted_label
from workbench.ui.view import connect_weak


class BuilderWidget(QWidget):
    """Edit a :class:`BuilderState`'s layer stack.

    Signals
    -------
    validityChanged(bool)
        The stack became buildable (``True``) or not; the page enables *Train* from it.
    selectionChanged(int)
        The selected layer's index (``-1``: none).
    """

    validityChanged = Signal(bool)
    selectionChanged = Signal(int)

    def __init__(self, state: BuilderState, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._state = state
        self._valid = state.validation().ok
        self._pending: int | None = None
        self._seen: list[dict[str, Any]] = []
        self._build_ui()
        self._build_actions()
        connect_weak(state.changed, self._on_state_changed)
        connect_weak(i18n.language_changed, self.retranslate)
        self.retranslate()

    # ------------------------------------------------------------------------------ public
    @property
    def state(self) -> BuilderState:
        return self._state

    @property
    def is_valid(self) -> bool:
        """True when the engine can build the stack (the *Train* button's condition)."""
        return self._state.validation().ok

    def selected_index(self) -> int | None:
        row = self.layer_list.currentRow()
        return row if 0 <= row < len(self._state.layers) else None

    def select(self, index: int | None) -> None:
        self.layer_list.setCurrentRow(-1 if index is None else index)

    # ---------------------------------------------------------------------------- building
    def _build_ui(self) -> None:
        self.presets = PresetPicker(self._state)
        # short names for the page and the tests
        self.preset_combo, self.preset_error = self.presets.combo, self.presets.error
        self.extend_box, self.bn_check = self.presets.extend_box, self.presets.bn_check
        self.dropout_check, self.rate_spin = self.presets.dropout_check, self.presets.rate_spin

        self.layers_heading = _heading()
        self.add_button = QToolButton()
        self.add_button.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        self.add_button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.add_menu = QMenu(self)
        self.add_menu.setToolTipsVisible(True)
        self.add_button.setMenu(self.add_menu)
        # the arrow is part of the text ("Add ▾"); Fusion's tiny corner arrow is easy to miss
        self.add_button.setStyleSheet("QToolButton::menu-indicator { image: none; width: 0; }")
        self.dup_button, self.remove_button = QToolButton(), QToolButton()
        self.up_button, self.down_button = QToolButton(), QToolButton()
        for button in (self.dup_button, self.remove_button):
            button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        for button in (self.add_button, self.dup_button, self.remove_button, self.up_button,
                       self.down_button):
            button.setAutoRaise(True)
        tools = QHBoxLayout()
        tools.setSpacing(2)
        tools.addWidget(self.layers_heading)
        tools.addStretch(1)
        for button in (self.add_button, self.dup_button, self.remove_button, self.up_button,
                       self.down_button):
            tools.addWidget(button)

        self.layer_list = LayerListView()
        self.layer_list.setMinimumHeight(200)
        self.layer_list.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.layer_list.currentRowChanged.connect(self._selection_changed)
        self.layer_list.moveRequested.connect(self._move_to)
        self.stack_header = StackHeader(self.layer_list)
        self.table = QFrame()
        self.table.setFrameShape(QFrame.Shape.StyledPanel)
        self.table.setBackgroundRole(QPalette.ColorRole.Base)
        self.table.setAutoFillBackground(True)
        table = QVBoxLayout(self.table)
        table.setContentsMargins(1, 1, 1, 1)
        table.setSpacing(0)
        table.addWidget(self.stack_header)
        table.addWidget(self.layer_list, 1)
        # toolbar + table: the editing shortcuts are active while focus is in here
        self.stack_box = QWidget()
        stack = QVBoxLayout(self.stack_box)
        stack.setContentsMargins(0, 0, 0, 0)
        stack.setSpacing(6)
        stack.addLayout(tools)
        stack.addWidget(self.table, 1)

        self.summary_label = QLabel()
        self.summary_label.setWordWrap(True)
        self.footer_error = ErrorLabel()
        self.step_note = muted_label()
        self.init_label = muted_label()

        self.settings_heading = _heading()
        self.properties = PropertyPanel(self._state)
        self.about_heading = _heading()
        self.explanation = QLabel()
        self.explanation.setWordWrap(True)
        self.explanation.setTextFormat(Qt.TextFormat.RichText)
        self.explanation.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.setSpacing(6)
        layout.addWidget(self.presets)
        layout.addSpacing(6)
        layout.addWidget(self.stack_box, 1)
        for w in (self.summary_label, self.footer_error, self.step_note, self.init_label):
            layout.addWidget(w)
        layout.addSpacing(6)
        layout.addWidget(_separator())
        layout.addWidget(self.settings_heading)
        layout.addWidget(self.properties)
        layout.addSpacing(6)
        layout.addWidget(_separator())
        layout.addWidget(self.about_heading)
        layout.addWidget(self.explanation)

    def _build_actions(self) -> None:
        def action(slot: Any, *keys: QKeySequence | QKeySequence.StandardKey) -> QAction:
            act = QAction(self)
            act.setShortcuts([QKeySequence(k) for k in keys])
            act.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            act.triggered.connect(slot)
            self.stack_box.addAction(act)
            return act

        self.act_remove = action(self._remove, QKeySequence.StandardKey.Delete)
        self.act_duplicate = action(self._duplicate, QKeySequence("Ctrl+D"))
        self.act_up = action(lambda: self._move(-1), QKeySequence("Ctrl+Up"))
        self.act_down = action(lambda: self._move(+1), QKeySequence("Ctrl+Down"))
        self.dup_button.setDefaultAction(self.act_duplicate)
        self.remove_button.setDefaultAction(self.act_remove)
        self.up_button.setDefaultAction(self.act_up)
        self.down_button.setDefaultAction(self.act_down)

    # -------------------------------------------------------------------------- translation
    def retranslate(self) -> None:
        """Set every text and tooltip in the current language."""
        self.presets.retranslate()
        self.layers_heading.setText(tr("Layers"))
        self.add_button.setText(tr("Add") + " ▾")
        self.add_button.setToolTip(tr("Insert a layer after the selected one (or at the end), "
                                      "with sensible default settings."))
        self._fill_add_menu()
        for act, text, tip in (
            (self.act_remove, tr("Remove"), tr("Remove the selected layer")),
            (self.act_duplicate, tr("Duplicate"), tr("Insert a copy of the selected layer "
                                                     "below it")),
            (self.act_up, tr("Move up"), tr("Move the selected layer one place towards the "
                                            "input")),
            (self.act_down, tr("Move down"), tr("Move the selected layer one place towards the "
                                                "output")),
        ):
            keys = act.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
            act.setText(text)
            act.setToolTip(f"{tip} ({keys})")
        self.layer_list.setToolTip(tr(
            "The layers from input (top) to output (bottom), each with its output shape and "
            "number of trainable parameters. Drag a row to reorder; Delete removes, Ctrl+Up/Down "
            "moves, Ctrl+D duplicates."))
        self.layer_list.placeholder = tr("No layers yet — pick a preset above or use Add.")
        self.summary_label.setToolTip(tr("Size of the whole model; every parameter is one number "
                                         "that training adjusts (ch. 4)."))
        self.init_label.setToolTip(tr("The model-wide weight initializer (ch. 6.2), used by every "
                                      "Dense and Conv2D layer without its own setting."))
        self.settings_heading.setText(tr("Layer settings"))
        self.about_heading.setText(tr("About this layer"))
        self.properties.retranslate()
        self._refresh_icons()
        self._on_state_changed()

    def _fill_add_menu(self) -> None:
        self.add_menu.clear()
        for category in catalog.CATEGORIES:
            self.add_menu.addSection(tr_dynamic(category))
            for entry in catalog.by_category(category):
                act = self.add_menu.addAction(dot_icon(CATEGORY_COLORS[category]),
                                              tr_dynamic(entry.title))
                act.setToolTip(tr("{summary} (book {chapter})").format(
                    summary=tr_dynamic(entry.summary), chapter=tr_dynamic(entry.chapter)))
                act.setData(entry.type)
                act.triggered.connect(lambda _=False, t=entry.type: self.add_layer(t))

    def _refresh_icons(self) -> None:
        self.add_button.setIcon(line_icon("add", self))
        self.act_duplicate.setIcon(line_icon("duplicate", self))
        self.act_remove.setIcon(line_icon("remove", self))
        self.act_up.setIcon(line_icon("up", self))
        self.act_down.setIcon(line_icon("down", self))

    def changeEvent(self, event) -> None:  # noqa: N802 - Qt override
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange and hasattr(self, "act_down"):
            self._refresh_icons()
            self._on_state_changed()

    # -------------------------------------------------------------------------------- edits
    def add_layer(self, layer_type: str) -> int:
        """Insert a ``layer_type`` layer with catalog defaults after the selection."""
        sel = self.selected_index()
        index = len(self._state.layers) if sel is None else sel + 1
        self._pending = index
        return self._state.add(catalog.entry(layer_type).new_layer(), index)

    def _remove(self) -> None:
        sel = self.selected_index()
        if sel is not None:
            self._pending = min(sel, len(self._state.layers) - 2)
            self._state.remove(sel)

    def _duplicate(self) -> None:
        sel = self.selected_index()
        if sel is not None:
            self._pending = sel + 1
            self._state.duplicate(sel)

    def _move(self, step: int) -> None:
        sel = self.selected_index()
        if sel is not None:
            self._move_to(sel, sel + step)

    def _move_to(self, index: int, to: int) -> None:
        if 0 <= to < len(self._state.layers) and to != index:
            self._pending = to
            self._state.move(index, to)

    # ------------------------------------------------------------------------------ refresh
    def _on_state_changed(self) -> None:
        state, v = self._state, self._state.validation()
        shape = catalog.shape_text(state.input_shape)
        input_row = RowData("", tr("Input (from the data set)"), shape, "", category="")
        self.layer_list.set_rows(*self._rows(v), header=input_row)
        self.stack_header.set_input(input_row, ("#", tr("Layer"), tr("Output"), tr("Params")))
        self.stack_header.setToolTip(tr("One input sample: channels × height × width for images, "
                                        "or a feature vector. Set by the data set."))
        target = self._next_selection(state.layers)
        with QSignalBlocker(self.layer_list):
            self.layer_list.setCurrentRow(target)
            if target < 0:
                self.layer_list.clearSelection()
        self._seen = copy.deepcopy(state.layers)
        self.presets.sync()
        self._update_footer(v)
        self._selection_changed(target)
        if v.ok != self._valid:
            self._valid = v.ok
            self.validityChanged.emit(v.ok)

    def _next_selection(self, layers: list[dict[str, Any]]) -> int:
        """Row to select after a change: the edited layer, else the first changed layer (undo,
        redo, preset), else the current row."""
        current = self.layer_list.currentRow()
        if self._pending is not None:
            target, self._pending = self._pending, None
        elif layers != self._seen:
            pairs = zip(self._seen, layers, strict=False)
            target = next((i for i, (a, b) in enumerate(pairs) if a != b),
                          min(len(self._seen), len(layers)))
        else:
            target = current
        if not layers:
            return -1
        return max(-1, min(target, len(layers) - 1))

    def _rows(self, v: Validation) -> tuple[list[RowData], list[str]]:
        rows, tips = [], []
        for i, spec in enumerate(self._state.layers):
            row = v.rows[i] if i < len(v.rows) else None
            entry = catalog.entry(str(spec.get("type")))
            known = row is not None and row.output_shape is not None
            shape = catalog.shape_text(row.output_shape if known else None)
            params = f"{row.parameters:,}" if known else "—"
            error = catalog.short_error(row.index, row.description, row.error) if row else None
            rows.append(RowData(str(i), catalog.describe(spec), shape, params, entry.category,
                                error, muted=not known and not error))
            tip = [tr("{title} — {summary} (book {chapter})").format(
                       title=tr_dynamic(entry.title), summary=tr_dynamic(entry.summary),
                       chapter=tr_dynamic(entry.chapter)),
                   tr("Output {shape} · {params} parameters").format(shape=shape, params=params)]
            if error:
                tip.append(error)
            elif not known:
                tip.append(tr("Unknown: a layer above is invalid."))
            tips.append("\n".join(tip))
        return rows, tips

    def _update_footer(self, v: Validation) -> None:
        if v.ok:
            shape = catalog.shape_text(v.output_shape)
            self.summary_label.setText(plural(
                len(v.rows), tr("1 layer · <b>{params}</b> trainable parameters · output {shape}"),
                tr("{layers} layers · <b>{params}</b> trainable parameters · output {shape}")
            ).format(layers=len(v.rows), params=f"{v.total_parameters:,}", shape=shape))
            self.footer_error.show_error(None)
        else:
            self.summary_label.setText(plural(
                len(self._state.layers), tr("1 layer · parameters unknown"),
                tr("{layers} layers · parameters unknown")).format(layers=len(self._state.layers)))
            self.footer_error.show_error(v.summary())
        steps = any(spec.get("type") == "Step" for spec in self._state.layers)
        self.step_note.setVisible(steps)
        self.step_note.setText(tr("Contains Step: the model can be evaluated but not trained, "
                                  "since Step has no gradient (ch. 3.2)."))
        self.init_label.setText(tr("Default weight init: {init} — set in the training "
                                   "settings (ch. 6.2)").format(init=self._state.init))

    def _selection_changed(self, row: int) -> None:
        sel = self.selected_index()
        count = len(self._state.layers)
        self.act_remove.setEnabled(sel is not None)
        self.act_duplicate.setEnabled(sel is not None)
        self.act_up.setEnabled(sel is not None and sel > 0)
        self.act_down.setEnabled(sel is not None and sel < count - 1)
        self.properties.set_layer(sel)
        self._show_explanation(sel)
        self.selectionChanged.emit(-1 if sel is None else sel)

    def _show_explanation(self, sel: int | None) -> None:
        muted = theme.muted_color()
        if sel is None:
            self.explanation.setText(html.escape(tr(
                "Select a layer to read what it does and where the book explains it. Colours "
                "mark the kind of layer: blue for layers with weights or pooling, orange for "
                "activations, green for regularization.")))
            return
        entry = catalog.entry(str(self._state.layers[sel].get("type")))
        self.explanation.setText(
            f"<b>{html.escape(tr_dynamic(entry.title))}</b> "
            f"<span style='color:{muted}'>· {html.escape(tr_dynamic(entry.category))} · "
            f"{html.escape(tr('book {chapter}').format(chapter=tr_dynamic(entry.chapter)))}"
            f"</span><br>{html.escape(tr_dynamic(entry.explanation))}")


def _heading() -> QLabel:
    label = QLabel()
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    return label


def _separator() -> QFrame:
    line = QFrame()
    line.setFrameShape(QFrame.Shape.HLine)
    line.setFrameShadow(QFrame.Shadow.Sunken)
    return line
