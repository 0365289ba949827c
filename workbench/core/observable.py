"""A tiny Qt-free signal, so state objects can announce changes and be tested without Qt.

Bound methods are held weakly, so connecting a widget's method never keeps the widget alive;
a slot whose owner has a ``destroyed`` signal (any QObject, found by duck typing — this module
imports no Qt) is forgotten when the owner is destroyed, so a deleted widget is never called.
"""

from __future__ import annotations

import inspect
import weakref
from collections.abc import Callable
from typing import Any


class Signal:
    """Callbacks called in connection order with the arguments given to :meth:`emit`."""

    def __init__(self) -> None:
        self._slots: list[Callable[[], Callable[..., Any] | None]] = []

    def connect(self, slot: Callable[..., Any]) -> None:
        if self._find(slot) is not None:
            return
        if inspect.ismethod(slot):
            ref: Callable[[], Callable[..., Any] | None] = weakref.WeakMethod(slot)
            destroyed = getattr(slot.__self__, "destroyed", None)
            if destroyed is not None and hasattr(destroyed, "connect"):
                destroyed.connect(lambda *_args, r=ref: self._drop(r))
        else:
            ref = _Strong(slot)
        self._slots.append(ref)

    def disconnect(self, slot: Callable[..., Any]) -> None:
        ref = self._find(slot)
        if ref is not None:
            self._drop(ref)

    def emit(self, *args: Any) -> None:
        for ref in list(self._slots):
            slot = ref()
            if slot is None:
                self._drop(ref)
            else:
                slot(*args)

    def _find(self, slot: Callable[..., Any]):
        for ref in self._slots:
            if ref() == slot:
                return ref
        return None

    def _drop(self, ref) -> None:
        if ref in self._slots:
            self._slots.remove(ref)


class _Strong:
    """A strong reference with the same call interface as ``weakref.WeakMethod``."""

    __slots__ = ("target",)

    def __init__(self, target: Callable[..., Any]) -> None:
        self.target = target

    def __call__(self) -> Callable[..., Any]:
        return self.target
