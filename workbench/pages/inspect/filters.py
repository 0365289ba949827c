"""Filters tab: a convolution layer's kernels as images, at initialization beside now (book
ch. 7.6: trained first-layer filters become edge and blob detectors)."""

from __future__ import annotations

import math

from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

import nn
from nn.mosaic import filter_images
from workbench.core.i18n import plural, tr
from workbench.pages.inspect.base import InspectView, compact
from workbench.pages.inspect.source import InspectSource
from workbench.plots.inspect.filter_figure import SIGNED, STRETCHED, FilterFigure, FilterPanel
from workbench.ui import theme
from workbench.ui.fields import muted_label
from workbench.ui.plot_canvas import PlotCanvas

MAX_FILTERS = 256  # a wide first dense layer shows its first 256 units


def filter_layers(model: nn.Sequential) -> list[int]:
    """Indices of layers whose weights are image filters: every Conv2D, and a first dense
    layer that looks straight at an image input (its units' weights are input-sized images)."""
    found = []
    weighted_seen = False
    for i, layer in enumerate(model.layers):
        first_dense = (isinstance(layer, nn.Dense) and not weighted_seen
                       and len(model.input_shape) == 3
                       and layer.params["W"].shape[0] == math.prod(model.input_shape))
        if isinstance(layer, nn.Conv2D) or first_dense:
            found.append(i)
        weighted_seen = weighted_seen or bool(layer.params)
    return found


class FiltersView(InspectView):
    """Pick a layer, a channel (or their mean) and a colour scale; see its filters."""

    def __init__(self, source: InspectSource, parent: QWidget | None = None) -> None:
        super().__init__(source, parent)
        self._pending: list[FilterPanel] | None = None
        self._channels = 0
        self.layer_label, self.layer_combo = QLabel(), QComboBox()
        self.channel_label, self.channel_combo = QLabel(), QComboBox()
        self.scale_label, self.scale_combo = QLabel(), QComboBox()
        compact(self.layer_combo, 20)
        compact(self.channel_combo, 12)
        compact(self.scale_combo, 16)
        self.compare_check = QCheckBox()
        self.compare_check.setChecked(True)
        self.note = muted_label()
        self.empty = QLabel()
        self.empty.setWordWrap(True)
        self.empty.hide()
        self.canvas = PlotCanvas(self, figsize=(9, 4.5))
        self.plot = FilterFigure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.plot.readout
        bar = QHBoxLayout()
        for label, combo, stretch in ((self.layer_label, self.layer_combo, 3),
                                      (self.channel_label, self.channel_combo, 1),
                                      (self.scale_label, self.scale_combo, 2)):
            bar.addWidget(label)
            bar.addWidget(combo, stretch)  # compact, but growing into the free width
            bar.addSpacing(10)
        second = QHBoxLayout()
        second.addWidget(self.compare_check, 0, Qt.AlignmentFlag.AlignTop)
        second.addSpacing(10)
        second.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(bar)
        layout.addLayout(second)
        layout.addWidget(self.empty)
        layout.addWidget(self.canvas, 1)
        self.layer_combo.currentIndexChanged.connect(self._on_layer)
        for w in (self.channel_combo, self.scale_combo):
            w.currentIndexChanged.connect(lambda _i: self.invalidate())
        self.compare_check.toggled.connect(lambda _c: self.invalidate())
        source.modelReplaced.connect(lambda _m: self._fill_layers())
        source.weightsChanged.connect(self.invalidate)
        source.statsChanged.connect(self.invalidate)  # the initial weights may have arrived
        self.retranslate()
        self._fill_layers()

    def retranslate(self) -> None:
        self.layer_label.setText(tr("Layer:"))
        self.layer_combo.setToolTip(tr("Which layer's filters to show: every convolution layer "
                                       "(ch. 7.2), or a first dense layer, whose units each "
                                       "weigh the whole input image."))
        self.channel_label.setText(tr("Input channel:"))
        self.channel_combo.setToolTip(tr("A filter has one kernel per input channel (ch. 7.2.6). "
                                         "Show one channel, or the mean over all of them."))
        self.scale_label.setText(tr("Colour scale:"))
        with QSignalBlocker(self.scale_combo):
            current = self.scale_combo.currentIndex()
            self.scale_combo.clear()
            self.scale_combo.addItem(tr("Shared, signed (0 = white)"), SIGNED)
            self.scale_combo.addItem(tr("Each filter stretched (as the book)"), STRETCHED)
            self.scale_combo.setCurrentIndex(max(current, 0))
        self.scale_combo.setToolTip(tr(
            "Shared: one colour scale for all filters of a panel, blue negative, red positive, "
            "white zero — filters compare by strength. Stretched: each filter from its own "
            "minimum (white) to maximum (black), as in the book's Fig. 7-24 — shows every "
            "filter's pattern, hides its strength."))
        self.compare_check.setText(tr("Compare with initialization"))
        self.compare_check.setToolTip(tr(
            "Show the weights before training beside the current ones (ch. 7.6.1): random "
            "noise at first, edge and blob detectors after learning."))
        self._fill_layers()  # the layer entries describe their filters in words
        self.plot.retranslate()
        self.invalidate()

    # ----------------------------------------------------------------------------- choices
    def _fill_layers(self) -> None:
        model = self.source.architecture
        previous = self.layer_combo.currentData()
        with QSignalBlocker(self.layer_combo):
            self.layer_combo.clear()
            for i in filter_layers(model) if model is not None else []:
                layer = model.layers[i]
                w = layer.params["W"]
                if isinstance(layer, nn.Conv2D):
                    text = tr("{name} — {f} filters {h}×{w}, {c} channel(s)").format(
                        name=layer.name, f=w.shape[0], h=w.shape[2], w=w.shape[3], c=w.shape[1])
                else:
                    text = tr("{name} — {f} units over the {shape} input").format(
                        name=layer.name, f=w.shape[1], shape="×".join(map(str, model.input_shape)))
                self.layer_combo.addItem(text, i)
            index = self.layer_combo.findData(previous)
            self.layer_combo.setCurrentIndex(index if index >= 0 else 0)
        self._on_layer()

    def _on_layer(self) -> None:
        self._fill_channels()
        self.invalidate()

    def _fill_channels(self) -> None:
        model, index = self.source.architecture, self.layer_combo.currentData()
        channels = 0
        if model is not None and index is not None:
            layer = model.layers[index]
            channels = (layer.params["W"].shape[1] if isinstance(layer, nn.Conv2D)
                        else model.input_shape[0])
        # Keep the chosen channel only between layers with the same number of channels.
        previous = self.channel_combo.currentData() if channels == self._channels else None
        self._channels = channels
        with QSignalBlocker(self.channel_combo):
            self.channel_combo.clear()
            if channels > 1:
                self.channel_combo.addItem(tr("mean of {n} channels").format(n=channels), -1)
            for c in range(channels):
                self.channel_combo.addItem(tr("channel {c}").format(c=c), c)
            found = self.channel_combo.findData(previous)
            self.channel_combo.setCurrentIndex(found if found >= 0 else 0)
        self.channel_combo.setEnabled(channels > 1)

    # ---------------------------------------------------------------------------- compute
    def compute(self) -> None:
        """Cheap (a copy of one weight array): done in the GUI thread, drawn at the next tick."""
        model, arch = self.source.model, self.source.architecture
        index = self.layer_combo.currentData()
        if arch is None or index is None:
            self._show_empty(tr("No convolution filters: this model has no Conv2D layer, and "
                                "its first layer does not look at an image. Feature maps and "
                                "histograms still work.") if arch is not None else "")
            return
        if model is None:
            self._show_empty(tr("Waiting for the first snapshot of the training run…"))
            return
        self.empty.hide()
        self.canvas.show()
        layer = arch.layers[index]
        name = f"{index}.W"
        channel = self.channel_combo.currentData()
        channel = None if channel is None or channel < 0 else int(channel)
        shape = arch.input_shape if isinstance(layer, nn.Dense) else None
        now = filter_images(model.named_parameters()[name], channel, shape)[:MAX_FILTERS]
        count, h, w = now.shape
        total = layer.params["W"].shape[0 if isinstance(layer, nn.Conv2D) else 1]
        which = (tr("mean of channels") if channel is None and self.channel_combo.count() > 1
                 else tr("channel {c}").format(c=channel or 0))
        xlabel = plural(count if count == total else 2,
                        tr("1 filter, {h}×{w} weights · {which}"),
                        tr("{n} filters, {h}×{w} weights each · {which}")).format(
            n=count if count == total else f"{count} / {total}", h=h, w=w, which=which)
        status = (tr("live — training") if self.source.training else tr("current weights"))
        panels = []
        notes = []
        if self.compare_check.isChecked():
            record = self.source.record()
            start, recorded = record.start_params(arch)
            then = filter_images(start[name], channel, shape)[:MAX_FILTERS]
            if recorded:
                title = tr("At initialization")
                notes.append(tr("“At initialization” was recorded just before the first "
                                "training step."))
            else:
                title = tr("A fresh initialization (reference)")
                notes.append(tr(
                    "The starting weights of this model were not recorded (it was opened, not "
                    "trained here), so the left panel shows a fresh initialization with its "
                    "initializer “{init}” and seed {seed} — identical to the real start if it "
                    "was trained with that seed.").format(init=arch.init, seed=arch.seed))
            panels.append(FilterPanel(title, xlabel, then))
        panels.append(FilterPanel(tr("Now ({status})").format(status=status), xlabel, now))
        if self.scale_combo.currentData() == SIGNED:
            notes.append(tr("Blue weights respond to dark, red to bright input pixels; each "
                            "panel has its own scale (see its colour bar)."))
        else:
            notes.append(tr("Each filter is stretched from its own minimum to its maximum, so "
                            "weak and strong filters look alike."))
        self.note.setText(" ".join(notes))
        self._pending = panels
        self.mark_dirty()

    def _show_empty(self, message: str) -> None:
        self._pending = None
        self.empty.setText(message)
        self.empty.setVisible(bool(message))
        self.canvas.hide()
        self.note.clear()

    def redraw(self) -> None:
        panels = self._pending
        if panels:
            self.plot.show(panels, self.scale_combo.currentData() or SIGNED)
            self.canvas.canvas.draw()

    def plotters(self) -> list:
        return [self.plot]

    def draw_now(self) -> None:
        """Compute and draw immediately (tests, screenshots)."""
        self.refresh()
        self.redraw()


__all__ = ["FiltersView", "filter_layers"]
