"""Spin boxes that refuse an out-of-range number out loud instead of cutting it short.

Qt's own ``QSpinBox`` validates every keystroke: in a box of 1–8, typing "30" drops the "0" and
leaves 3, with no word. These boxes let the number be typed and, when it is committed (Enter or
leaving the box), refuse it: the box goes back to its previous value, :attr:`refused` carries
the typed number, :attr:`refusal` says why, and — unless the owner shows the message itself —
a tooltip next to the box says it too (issue 15.6). Every tooltip set on a box ends with its
allowed range.
"""

from __future__ import annotations

from PySide6.QtCore import QPoint, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QAbstractSpinBox, QDoubleSpinBox, QSpinBox, QToolTip, QWidget

from workbench.core.i18n import tr


def number_text(value: float) -> str:
    """``8`` for whole numbers, ``0.95`` otherwise, ``100,000`` with thousands."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,g}"


class _RefuseOutOfRange:
    """Mix-in for :class:`QSpinBox` and :class:`QDoubleSpinBox` (see the module)."""

    def _setup_refusal(self, announce: bool) -> None:
        self.setCorrectionMode(QAbstractSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setKeyboardTracking(False)  # a typed number counts once committed, not per key
        self._announce = announce
        self.refusal = ""  # why the last typed number was refused ("" once one is taken)
        self.valueChanged.connect(self._accepted)

    def _typed_number(self, text: str) -> float | None:
        body = text.strip()
        for affix in (self.prefix(), self.suffix()):
            if affix:
                body = body.replace(affix, "")
        locale = self.locale()
        body = body.replace(locale.groupSeparator(), "").strip()
        if isinstance(self, QDoubleSpinBox):
            body = body.replace(locale.decimalPoint(), ".")
        try:
            return float(body)
        except ValueError:
            return None

    def validate(self, text: str, pos: int) -> object:  # noqa: D102 - Qt override
        state, text, pos = super().validate(text, pos)
        if state == QValidator.State.Invalid and self._typed_number(text) is not None:
            state = QValidator.State.Intermediate  # out of range: refused when committed
        return state, text, pos

    def fixup(self, text: str) -> str:  # noqa: D102 - Qt override
        number = self._typed_number(text)
        if number is not None and not self.minimum() <= number <= self.maximum():
            high = number > self.maximum()
            template = (tr("{value} is more than the largest allowed, {limit}; it stays "
                           "{kept}.") if high else
                        tr("{value} is less than the smallest allowed, {limit}; it stays "
                           "{kept}."))
            self.refusal = template.format(
                value=number_text(number), kept=number_text(self.value()),
                limit=number_text(self.maximum() if high else self.minimum()))
            if self._announce and self.isVisible():
                QToolTip.showText(self.mapToGlobal(QPoint(0, self.height())), self.refusal,
                                  self)
            self.refused.emit(number)
        return text

    def range_text(self) -> str:
        return tr("Allowed: {low} to {high}.").format(low=number_text(self.minimum()),
                                                       high=number_text(self.maximum()))

    def setToolTip(self, text: str) -> None:  # noqa: N802 - Qt naming
        """The tooltip, ending with the allowed range (once)."""
        limits = self.range_text()
        super().setToolTip(text if not text or limits in text else f"{text}\n{limits}")

    def _accepted(self, *_args: object) -> None:
        self.refusal = ""


class BoundedSpinBox(_RefuseOutOfRange, QSpinBox):
    """A whole-number spin box that refuses out-of-range input out loud."""

    refused = Signal(float)

    def __init__(self, parent: QWidget | None = None, *, announce: bool = True) -> None:
        super().__init__(parent)
        self._setup_refusal(announce)


class BoundedDoubleSpinBox(_RefuseOutOfRange, QDoubleSpinBox):
    """A decimal spin box that refuses out-of-range input out loud."""

    refused = Signal(float)

    def __init__(self, parent: QWidget | None = None, *, announce: bool = True) -> None:
        super().__init__(parent)
        self._setup_refusal(announce)


__all__ = ["BoundedDoubleSpinBox", "BoundedSpinBox", "number_text"]
