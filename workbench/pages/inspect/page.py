"""The Inspect page: look inside the current model — during or after training — the way the
book's figures do (ch. 5.7, 6.2, 7.6, 8.1), live and interactive."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QStackedWidget,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import language_changed, plural, tr
from workbench.pages.inspect.base import InspectView
from workbench.pages.inspect.feature_maps import FeatureMapsView
from workbench.pages.inspect.filters import FiltersView
from workbench.pages.inspect.gradcheck_view import GradCheckView
from workbench.pages.inspect.histograms import HistogramsView
from workbench.pages.inspect.mistakes import MistakesView
from workbench.pages.inspect.source import InspectSource
from workbench.shell.context import AppContext
from workbench.state.train_data import model_title, same_network
from workbench.ui.fields import muted_label
from workbench.ui.view import View, connect_weak

FILTERS, FEATURE_MAPS, HISTOGRAMS, MISTAKES, GRADCHECK = range(5)


class EmptyState(QWidget):
    """Shown while there is no model: what to do next, and a button to do it."""

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.title = QLabel()
        font = QFont(self.title.font())
        font.setPointSizeF(font.pointSizeF() * 1.5)
        font.setBold(True)
        self.title.setFont(font)
        self.body = muted_label()
        self.body.setFixedWidth(520)  # a fixed width: the layout then gives it the height it needs
        self.button = QPushButton()
        self.button.clicked.connect(lambda: context.request_page("train"))
        column = QVBoxLayout()
        column.addStretch(2)
        for widget in (self.title, self.body):
            widget.setAlignment(Qt.AlignmentFlag.AlignHCenter)
        column.addWidget(self.title, 0, Qt.AlignmentFlag.AlignHCenter)
        row = QHBoxLayout()  # centred by stretches, so the layout asks it for its wrapped height
        row.addStretch(1)
        row.addWidget(self.body)
        row.addStretch(1)
        column.addLayout(row)
        column.addSpacing(12)
        column.addWidget(self.button, 0, Qt.AlignmentFlag.AlignHCenter)
        column.addStretch(3)
        layout = QHBoxLayout(self)
        layout.addLayout(column, 1)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.title.setText(tr("Nothing to inspect yet"))
        self.body.setText(tr(
            "Train a model on Build & Train, or open one with File → Open model. Then look "
            "inside it here: its filters, the feature maps of any image, activation, weight "
            "and gradient histograms, its mistakes, and a gradient check."))
        self.button.setText(tr("Go to Build && Train"))
        self.button.setToolTip(tr("Open the Build & Train page to build and train a network."))


class InspectPage(View):
    """Filters, feature maps, histograms, mistakes and gradient check of ``context.model``.

    Every view reads the model through an :class:`InspectSource` (a consistent snapshot while
    training), computes in background threads and only while visible. Call :meth:`shutdown`
    before the application quits.
    """

    def __init__(self, context: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.context = context
        self.source = InspectSource(context, self)
        self.filters = FiltersView(self.source)
        self.feature_maps = FeatureMapsView(self.source)
        self.histograms = HistogramsView(self.source)
        self.mistakes = MistakesView(self.source)
        self.gradcheck = GradCheckView(self.source)
        self.views: list[InspectView] = [self.filters, self.feature_maps, self.histograms,
                                         self.mistakes, self.gradcheck]
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        for view in self.views:
            self.tabs.addTab(view, "")
        self.header = QLabel()
        self.header.setWordWrap(True)
        self.builder_hint = muted_label()  # the builder shows another network
        self.builder_hint.hide()
        self.empty = EmptyState(context)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.empty)
        self.stack.addWidget(self.tabs)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.header)
        layout.addWidget(self.builder_hint)
        layout.addWidget(self.stack, 1)
        self.mistakes.openExample.connect(self._open_example)
        self.source.modelReplaced.connect(lambda _m: self._update_state())
        self.source.trainingChanged.connect(lambda _t: self._update_state())
        context.featureMapsRequested.connect(self._show_drawing)
        connect_weak(context.builder.changed, self._update_builder_hint)
        self.retranslate()

    def retranslate(self) -> None:
        names = (
            (tr("Filters"), tr("A convolution layer's filters as images, before and after "
                               "training (ch. 7.6).")),
            (tr("Feature maps"), tr("Every layer's output for one test image or your drawing "
                                    "(ch. 7.6.2, 8.1).")),
            (tr("Histograms"), tr("Activation, weight and gradient distributions per layer, "
                                  "live during training (ch. 6.2).")),
            (tr("Mistakes"), tr("Confusion matrix, per-class accuracy and the misclassified "
                                "test images (ch. 8.1.2).")),
            (tr("Gradient check"), tr("Backpropagation against numerical differentiation: same "
                                      "gradients, vastly faster (ch. 5.7).")),
        )
        for i, (name, tip) in enumerate(names):
            self.tabs.setTabText(i, name)
            self.tabs.setTabToolTip(i, tip)
        self._update_state()

    def _show_drawing(self) -> None:
        self.tabs.setCurrentWidget(self.feature_maps)
        self.feature_maps.show_drawing()
        self._update_state()

    def _update_state(self) -> None:
        model = self.source.architecture or self.context.drawing_model
        self.stack.setCurrentWidget(self.tabs if model is not None else self.empty)
        self.header.setVisible(model is not None)
        if model is None:
            return
        state = (tr("training — the views follow a snapshot taken every two seconds")
                 if self.source.training else tr("not training"))
        self.header.setText(plural(
            len(model.layers),
            tr("<b>{name}</b> · 1 layer · {params:,} parameters · {dtype} · {state}"),
            tr("<b>{name}</b> · {layers} layers · {params:,} parameters · {dtype} · {state}")
        ).format(name=model.name, layers=len(model.layers), params=model.parameter_count,
                 dtype=model.dtype.name, state=state))
        self._update_builder_hint()

    def _update_builder_hint(self) -> None:
        """Say so when Build & Train now shows another network than the one inspected here."""
        model, builder = self.source.architecture, self.context.builder
        other = (model is not None and builder.layers
                 and not same_network(builder, model.to_config()))
        self.builder_hint.setVisible(bool(other))
        if other:
            self.builder_hint.setText(tr(
                "Build & Train now shows another network than the one inspected here ({model}). "
                "These views show the model trained or opened last; train the new network to "
                "inspect it.").format(model=model_title(model)))

    def _open_example(self, index: int, split: str) -> None:
        """Show test (or validation) image ``index`` in the Feature maps tab."""
        self.feature_maps.show_example(index, split)
        self.tabs.setCurrentIndex(FEATURE_MAPS)

    def showEvent(self, event) -> None:  # noqa: N802 — Qt override
        self.source.set_watched(True)
        super().showEvent(event)

    def hideEvent(self, event) -> None:  # noqa: N802 — Qt override
        self.source.set_watched(False)
        super().hideEvent(event)

    def shutdown(self) -> None:
        """Stop every background job (called by the main window on close)."""
        for view in self.views:
            view.shutdown()
        self.source.shutdown()
