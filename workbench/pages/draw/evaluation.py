"""A model's results on the user's own drawings: overall and per-class accuracy, and the
drawings it got wrong (double-click one to open it on the canvas)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QVBoxLayout,
    QWidget,
)

from workbench.core.i18n import language_changed, plural, tr
from workbench.pages.draw.render import ink_to_qimage
from workbench.state.draw.collection import Evaluation
from workbench.ui import theme
from workbench.ui.plot_canvas import PlotCanvas
from workbench.ui.view import connect_weak

_THUMB = 56


class EvaluationDialog(QDialog):
    """Shows an :class:`~workbench.state.draw.collection.Evaluation`."""

    drawingChosen = Signal(str)  # path of a misclassified drawing to open on the canvas

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("drawEvaluationDialog")
        self.result: Evaluation | None = None
        self.names: list[str] = [str(i) for i in range(10)]
        self.model_name = ""
        self.summary = QLabel()
        self.summary.setWordWrap(True)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.plot = PlotCanvas(self, figsize=(6.4, 2.6))
        self.plot.setMinimumHeight(240)
        self.mistakes_label = QLabel()
        self.mistakes = QListWidget()
        self.mistakes.setViewMode(QListWidget.ViewMode.IconMode)
        self.mistakes.setIconSize(QSize(_THUMB, _THUMB))
        self.mistakes.setResizeMode(QListWidget.ResizeMode.Adjust)
        self.mistakes.setMovement(QListWidget.Movement.Static)
        self.mistakes.setSpacing(4)
        self.mistakes.setMinimumHeight(150)
        self.mistakes.itemActivated.connect(self._activated)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.plot, 2)
        layout.addWidget(self.mistakes_label)
        layout.addWidget(self.mistakes, 1)
        layout.addWidget(buttons)
        self.resize(720, 640)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.setWindowTitle(tr("Accuracy on my drawings"))
        self.mistakes.setToolTip(tr("Drawings the model got wrong, with the true label, the "
                                    "answer and its probability. Double-click one to open it "
                                    "on the canvas and see why (saliency)."))
        if self.result is not None:
            self.show_result(self.result, self.names, self.model_name)

    def show_result(self, result: Evaluation, names: list[str], model_name: str) -> None:
        self.result, self.names, self.model_name = result, list(names), model_name
        if result.total == 0:
            text = tr("None of the drawings could be read.")
        else:
            text = plural(result.total,
                          tr("Model {model}: your drawing is {state}."),
                          tr("Model {model}: {acc:.1f} % of your {n} drawings correct ({k} "
                             "wrong).")).format(
                model=model_name, acc=100 * result.accuracy, n=result.total,
                k=result.total - result.correct,
                state=tr("recognised") if result.correct else tr("not recognised"))
        if result.unreadable:
            text += "\n" + plural(
                len(result.unreadable), tr("1 file could not be read and was skipped: {files}"),
                tr("{n} files could not be read and were skipped: {files}")).format(
                n=len(result.unreadable),
                files="; ".join(str(p.name) for p, _ in result.unreadable[:5]))
        if result.cancelled:
            text += "\n" + tr("Cancelled before the end: these are partial results.")
        self.summary.setText(text)
        self._plot()
        self.mistakes_label.setText(tr("Misclassified drawings ({n}) — double-click to open "
                                       "one on the canvas:").format(n=len(result.mistakes)))
        self.mistakes.clear()
        for m in result.mistakes:
            icon = QIcon(QPixmap.fromImage(ink_to_qimage(m.image)).scaled(
                _THUMB, _THUMB, Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.FastTransformation))
            label = tr("{true} → {pred}\n{p:.0f} %").format(
                true=self.names[m.label], pred=self.names[m.predicted], p=100 * m.confidence)
            item = QListWidgetItem(icon, label)
            item.setData(Qt.ItemDataRole.UserRole, str(m.path))
            item.setToolTip(tr("{file}\ntrue label {true}, answered {pred} with {p:.1f} %").format(
                file=m.path, true=self.names[m.label], pred=self.names[m.predicted],
                p=100 * m.confidence))
            self.mistakes.addItem(item)

    def _plot(self) -> None:
        colors = theme.plot_colors()
        fig = self.plot.figure
        fig.clear()
        fig.set_facecolor(colors["window"])
        ax = fig.add_subplot(1, 1, 1)
        ax.set_facecolor(colors["face"])
        totals, acc = self.result.per_class()
        x = np.arange(len(totals))
        heights = np.nan_to_num(acc) * 100
        ax.bar(x, heights, color=theme.SERIES[0], label=tr("accuracy per class"))
        if self.result.total:
            ax.axhline(100 * self.result.accuracy, color=theme.SERIES[1], linestyle="--",
                       linewidth=1.2, label=tr("overall accuracy"))
        for i, (n, h) in enumerate(zip(totals, heights, strict=True)):
            text = tr("n={n}").format(n=int(n)) if n else tr("none")
            ax.text(i, min(h, 100) + 2, text, ha="center", va="bottom", fontsize=8,
                    color=colors["text"])
        ax.set_xticks(x, self.names[:len(x)])
        ax.set_ylim(0, 112)
        ax.set_yticks([0, 25, 50, 75, 100])
        ax.set_title(tr("Accuracy per true label on your drawings"), color=colors["text"])
        ax.set_xlabel(tr("true label"), color=colors["text"])
        ax.set_ylabel(tr("accuracy (%)"), color=colors["text"])
        ax.tick_params(colors=colors["text"])
        for spine in ax.spines.values():
            spine.set_color(colors["grid"])
        ax.grid(axis="y", color=colors["grid"])
        ax.set_axisbelow(True)
        legend = ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.22), fontsize=8,
                           framealpha=0.8, ncols=2)
        legend.get_frame().set_facecolor(colors["face"])
        for t in legend.get_texts():
            t.set_color(colors["text"])
        fig.tight_layout()
        self.plot.redraw()

    def _activated(self, item: QListWidgetItem) -> None:
        self.drawingChosen.emit(str(item.data(Qt.ItemDataRole.UserRole)))
