"""A scrolling gallery of classified examples: image, true → predicted label, confidence."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QListView, QListWidget, QListWidgetItem, QWidget

from workbench.core.i18n import tr
from workbench.pages.inspect.base import image_pixmap

THUMB_SCALE = 2  # 28×28 images shown at 56×56, without blur
MAX_ITEMS = 400


class Gallery(QListWidget):
    """Icon grid; each item holds its sample index (``Qt.UserRole``).

    Signals
    -------
    exampleActivated(int)
        A double-clicked (or Enter-pressed) example's sample index.
    """

    exampleActivated = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setResizeMode(QListView.ResizeMode.Adjust)
        self.setMovement(QListView.Movement.Static)
        self.setUniformItemSizes(True)
        self.setIconSize(QSize(56, 56))
        self.setGridSize(QSize(84, 96))
        self.setSpacing(4)
        self.setWordWrap(True)
        self.setSelectionMode(QListWidget.SelectionMode.SingleSelection)
        self.itemActivated.connect(
            lambda item: self.exampleActivated.emit(int(item.data(Qt.ItemDataRole.UserRole))))
        self.indices: list[int] = []

    def show_examples(self, indices: np.ndarray, x: np.ndarray, y: np.ndarray,
                      proba: np.ndarray, names: list[str], set_name: str) -> None:
        """Fill with samples ``indices`` (at most :data:`MAX_ITEMS`) of ``x``/``y``."""
        self.clear()
        self.indices = [int(i) for i in indices[:MAX_ITEMS]]
        image_input = x.ndim == 4 or (x.ndim == 2 and x.shape[1] == 784)
        self._set_mode(image_input)
        for i in self.indices:
            p = proba[i]
            pred, true = int(p.argmax()), int(y[i])
            order = np.argsort(-p)
            if image_input:
                text = f"{names[true]} → {names[pred]}\n{p[pred]:.0%}"
            else:  # a feature vector: a line with its values
                values = ", ".join(f"{v:.2f}" for v in np.ravel(x[i])[:6])
                text = tr("#{i} ({values}): {t} → {p}, {c:.0%}").format(
                    i=i, values=values, t=names[true], p=names[pred], c=float(p[pred]))
            item = QListWidgetItem(text)
            if image_input:
                img = x[i].reshape(-1, *x[i].shape[-2:]).mean(axis=0) if x.ndim == 4 else \
                    x[i].reshape(28, 28)
                item.setIcon(QIcon(image_pixmap(img, THUMB_SCALE)))
            runner_up = int(order[1]) if len(order) > 1 else pred
            item.setToolTip(tr(
                "{set} image {i}: true class {t}, predicted {p} with {c:.1%}; next most "
                "likely {q} ({d:.1%}). Double-click to see its feature maps.").format(
                set=set_name, i=i, t=names[true], p=names[pred], c=float(p[pred]),
                q=names[runner_up], d=float(p[runner_up])))
            item.setData(Qt.ItemDataRole.UserRole, i)
            if image_input:
                item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop)
            self.addItem(item)

    def _set_mode(self, images: bool) -> None:
        """Icon grid for images, a plain list for feature vectors (toy 2-D data)."""
        if images == (self.viewMode() == QListView.ViewMode.IconMode):
            return
        if images:
            self.setViewMode(QListView.ViewMode.IconMode)
            self.setGridSize(QSize(84, 96))
            self.setWordWrap(True)
        else:
            self.setViewMode(QListView.ViewMode.ListMode)
            self.setGridSize(QSize())
            self.setWordWrap(False)
