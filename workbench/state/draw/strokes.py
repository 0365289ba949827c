"""What is on the drawing canvas, as a Qt-free list of actions with undo and redo.

The canvas is a square of :data:`CANVAS_SIZE` units (the raster the network's preprocessing reads
has one pixel per unit, like the 280×280 canvases of other MNIST demos). Every pen-down…pen-up is
one :class:`Stroke`; loading an image or clearing is a :class:`Reset`. Undo and redo step through
these actions one at a time, so a stroke, a clear and a loaded image can all be taken back.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from workbench.core.observable import Signal

#: Side of the square canvas in drawing units (= pixels of the raster the network sees).
CANVAS_SIZE = 280
#: Default pen width in canvas units: about 2 px once a full-height digit is scaled to MNIST's
#: 20-px box, like the pen strokes in MNIST.
DEFAULT_PEN_WIDTH = 22.0
MIN_PEN_WIDTH = 4.0
MAX_PEN_WIDTH = 60.0
#: MNIST's pen width relative to the digit's size: strokes about 2.5–3 px wide in the 20-px box.
MNIST_PEN_RATIO = 0.14

Point = tuple[float, float, float]  # x, y in canvas units; pen pressure in (0, 1]


@dataclass(frozen=True)
class Stroke:
    """One pen-down…pen-up.

    Attributes
    ----------
    points : tuple of (x, y, pressure)
        In canvas units, at least one point.
    width : float
        Pen width in canvas units at full pressure.
    erase : bool
        An eraser stroke removes ink instead of adding it.
    """

    points: tuple[Point, ...]
    width: float
    erase: bool = False

    @property
    def pressure_varies(self) -> bool:
        """Whether the pressure changes along the stroke (a tablet pen)."""
        first = self.points[0][2]
        return any(abs(p[2] - first) > 1e-3 for p in self.points)


@dataclass(frozen=True, eq=False)
class Reset:
    """Start over: a blank canvas, or an image to draw on.

    Attributes
    ----------
    base : numpy.ndarray of shape (H, W), optional
        Ink-high image in ``[0, 1]``, fitted into the canvas keeping its aspect ratio.
    direct_input : numpy.ndarray of shape (28, 28), optional
        The exact network input for this image while nothing is drawn over it: the test digit
        itself, or :func:`workbench.core.imageio.load_for_model` of a file (what ``main.py predict``
        computes). Once strokes are added, the canvas is preprocessed instead.
    title : str
        Where the image came from, e.g. a file name, shown to the user.
    label : int, optional
        The true class when it is known (a test digit, a saved drawing).
    kind : str
        ``"file"``, ``"mnist"`` (a test digit; ``title`` is its index) or ``""`` (blank).
    """

    base: NDArray[np.float32] | None = None
    direct_input: NDArray[np.float32] | None = None
    title: str = ""
    label: int | None = None
    kind: str = ""


Action = Stroke | Reset


def mnist_pen(strokes: list[Stroke], ratio: float = MNIST_PEN_RATIO) -> list[Stroke]:
    """The same strokes with the pen MNIST's writers used for a digit of this size.

    Preprocessing scales the whole drawing, pen width included, so a digit drawn small with a
    thick pen reaches the network as a blob and a large one drawn thin as a hairline; both are
    far from the MNIST digits it learnt from. Here every width is scaled by one factor so that
    the (median) ink pen is ``ratio`` times the longest side of the strokes' bounding box;
    relative widths, pressure and eraser strokes scale along.
    """
    ink = [s for s in strokes if not s.erase]
    if not ink:
        return list(strokes)
    xs = [p[0] for s in ink for p in s.points]
    ys = [p[1] for s in ink for p in s.points]
    size = max(max(xs) - min(xs), max(ys) - min(ys), 1.0)
    factor = ratio * size / float(np.median([s.width for s in ink]))
    return [replace(s, width=max(1.0, s.width * factor)) for s in strokes]


@dataclass
class DrawingHistory:
    """The canvas's actions with undo/redo; :attr:`changed` announces every change.

    ``changed`` is emitted with ``"stroke"`` when a stroke was appended (a canvas may paint just
    that stroke) and with ``"reset"`` otherwise (undo, redo, clear, load: repaint everything).
    """

    actions: list[Action] = field(default_factory=list)
    undone: list[Action] = field(default_factory=list)
    changed: Signal = field(default_factory=Signal, repr=False)

    # ------------------------------------------------------------------------------- queries
    def last_reset(self) -> Reset | None:
        """The latest :class:`Reset` in effect, or None (a blank start)."""
        for action in reversed(self.actions):
            if isinstance(action, Reset):
                return action
        return None

    def strokes(self) -> list[Stroke]:
        """The strokes drawn since the last reset, in order."""
        out: list[Stroke] = []
        for action in reversed(self.actions):
            if isinstance(action, Reset):
                break
            out.append(action)
        return out[::-1]

    @property
    def is_blank(self) -> bool:
        """Nothing on the canvas: no image and no stroke since the last reset."""
        reset = self.last_reset()
        return (reset is None or reset.base is None) and not self.strokes()

    @property
    def can_undo(self) -> bool:
        return bool(self.actions)

    @property
    def can_redo(self) -> bool:
        return bool(self.undone)

    def direct_input(self) -> NDArray[np.float32] | None:
        """The image's exact network input while no stroke covers it (see :class:`Reset`)."""
        reset = self.last_reset()
        if reset is None or reset.direct_input is None or self.strokes():
            return None
        return reset.direct_input

    # ------------------------------------------------------------------------------- changes
    def add_stroke(self, stroke: Stroke) -> None:
        if not stroke.points:
            raise ValueError("a stroke needs at least one point")
        self.actions.append(stroke)
        self.undone.clear()
        self.changed.emit("stroke")

    def reset(self, base: NDArray | None = None, direct_input: NDArray | None = None,
              title: str = "", label: int | None = None, kind: str = "") -> None:
        """Replace the canvas with ``base`` (or blank it); undoable."""
        self.actions.append(Reset(None if base is None else np.asarray(base, np.float32),
                                  None if direct_input is None
                                  else np.asarray(direct_input, np.float32), title, label, kind))
        self.undone.clear()
        self.changed.emit("reset")

    def clear(self) -> bool:
        """Blank the canvas (undoable); False when it was blank already."""
        if self.is_blank:
            return False
        self.reset()
        return True

    def undo(self) -> bool:
        if not self.actions:
            return False
        self.undone.append(self.actions.pop())
        self.changed.emit("reset")
        return True

    def redo(self) -> bool:
        if not self.undone:
            return False
        action = self.undone.pop()
        self.actions.append(action)
        self.changed.emit("stroke" if isinstance(action, Stroke) else "reset")
        return True
