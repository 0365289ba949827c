"""Build & Train: the model builder and training set-up on the left, controls and live plots on
the right. Training runs in a worker thread
(:class:`~workbench.concurrency.training.TrainingController`)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Qt, Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

import nn
from nn.experiment import DataConfig, ModelSpec, PreparedData, make_trainer
from nn.training import Diverged, Finished, Paused, Resumed, Stopped, Trainer
from workbench.concurrency.training import TrainingController
from workbench.core.data_cache import DATA_CACHE
from workbench.core.i18n import tr, tr_noop
from workbench.pages.train.builder import BuilderWidget
from workbench.pages.train.change_bar import ChangeBar
from workbench.pages.train.data_switch import DataSwitch
from workbench.pages.train.live_plots import LivePlots
from workbench.pages.train.probes import boundary_probe
from workbench.pages.train.readiness import Continuation, continuation, train_blocker
from workbench.pages.train.resume import ResumePoint, resumed_trainer
from workbench.pages.train.setup import SetupWidget
from workbench.shell.context import AppContext
from workbench.state import BuilderState, TrainingSetup
from workbench.state.run import RunState
from workbench.state.setup import RunPlan
from workbench.state.train_data import expected_input_shape, model_title
from workbench.ui.common import ErrorLabel
from workbench.ui.view import View


def _scroll(widget: QWidget) -> QScrollArea:
    area = QScrollArea()
    area.setWidget(widget)
    area.setWidgetResizable(True)
    area.setFrameShape(QScrollArea.Shape.NoFrame)
    return area


class TrainPage(View):
    """The central workflow: build a network, choose data and optimizer, train, watch."""

    statusChanged = Signal()  # progress text for the status bar
    notice = Signal(str)  # a short, transient message for the status bar

    def __init__(self, builder: BuilderState, setup: TrainingSetup, context: AppContext,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.builder, self.setup, self.context = builder, setup, context
        self.run = RunState()
        self.controller = TrainingController(self)
        self.trainer: Trainer | None = None
        self.model: nn.Sequential | None = None  # the model the other pages look at
        #: A reopened session's run, continued by "+1 epoch" until a trainer exists again.
        self.resume: ResumePoint | None = None
        self.data: PreparedData | None = None
        #: The data configuration of the run being started: its prepared set is in the shared
        #: cache once the worker reports the trainer.
        self._run_data: DataConfig | None = None
        self.data_cache = DATA_CACHE
        self._build_ui()
        self.data_switch = DataSwitch(builder, setup, self.data_cache, self.change_bar)
        self._connect()
        self.retranslate()
        self._sync_input_shape()
        self._update_controls()

    # ---------------------------------------------------------------------------- layout
    def _build_ui(self) -> None:
        self.builder_widget = BuilderWidget(self.builder)
        self.setup_widget = SetupWidget(self.setup)
        self.setup_widget.set_model_init(self.builder.init)
        self.tabs = QTabWidget()
        self.tabs.addTab(_scroll(self.builder_widget), "")
        self.tabs.addTab(_scroll(self.setup_widget), "")
        self.tabs.setMinimumWidth(400)

        self.train_button = QPushButton()
        self.train_button.setDefault(True)
        self.pause_button = QPushButton()
        self.pause_button.setCheckable(True)
        self.stop_button = QPushButton()
        self.more_button = QPushButton()
        self.progress = QProgressBar()
        self.progress.setTextVisible(True)
        self.status_label = QLabel()
        self.message = ErrorLabel()
        self.change_bar = ChangeBar()  # what a data switch changed, or a question about it
        controls = QHBoxLayout()
        for button in (self.train_button, self.pause_button, self.stop_button, self.more_button):
            controls.addWidget(button)
        controls.addWidget(self.progress, 1)
        self.plots = LivePlots(self.run)

        right = QWidget()
        right_layout = QVBoxLayout(right)
        right_layout.setContentsMargins(8, 0, 0, 0)
        right_layout.addLayout(controls)
        right_layout.addWidget(self.status_label)
        right_layout.addWidget(self.message)
        right_layout.addWidget(self.change_bar)
        right_layout.addWidget(self.plots, 1)

        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(self.tabs)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([440, 900])
        self.splitter = splitter
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

    def retranslate(self) -> None:
        self.tabs.setTabText(0, tr("Model"))
        self.tabs.setTabText(1, tr("Data && training"))
        self.tabs.setTabToolTip(0, tr("Build the network layer by layer or start from one of the "
                                      "book's networks (ch. 5–8)."))
        self.tabs.setTabToolTip(1, tr("Choose the data, the optimizer (ch. 6.1), the weight "
                                      "initialization (ch. 6.2) and how long to train."))
        self.train_button.setText(tr("Train"))
        self._train_tip = tr("Start training from freshly initialized weights (Ctrl+Return). "
                             "Training runs in the background; the plots update live.")
        self.train_button.setToolTip(self._blocker() or self._train_tip)
        self.pause_button.setText(tr("Resume") if self.pause_button.isChecked() else tr("Pause"))
        self.pause_button.setToolTip(tr("Pause training between two steps, or resume it "
                                        "(Ctrl+P)."))
        self.stop_button.setText(tr("Stop"))
        self.stop_button.setToolTip(tr("Stop training after the current step (Ctrl+.). The "
                                       "model keeps what it has learned; '+1 epoch' continues."))
        self.more_button.setText(tr("+1 epoch"))
        self.progress.setToolTip(tr("Progress of the whole run (all epochs)."))
        self.status_label.setToolTip(tr("Epoch, iteration, speed and estimated time left."))
        self.data_switch.retranslate()
        self._update_controls()  # the tooltips that name models
        self._update_status()

    def _connect(self) -> None:
        self.train_button.clicked.connect(self.start_training)
        self.pause_button.toggled.connect(self._toggle_pause)
        self.stop_button.clicked.connect(self.controller.stop)
        self.more_button.clicked.connect(self.continue_training)
        self.builder_widget.validityChanged.connect(lambda _ok: self._update_controls())
        self.builder.changed.connect(self._update_controls)
        self.builder.changed.connect(self.data_switch.builder_changed)
        self.builder.changed.connect(
            lambda: self.setup_widget.set_model_init(self.builder.init))
        self.setup.changed.connect(self._on_setup_changed)
        self.setup_widget.modelInitChanged.connect(self.builder.set_init)
        self.setup_widget.learningRateEdited.connect(self._live_lr)
        c = self.controller
        c.prepared.connect(self._on_prepared)
        c.steps.connect(self._on_steps)
        c.epochEnded.connect(self._on_epoch)
        c.stateChanged.connect(self._on_state)
        c.probed.connect(self.run.set_probe)
        c.probed.connect(self.context.receive_probe)
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.runningChanged.connect(lambda _r: self._update_controls())
        self.plots.refreshed.connect(self._update_status)

    # ------------------------------------------------------------------------ data & model
    def _sync_input_shape(self) -> None:
        """Fit the model to the data set (input kind, output width), saying what changed and
        asking before the user's own stack is replaced (:class:`DataSwitch`)."""
        self.data_switch.sync()

    def _on_setup_changed(self) -> None:
        if not self.controller.running:
            self._sync_input_shape()
        self._update_controls()

    # ----------------------------------------------------------------------------- running
    def start_training(self) -> None:
        """Fresh weights, the current settings, in the background."""
        if self.controller.running or self._blocker() is not None:
            return
        plan = RunPlan.make(self.setup, ModelSpec(config=self.builder.model_config()))
        cache, self._run_data = self.data_cache, plan.run.data

        def factory() -> Trainer:  # runs in the worker thread: reads only the plan
            data = cache.get(plan.run.data)
            return make_trainer(plan.for_data(len(data.train[0])), data)

        self._begin(factory, fresh=True)

    def continue_training(self) -> None:
        """One more epoch on the last trainer (same weights, optimizer state, data order), or
        on a reopened session's run, rebuilt from its saved state in the worker thread — only
        while the builder shows that run's network (see :meth:`continuation`)."""
        if self.controller.running or not self.continuation().allowed:
            return
        self.notice.emit(tr("Continuing {model} for one more epoch.").format(
            model=model_title(self.model)))
        if self.trainer is None:
            point, model, cache = self.resume, self.model, self.data_cache
            self._run_data = DataConfig(**point.setup["data"])

            def factory() -> Trainer:  # runs in the worker thread
                return resumed_trainer(point, model, cache.get)[0]

            self._begin(factory, fresh=False)
            return
        self.trainer.add_epochs(1)
        self.run.total_epochs = self.trainer.target_epochs
        self._begin(self.trainer, fresh=False)

    @property
    def can_continue(self) -> bool:
        """Whether "+1 epoch" has a run to continue: a trainer that has not diverged, or a
        reopened session's saved run (the builder aside: see :meth:`continuation`)."""
        if self.trainer is not None:
            return not self.trainer.diverged
        return self.resume is not None and self.model is not None and not self.resume.diverged

    def continuation(self) -> Continuation:
        """Whether "+1 epoch" may run now, and its tooltip naming the model it continues."""
        has_run = self.model is not None and (self.trainer is not None or self.resume is not None)
        return continuation(self.model if has_run else None, len(self.run.history.epochs),
                            has_run and not self.can_continue, self.builder)

    def trainer_state(self) -> dict[str, Any] | None:
        """What a session saves so that "+1 epoch" continues exactly after reopening: the
        trainer's state between runs, or a reopened session's; None if there is none."""
        if self.controller.running:
            return None
        if self.trainer is not None and self.trainer.model is self.model:
            return self.trainer.state_dict()
        return None if self.resume is None else dict(self.resume.trainer)

    def _begin(self, trainer_or_factory, fresh: bool) -> None:
        self.message.show_error(None)
        if fresh:
            self.run.reset(self.setup.training.epochs)
            self.plots.hide_boundary()
        self.run.set_status("running", tr("Preparing data…") if fresh else "")
        self.run.mark_speed_baseline()
        self.pause_button.setChecked(False)
        self.controller.start(trainer_or_factory,
                              probes=[boundary_probe(), *self.context.probes()])
        self._update_controls()

    def _on_prepared(self, trainer: Trainer) -> None:
        self.trainer, self.resume = trainer, None
        self.model = trainer.model
        self.run.steps_per_epoch = trainer.steps_per_epoch
        self.run.total_epochs = trainer.target_epochs
        self.run.planned_steps = trainer.planned_steps  # max_iterations may end it early
        self.plots.training.set_plan(trainer.planned_steps, trainer.target_epochs)
        self.run.dirty = True
        x, y = trainer.train
        if x.ndim == 2 and x.shape[1] == 2:
            self.plots.show_boundary(x, y)
        self.run.set_status("running")
        data = None if self._run_data is None else self.data_cache.peek(self._run_data)
        self._run_data = None
        if data is not None:
            self.data = data
            self.context.set_data(self.data)
        self.context.set_model(self.model, training=True)

    def _on_steps(self, batch) -> None:
        # Only record: the status line and progress bars follow on the plots' timer.
        self.run.add_steps(batch.iterations, batch.losses, batch.lrs, batch.last)

    def _on_epoch(self, event) -> None:
        self.run.add_epoch(event)
        self._update_status()

    def _on_state(self, event) -> None:
        if isinstance(event, Paused):
            self.run.set_status("paused")
        elif isinstance(event, Resumed):
            self.run.mark_speed_baseline()
            self.run.set_status("running")
        self._update_status()

    def _on_finished(self, event) -> None:
        if isinstance(event, Diverged):
            self.run.set_status("diverged", event.reason)
            self.message.show_error(event.reason)
        elif isinstance(event, Stopped):
            self.run.set_status("stopped")
        elif isinstance(event, Finished):
            self.run.set_status("finished")
        self.plots.refresh(force=True)
        self._update_status()
        self._update_controls()
        self.context.set_model(self.model, training=False)

    def _on_failed(self, message: str) -> None:
        self.run.set_status("failed", message)
        self.message.show_error(message)
        self.context.set_model(self.model, training=False)
        self._update_status()
        self._update_controls()

    def _toggle_pause(self, paused: bool) -> None:
        (self.controller.pause if paused else self.controller.resume)()
        self.retranslate()

    def _live_lr(self, lr: float) -> None:
        if self.controller.running:
            self.controller.set_hyperparameters(lr=lr)

    # ------------------------------------------------------------------------------ status
    def _blocker(self) -> str | None:
        return train_blocker(self.builder, self.setup)

    def _update_controls(self) -> None:
        running = self.controller.running
        blocker = self._blocker()
        valid = blocker is None
        self.train_button.setEnabled(valid and not running)
        self.pause_button.setEnabled(running)
        if not running and self.pause_button.isChecked():  # stopped while paused
            with QSignalBlocker(self.pause_button):
                self.pause_button.setChecked(False)
            self.pause_button.setText(tr("Pause"))
        self.stop_button.setEnabled(running)
        more = self.continuation()
        self.more_button.setEnabled(not running and more.allowed)
        self.more_button.setToolTip(more.tooltip)
        self.builder_widget.setEnabled(not running)
        self.setup_widget.set_training_locked(running)
        self.train_button.setToolTip(blocker or self._train_tip)
        self.statusChanged.emit()

    def status_text(self) -> str:
        return self.run.describe()

    def _update_status(self) -> None:
        self.status_label.setText(self.status_text())
        run, step = self.run, self.run.last_step
        total = max(1, run.planned_steps or run.total_epochs * max(1, run.steps_per_epoch))
        done = 0 if step is None else step.iteration
        if run.status == "finished":  # also a reopened session, which has no last step
            done = total
        self.progress.setRange(0, total)
        self.progress.setValue(min(done, total))
        self.statusChanged.emit()

    # --------------------------------------------------------------------------- sessions
    def reset(self) -> None:
        """Forget the current run and model (File → New)."""
        self.controller.shutdown()
        self.trainer, self.model, self.resume = None, None, None
        self.data_switch.forget()
        self.run.reset()
        self.plots.hide_boundary()
        self.message.show_error(None)
        self.plots.refresh(force=True)
        self._update_status()
        self._update_controls()
        self.context.set_model(None)

    def restore(self, history, model: nn.Sequential | None, status: str, message: str,
                resume: ResumePoint | None = None) -> None:
        """Show a saved session's curves and model; with its saved run (``resume``), "+1
        epoch" continues that run exactly where it stopped."""
        self.reset()
        self.run.history = history
        self.run.total_epochs = len(history.epochs)
        self.model = model
        self.resume = resume if model is not None else None
        status = status if status in ("finished", "stopped", "diverged", "failed") else "idle"
        self.run.set_status(status, message)
        if status in ("diverged", "failed"):
            self.message.show_error(message)
        self.run.dirty = True
        self.plots.refresh(force=True)
        self._update_status()
        self._update_controls()
        self.context.set_model(model)

    def adopt_model(self, model: nn.Sequential) -> None:
        """Make an opened model the current one; its architecture goes into the builder."""
        self.reset()
        self.builder.load_config(model.to_config(), label=tr_noop("Open model"))
        self.setup_widget.set_model_init(model.init)
        self.model = model
        expected = expected_input_shape(self.setup.data)
        if model.input_shape != expected:
            self.message.show_error(tr(
                "This model takes inputs of shape {m}, but the selected data set gives {d}; "
                "choose a matching data set to train or evaluate it.").format(
                    m=model.input_shape, d=expected))
        self.context.set_model(model)

    def shutdown(self) -> bool:
        return self.controller.shutdown()
