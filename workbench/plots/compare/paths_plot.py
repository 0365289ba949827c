"""The optimizer-paths figure (book fig. 6-8, live): the function's contour map with each
optimizer's path, and the function's value along each path.

Pure Matplotlib on a given ``Figure``. Everything that moves while the paths animate (the paths,
their heads, the loss curves and the step cursor) is listed by
:meth:`PathsFigure.animated_artists` for blitting over a cached background: the axes limits are
fixed for a whole animation, so a frame costs only the moving lines, not the contour map.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
from matplotlib.colors import LinearSegmentedColormap, LogNorm, Normalize, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from numpy.typing import NDArray

from nn.landscapes import Landscape
from workbench.core.i18n import tr
from workbench.ui.mpl_style import style_axes

GRID = 240  # contour grid resolution per axis
MARKER_STEPS = 120  # paths up to this many steps show a dot per step (the book's 'o-')
LOSS_FLOOR = 1e-12


# ------------------------------------------------------------------------- display paths
def clip_segments(path: NDArray, box: tuple[float, float, float, float]
                  ) -> tuple[NDArray, NDArray]:
    """Clip the polyline ``path`` (n, 2) to ``box`` = (x0, x1, y0, y1) for drawing.

    Each segment is clipped on its own (Liang–Barsky): one leaving the box ends on its edge, one
    entirely outside is dropped, and breaks are ``nan`` rows — so a diverging path is drawn as a
    line leaving the view in the right direction, and no huge number reaches the renderer.

    Returns
    -------
    vertices : ndarray (m, 2)
    ends : ndarray (n − 1,) int
        ``vertices[:ends[k]]`` draws segments 0…k (the first ``k + 1`` steps).
    """
    path = np.asarray(path, dtype=np.float64)
    n = len(path)
    if n < 2:
        keep = path[np.all(np.isfinite(path), axis=1)]
        return keep.copy(), np.zeros(0, dtype=int)
    p, q = path[:-1], path[1:]
    d = q - p
    x0, x1, y0, y1 = box
    with np.errstate(all="ignore"):
        valid = np.all(np.isfinite(p), axis=1) & np.all(np.isfinite(q), axis=1)
        t0, t1 = np.zeros(n - 1), np.ones(n - 1)
        for num, den in ((p[:, 0] - x0, -d[:, 0]), (x1 - p[:, 0], d[:, 0]),
                         (p[:, 1] - y0, -d[:, 1]), (y1 - p[:, 1], d[:, 1])):
            parallel = den == 0
            valid &= ~(parallel & (num < 0))
            t = np.where(parallel, 0.0, num / np.where(parallel, 1.0, den))
            t0 = np.where(~parallel & (den < 0), np.maximum(t0, t), t0)
            t1 = np.where(~parallel & (den > 0), np.minimum(t1, t), t1)
        valid &= t0 <= t1
        a = np.where((t0 == 0)[:, None], p, p + t0[:, None] * d)  # exact vertices when inside
        b = np.where((t1 == 1)[:, None], q, p + t1[:, None] * d)
    prev_whole_end = np.r_[False, valid[:-1] & (t1[:-1] == 1)]
    joined = valid & (t0 == 0) & prev_whole_end
    seen_before = np.r_[False, np.cumsum(valid)[:-1] > 0]
    slots = np.stack([np.full_like(a, np.nan), a, b], axis=1)  # (n−1, 3, 2)
    used = np.stack([valid & ~joined & seen_before, valid & ~joined, valid], axis=1)
    vertices = slots[used]
    ends = np.cumsum(used.sum(axis=1))
    return vertices, ends


class DisplayPath:
    """One optimizer's path ready to draw: clipped once, then cut at any (fractional) step."""

    def __init__(self, path: NDArray, box: tuple[float, float, float, float]) -> None:
        self.path = np.asarray(path, dtype=np.float64)
        self.box = box
        self.vertices, self.ends = clip_segments(self.path, box)
        x0, x1, y0, y1 = box
        ok = np.all(np.isfinite(self.path), axis=1)
        with np.errstate(invalid="ignore"):
            self.inside = ok & (self.path[:, 0] >= x0) & (self.path[:, 0] <= x1) & \
                (self.path[:, 1] >= y0) & (self.path[:, 1] <= y1)

    def upto(self, s: float) -> NDArray:
        """Vertices of the first ``s`` steps; a fractional ``s`` ends between two positions."""
        n = len(self.path) - 1
        s = min(max(s, 0.0), float(n))
        k = int(math.floor(s))
        if k == 0:
            verts = self.path[:1] if self.inside[0] else np.empty((0, 2))
        else:
            verts = self.vertices[:self.ends[k - 1]]
        frac = s - k
        if frac > 1e-9 and k < n and self.inside[k] and self.inside[k + 1]:
            head = self.path[k] + frac * (self.path[k + 1] - self.path[k])
            verts = np.vstack([verts, head]) if len(verts) else head[None, :]
        return verts

    def head(self, s: float) -> NDArray | None:
        """The moving point at step ``s`` (None when off the drawable area or diverged)."""
        verts = self.upto(s)
        if not len(verts) or not np.all(np.isfinite(verts[-1])):
            return None
        return verts[-1]


# ------------------------------------------------------------------------------ figure
class PathsFigure:
    """Contour map with paths (left, with a colour bar) and f along each path (right)."""

    def __init__(self, fig: Figure, colors: dict[str, str]) -> None:
        self.fig, self.colors = fig, colors
        fig.set_facecolor(colors["window"])
        fig.set_layout_engine("constrained", h_pad=0.03, w_pad=0.03)  # room for every text
        grid = fig.add_gridspec(1, 3, width_ratios=(40, 1, 23))
        self.ax = fig.add_subplot(grid[0, 0])
        self.cax = fig.add_subplot(grid[0, 1])
        self.ax_loss = fig.add_subplot(grid[0, 2])
        for ax in (self.ax, self.ax_loss):
            style_axes(ax, colors)
        self.ax.grid(False)
        self.cax.tick_params(colors=colors["text"], labelsize=7)
        self.landscape: Landscape | None = None
        self.title = ""
        self._field = None
        self._field_max = 1.0
        self._static: list = []
        self.lines: dict[str, Line2D] = {}
        self.heads: dict[str, Line2D] = {}
        self.loss_lines: dict[str, Line2D] = {}
        self.display: dict[str, DisplayPath] = {}
        self.values: dict[str, NDArray] = {}
        self.labels: dict[str, str] = {}
        self.step = 0.0
        self.n_steps = 0
        self.start_marker, = self.ax.plot([], [], "o", ms=11, mfc="none", mew=1.6,
                                          color=colors["text"], zorder=6)
        self.cursor = self.ax_loss.axvline(0.0, color=colors["text"], alpha=0.45, lw=1.0)
        self.retranslate()

    # ---------------------------------------------------------------------------- texts
    def retranslate(self) -> None:
        self.ax.set_xlabel("x")
        self.ax.set_ylabel("y")
        self.ax_loss.set_title(tr("Loss along the path"), fontsize=10)
        self.ax_loss.set_xlabel(tr("step"))
        self.start_marker.set_label(tr("start"))
        self._loss_ylabel()
        self._title()
        if self.landscape is not None:
            self._label_points()
        self.cax.set_title(self._bar_title(), fontsize=8, color=self.colors["text"])
        self._legends()

    def _title(self) -> None:
        formula = self.landscape.formula if self.landscape else ""
        if len(formula) > 30:  # Beale's formula gets a line of its own
            text = tr("{name}\nf(x, y) = {formula}")
        else:
            text = tr("{name}: f(x, y) = {formula}")
        self.ax.set_title(text.format(name=self.title, formula=formula),
                          fontsize=8.5 if len(formula) > 30 else 10)

    def _bar_title(self) -> str:
        land = self.landscape
        return "f − f*" if land is not None and land.minima and land.f_min != 0 else "f"

    def _field_label(self) -> str:
        land = self.landscape
        if land is not None and land.minima and land.f_min != 0:
            return tr("f(x, y) − f(global minimum)")
        return tr("f(x, y)")

    def _loss_ylabel(self) -> None:
        label = self._field_label()
        if self.landscape is not None and self.landscape.minima:
            label += " " + tr("(log scale)")
        self.ax_loss.set_ylabel(label)

    def _legends(self) -> None:
        """Map: start and minima; loss plot: the optimizers (their colours hold on the map)."""
        paths = set(self.lines.values())
        for ax, loc in ((self.ax, "lower left"), (self.ax_loss, "upper right")):
            handles, labels = ax.get_legend_handles_labels()
            pairs = [(h, t) for h, t in zip(handles, labels, strict=True) if h not in paths]
            handles, labels = [h for h, _ in pairs], [t for _, t in pairs]
            if ax.get_legend() is not None:
                ax.get_legend().remove()
            if not handles:
                continue
            legend = ax.legend(handles, labels, loc=loc, fontsize=8, framealpha=0.75)
            legend.get_frame().set_facecolor(self.colors["face"])
            for text in legend.get_texts():
                text.set_color(self.colors["text"])

    # ---------------------------------------------------------------------- the landscape
    def set_landscape(self, land: Landscape, title: str) -> None:
        """Draw ``land``'s contour map over its default view (static; a full redraw follows)."""
        self.landscape, self.title = land, title
        for artist in self._static:
            artist.remove()
        self._static = []
        x0, x1, y0, y1 = land.view
        gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
        z = land.value(np.stack([gx, gy], axis=-1))
        self._field = (gx, gy, z)
        face, text = np.array(to_rgb(self.colors["face"])), np.array(to_rgb(self.colors["text"]))
        cmap = LinearSegmentedColormap.from_list("field", [face * 0.97 + text * 0.03,
                                                           face * 0.72 + text * 0.28])
        if land.minima:  # f − f* ≥ 0: logarithmic levels resolve the valley floor
            shifted = np.maximum(z - land.f_min, LOSS_FLOOR)
            high = float(shifted.max())
            low = 1e-4 * high if land.log_levels else 1e-2 * high
            levels = np.geomspace(low, high, 17 if land.log_levels else 13)
            norm = LogNorm(levels[0], levels[-1])
            data = np.clip(shifted, levels[0], levels[-1])
        else:
            span = float(np.abs(z).max())
            levels = np.linspace(-span, span, 17)
            norm = Normalize(-span, span)
            data = z
        filled = self.ax.contourf(gx, gy, data, levels=levels, norm=norm, cmap=cmap,
                                  zorder=0)
        lines = self.ax.contour(gx, gy, data, levels=levels, norm=norm, colors=text[None, :],
                                linewidths=0.6, alpha=0.3, zorder=1)
        self.cax.clear()
        bar = self.fig.colorbar(filled, cax=self.cax)
        if land.minima:
            decades = np.arange(math.ceil(math.log10(levels[0])),
                                math.floor(math.log10(levels[-1])) + 1)
            bar.set_ticks(10.0 ** decades, labels=[f"{10.0**d:g}" for d in decades])
            bar.minorticks_off()
        self.cax.tick_params(colors=self.colors["text"], labelsize=7)
        self.cax.set_title(self._bar_title(), fontsize=8, color=self.colors["text"])
        self._static += [filled, lines]
        self._label_points()
        self.ax.set_xlim(x0, x1)
        self.ax.set_ylim(y0, y1)
        self._field_max = float(np.max(data))
        self.ax_loss.set_yscale("log" if land.minima else "linear")
        self._title()
        self._loss_ylabel()

    def _label_points(self) -> None:
        land = self.landscape
        for artist in [a for a in self._static if isinstance(a, Line2D)]:
            artist.remove()
            self._static.remove(artist)
        if land.minima:
            mx, my = np.array(land.minima).T
            label = tr("minimum") if len(land.minima) == 1 else tr("minima (★ global)")
            mark, = self.ax.plot(mx[:1], my[:1], "*", ms=14, color=self.colors["text"],
                                 mec=self.colors["face"], mew=0.8, zorder=5, label=label)
            self._static.append(mark)
            if len(land.minima) > 1:
                other, = self.ax.plot(mx[1:], my[1:], "*", ms=9, color=self.colors["text"],
                                      mec=self.colors["face"], mew=0.8, zorder=5)
                self._static.append(other)
        if land.critical:
            cx, cy = np.array(land.critical).T
            label = tr("saddle point") if not land.minima else tr("barrier (saddle point)")
            crit, = self.ax.plot(cx, cy, "X", ms=9, color=self.colors["text"],
                                 mec=self.colors["face"], mew=0.8, zorder=5, label=label)
            self._static.append(crit)
        self._legends()

    def restyle(self, colors: dict[str, str]) -> None:
        """Follow a light/dark theme change: recolour the axes and redraw the map's shading."""
        self.colors = colors
        self.fig.set_facecolor(colors["window"])
        for ax in (self.ax, self.ax_loss):
            style_axes(ax, colors)
        self.ax.grid(False)
        self.start_marker.set_color(colors["text"])
        self.cursor.set_color(colors["text"])
        for head in self.heads.values():
            head.set_markeredgecolor(colors["face"])
        if self.landscape is not None:
            self.set_landscape(self.landscape, self.title)
        self.retranslate()

    def field_at(self, x: float, y: float) -> float:
        """f at (x, y) (for the cursor readout)."""
        return float(self.landscape.value([x, y])) if self.landscape else math.nan

    # --------------------------------------------------------------------------- the paths
    def set_paths(self, paths: Mapping[str, NDArray], values: Mapping[str, NDArray],
                  colors: Mapping[str, str], labels: Mapping[str, str],
                  start: tuple[float, float]) -> None:
        """Replace the paths (``name → (steps + 1, 2)``) and f along them; fixes the loss axes'
        limits for the whole animation. Call :meth:`show_step` next."""
        land = self.landscape
        x0, x1, y0, y1 = land.view
        w, h = x1 - x0, y1 - y0
        box = (x0 - 2 * w, x1 + 2 * w, y0 - 2 * h, y1 + 2 * h)  # beyond any sensible zoom-out
        for store in (self.lines, self.heads, self.loss_lines):
            for artist in store.values():
                artist.remove()
            store.clear()
        self.display = {k: DisplayPath(p, box) for k, p in paths.items()}
        self.labels = dict(labels)
        self.n_steps = max((len(p) - 1 for p in paths.values()), default=0)
        marker = "o" if self.n_steps <= MARKER_STEPS else None
        self.values = {}
        for name in paths:
            color = colors[name]
            line, = self.ax.plot([], [], "-", marker=marker, ms=3.2, lw=1.5, color=color,
                                 zorder=3, label=labels[name])
            head, = self.ax.plot([], [], "o", ms=8, color=color, mec=self.colors["face"],
                                 mew=1.0, zorder=4)
            v = np.asarray(values[name], dtype=np.float64)
            with np.errstate(invalid="ignore"):
                v = np.maximum(v - land.f_min, LOSS_FLOOR) if land.minima else v.copy()
            v[~np.isfinite(v)] = np.nan
            self.values[name] = v
            loss, = self.ax_loss.plot([], [], "-", lw=1.5, color=color, label=labels[name])
            self.lines[name], self.heads[name], self.loss_lines[name] = line, head, loss
        self.start_marker.set_data([start[0]], [start[1]])
        self._fix_loss_limits()
        self._legends()
        self.step = float(self.n_steps)
        self._update_artists()

    def _fix_loss_limits(self) -> None:
        self.ax_loss.set_xlim(0, max(self.n_steps, 1))
        finite = [v[np.isfinite(v)] for v in self.values.values()]
        finite = np.concatenate(finite) if finite else np.empty(0)
        if not finite.size:
            self.ax_loss.set_ylim(*((LOSS_FLOOR, 1.0) if self.landscape.minima else (-1, 1)))
            return
        if self.landscape.minima:  # a diverging path must not squash the others
            lo, hi = float(finite.min()), min(float(finite.max()), 10 * self._field_max)
            lo = max(lo, hi * 1e-12, LOSS_FLOOR)
            self.ax_loss.set_ylim(lo / 2, hi * 2 if hi > lo else lo * 10)
        else:  # the saddle: f falls without bound; show the range seen in the view
            x0, x1, y0, y1 = self.landscape.view
            span = max(abs(x0), abs(x1), abs(y0), abs(y1)) ** 2
            lo = max(float(finite.min()), -4 * span)
            hi = float(finite.max())
            pad = 0.05 * (hi - lo or 1.0)
            self.ax_loss.set_ylim(lo - pad, hi + pad)

    def show_step(self, step: float) -> None:
        """Point every moving artist at ``step`` (fractional steps interpolate the heads);
        the caller blits."""
        self.step = min(max(float(step), 0.0), float(self.n_steps))
        self._update_artists()

    def _update_artists(self) -> None:
        s = self.step
        k = int(math.floor(s))
        for name, disp in self.display.items():
            verts = disp.upto(s)
            self.lines[name].set_data(verts[:, 0], verts[:, 1])
            head = disp.head(s)
            self.heads[name].set_data(*(([head[0]], [head[1]]) if head is not None
                                        else ([], [])))
            v = self.values[name][:k + 1]
            self.loss_lines[name].set_data(np.arange(len(v)), v)
        self.cursor.set_xdata([s, s])

    def animated_artists(self) -> list:
        """The artists that move during playback (for a :class:`BlitManager`). The legends
        stay in the background: redrawing one costs more than all the lines."""
        return [*self.lines.values(), *self.heads.values(), *self.loss_lines.values(),
                self.cursor]

    # ------------------------------------------------------------------------------ readout
    def readout(self, ax, x: float | None, y: float | None) -> str:
        if x is None or y is None:
            return ""
        if ax is self.ax:
            return tr("x {x:.3g}, y {y:.3g}: f = {f:.4g}").format(x=x, y=y, f=self.field_at(x, y))
        if ax is self.ax_loss and self.values:
            k = int(np.clip(round(x), 0, self.n_steps))
            parts = [tr("step {k}").format(k=k)]
            for name, v in self.values.items():
                if k < len(v) and math.isfinite(v[k]):
                    parts.append(f"{self.labels[name]} {v[k]:.3g}")
            return "  ".join(parts)
        return ""
