"""The main window's File menu: sessions, models, figure and metrics export.

A mixin of :class:`workbench.shell.main_window.MainWindow` (it uses the window's builder, set-up,
training page, settings and recent-files list); every failure becomes a dialog through
:mod:`workbench.shell.file_actions`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from PySide6.QtWidgets import QFileDialog

import nn
from nn.schema import SettingsError
from workbench.core.i18n import tr, tr_noop
from workbench.core.session import SUFFIX, Session
from workbench.core.session_check import check_comparisons, check_session_parts
from workbench.pages.train.resume import ResumePoint, stop_and_wait
from workbench.shell import file_actions, unsaved
from workbench.shell.lazy import PageSlot
from workbench.state import TrainingSetup


class FileMenuMixin:
    # ---------------------------------------------------------------------------- sessions
    def current_session(self) -> Session:
        b, page = self.builder, self.train_page
        return Session(b.to_dict(), self.setup.to_dict(), page.run.history, page.model,
                       page.run.status if page.run.status != "running" else "stopped",
                       page.run.message, page.trainer_state(), self._compare_documents())

    def new_session(self) -> None:
        if not self.confirm_discard(tr("Save the session before starting a new one?")):
            return
        self.train_page.controller.shutdown()
        self.builder.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
        self.setup.load_dict(TrainingSetup().to_dict())
        self.train_page.reset()
        self._apply_compare_documents({})
        self.session_path = None
        self.setWindowTitle(self._title())
        self.take_baseline()

    def apply_session(self, session: Session, path: str | None) -> bool:
        """Show ``session``, all of it or — if any part is invalid — none of it (a dialog
        names the problem). Asks first when unsaved work would be replaced."""
        title = tr("Could not open the session")
        name = path or tr("the session")
        try:
            checked = check_session_parts(session.builder, session.setup, session.history,
                                          session.status, session.message)
            TrainingSetup().load_dict(checked.setup)  # on a scratch copy: it will apply
            comparisons = check_comparisons(session.comparisons)
            self._check_compare_documents(comparisons)
        except (SettingsError, ValueError) as exc:
            file_actions.error_dialog(self, title, f"{name}: {exc}")
            return False
        if not self.confirm_discard(tr("Save the session before opening another?")):
            return False
        self.train_page.controller.shutdown()
        try:  # first: a tab that still refuses its results puts the others back itself
            self._apply_compare_documents(comparisons)
        except ValueError as exc:
            file_actions.error_dialog(self, title, f"{name}: {exc}")
            return False
        # The builder first: the set-up's data then already fits it, so nothing is re-fitted.
        self.builder.load_dict(checked.builder, label=tr_noop("Open session"))
        self.setup.load_dict(checked.setup)
        self.setup_widget_sync()
        resume = None
        if session.trainer is not None and session.model is not None:
            resume = ResumePoint(session.trainer, checked.setup)
        self.train_page.restore(checked.history, session.model, checked.status,
                                checked.message, resume)
        self.session_path = path
        self.setWindowTitle(self._title())
        self.take_baseline()
        return True

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
            if session is not None and self.apply_session(session, path):
                self.recent.add(path)
        else:
            self.open_model(path)

    def save_session(self) -> bool:
        if self.train_page.controller.running:
            file_actions.error_dialog(self, tr("Could not save the session"), tr(
                "Training is running: stop it first, so that the saved weights and trainer "
                "state are those between two steps."))
            return False
        if not self.session_path:
            return self.save_session_as()
        ok = file_actions.write_session(self, self.current_session(), self.session_path)
        if ok:
            self.recent.add(self.session_path)
            self.take_baseline()
            self.statusBar().showMessage(tr("Saved {path}").format(path=self.session_path), 4000)
        return ok

    def save_session_as(self) -> bool:
        path = file_actions.ask_save_path(self, tr("Save session"), self._start_dir(),
                                          file_actions.session_filters())
        if not path:
            return False
        if not path.endswith(SUFFIX):
            path += SUFFIX
        previous, self.session_path = self.session_path, path
        if not self.save_session():
            self.session_path = previous
            return False
        self.setWindowTitle(self._title())
        return True

    # ------------------------------------------------------------------------ unsaved work
    def work_marks(self) -> unsaved.WorkMarks:
        page = self.train_page
        return unsaved.marks(self.builder, self.setup, page.model, page.run.history,
                             self._compare_marks())

    def take_baseline(self) -> None:
        """The session now matches its file (or a fresh start): nothing is unsaved."""
        self._baseline = self.work_marks()

    def unsaved_work(self, closing: bool = False) -> list[str]:
        """The unsaved parts (see :func:`workbench.shell.unsaved.unsaved_parts`). When closing,
        the stack and settings of an untitled session are not lost (the settings remember
        them), so only a session file's count."""
        parts = unsaved.unsaved_parts(getattr(self, "_baseline", None), self.work_marks())
        if closing and not self.session_path:
            parts = [p for p in parts if p not in ("model", "setup")]
        return parts

    def confirm_discard(self, question: str, closing: bool = False) -> bool:
        """Ask Save / Discard / Cancel when unsaved work (or a running training) would be
        lost; True to go on. Save and Discard stop a running training cleanly first."""
        page = self.train_page
        running = page.controller.running
        parts = self.unsaved_work(closing)
        if not parts and not running:
            return True
        answer = unsaved.ask(self, question, unsaved.describe(parts, running))
        if answer == unsaved.CANCEL:
            return False
        stop_and_wait(page.controller)
        if answer == unsaved.SAVE:
            return self.save_session()
        return True

    # ------------------------------------------------------------------- compare results
    # (workbench.pages.compare is imported only once the page exists: it is built lazily)
    def _compare_page(self):
        """The Compare page if it has been built (its results are part of the session)."""
        for key, widget in self.pages:
            if key == "compare":
                return widget.page if isinstance(widget, PageSlot) else widget
        return None

    def _compare_marks(self) -> tuple:
        page = self._compare_page()
        if page is None:
            return ()
        from workbench.pages.compare.session_results import results_marks
        return results_marks(page)

    def _compare_documents(self) -> dict:
        page = self._compare_page()
        if page is None:
            return {}
        from workbench.pages.compare.session_results import session_documents
        return session_documents(page)

    def _check_compare_documents(self, documents: dict) -> None:
        if documents:
            from workbench.pages.compare.session_results import check_documents
            check_documents(self.page("compare"), documents)

    def _apply_compare_documents(self, documents: dict) -> None:
        page = self.page("compare") if documents else self._compare_page()
        if page is not None:
            from workbench.pages.compare.session_results import apply_documents
            apply_documents(page, documents)

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
        if not self.confirm_discard(tr("Save the session before opening a model? The model "
                                       "replaces the trained one.")):
            return
        self.train_page.adopt_model(model)
        # The opened model is in its file: only the stack it put into the builder is new.
        self._baseline = dataclasses.replace(self._baseline, training=self.work_marks().training)
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
