"""Weight initializers side by side (book ch. 6.2.2–6.2.4): the activation-histogram grid of
``weight_init_activation_histogram.py`` for every initializer at once, recomputed as soon as a
setting changes.

The numbers come from :func:`nn.init_experiment.histogram_grid`, inline when quick and in a
worker thread otherwise (:class:`~workbench.concurrency.latest.LatestWins`).
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nn import init_experiment
from workbench.concurrency.latest import LatestWins
from workbench.core.i18n import tr
from workbench.pages.compare.paths_controls import NumberBox
from workbench.plots.compare.init_grid_plot import InitGridFigure, row_label
from workbench.state.compare.init_grid import MAX_INPUTS, MAX_SEED, ROW_CHOICES, InitGridSettings
from workbench.ui import theme
from workbench.ui.common import ErrorLabel
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import View

UNIT_COST = 2e-5  # prior guess of seconds per (input × row), refined by measurement


def row_tooltip(name: str) -> str:
    return {
        "std1": tr("Weights from N(0, 1) (book ch. 6.2.2, fig. 6-10). With sigmoid the "
                   "activations pile up at 0 and 1, where the slope is almost zero: gradients "
                   "vanish. With ReLU they grow about 7× per layer."),
        "std0.01": tr("Weights from N(0, 0.01²) (book ch. 6.2.2, fig. 6-11). With sigmoid every "
                      "activation is ≈ 0.5: all units compute the same thing, so the layer "
                      "loses its expressiveness. With ReLU they shrink layer after layer."),
        "xavier": tr("Xavier: std √(1/n), n = 100 inputs per unit (book ch. 6.2.3, fig. 6-13). "
                     "Keeps sigmoid and tanh activations spread in every layer."),
        "he": tr("He: std √(2/n) (book ch. 6.2.4, fig. 6-14). ReLU zeroes half its inputs, so "
                 "it needs twice Xavier's variance; then the spread stays the same in every "
                 "layer."),
    }[name]


def guide(activation: str) -> str:
    """What the student should see for ``activation``."""
    return {
        "sigmoid": tr(
            "std 1: activations pile up at 0 and 1 — the sigmoid's slope there is ≈ 0, so "
            "gradients vanish (fig. 6-10).\nstd 0.01: everything collapses to 0.5 — no "
            "expressiveness (fig. 6-11).\nXavier: a broad spread in every layer (fig. 6-13).\n"
            "He: spread too, a little wider — it is made for ReLU."),
        "tanh": tr(
            "std 1: activations saturate at −1 and 1.\nstd 0.01: they shrink to 0 layer "
            "after layer.\nXavier: spread around 0 in every layer — the book notes tanh's "
            "symmetric, bell-shaped result (ch. 6.2.3)."),
        "relu": tr(
            "About half of ReLU's outputs are exactly 0; the bars show the rest and each panel "
            "gives the share of zeros.\nstd 1: activations grow ~7× per layer (see the "
            "scale).\nstd 0.01: they shrink ~14× per layer (vanishing signal).\nXavier: they "
            "shrink slowly.\nHe: the same spread in every layer (fig. 6-14)."),
    }[activation]


class InitHistogramView(View):
    """Initializer rows × five layer columns of activation histograms, with its settings."""

    resultReady = Signal()  # noqa: N815 — a new grid is drawn

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = InitGridSettings()
        self.grid: dict[str, list[init_experiment.LayerHistogram]] | None = None
        self.shown_settings: InitGridSettings | None = None
        self.job = LatestWins(self)
        self.job.seconds_per_unit = UNIT_COST
        self.job.done.connect(self._on_result)
        self.job.failed.connect(self._on_failed)
        self.job.busyChanged.connect(self._on_busy)
        self._build()
        self.retranslate()
        self._sync_controls()
        self.recompute()

    # ------------------------------------------------------------------------------ layout
    def _build(self) -> None:
        self.book_button = QPushButton(self)
        self.book_button.clicked.connect(self.load_book_setting)

        self.network_box = QGroupBox(self)
        self.activation = QComboBox(self)
        for name in init_experiment.ACTIVATIONS:
            self.activation.addItem("", name)
        self.activation.currentIndexChanged.connect(self._on_controls)
        self.inputs = QSpinBox(self)
        self.inputs.setRange(1, MAX_INPUTS)
        self.inputs.setSingleStep(100)
        self.inputs.setKeyboardTracking(False)
        self.inputs.valueChanged.connect(self._on_controls)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, MAX_SEED)
        self.seed.setKeyboardTracking(False)
        self.seed.valueChanged.connect(self._on_controls)
        self.redraw_button = QPushButton(self)
        self.redraw_button.clicked.connect(lambda: self.seed.setValue(
            (self.seed.value() + 1) % (MAX_SEED + 1)))
        seed_row = QHBoxLayout()
        seed_row.addWidget(self.seed, 1)
        seed_row.addWidget(self.redraw_button)
        form = QFormLayout(self.network_box)
        self._labels = [QLabel(self) for _ in range(3)]
        form.addRow(self._labels[0], self.activation)
        form.addRow(self._labels[1], self.inputs)
        form.addRow(self._labels[2], seed_row)

        self.rows_box = QGroupBox(self)
        rows_lay = QVBoxLayout(self.rows_box)
        self.row_checks: dict[str, QCheckBox] = {}
        for name in ROW_CHOICES:
            check = QCheckBox(self)
            check.toggled.connect(self._on_controls)
            self.row_checks[name] = check
            rows_lay.addWidget(check)
        self.custom_check = QCheckBox(self)
        self.custom_check.toggled.connect(self._on_controls)
        self.custom_std = NumberBox(self, log=True)
        self.custom_std.valueChanged.connect(self._on_controls)
        custom_row = QHBoxLayout()
        custom_row.addWidget(self.custom_check)
        custom_row.addWidget(self.custom_std, 1)
        rows_lay.addLayout(custom_row)

        self.guide_box = QGroupBox(self)
        self.guide_label = QLabel(self)
        self.guide_label.setWordWrap(True)
        self.guide_label.setStyleSheet(f"color: {theme.muted_color()};")
        QVBoxLayout(self.guide_box).addWidget(self.guide_label)
        self.error = ErrorLabel(self)

        side = QWidget(self)
        side_lay = QVBoxLayout(side)
        side_lay.setContentsMargins(0, 0, 6, 0)
        for w in (self.book_button, self.network_box, self.rows_box, self.error,
                  self.guide_box):
            side_lay.addWidget(w)
        side_lay.addStretch(1)
        scroll = QScrollArea(self)
        scroll.setWidget(side)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setMinimumWidth(270)
        scroll.setMaximumWidth(330)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        self.canvas = PlotCanvas(self, figsize=(8, 6))
        self.figure = InitGridFigure(self.canvas.figure, theme.plot_colors())
        self.canvas.readout_fn = self.figure.readout
        self.busy_label = QLabel(self)
        self.busy_label.setStyleSheet(f"color: {theme.muted_color()};")
        right = QVBoxLayout()
        right.addWidget(self.canvas, 1)
        right.addWidget(self.busy_label)
        layout = QHBoxLayout(self)
        layout.addWidget(scroll)
        layout.addLayout(right, 1)

    # ------------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.book_button.setText(tr("Book's setting (ch. 6.2)"))
        self.book_button.setToolTip(tr(
            "The book's experiment: 1000 inputs, five sigmoid layers of 100 units, rows std 1, "
            "std 0.01, Xavier and He (figs. 6-10 to 6-13), seed 0."))
        self.network_box.setTitle(tr("Network"))
        for label, text in zip(self._labels, (tr("Activation"), tr("Inputs"), tr("Seed")),
                               strict=True):
            label.setText(text)
        names = {"sigmoid": (tr("Sigmoid"), tr("σ(x) = 1/(1 + e^−x), output in (0, 1); the "
                                               "book's experiment (ch. 6.2.2).")),
                 "tanh": (tr("tanh"), tr("tanh(x), output in (−1, 1), symmetric around 0 "
                                         "(ch. 6.2.3, note).")),
                 "relu": (tr("ReLU"), tr("max(0, x) (ch. 6.2.4). Exact zeros are left out of "
                                         "the bars and reported as 'zeros N%' on each panel: "
                                         "they would be one bar ~30× taller than the rest (the "
                                         "book's figure cuts it off with its y-axis limit)."))}
        for i, key in enumerate(init_experiment.ACTIVATIONS):
            text, tip = names[key]
            self.activation.setItemText(i, text)
            self.activation.setItemData(i, tip, Qt.ItemDataRole.ToolTipRole)
        self.activation.setToolTip(tr(
            "The activation function of all five layers. Hover over an entry for details; "
            "the panel below says what to look for."))
        self.inputs.setToolTip(tr(
            "How many random inputs (100 features each, from N(0, 1)) go through the network; "
            "the book uses 1000. Each panel counts inputs × 100 activations."))
        self.seed.setToolTip(tr(
            "Seed of the random inputs and weights: the same seed gives the same grid. Every "
            "row uses the same inputs and the same random draws, so the rows differ only in "
            "the initializer."))
        self.redraw_button.setText(tr("New draw"))
        self.redraw_button.setToolTip(tr(
            "Next seed: new random inputs and weights — the pattern of each row stays."))
        self.rows_box.setTitle(tr("Initializers (rows)"))
        for name, check in self.row_checks.items():
            check.setText(row_label(name))
            check.setToolTip(row_tooltip(name))
        self.custom_check.setText(tr("Custom std"))
        tip = tr("Add a row with weights from N(0, std²) — try values between 0.01 and 1 to "
                 "find where the activations stop collapsing or saturating.")
        self.custom_check.setToolTip(tip)
        self.custom_std.setToolTip(tip)
        self.guide_box.setTitle(tr("What to look for"))
        self.guide_label.setText(guide(self.settings.activation))
        self.canvas.retranslate()
        self.figure.retranslate()
        self._on_busy(self.job.busy)
        self.canvas.redraw()

    # ------------------------------------------------------------------- settings ↔ widgets
    def _sync_controls(self) -> None:
        s = self.settings
        pairs = [(self.activation, lambda: self.activation.setCurrentIndex(
                     self.activation.findData(s.activation))),
                 (self.inputs, lambda: self.inputs.setValue(s.n_inputs)),
                 (self.seed, lambda: self.seed.setValue(s.seed)),
                 (self.custom_check, lambda: self.custom_check.setChecked(s.custom)),
                 (self.custom_std, lambda: self.custom_std.setValue(s.custom_std))]
        pairs += [(c, lambda c=c, n=n: c.setChecked(n in s.rows))
                  for n, c in self.row_checks.items()]
        for widget, apply in pairs:
            with QSignalBlocker(widget):
                apply()
        self.custom_std.setEnabled(s.custom)
        self.guide_label.setText(guide(s.activation))

    def _on_controls(self, *_args: Any) -> None:
        candidate = replace(
            self.settings, activation=self.activation.currentData(),
            n_inputs=self.inputs.value(), seed=self.seed.value(),
            rows=tuple(n for n, c in self.row_checks.items() if c.isChecked()),
            custom=self.custom_check.isChecked(), custom_std=self.custom_std.value())
        self.apply_settings(candidate)

    def apply_settings(self, settings: InitGridSettings) -> bool:
        """Validate and show ``settings``; a bad value is explained inline and not applied."""
        try:
            settings = settings.validated()
        except ValueError as exc:
            self.error.show_error(str(exc))
            self._sync_controls()
            return False
        self.error.show_error(None)
        self.settings = settings
        self._sync_controls()
        self.recompute()
        return True

    def load_book_setting(self) -> None:
        """The book's experiment: sigmoid, 1000 inputs, the four rows, seed 0."""
        self.apply_settings(InitGridSettings())

    # ------------------------------------------------------------------------- computation
    def recompute(self) -> None:
        s = self.settings
        names = s.row_names()
        if not names:
            self.job.discard()  # a result still on its way is obsolete
            self.grid, self.shown_settings = None, None
            self.figure.show({}, s.activation, s.n_inputs)
            self.canvas.redraw()
            self.error.show_error(tr("Tick at least one initializer to draw its row."))
            return
        self.job.submit(lambda: (s, init_experiment.histogram_grid(
            names, s.activation, n_inputs=s.n_inputs, seed=s.seed)),
            units=s.n_inputs * len(names))

    def _on_result(self, payload) -> None:
        settings, grid = payload
        self.grid, self.shown_settings = grid, settings
        self.figure.show(grid, settings.activation, settings.n_inputs)
        self.canvas.redraw()
        self.resultReady.emit()

    def _on_failed(self, message: str) -> None:
        self.error.show_error(message)

    def _on_busy(self, busy: bool) -> None:
        self.busy_label.setText(tr("Computing…") if busy else tr(
            "Hover over a bar to read its count; the toolbar saves the figure."))

    def restyle(self, colors: dict[str, str]) -> None:
        """Light/dark theme switched: restyle the figure."""
        for label in (self.guide_label, self.busy_label):
            label.setStyleSheet(f"color: {theme.muted_color()};")
        self.figure.restyle(colors)
        self.canvas.redraw()

    # -------------------------------------------------------------------- container API
    def to_dict(self) -> dict[str, Any]:
        """JSON-able settings, for saving a comparison."""
        return self.settings.to_dict()

    def load_dict(self, d: dict[str, Any]) -> None:
        """Restore :meth:`to_dict` output; raises ``ValueError`` (and changes nothing) if bad."""
        settings = InitGridSettings.from_dict(d, self.settings)
        self.apply_settings(settings)

    def export_png(self, path: str) -> None:
        """Save the histogram grid as shown, at print resolution."""
        self.canvas.export(path)

    def shutdown(self) -> None:
        """Stop any computation (before the window closes)."""
        self.job.shutdown()
