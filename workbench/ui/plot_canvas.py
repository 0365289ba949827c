"""A Matplotlib figure embedded in Qt with its navigation toolbar and a cursor readout."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import ExitStack

from matplotlib.backend_bases import ResizeEvent
from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg, NavigationToolbar2QT
from matplotlib.figure import Figure
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtGui import QImage, QPainter
from PySide6.QtWidgets import (
    QAbstractButton,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QMessageBox,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import language_changed, tr
from workbench.core.imageio import save_figure
from workbench.ui import fonts, theme
from workbench.ui.mpl_style import restyle_figure
from workbench.ui.view import connect_weak


class SmoothCanvas(FigureCanvasQTAgg):
    """Matplotlib's Qt canvas, redrawn once a resize pauses instead of on every resize step.

    A full redraw takes tens of milliseconds; dragging a window edge sends dozens of resize
    events a second. The figure takes the new size at once (so mouse positions map correctly),
    but the redraw waits until no resize came for a moment; meanwhile the last image is shown.
    """

    RESIZE_DELAY_MS = 120

    def __init__(self, figure: Figure) -> None:
        super().__init__(figure)
        self._redraw_timer = QTimer(self)
        self._redraw_timer.setSingleShot(True)
        self._redraw_timer.setInterval(self.RESIZE_DELAY_MS)
        self._redraw_timer.timeout.connect(self.apply_resize)

    @property
    def resize_pending(self) -> bool:
        """True while the image is older than the size (blitting must wait for the redraw)."""
        return self._redraw_timer.isActive()

    def resizeEvent(self, event) -> None:  # noqa: N802 — Qt override
        if self.figure is None:
            return
        ratio = self.device_pixel_ratio
        self.figure.set_size_inches(event.size().width() * ratio / self.figure.dpi,
                                    event.size().height() * ratio / self.figure.dpi,
                                    forward=False)
        QWidget.resizeEvent(self, event)
        ResizeEvent("resize_event", self)._process()
        if not hasattr(self, "renderer"):
            self.draw_idle()  # the first layout: draw at once
        else:
            self._redraw_timer.start()

    def apply_resize(self) -> None:
        """Redraw now at the current size (e.g. before a screenshot)."""
        self._redraw_timer.stop()
        self.draw_idle()

    def paintEvent(self, event) -> None:  # noqa: N802 — Qt override
        if not self.resize_pending or not hasattr(self, "renderer"):
            super().paintEvent(event)
            return
        # Mid-resize: show the last image at its own size over the window colour.
        painter = QPainter(self)
        try:
            painter.fillRect(self.rect(), self.palette().window())
            buffer = self.buffer_rgba()
            image = QImage(buffer, buffer.shape[1], buffer.shape[0],
                           QImage.Format.Format_RGBA8888)
            image.setDevicePixelRatio(self.device_pixel_ratio)
            painter.drawImage(0, 0, image)
        finally:
            painter.end()


class PlotCanvas(QWidget):
    """``figure`` + canvas + toolbar (zoom, pan, save) + a label for the value under the cursor.

    ``readout(axes, x, y) -> str`` supplies the label's text as the mouse moves.
    """

    def __init__(self, parent: QWidget | None = None, figsize: tuple[float, float] = (6, 3),
                 readout: Callable | None = None, toolbar: bool = True) -> None:
        super().__init__(parent)
        fonts.configure()  # before the figure's first text: texts keep the fonts they start with
        self.figure = Figure(figsize=figsize, dpi=100, layout=None)
        self.canvas = SmoothCanvas(self.figure)
        self.canvas.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.canvas.setMinimumHeight(160)
        self.readout_fn = readout
        self.blit = None  # a BlitManager, when the figure is updated by blitting
        #: Optional ``() -> context manager`` adding what the live view draws in Qt (titles,
        #: legends) to the figure while it is exported.
        self.decorate = None
        self.toolbar = (NavigationToolbar(self.canvas, self, coordinates=False)
                        if toolbar else None)
        self.readout_label = QLabel()
        self.readout_label.setStyleSheet(f"color: {theme.muted_color()};")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        bar = QHBoxLayout()
        if self.toolbar is not None:
            self.toolbar.setIconSize(self.toolbar.iconSize() * 0.8)
            bar.addWidget(self.toolbar)
        bar.addStretch(1)
        bar.addWidget(self.readout_label)
        layout.addLayout(bar)
        layout.addWidget(self.canvas, 1)
        self.canvas.mpl_connect("motion_notify_event", self._on_motion)
        self.canvas.mpl_connect("axes_leave_event", lambda _e: self.readout_label.clear())
        self._hovered: tuple | None = None
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.canvas.setToolTip(tr("Drag with the toolbar's pan/zoom tools to explore; "
                                  "the value under the cursor is shown above the plot."))
        if self.toolbar is not None:
            self.toolbar.setToolTip(tr("Matplotlib navigation: reset view, back/forward, pan, "
                                       "zoom to rectangle, subplot spacing, save the figure."))
            self.toolbar.retranslate()
        self._refresh_readout()

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt override
        """Follow a light/dark palette change: recolour the figure and redraw it fully."""
        if event.type() == QEvent.Type.PaletteChange:
            restyle_figure(self.figure)
            self.readout_label.setStyleSheet(f"color: {theme.muted_color()};")
            if self.toolbar is not None:
                self.toolbar.refresh_icons()
            if self.blit is not None:
                self.blit.full_redraw()
            else:
                self.canvas.draw_idle()
        super().changeEvent(event)

    def _on_motion(self, event) -> None:
        if self.readout_fn is None or event.inaxes is None:
            return
        self._hovered = (event.inaxes, event.xdata, event.ydata)
        self.readout_label.setText(self.readout_fn(*self._hovered))

    def _refresh_readout(self) -> None:
        """Say the value under the cursor again (in the language now in use)."""
        hovered = self._hovered
        if self.readout_fn is None or hovered is None or not self.readout_label.text():
            return
        try:
            self.readout_label.setText(self.readout_fn(*hovered))
        except (IndexError, ValueError, TypeError):  # the plot changed under the cursor
            self.readout_label.clear()

    def export(self, path: str) -> None:
        """Save the figure (PNG, SVG or PDF by extension) at print resolution."""
        with ExitStack() as stack:
            if self.blit is not None:  # blitted artists are skipped by an ordinary draw
                stack.enter_context(self.blit.static())
            if self.decorate is not None:
                stack.enter_context(self.decorate())
            save_figure(self.figure, path, dpi=150, facecolor=self.figure.get_facecolor())

    def redraw(self) -> None:
        self.canvas.draw_idle()


class NavigationToolbar(NavigationToolbar2QT):
    """Matplotlib's toolbar with translated buttons and dialogs.

    Matplotlib's figure editor ("Customize") is left out: its dialog exists only in English and
    its style edits would be undone by the theme and the live redraws.
    """

    toolitems = [item for item in NavigationToolbar2QT.toolitems
                 if item[-1] != "edit_parameters"]

    def retranslate(self) -> None:
        texts = {
            "home": (tr("Home"), tr("Reset the original view")),
            "back": (tr("Back"), tr("Back to the previous view")),
            "forward": (tr("Forward"), tr("Forward to the next view")),
            "pan": (tr("Pan"), tr("Left button pans, right button zooms\n"
                                  "x/y fixes the axis, Ctrl fixes the aspect")),
            "zoom": (tr("Zoom"), tr("Zoom to a rectangle\nx/y fixes the axis")),
            "configure_subplots": (tr("Subplots"), tr("Adjust the margins and the spacing "
                                                      "between subplots")),
            "save_figure": (tr("Save"), tr("Save the figure as PNG, SVG or PDF")),
        }
        for callback, (text, tip) in texts.items():
            action = self._actions.get(callback)
            if action is not None:
                action.setText(text)
                action.setToolTip(tip)
        if self._subplot_dialog is not None:
            _translate_subplot_tool(self._subplot_dialog)

    def refresh_icons(self) -> None:
        """Matplotlib picks light or dark icons when the toolbar is built: redo it after a
        theme change (``_icon`` chooses by the current background)."""
        for _text, _tip, image, callback in self.toolitems:
            action = self._actions.get(callback) if callback else None
            if action is not None:
                action.setIcon(self._icon(image + ".png"))

    def configure_subplots(self):
        dialog = super().configure_subplots()
        _translate_subplot_tool(dialog)
        return dialog

    def save_figure(self, *args) -> str:
        """Save through :meth:`PlotCanvas.export` (which includes blitted artists)."""
        parent = self.parent()
        path, _ = QFileDialog.getSaveFileName(
            self.canvas.parent(), tr("Export figure"), "",
            tr("PNG image (*.png);;SVG drawing (*.svg);;PDF document (*.pdf)"))
        if not path:
            return ""
        try:
            if isinstance(parent, PlotCanvas):
                parent.export(path)
            else:
                save_figure(self.canvas.figure, path)
        except (OSError, ValueError) as exc:
            QMessageBox.critical(self, tr("Could not export the figure"), f"{path}\n\n{exc}")
        return path


def _translate_subplot_tool(dialog: QWidget) -> None:
    """Re-label Matplotlib's subplot-parameters dialog (its texts are fixed English literals,
    remembered in a property on first use)."""
    names = {"Borders": tr("Borders"), "Spacings": tr("Spacings"), "top": tr("top"),
             "bottom": tr("bottom"), "left": tr("left"), "right": tr("right"),
             "hspace": tr("vertical spacing"), "wspace": tr("horizontal spacing"),
             "Export values": tr("Export values"), "Tight layout": tr("Tight layout"),
             "Reset": tr("Reset"), "Close": tr("Close")}
    dialog.setWindowTitle(tr("Subplot spacing"))
    for box in dialog.findChildren(QGroupBox):
        if box.property("english") is None:
            box.setProperty("english", box.title())
        box.setTitle(names.get(box.property("english"), box.title()))
    for widget in dialog.findChildren(QLabel) + dialog.findChildren(QAbstractButton):
        if widget.property("english") is None:
            widget.setProperty("english", widget.text())
        widget.setText(names.get(widget.property("english"), widget.text()))
