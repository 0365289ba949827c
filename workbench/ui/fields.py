"""Small building blocks shared by the set-up panels.

* :class:`NumberBox` — a spin box for numbers that span orders of magnitude (``1e-3`` typed,
  1-2-5 steps on the arrows) whose range is left to the engine, so a bad value reaches the
  engine's validation and its message is shown instead of being silently clamped;
* :class:`ElidedLabel` — a one-line label that elides long paths in the middle;
* :class:`Expander` — an arrow button that shows or hides "advanced" rows;
* :func:`connect_weak` — connect a Qt-free :class:`~workbench.core.observable.Signal` to a widget
  method without keeping the widget alive or calling it after Qt deleted it;
* :func:`apply` — call a state setter and show its ``ValueError`` in an
  :class:`~workbench.ui.common.ErrorLabel`.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtCore import Signal as QtSignal
from PySide6.QtGui import QPalette, QValidator
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QSizePolicy,
    QToolButton,
    QWidget,
)

from workbench.ui.common import ErrorLabel

_PARTIAL_NUMBER = re.compile(r"[+-]?(\d*\.?\d*)([eE][+-]?\d*)?")
_HUGE = 1e12


def format_number(value: float, digits: int = 6) -> str:
    """Compact text for ``value``: ``0.001``, ``1e-05`` → ``1e-5``, ``0.9``, ``0``."""
    text = f"{value:.{digits}g}"
    return re.sub(r"e([+-])0*(\d)", lambda m: f"e{'-' if m.group(1) == '-' else ''}{m.group(2)}",
                  text)


def nice_step(value: float, steps: int, floor: float) -> float:
    """Move ``value`` ``steps`` places along the 1-2-5 series (…, 0.001, 0.002, 0.005, 0.01, …).

    A value between two grid points moves to the neighbouring grid point first. Below
    ``floor`` the series ends at 0 (stepping up from 0 gives ``floor``).
    """
    if value <= 0:
        return floor if steps > 0 else 0.0
    mantissas = (1, 2, 5)

    def grid(k: int) -> float:
        return float(f"{mantissas[k % 3]}e{k // 3}")

    k = 3 * math.floor(math.log10(value))
    while grid(k + 1) <= value * (1 + 1e-9):
        k += 1
    while grid(k) > value * (1 + 1e-9):
        k -= 1
    on_grid = math.isclose(grid(k), value, rel_tol=1e-9)
    k = k + steps if (on_grid or steps > 0) else k + steps + 1
    result = grid(k)
    if result < floor * (1 - 1e-9):
        return 0.0
    return result


class NumberBox(QDoubleSpinBox):
    """A spin box that accepts any finite number (``0.001``, ``1e-3``) and lets the engine judge.

    Parameters
    ----------
    log : bool
        Arrow keys step through the 1-2-5 series (learning rates, weight decay) instead of
        adding ``step``.
    step : float
        Linear step (when not ``log``).
    soft_range : (float, float)
        The arrows never leave this range; typed values may (the engine then explains why
        they are invalid).
    floor : float
        ``log`` only: the smallest positive value the arrows reach before 0.
    """

    def __init__(self, parent: QWidget | None = None, *, log: bool = False, step: float = 0.01,
                 soft_range: tuple[float, float] = (-_HUGE, _HUGE), floor: float = 1e-6) -> None:
        super().__init__(parent)
        self._log, self._soft, self._floor = log, soft_range, floor
        self.setDecimals(15)  # Qt rounds stored values to this many decimals
        self.setRange(-_HUGE, _HUGE)
        self.setSingleStep(step)
        self.setKeyboardTracking(False)  # valueChanged on Enter / focus-out / arrows only
        self.setCorrectionMode(QDoubleSpinBox.CorrectionMode.CorrectToPreviousValue)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)

    def textFromValue(self, value: float) -> str:  # noqa: N802 (Qt override)
        return format_number(value)

    def valueFromText(self, text: str) -> float:  # noqa: N802 (Qt override)
        try:
            value = float(text.strip())
        except ValueError:
            return self.value()
        return value if math.isfinite(value) else self.value()

    def validate(self, text: str, pos: int) -> object:
        stripped = text.strip()
        try:
            value = float(stripped)
        except ValueError:
            state = (QValidator.State.Intermediate if _PARTIAL_NUMBER.fullmatch(stripped)
                     else QValidator.State.Invalid)
            return state, text, pos
        ok = math.isfinite(value) and abs(value) <= _HUGE
        return (QValidator.State.Acceptable if ok else QValidator.State.Invalid), text, pos

    def fixup(self, text: str) -> str:
        return text

    def stepBy(self, steps: int) -> None:  # noqa: N802 (Qt override)
        value = self.value()
        if self._log:
            target = nice_step(value, steps, self._floor)
        else:
            target = round(value + steps * self.singleStep(), 12)
        low, high = self._soft
        self.setValue(min(max(target, low), high))
        self.selectAll()

    def stepEnabled(self) -> QDoubleSpinBox.StepEnabledFlag:  # noqa: N802 (Qt override)
        flags = QDoubleSpinBox.StepEnabledFlag.StepNone
        low, high = self._soft
        if self.value() < high:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepUpEnabled
        if self.value() > low:
            flags |= QDoubleSpinBox.StepEnabledFlag.StepDownEnabled
        return flags


class ElidedLabel(QLabel):
    """One line of text elided in the middle to fit; the full text is in :meth:`full_text`."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._full = ""
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

    def full_text(self) -> str:
        return self._full

    def set_full_text(self, text: str) -> None:
        self._full = text
        self._elide()

    def resizeEvent(self, event: Any) -> None:  # noqa: N802 (Qt override)
        super().resizeEvent(event)
        self._elide()

    def _elide(self) -> None:
        width = max(self.width(), 40)
        self.setText(self.fontMetrics().elidedText(self._full, Qt.TextElideMode.ElideMiddle,
                                                   width))


class Expander(QToolButton):
    """A flat arrow button ("▸ Advanced") that shows or hides extra rows.

    Not a checkable button (a checked tool button is drawn sunken): it keeps its own state and
    announces it with :attr:`expandedChanged`.
    """

    expandedChanged = QtSignal(bool)  # noqa: N815 (Qt naming)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._expanded = False
        self.setAutoRaise(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setArrowType(Qt.ArrowType.RightArrow)
        self.clicked.connect(lambda: self.set_expanded(not self._expanded))

    def is_expanded(self) -> bool:
        return self._expanded

    def set_expanded(self, expanded: bool) -> None:
        if bool(expanded) == self._expanded:
            return
        self._expanded = bool(expanded)
        self.setArrowType(Qt.ArrowType.DownArrow if expanded else Qt.ArrowType.RightArrow)
        self.expandedChanged.emit(self._expanded)


def muted_label(parent: QWidget | None = None, *, wrap: bool = True) -> QLabel:
    """A hint label in the palette's placeholder colour (follows light and dark themes)."""
    label = QLabel(parent)
    label.setWordWrap(wrap)
    label.setForegroundRole(QPalette.ColorRole.PlaceholderText)
    return label


def make_form() -> QFormLayout:
    """A form whose fields take the remaining width and whose labels never wrap."""
    form = QFormLayout()
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)
    return form


def apply(error: ErrorLabel, setter: Callable[..., Any], *args: Any, **kwargs: Any) -> bool:
    """Call a state setter; show its ``ValueError`` in ``error`` (the state keeps its value)."""
    try:
        setter(*args, **kwargs)
    except ValueError as exc:
        error.show_error(str(exc))
        return False
    error.show_error(None)
    return True
