"""The tool rows around the canvas: pen or eraser and its width; undo, redo, clear; images."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QHBoxLayout,
    QLabel,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import language_changed, tr
from workbench.pages.draw.canvas import TOOL_KEYS, DrawingCanvas
from workbench.state.draw.strokes import MAX_PEN_WIDTH, MIN_PEN_WIDTH
from workbench.ui.view import connect_weak


def install_tool_shortcuts(page: QWidget, canvas: DrawingCanvas) -> list[QShortcut]:
    """Esc, Delete, Backspace, E, [ and ] act on ``canvas`` whenever ``page`` (or anything on
    it) has focus, not only the canvas. A text field with focus keeps the keys it types."""
    shortcuts = []
    for key in TOOL_KEYS:
        shortcut = QShortcut(QKeySequence(key), page)
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        shortcut.activated.connect(lambda k=key: canvas.tool_key(k))
        shortcuts.append(shortcut)
    return shortcuts


def _button(checkable: bool = False) -> QToolButton:
    button = QToolButton()
    button.setCheckable(checkable)
    button.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextOnly)
    button.setAutoRaise(False)
    return button


class DrawTools(QWidget):
    """Controls for ``canvas``; "Open image…" and "Random test digit" are signals for the
    page, which loads them in the background."""

    openImageRequested = Signal()
    randomDigitRequested = Signal()

    def __init__(self, canvas: DrawingCanvas, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self.pen_button = _button(checkable=True)
        self.eraser_button = _button(checkable=True)
        group = QButtonGroup(self)
        group.setExclusive(True)
        group.addButton(self.pen_button)
        group.addButton(self.eraser_button)
        self.pen_button.setChecked(True)
        self.eraser_button.toggled.connect(canvas.set_eraser)
        self.width_label = QLabel()
        self.width_slider = QSlider(Qt.Orientation.Horizontal)
        self.width_slider.setRange(int(MIN_PEN_WIDTH), int(MAX_PEN_WIDTH))
        self.width_slider.setValue(round(canvas.pen_width))
        self.width_slider.setMinimumWidth(90)
        self.width_slider.valueChanged.connect(canvas.set_pen_width)
        self.width_value = QLabel()
        self.undo_button, self.redo_button, self.clear_button = _button(), _button(), _button()
        self.undo_button.clicked.connect(canvas.history.undo)
        self.redo_button.clicked.connect(canvas.history.redo)
        self.clear_button.clicked.connect(canvas.history.clear)
        self.mnist_pen = QCheckBox()
        self.mnist_pen.setChecked(canvas.mnist_pen)
        self.mnist_pen.toggled.connect(canvas.set_mnist_pen)
        self.open_button, self.random_button = _button(), _button()
        self.open_button.clicked.connect(self.openImageRequested)
        self.random_button.clicked.connect(self.randomDigitRequested)

        top = QHBoxLayout()
        top.setSpacing(4)
        for w in (self.pen_button, self.eraser_button):
            top.addWidget(w)
        top.addSpacing(8)
        top.addWidget(self.width_label)
        top.addWidget(self.width_slider, 1)
        top.addWidget(self.width_value)
        top.addSpacing(8)
        for w in (self.undo_button, self.redo_button, self.clear_button):
            top.addWidget(w)
        bottom = QHBoxLayout()
        bottom.setSpacing(4)
        bottom.addWidget(self.open_button)
        bottom.addWidget(self.random_button)
        bottom.addStretch(1)
        bottom.addWidget(self.mnist_pen)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addLayout(top)
        layout.addLayout(bottom)

        canvas.toolChanged.connect(self.sync)
        canvas.history.changed.connect(self._history_changed)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.pen_button.setText(tr("Pen"))
        self.pen_button.setToolTip(tr("Draw white ink on black, like the MNIST digits "
                                      "(book ch. 3.6). Shortcut: E switches pen and eraser."))
        self.eraser_button.setText(tr("Eraser"))
        self.eraser_button.setToolTip(tr("Paint black to remove ink (E). A tablet pen's eraser "
                                         "end erases on its own."))
        self.width_label.setText(tr("Width"))
        tip = tr("Pen width in pixels as drawn on the screen ([ and ] change it). MNIST strokes "
                 "are about 2 of 28 pixels wide once the digit is scaled to its 20-pixel box; "
                 "about a twelfth of the canvas's side gives that for a digit drawn across it.")
        for w in (self.width_label, self.width_slider, self.width_value):
            w.setToolTip(tip)
        self.undo_button.setText(tr("Undo"))
        self.undo_button.setToolTip(tr("Take back the last stroke, clear or loaded image "
                                       "(Ctrl+Z while the canvas has focus)."))
        self.redo_button.setText(tr("Redo"))
        self.redo_button.setToolTip(tr("Put back what Undo took (Ctrl+Shift+Z)."))
        self.clear_button.setText(tr("Clear"))
        self.clear_button.setToolTip(tr("Start over with an empty canvas (right-click on it, or "
                                        "Delete, Backspace or Esc anywhere on this page; Undo "
                                        "brings it back)."))
        self.mnist_pen.setText(tr("MNIST pen width"))
        self.mnist_pen.setToolTip(tr(
            "Hand the network your strokes redrawn with the pen MNIST's writers used for a "
            "digit of that size (about 1/7 of its height), whatever size you drew at. Without "
            "it a small digit drawn with a wide pen becomes a blob once scaled to 20 px, and a "
            "big thin one a hairline. The canvas keeps your pen; the 28×28 input shows the "
            "difference."))
        self.open_button.setText(tr("Open image…"))
        self.open_button.setToolTip(tr(
            "Classify a PNG or JPEG of a digit — a photo of paper or a screenshot, dark ink on "
            "light or light on dark. It is cropped, scaled to 20 px and centred by mass like "
            "MNIST, exactly as `main.py predict` does. You can also drop a file on the canvas."))
        self.random_button.setText(tr("Random test digit"))
        self.random_button.setToolTip(tr(
            "Show a real MNIST digit from the embedded test set (the network never trained on "
            "it) with its true label, to compare with your own handwriting. You can draw on it."))
        self.sync()

    def sync(self) -> None:
        """Show the canvas's tool, width and undo state."""
        self.eraser_button.setChecked(self.canvas.eraser)
        self.pen_button.setChecked(not self.canvas.eraser)
        if self.width_slider.value() != round(self.canvas.pen_width):
            self.width_slider.setValue(round(self.canvas.pen_width))
        self.width_value.setText(tr("{w} px").format(w=round(self.canvas.screen_pen_width())))
        self._history_changed()

    def _history_changed(self, *_args) -> None:
        history = self.canvas.history
        self.undo_button.setEnabled(history.can_undo)
        self.redo_button.setEnabled(history.can_redo)
        self.clear_button.setEnabled(not history.is_blank)
