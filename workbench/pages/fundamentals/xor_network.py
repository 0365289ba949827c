"""Demo: a small network learns XOR from noisy points, its curved boundary updating live
(ch. 2.5 meets ch. 4–5). Training runs in a worker thread through a
:class:`~workbench.concurrency.runner.JobRunner`."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QWidget,
)

from workbench.concurrency.runner import JobRunner
from workbench.core.boundary_grid import data_extent
from workbench.core.i18n import tr
from workbench.core.numbers import format_value
from workbench.core.xor_training import (
    ACTIVATIONS,
    OPTIMIZERS,
    BoundaryFrame,
    EpochPoint,
    TrainingEnded,
    XorConfig,
    train_xor,
    xor_data,
)
from workbench.pages.fundamentals.base import (
    DemoPanel,
)
from workbench.pages.fundamentals.fields import SliderField
from workbench.plots.boundary import shade
from workbench.ui.common import ErrorLabel
from workbench.ui.mpl_style import style_axes, style_legend
from workbench.ui.theme import SERIES

ACTIVATION_LABELS = {"Tanh": "tanh", "Sigmoid": "sigmoid", "ReLU": "ReLU"}
OPTIMIZER_LABELS = {"sgd": "SGD", "momentum": "Momentum", "adam": "Adam"}


class XorNetworkDemo(DemoPanel):
    """Train 2 → hidden → 2 on the XOR clouds; watch the boundary bend and the loss fall."""

    key = "xor_network"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent, figsize=(6.0, 6.0))
        defaults = XorConfig()
        self.noise = SliderField(0.0, 0.45, defaults.noise, step=0.01)
        self.points = QSpinBox()
        self.points.setRange(20, 2000)
        self.points.setSingleStep(20)
        self.points.setValue(defaults.n)
        self.seed = QSpinBox()
        self.seed.setRange(0, 9999)
        self.hidden = QSpinBox()
        self.hidden.setRange(1, 64)
        self.hidden.setValue(defaults.hidden)
        self.activation = QComboBox()
        for name in ACTIVATIONS:
            self.activation.addItem(ACTIVATION_LABELS[name], name)
        self.optimizer = QComboBox()
        for name in OPTIMIZERS:
            self.optimizer.addItem(OPTIMIZER_LABELS[name], name)
        self.lr = SliderField(1e-3, 3.0, defaults.lr, log=True)
        self.epochs = QSpinBox()
        self.epochs.setRange(1, 5000)
        self.epochs.setSingleStep(50)
        self.epochs.setValue(defaults.epochs)
        self.slow = QCheckBox()
        self.slow.setChecked(True)
        self.train_button = QPushButton()
        self.train_button.setDefault(True)
        self.stop_button = QPushButton()
        self.status = QLabel()
        self.status.setWordWrap(True)
        self.error = ErrorLabel()

        self.data_box, self.net_box, self.train_box = QGroupBox(), QGroupBox(), QGroupBox()
        self.captions: dict[str, QLabel] = {}
        for box, rows in ((self.data_box, (("noise", self.noise), ("points", self.points),
                                           ("seed", self.seed))),
                          (self.net_box, (("hidden", self.hidden),
                                          ("activation", self.activation))),
                          (self.train_box, (("optimizer", self.optimizer), ("lr", self.lr),
                                            ("epochs", self.epochs)))):
            form = QFormLayout(box)
            for name, field in rows:
                self.captions[name] = QLabel()
                form.addRow(self.captions[name], field)
            self.controls.addWidget(box)
        self.train_box.layout().addRow(self.slow)
        buttons = QHBoxLayout()
        buttons.addWidget(self.train_button)
        buttons.addWidget(self.stop_button)
        self.controls.addLayout(buttons)
        self.controls.addWidget(self.status)
        self.controls.addWidget(self.error)

        grid = self.figure.add_gridspec(2, 1, height_ratios=(1.7, 1.0))
        self.ax = self.figure.add_subplot(grid[0])
        self.ax_loss = self.figure.add_subplot(grid[1])
        for ax in (self.ax, self.ax_loss):
            style_axes(ax, self.colors)
        self.ax.grid(False)
        self.image = self.ax.imshow(np.zeros((2, 2, 3)), origin="lower", aspect="auto",
                                    interpolation="bilinear", extent=(0, 1, 0, 1), zorder=0)
        self.scatter = [self.ax.scatter([], [], s=14, c=SERIES[k], marker="so"[k],
                                        edgecolors=self.colors["text"], linewidths=0.3,
                                        zorder=2) for k in (0, 1)]
        self.loss_line, = self.ax_loss.plot([], [], color=SERIES[5], linewidth=1.6)
        self.acc_line, = self.ax_loss.plot([], [], color=SERIES[2], linewidth=1.6)
        self.ax_loss.set_ylim(0, 1.05)
        self.figure.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)

        self.runner = JobRunner(self)
        self.runner.events.connect(self._on_events)
        self.runner.failed.connect(self._on_failed)
        self.runner.runningChanged.connect(self._update_buttons)
        self.epochs_seen: list[int] = []
        self.losses: list[float] = []
        self.accuracies: list[float] = []
        self.grid = None
        self.outcome: TrainingEnded | None = None
        self._status: Callable[[], str] | None = None

        for field in (self.noise,):
            field.valueChanged.connect(self.reset_data)
        for spin in (self.points, self.seed):
            spin.valueChanged.connect(self.reset_data)
        self.train_button.clicked.connect(self.start_training)
        self.stop_button.clicked.connect(self.stop_training)
        self.retranslate()
        self.reset_data()
        self._update_buttons(False)

    # ------------------------------------------------------------------------- state
    def config(self) -> XorConfig:
        return XorConfig(hidden=self.hidden.value(), activation=self.activation.currentData(),
                         optimizer=self.optimizer.currentData(), lr=self.lr.value(),
                         epochs=self.epochs.value(), noise=round(self.noise.value(), 4),
                         n=self.points.value(), seed=self.seed.value(),
                         pace=60.0 if self.slow.isChecked() else None)

    @property
    def running(self) -> bool:
        return self.runner.running

    def reset_data(self) -> None:
        """New points for the current noise, count and seed; clears the previous run."""
        if self.running:
            self.stop_training()
        x, y = xor_data(self.config())
        self.x, self.y = x, y
        for k in (0, 1):
            self.scatter[k].set_offsets(x[y == k])
        x0, x1, y0, y1 = data_extent(x)
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self.image.set_extent((x0, x1, y0, y1))
        self.image.set_data(np.ones((2, 2, 3)) * np.array(
            [int(self.colors["face"][i:i + 2], 16) / 255 for i in (1, 3, 5)]))
        self.grid = None
        self.outcome = None
        self.epochs_seen, self.losses, self.accuracies = [], [], []
        self._set_status(lambda: tr("Press Train to fit a network to these points."))
        self.refresh()

    # ------------------------------------------------------------------------ training
    def start_training(self) -> None:
        """Start a new run in the worker thread (a running one is replaced)."""
        self.error.show_error(None)
        config = self.config()
        self.reset_data()
        self._set_status(lambda: tr("Training…"))
        self.runner.start_generator(lambda token: train_xor(config, token))

    def stop_training(self) -> None:
        """End the run after the current step; its last epoch is still shown."""
        self.runner.stop()

    def shutdown(self) -> None:
        self.runner.shutdown()

    def _on_events(self, events: list) -> None:
        for event in events:
            if isinstance(event, EpochPoint):
                self.epochs_seen.append(event.epoch)
                self.losses.append(event.loss)
                self.accuracies.append(event.accuracy)
            elif isinstance(event, BoundaryFrame):
                self.grid = event.grid
            elif isinstance(event, TrainingEnded):
                self.outcome = event
        self._update_status()
        self.refresh()

    def _on_failed(self, message: str) -> None:
        self.error.show_error(tr("Training failed: {message}").format(message=message))

    def _update_status(self) -> None:
        total = self.epochs.value()
        epoch = self.epochs_seen[-1] if self.epochs_seen else 0
        loss = self.losses[-1] if self.losses else float("nan")
        acc = self.accuracies[-1] if self.accuracies else float("nan")
        outcome = self.outcome
        if outcome is None:
            self._set_status(lambda: tr("Epoch {epoch} of {total}: loss {loss}, accuracy "
                                        "{acc:.1%}").format(epoch=epoch, total=total,
                                                             loss=format_value(loss), acc=acc))
        elif outcome.outcome == "diverged":
            self._set_status(lambda: tr("Diverged at epoch {epoch}. Lower the learning rate."
                                        ).format(epoch=outcome.epoch))
            self.error.show_error(outcome.message or None)
        else:
            finished = outcome.outcome == "finished"

            def render() -> str:  # translated when shown, so a language switch redoes it all
                done = tr("Finished after {epoch} epochs") if finished else tr(
                    "Stopped at epoch {epoch}")
                return (done + tr(": loss {loss}, accuracy {acc:.1%}.")).format(
                    epoch=outcome.epoch, loss=format_value(loss), acc=outcome.accuracy)

            self._set_status(render)

    def _set_status(self, render: Callable[[], str]) -> None:
        self._status = render
        self.status.setText(render())

    def _update_buttons(self, running: bool) -> None:
        self.train_button.setEnabled(not running)
        self.stop_button.setEnabled(running)
        for box in (self.data_box, self.net_box, self.train_box):
            box.setEnabled(not running)

    # ------------------------------------------------------------------------- texts
    def title(self) -> str:
        return tr("XOR learned by a network")

    def section(self) -> str:
        return tr("ch. 2.5, 4.5")

    def explanation_html(self) -> str:
        return tr(
            "<p>Instead of setting weights by hand, let a network find them. Two inputs, one "
            "hidden layer and two outputs (softmax) are trained with gradient descent on "
            "noisy points around XOR's four corners (the training loop of ch. 4.5).</p>"
            "<p>A single perceptron can only draw a straight line; with a smooth activation "
            "and a hidden layer the boundary <b>bends</b> around the corners. Even two hidden "
            "units can solve XOR — like the NAND and OR of ch. 2.5 — but may get stuck; "
            "a few more learn reliably.</p>")

    def retranslate(self) -> None:
        super().retranslate()
        self.data_box.setTitle(tr("Data"))
        self.net_box.setTitle(tr("Network"))
        self.train_box.setTitle(tr("Training"))
        captions = {"noise": tr("Noise"), "points": tr("Points"), "seed": tr("Seed"),
                    "hidden": tr("Hidden units"), "activation": tr("Activation"),
                    "optimizer": tr("Optimizer"), "lr": tr("Learning rate"),
                    "epochs": tr("Epochs")}
        for name, text in captions.items():
            self.captions[name].setText(text)
        self.noise.setToolTip(tr("Spread of each cloud around its corner (standard "
                                 "deviation). More noise makes the classes overlap."))
        self.points.setToolTip(tr("How many training points (split evenly over the four "
                                  "corners)."))
        self.seed.setToolTip(tr("Seeds the points, the initial weights and the batch order: "
                                "the same seed gives the same run."))
        self.hidden.setToolTip(tr("Neurons in the hidden layer. Two are enough in principle "
                                  "(ch. 2.5's NAND and OR); more make learning reliable."))
        self.activation.setToolTip(tr("The hidden layer's activation function (ch. 3.2). "
                                      "Without a non-linear one the boundary stays a line."))
        self.optimizer.setToolTip(tr("How the gradient updates the weights: plain SGD "
                                     "(ch. 4.4) or Momentum / Adam (ch. 6.1)."))
        self.lr.setToolTip(tr("Step size of each update (ch. 4.4.1). Too small learns "
                              "slowly; too large oscillates or diverges."))
        self.epochs.setToolTip(tr("Passes over the training points (ch. 4.5). Mini-batches "
                                  "of 20 points."))
        self.slow.setText(tr("Slow motion (60 epochs per second)"))
        self.slow.setToolTip(tr("Pace the training so the boundary can be watched as it "
                                "forms; untick to train at full speed."))
        self.train_button.setText(tr("Train"))
        self.train_button.setToolTip(tr("Train a new network from fresh random weights on "
                                        "these points, in the background."))
        self.stop_button.setText(tr("Stop"))
        self.stop_button.setToolTip(tr("Stop training; the boundary keeps its last state."))
        if self._status is not None:
            self.status.setText(self._status())

    # ------------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        if self.grid is not None:
            self.image.set_data(shade(self.grid, self.colors["face"]))
            self.image.set_extent(self.grid.extent)
        epochs = np.asarray(self.epochs_seen, dtype=float)
        self.loss_line.set_data(epochs, self.losses)
        self.acc_line.set_data(epochs, self.accuracies)
        self.ax_loss.set_xlim(0, max(self.epochs.value(), 1))
        top = max([1.05] + [v for v in self.losses if np.isfinite(v)])
        self.ax_loss.set_ylim(0, min(top * 1.02, 10.0))
        epoch = self.epochs_seen[-1] if self.epochs_seen else 0
        self.ax.set_title(tr("Decision boundary after {epoch} epochs").format(epoch=epoch)
                          if epoch else tr("The XOR points (not trained yet)"), fontsize=10)
        self.ax.set_xlabel("x₁")
        self.ax.set_ylabel("x₂")
        self.scatter[0].set_label(tr("class 0 (XOR = 0)"))
        self.scatter[1].set_label(tr("class 1 (XOR = 1)"))
        style_legend(self.ax, self.colors, loc="upper right", fontsize=7)
        self.ax_loss.set_title(tr("Training loss and accuracy"), fontsize=10)
        self.ax_loss.set_xlabel(tr("epoch"))
        self.ax_loss.set_ylabel(tr("loss / accuracy"))
        self.loss_line.set_label(tr("loss (cross-entropy)"))
        self.acc_line.set_label(tr("accuracy"))
        style_legend(self.ax_loss, self.colors, loc="center right")
        self.canvas.redraw()
