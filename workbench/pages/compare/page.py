"""The Compare page: the book's ch. 6 experiments side by side, one tab each — optimizer paths
in 2-D, optimizers on real data, initializers (activation histograms and training curves),
Batch Normalization, overfitting and regularization, hyperparameter search.

Every comparison can be saved to a JSON experiment file (settings *and* results, in the format
the command line's ``--experiment`` writes) and reopened without re-running; command-line
comparison and search files open here too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nn.experiment import load_experiment, save_experiment
from workbench.core.i18n import tr
from workbench.pages.compare.batchnorm_tab import BatchNormTab
from workbench.pages.compare.init_curves_tab import InitCurvesTab
from workbench.pages.compare.init_grid import InitHistogramView
from workbench.pages.compare.optimizers_tab import OptimizersTab
from workbench.pages.compare.overfit_tab import OverfitTab
from workbench.pages.compare.paths import OptimizerPathsView
from workbench.pages.compare.search_tab import SearchTab
from workbench.pages.compare.tab_base import ComparisonTab
from workbench.shell.context import AppContext
from workbench.shell.file_actions import error_dialog
from workbench.ui.fields import muted_label
from workbench.ui.view import View

VIEW_KEYS = ("paths", "init_histograms")  # self-contained views: settings only, recomputed


class ComparePage(View):
    """Tabs of comparisons, with "Open comparison…" and "Save comparison…" beside them."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.paths_view = OptimizerPathsView(self)
        self.optimizers_tab = OptimizersTab(context, self)
        self.init_histograms = InitHistogramView(self)
        self.init_curves = InitCurvesTab(context, self)
        self.batchnorm_tab = BatchNormTab(context, self)
        self.overfit_tab = OverfitTab(context, self)
        self.search_tab = SearchTab(context, self)
        self.comparison_tabs: dict[str, ComparisonTab] = {
            tab.key: tab for tab in (self.optimizers_tab, self.init_curves, self.batchnorm_tab,
                                     self.overfit_tab, self.search_tab)}
        self.views: dict[str, QWidget] = {"paths": self.paths_view,
                                          "init_histograms": self.init_histograms}

        self.init_tabs = QTabWidget(self)
        self.init_tabs.setDocumentMode(True)
        self.init_tabs.addTab(self.init_histograms, "")
        self.init_tabs.addTab(self.init_curves, "")
        self.tabs = QTabWidget(self)
        for widget in (self.paths_view, self.optimizers_tab, self.init_tabs, self.batchnorm_tab,
                       self.overfit_tab, self.search_tab):
            self.tabs.addTab(widget, "")
        self.open_button = QPushButton(self)
        self.save_button = QPushButton(self)
        self.open_button.clicked.connect(self._ask_open)
        self.save_button.clicked.connect(self._ask_save)
        self.tabs.setElideMode(Qt.TextElideMode.ElideRight)
        self.hint = muted_label(self, wrap=False)
        header = QHBoxLayout()
        header.setContentsMargins(4, 0, 0, 0)
        header.addWidget(self.hint, 1)
        header.addWidget(self.open_button)
        header.addWidget(self.save_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(4)
        layout.addLayout(header)
        layout.addWidget(self.tabs, 1)

        self.tabs.currentChanged.connect(self._update_buttons)
        self.init_tabs.currentChanged.connect(self._update_buttons)
        for tab in self.comparison_tabs.values():
            tab.stateChanged.connect(self._update_buttons)
        self._last_dir = str(Path.home())
        self.retranslate()
        self._update_buttons()

    def retranslate(self) -> None:
        titles = [
            (tr("Optimizer paths (6.1)"), tr(
                "Book ch. 6.1.2–6.1.7: how SGD, Momentum, AdaGrad and Adam walk down a 2-D "
                "function, step by step.")),
            (tr("Optimizers on MNIST (6.1.8)"), tr(
                "Book ch. 6.1.8: several optimizers train the same network from the same weights "
                "on the same batches; loss curves side by side.")),
            (tr("Initializers (6.2)"), tr(
                "Book ch. 6.2: how the initial weight scale shapes the activations (6.2.2) and "
                "the training (6.2.4).")),
            (tr("Batch Norm (6.3)"), tr(
                "Book ch. 6.3: training with and without Batch Normalization across initial "
                "weight scales.")),
            (tr("Regularization (6.4)"), tr(
                "Book ch. 6.4: overfitting and regularization — a large network on 300 images, "
                "with and without weight decay and Dropout.")),
            (tr("Hyperparameter search (6.5)"), tr(
                "Book ch. 6.5: random search of the learning rate and weight decay, ranked by "
                "validation accuracy.")),
        ]
        for index, (title, tip) in enumerate(titles):
            self.tabs.setTabText(index, title.replace("&", "&&"))  # "&" is not a mnemonic
            self.tabs.setTabToolTip(index, tip)
        self.init_tabs.setTabText(0, tr("Activation histograms (ch. 6.2.2)"))
        self.init_tabs.setTabToolTip(0, tr(
            "Histograms of each layer's activations for different initial weights."))
        self.init_tabs.setTabText(1, tr("Training curves (ch. 6.2.4)"))
        self.init_tabs.setTabToolTip(1, tr(
            "The book's weight_init_compare: the same network trained from std 0.01, Xavier "
            "and He weights."))
        self.hint.setText(tr("Each tab reproduces an experiment of the book's chapter 6 — live, "
                             "over several seeds if you like — and can be saved and reopened."))
        self.open_button.setText(tr("Open comparison…"))
        self.open_button.setToolTip(tr(
            "Open a saved comparison (a JSON experiment file, also one written by the command "
            "line's --experiment): its settings and curves appear without re-running."))
        self.save_button.setText(tr("Save comparison…"))
        self._update_buttons()

    # ------------------------------------------------------------------------------ views
    def current_key(self) -> str:
        """The key of the comparison on screen ("paths", "optimizers", "init_histograms",
        "init", "batchnorm", "overfitting" or "search")."""
        widget = self.tabs.currentWidget()
        if widget is self.init_tabs:
            widget = self.init_tabs.currentWidget()
        for key, view in {**self.views, **self.comparison_tabs}.items():
            if view is widget:
                return key
        return ""

    def show_key(self, key: str) -> None:
        """Bring the comparison ``key`` to the front."""
        if key in ("init", "init_histograms"):
            self.tabs.setCurrentWidget(self.init_tabs)
            self.init_tabs.setCurrentWidget(self.comparison_tabs["init"] if key == "init"
                                            else self.init_histograms)
        else:
            self.tabs.setCurrentWidget({**self.views, **self.comparison_tabs}[key])

    def _update_buttons(self, *_args: Any) -> None:
        key = self.current_key()
        tab = self.comparison_tabs.get(key)
        if tab is None:
            ok, tip = True, tr("Save this view's settings to a JSON file.")
        elif tab.running:
            ok, tip = False, tr("Wait for the run to finish, or stop it, before saving.")
        elif not tab.has_results:
            ok, tip = False, tr("Run the comparison first: there is nothing to save yet.")
        else:
            ok, tip = True, tr("Save this comparison — settings and every curve — to a JSON "
                               "experiment file, to reopen later or share.")
        self.save_button.setEnabled(ok)
        self.save_button.setToolTip(tip)

    # ------------------------------------------------------------------------------ files
    def save_comparison(self, path: str, key: str | None = None) -> None:
        """Write the comparison ``key`` (default: the one on screen) to ``path``.

        Raises ``OSError`` if the file cannot be written, ``ValueError`` if there is nothing
        to save.
        """
        key = key or self.current_key()
        if key in self.views:
            config = {"workbench": {"tab": key, "view": self.views[key].to_dict()}}
            save_experiment(path, "compare", config, {})
            return
        tab = self.comparison_tabs[key]
        if not tab.has_results:
            raise ValueError(tr("There are no results to save yet."))
        kind, config, results = tab.to_document()
        save_experiment(path, kind, config, results)

    def open_comparison(self, path: str) -> str:
        """Show the comparison saved in ``path`` on its tab; returns the tab's key.

        Raises ``ValueError`` with a message for the user if the file cannot be shown.
        """
        doc = load_experiment(path)
        config = doc.get("config")
        if not isinstance(config, dict):
            raise ValueError(tr("{path}: the file has no settings.").format(path=path))
        workbench = config.get("workbench") if isinstance(config.get("workbench"), dict) else {}
        key = workbench.get("tab")
        try:
            if key in self.views:
                self.views[key].load_dict(workbench.get("view") or {})
            elif key in self.comparison_tabs:
                self.comparison_tabs[key].load_document(doc)
            else:
                key = self._open_foreign(doc)
        except (TypeError, KeyError, AttributeError) as exc:
            raise ValueError(tr("{path}: not a valid comparison ({error}).").format(
                path=path, error=exc)) from None
        self.show_key(key)
        self._update_buttons()
        return key

    def _open_foreign(self, doc: dict[str, Any]) -> str:
        """A command-line experiment file: a search, or an optimizer or initializer
        comparison."""
        kind = doc.get("kind")
        if kind == "search":
            self.search_tab.load_document(doc)
            return "search"
        if kind != "compare":
            raise ValueError(tr("This is a '{kind}' experiment, not a comparison; open it "
                                "from the File menu.").format(kind=kind))
        errors = []
        for key in ("optimizers", "init"):
            try:
                self.comparison_tabs[key].load_document(doc)
                return key
            except ValueError as exc:
                errors.append(str(exc))
        raise ValueError(tr("The Compare page cannot show this comparison: {reason}").format(
            reason=errors[-1]))

    def _filters(self) -> str:
        return tr("Comparisons (*.json);;All files (*)")

    def _ask_save(self) -> None:
        key = self.current_key()
        start = str(Path(self._last_dir) / f"comparison-{key}.json")
        path, _ = QFileDialog.getSaveFileName(self, tr("Save comparison"), start,
                                              self._filters())
        if not path:
            return
        self._last_dir = str(Path(path).parent)
        try:
            self.save_comparison(path, key)
        except (OSError, ValueError) as exc:
            error_dialog(self, tr("Could not save the comparison"), f"{path}\n\n{exc}")

    def _ask_open(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, tr("Open comparison"), self._last_dir,
                                              self._filters())
        if not path:
            return
        self._last_dir = str(Path(path).parent)
        try:
            self.open_comparison(path)
        except ValueError as exc:
            error_dialog(self, tr("Could not open the comparison"), str(exc))

    # ------------------------------------------------------------------------- lifecycle
    def export_png(self, path: str) -> None:
        """Save the figure of the comparison on screen (PNG, SVG or PDF by extension)."""
        key = self.current_key()
        if key in self.views:
            self.views[key].export_png(path)
        else:
            self.comparison_tabs[key].canvas.export(path)

    @property
    def running(self) -> bool:
        return any(tab.running for tab in self.comparison_tabs.values())

    def shutdown(self) -> bool:
        """Stop every run and computation (before the window closes); True if all ended."""
        for view in self.views.values():
            view.shutdown()
        return all([tab.shutdown() for tab in self.comparison_tabs.values()])


__all__ = ["ComparePage"]
