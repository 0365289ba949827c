"""Blitting for live plots (Matplotlib's blitting tutorial): the axes, ticks, labels and legends
are rendered once into a cached background; each refresh restores it and redraws only the data
artists, which costs a few milliseconds instead of a full ~50–100 ms redraw.

A full redraw still happens whenever the view changes (limits, resize, language): callers ask
for it with :meth:`BlitManager.full_redraw`, and the background is recaptured on Matplotlib's
``draw_event``. Animated artists are skipped by an ordinary ``Figure.draw``, so exporting goes
through :meth:`BlitManager.static` to include them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from matplotlib.artist import Artist


class BlitManager:
    def __init__(self, canvas, artists: Iterable[Artist] = ()) -> None:
        self.canvas = canvas
        self.artists: list[Artist] = []
        self._background = None
        self._exporting = False
        for artist in artists:
            self.add(artist)
        canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, artist: Artist) -> None:
        artist.set_animated(True)
        self.artists.append(artist)

    def _on_draw(self, _event) -> None:
        if self._exporting:
            return
        self._background = self.canvas.copy_from_bbox(self.canvas.figure.bbox)
        self._draw_artists()

    def _draw_artists(self) -> None:
        figure = self.canvas.figure
        for artist in self.artists:
            if artist.get_visible():
                figure.draw_artist(artist)

    def full_redraw(self) -> None:
        """Schedule a full redraw (new background) — after limits or labels change."""
        self._background = None
        self.canvas.draw_idle()

    def update(self) -> None:
        """Redraw only the data artists over the cached background."""
        if getattr(self.canvas, "resize_pending", False):
            return  # the figure has a new size; the coming full redraw shows the data
        if self._background is None:
            self.canvas.draw_idle()
            return
        self.canvas.restore_region(self._background)
        self._draw_artists()
        self.canvas.blit(self.canvas.figure.bbox)

    @contextmanager
    def static(self) -> Iterator[None]:
        """Temporarily make the data artists ordinary, e.g. for ``savefig``."""
        self._exporting = True
        for artist in self.artists:
            artist.set_animated(False)
        try:
            yield
        finally:
            for artist in self.artists:
                artist.set_animated(True)
            self._exporting = False
            self.full_redraw()
