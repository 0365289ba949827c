"""The answer: the top class in large type with its confidence or "not sure", and a bar for the
probability of every class.

The bars are painted with QPainter rather than Matplotlib: a repaint costs well under a
millisecond, so they can follow the pen on every pointer sample.
"""

from __future__ import annotations

import time

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from workbench.core.draw.inference import DEFAULT_THRESHOLD, DIGITS, Prediction
from workbench.core.i18n import language_changed, tr
from workbench.ui import theme
from workbench.ui.view import connect_weak

_ROW_GAP = 4


class ProbabilityBars(QWidget):
    """Horizontal bars of the softmax probabilities, with a title, an axis and a legend."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.prediction: Prediction | None = None
        self.names: list[str] = list(DIGITS)
        self.threshold = DEFAULT_THRESHOLD
        self.true_label: int | None = None
        #: Completed repaints and the ``time.perf_counter()`` at the end of the last one (for
        #: the latency benchmark and tests).
        self.paint_count = 0
        self.last_paint = 0.0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(260, 250)
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.title = tr("Class probabilities (softmax, ch. 3.5)")
        self.axis_label = tr("probability")
        self.legend = (tr("top class"), tr("other classes"), tr("“not sure” threshold"),
                       tr("true label"))
        self.setToolTip(tr(
            "The network's last layer goes through softmax (book ch. 3.5), which turns its ten "
            "scores into probabilities that add up to 100 %. The longest bar is the answer; "
            "below the dashed threshold the page says it is not sure."))
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 — Qt override
        return QSize(360, 330)

    def set_prediction(self, prediction: Prediction | None, names: list[str] | None = None,
                       threshold: float | None = None, true_label: int | None = None) -> None:
        self.prediction = prediction
        if names is not None:
            self.names = list(names)
        if threshold is not None:
            self.threshold = float(threshold)
        self.true_label = true_label
        self.update()

    # ----------------------------------------------------------------------------- paint
    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802
        pal = self.palette()
        text = pal.color(QPalette.ColorRole.Text)
        muted = QColor(theme.muted_color())
        track = QColor(text)
        track.setAlphaF(0.08)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        fm = painter.fontMetrics()
        line = fm.height()
        title_font = QFont(self.font())
        title_font.setBold(True)
        painter.setFont(title_font)
        painter.setPen(text)
        width = self.width()
        painter.drawText(QRectF(0, 0, width, line + 4), Qt.AlignmentFlag.AlignHCenter,
                         self.title)
        painter.setFont(self.font())

        n = len(self.names)
        label_w = max(fm.horizontalAdvance(name) for name in self.names) + 10
        value_w = fm.horizontalAdvance("100.0 %") + 8
        left, right = label_w, width - value_w
        top = line + 10
        bottom = self.height() - 2 * line - 14  # axis labels and legend below
        row_h = max(8.0, (bottom - top) / n)
        bar_h = max(6.0, row_h - _ROW_GAP)
        probs = None if self.prediction is None else self.prediction.probabilities
        sure = self.prediction is not None and self.prediction.is_sure(self.threshold)
        top_color = QColor(theme.SERIES[2] if sure else theme.SERIES[1])
        other_color = QColor(theme.SERIES[0])
        span = max(1.0, right - left)
        for i, name in enumerate(self.names):
            y = top + i * row_h
            bar = QRectF(left, y + (row_h - bar_h) / 2.0, span, bar_h)
            painter.fillRect(bar, track)
            painter.setPen(text)
            painter.drawText(QRectF(0, y, label_w - 8, row_h),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, name)
            if i == self.true_label:
                painter.setPen(QPen(text, 1.5))
                painter.drawRoundedRect(bar.adjusted(-2, -1.5, 2, 1.5), 3, 3)
            if probs is None:
                continue
            p = float(probs[i])
            fill = QRectF(bar.left(), bar.top(), span * p, bar.height())
            painter.fillRect(fill, top_color if i == self.prediction.top else other_color)
            painter.setPen(text if p >= 0.005 else muted)
            painter.drawText(QRectF(right + 4, y, value_w, row_h),
                             Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                             f"{100 * p:.1f} %")

        # threshold line and the axis 0–100 %
        x_thr = left + span * self.threshold
        axis_y = top + n * row_h + 2
        painter.setPen(QPen(text, 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x_thr, top - 2), QPointF(x_thr, axis_y))
        painter.setPen(QPen(muted, 1.0))
        painter.drawLine(QPointF(left, axis_y), QPointF(right, axis_y))
        for frac in (0.0, 0.25, 0.5, 0.75, 1.0):
            x = left + span * frac
            painter.drawLine(QPointF(x, axis_y), QPointF(x, axis_y + 4))
        painter.drawText(QRectF(left, axis_y + 4, 60, line),
                         Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, "0 %")
        painter.drawText(QRectF(right - 60, axis_y + 4, 60, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignTop, "100 %")
        painter.drawText(QRectF(left, axis_y + 4, span, line), Qt.AlignmentFlag.AlignHCenter,
                         self.axis_label)
        self._paint_legend(painter, axis_y + line + 8, line, top_color, other_color, text)
        painter.end()
        self.paint_count += 1
        self.last_paint = time.perf_counter()

    def _paint_legend(self, painter: QPainter, y: float, line: float, top_color: QColor,
                      other_color: QColor, text: QColor) -> None:
        fm = painter.fontMetrics()
        x = 4.0
        sw = line * 0.8
        items = [("fill", top_color), ("fill", other_color), ("dash", text), ("outline", text)]
        for (kind, color), label in zip(items, self.legend, strict=True):
            box = QRectF(x, y + (line - sw) / 2.0, sw * 1.4, sw)
            if kind == "fill":
                painter.fillRect(box, color)
            elif kind == "dash":
                painter.setPen(QPen(color, 1.2, Qt.PenStyle.DashLine))
                painter.drawLine(QPointF(box.center().x(), box.top() - 1),
                                 QPointF(box.center().x(), box.bottom() + 1))
            else:
                painter.setPen(QPen(color, 1.2))
                painter.drawRoundedRect(box, 2, 2)
            painter.setPen(text)
            painter.drawText(QPointF(box.right() + 4, y + fm.ascent()), label)
            x = box.right() + 4 + fm.horizontalAdvance(label) + 12


class PredictionSummary(QWidget):
    """The answer in words: the top class, how sure, and the true label when it is known."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.answer = QLabel("–")
        font = QFont(self.answer.font())
        font.setPointSizeF(font.pointSizeF() * 3.2)
        font.setBold(True)
        self.answer.setFont(font)
        self.answer.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.answer.setMinimumWidth(80)
        self.detail = QLabel()
        detail_font = QFont(self.detail.font())
        detail_font.setPointSizeF(detail_font.pointSizeF() * 1.3)
        self.detail.setFont(detail_font)
        self.detail.setWordWrap(True)
        self.truth = QLabel()
        self.truth.setWordWrap(True)
        words = QVBoxLayout()
        words.setSpacing(2)
        words.addStretch(1)
        words.addWidget(self.detail)
        words.addWidget(self.truth)
        words.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(10)
        layout.addWidget(self.answer)
        layout.addLayout(words, 1)
        self.setMinimumHeight(72)
        self._state: tuple = (None, list(DIGITS), DEFAULT_THRESHOLD, None, None)
        self._styles: dict[QLabel, str] = {}
        self.retranslate()
        connect_weak(language_changed, self.retranslate)

    def retranslate(self) -> None:
        self.answer.setToolTip(tr("The class with the highest probability: the network's "
                                  "answer (book ch. 3.6)."))
        self.detail.setToolTip(tr("The answer's probability. Below the “not sure” threshold the "
                                  "two likeliest classes are named instead. When the model "
                                  "file carries a “not a digit” threshold, an input whose "
                                  "logits are all weak (low energy score, the log of the sum "
                                  "of their exponentials) is called not a digit; for the shipped "
                                  "model that threshold calls 2 % of the MNIST test digits so."))
        self.show_prediction(*self._state)

    def _style(self, label: QLabel, css: str) -> None:
        """Set a style sheet only when it changes (restyling costs more than the rest)."""
        if self._styles.get(label) != css:
            self._styles[label] = css
            label.setStyleSheet(css)

    def show_prediction(self, prediction: Prediction | None, names: list[str],
                        threshold: float, true_label: int | None = None,
                        message: str | None = None) -> None:
        """Show ``prediction`` (None: nothing to classify, with ``message`` if given)."""
        self._state = (prediction, list(names), threshold, true_label, message)
        muted = theme.muted_color()
        if prediction is None:
            self.answer.setText("–")
            self._style(self.answer, f"color: {muted};")
            self.detail.setText(message or tr("Nothing drawn. Draw a digit to see what the "
                                              "network thinks."))
            self.truth.clear()
            return
        top, conf = prediction.top, prediction.confidence
        self.answer.setText(names[top])
        if prediction.not_a_digit:
            self.answer.setText("?")
            self._style(self.answer, f"color: {muted};")
            self.detail.setText(tr(
                "This doesn't look like a digit. The bars still add up to 100 %: softmax "
                "always shares out all of the probability among the ten classes (ch. 3.5), "
                "even when none of them fits; {a} is only the least bad."
            ).format(a=names[top]))
        elif prediction.is_sure(threshold):
            self._style(self.answer, "")
            self.detail.setText(tr("{p:.1f} % sure").format(p=100 * conf))
        else:
            second = prediction.runner_up()
            self._style(self.answer, f"color: {muted};")
            self.detail.setText(tr("Not sure — {a} ({pa:.0f} %) or {b} ({pb:.0f} %)?").format(
                a=names[top], pa=100 * conf, b=names[second],
                pb=100 * prediction.probabilities[second]))
        if true_label is None:
            self.truth.clear()
        elif true_label == top:
            self._style(self.truth, f"color: {theme.ok_color()};")
            self.truth.setText(tr("True label {label}: correct").format(label=names[true_label]))
        else:
            self._style(self.truth, f"color: {theme.error_color()};")
            self.truth.setText(tr("True label {label}: wrong").format(label=names[true_label]))
