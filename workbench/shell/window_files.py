"""The main window's File menu: sessions, models, figure and metrics export.

A mixin of :class:`workbench.shell.main_window.MainWindow` (it uses the window's builder, set-up,
training page, settings and recent-files list); every failure becomes a dialog through
:mod:`workbench.shell.file_actions`.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog

import nn
from workbench.core.i18n import tr, tr_noop
from workbench.core.session import SUFFIX, Session
from workbench.shell import file_actions
from workbench.state import TrainingSetup


class FileMenuMixin:
    # ---------------------------------------------------------------------------- sessions
    def current_session(self) -> Session:
        b, page = self.builder, self.train_page
        return Session({"layers": b.layers, "input_shape": list(b.input_shape), "init": b.init,
                        "preset": b.preset}, self.setup.to_dict(), page.run.history, page.model,
                       page.run.status if page.run.status != "running" else "stopped",
                       page.run.message)

    def new_session(self) -> None:
        if self.train_page.controller.running:
            self.train_page.controller.shutdown()
        self.setup.load_dict(TrainingSetup().to_dict())
        self.builder.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
        self.train_page.reset()
        self.session_path = None
        self.setWindowTitle(self._title())

    def apply_session(self, session: Session, path: str | None) -> None:
        if self.train_page.controller.running:
            self.train_page.controller.shutdown()
        try:
            self.setup.load_dict(session.setup)
        except ValueError as exc:
            file_actions.error_dialog(self, tr("Could not open the session"), str(exc))
            return
        b = session.builder
        self.builder.load_config({"layers": b["layers"], "input_shape": b["input_shape"],
                                  "init": b.get("init", "he"), "name": b.get("preset")},
                                 label=tr_noop("Open session"))
        self.setup_widget_sync()
        self.train_page.restore(session.history, session.model, session.status, session.message)
        self.session_path = path
        self.setWindowTitle(self._title())

    def setup_widget_sync(self) -> None:
        self.train_page.setup_widget.set_model_init(self.builder.init)

    def open_session_dialog(self) -> None:
        path = file_actions.ask_open_path(self, tr("Open session"), self._start_dir(),
                                          file_actions.session_filters())
        if path:
            self.open_path(path)

    def open_path(self, path: str) -> None:
        """Open a session or a model file, chosen by its content."""
        if not Path(path).exists():
            file_actions.error_dialog(self, tr("File not found"), path)
            self.recent.remove(path)
            return
        if path.endswith(SUFFIX):
            session = file_actions.read_session(self, path)
            if session is not None:
                self.apply_session(session, path)
                self.recent.add(path)
        else:
            self.open_model(path)

    def save_session(self) -> bool:
        if not self.session_path:
            return self.save_session_as()
        ok = file_actions.write_session(self, self.current_session(), self.session_path)
        if ok:
            self.recent.add(self.session_path)
            self.statusBar().showMessage(tr("Saved {path}").format(path=self.session_path), 4000)
        return ok

    def save_session_as(self) -> bool:
        path = file_actions.ask_save_path(self, tr("Save session"), self._start_dir(),
                                          file_actions.session_filters())
        if not path:
            return False
        if not path.endswith(SUFFIX):
            path += SUFFIX
        self.session_path = path
        self.setWindowTitle(self._title())
        return self.save_session()

    # ------------------------------------------------------------------------------ models
    def open_model_dialog(self) -> None:
        path = file_actions.ask_open_path(self, tr("Open model"), self._start_dir(),
                                          file_actions.model_filters())
        if path:
            self.open_model(path)

    def open_model(self, path: str) -> None:
        model = file_actions.read_model(self, path)
        if model is None:
            return
        self.train_page.adopt_model(model)
        self.recent.add(path)
        self.statusBar().showMessage(tr("Opened model {path}").format(path=path), 4000)

    def save_model_dialog(self) -> None:
        model = self.train_page.model
        if model is None:
            try:
                model = self.builder.build(seed=self.setup.training.seed, dtype=self.setup.dtype)
            except (nn.ModelBuildError, ValueError) as exc:
                file_actions.error_dialog(self, tr("Could not save the model"), str(exc))
                return
        path = file_actions.ask_save_path(self, tr("Save model"), self._start_dir(),
                                          file_actions.model_filters())
        if path:
            if not path.endswith(".npz"):
                path += ".npz"
            if file_actions.write_model(self, model, path):
                self.recent.add(path)

    def export_model(self) -> None:
        """File → Export model as…: ONNX, a standalone NumPy script or PyTorch code."""
        from workbench.shell.export_dialog import export_model_dialog

        model, note = self.train_page.model, None
        if model is None:
            try:
                model = self.builder.build(seed=self.setup.training.seed, dtype=self.setup.dtype)
            except (nn.ModelBuildError, ValueError) as exc:
                file_actions.error_dialog(self, tr("Could not export the model"), str(exc))
                return
            note = tr("This model has not been trained yet: its weights are the random "
                      "initial ones. Train it first to export what it has learned.")
        elif self.train_page.controller.running:
            note = tr("Training is running: the export holds the weights of the moment you "
                      "press Export.")
        path = export_model_dialog(self, model, self._start_dir(), note)
        if path:
            self.statusBar().showMessage(tr("Exported the model to {path}").format(path=path),
                                         6000)

    # ----------------------------------------------------------------------------- exports
    def export_figure(self) -> None:
        path, _ = QFileDialog.getSaveFileName(
            self, tr("Export figure"), self._start_dir(),
            tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"))
        if not path:
            return
        try:
            self.train_page.plots.training_canvas.export(path)
        except (OSError, ValueError) as exc:
            file_actions.error_dialog(self, tr("Could not export the figure"), f"{path}\n\n{exc}")

    def export_metrics(self) -> None:
        epochs_filter = tr("Per-epoch metrics (*.csv)")
        iterations_filter = tr("Per-iteration loss (*.csv)")
        path, chosen = QFileDialog.getSaveFileName(self, tr("Export metrics"), self._start_dir(),
                                                   f"{epochs_filter};;{iterations_filter}")
        if not path:
            return
        kind = "iterations" if chosen == iterations_filter else "epochs"
        try:
            self.train_page.run.history.write_csv(path, kind=kind)
        except OSError as exc:
            file_actions.error_dialog(self, tr("Could not export the metrics"), f"{path}\n\n{exc}")
