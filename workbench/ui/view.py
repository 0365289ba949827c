"""The one base of every page and tab: what a view of the workbench does the same way.

A :class:`View` is a widget that

* **recomputes when shown, stays stale while hidden**: :meth:`View.invalidate` when its inputs
  change; :meth:`View.recompute` runs now if the view is visible, else when it is next shown;
* **keeps to a time budget while training runs** (:class:`TrainingBudget`): views that redraw
  live space their work out so the training thread keeps the cores;
* **follows the language and the theme**, wired once here: :meth:`View.retranslate` after every
  language change (and :meth:`View.invalidate` when its figures carry translated texts),
  :meth:`View.restyle` after a light/dark palette change (by default every declared plotter's
  ``restyle``);
* **declares its parts**: :meth:`View.plotters` lists its Figure-only plotters;
* **ends explicitly**: :meth:`View.shutdown` stops its timers and background work (the main
  window calls it on every page at exit; a page passes it on to its tabs).

:func:`connect_weak` is the one way a widget listens to a longer-lived signal (the language, a
Qt-free state object) without being kept alive by it.
"""

from __future__ import annotations

import time
import weakref
from collections.abc import Callable
from typing import Any

import shiboken6
from PySide6.QtCore import QEvent, QTimer
from PySide6.QtWidgets import QWidget

from workbench.core.i18n import language_changed
from workbench.ui import theme


def connect_weak(signal: Any, method: Callable[..., Any]) -> Callable[..., Any]:
    """Connect ``signal`` (a Qt-free :class:`~workbench.core.observable.Signal`) to a widget's
    bound ``method`` without keeping the widget alive.

    The relay disconnects itself once the widget is garbage or Qt has deleted it, so a
    long-lived state object (or :data:`workbench.core.i18n.language_changed`) never calls into a
    dead widget. The method is looked up by name at each call, so an override set on the
    instance later is the one called. Returns the relay (to disconnect it by hand).
    """
    ref, name = weakref.ref(method.__self__), method.__name__

    def relay(*args: Any) -> None:
        owner = ref()
        if owner is None or not shiboken6.isValid(owner):
            signal.disconnect(relay)
            return
        getattr(owner, name)(*args)

    signal.connect(relay)
    return relay


class TrainingBudget:
    """How often a view may work while training runs: at most every ``interval`` seconds, and
    spaced out further when its work is slow, so that work takes about ``share`` of the time.

    ``spacing()`` is the seconds to leave between two pieces of work; ``measure(seconds)``
    records how long the last one took.
    """

    def __init__(self, interval: float = 1.0, share: float = 0.15) -> None:
        self.interval, self.share = interval, share
        self.last = -1e9  # when the last piece of work started (perf_counter)
        self.seconds = 0.0  # how long it took

    def spacing(self) -> float:
        return max(self.interval, self.seconds / self.share)

    def wait(self, now: float | None = None) -> float:
        """Seconds until the next piece of work may start (≤ 0: now)."""
        now = time.perf_counter() if now is None else now
        return self.last + self.spacing() - now

    def start(self) -> float:
        self.last = time.perf_counter()
        return self.last

    def measure(self, seconds: float) -> None:
        self.seconds = seconds


class View(QWidget):
    """Base of every page and tab (see the module docstring for the protocol)."""

    #: Whether the view's figures carry translated texts, so a language change recomputes
    #: them too (now if shown, else when next shown), not only :meth:`retranslate`.
    translated_figures = False

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._view_stale = False
        connect_weak(language_changed, self._language_changed)

    def _language_changed(self) -> None:
        self.retranslate()
        if self.translated_figures:
            self.invalidate()

    # ------------------------------------------------------------------------ the parts
    def plotters(self) -> list[Any]:
        """The view's Figure-only plotters (each with ``restyle(colors)``)."""
        return []

    # ---------------------------------------------------------------------- recomputing
    def invalidate(self) -> None:
        """Inputs changed: recompute now if the view is shown, else when it is next shown."""
        self._view_stale = True
        if self.isVisible():
            self.update_now()

    def update_now(self) -> None:
        """Recompute now, shown or not. A view whose work may be deferred (a job still
        running, a training-time budget) overrides this and stays :attr:`stale` until it
        really recomputes."""
        self._view_stale = False
        self.recompute()

    @property
    def stale(self) -> bool:
        """Whether the view waits to recompute until it is shown."""
        return self._view_stale

    def recompute(self) -> None:
        """Bring what the view shows up to date with its inputs (GUI thread)."""

    def showEvent(self, event) -> None:  # noqa: N802 — Qt override
        super().showEvent(event)
        if self._view_stale:
            QTimer.singleShot(0, self._recompute_if_stale)

    def _recompute_if_stale(self) -> None:
        if self._view_stale and shiboken6.isValid(self) and self.isVisible():
            self.update_now()

    # ------------------------------------------------------------------ language, theme
    def retranslate(self) -> None:
        """Set every text again in the current language (called after each change)."""

    def restyle(self, colors: dict[str, str]) -> None:
        """Follow a light/dark palette change: by default restyle the declared plotters."""
        for plot in self.plotters():
            plot.restyle(colors)

    def changeEvent(self, event) -> None:  # noqa: N802 — Qt override
        if event.type() == QEvent.Type.PaletteChange:
            self.restyle(theme.plot_colors())
        super().changeEvent(event)

    # ------------------------------------------------------------------------------ end
    def shutdown(self) -> None:
        """Stop timers and background work; the view is about to go (app exit)."""


__all__ = ["TrainingBudget", "View", "connect_weak"]
