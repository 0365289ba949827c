"""Qt-free state of the Draw page: the strokes on the canvas, the personal drawings set."""
