"""The Draw page: hand-draw a digit, or open an image, and watch the network classify it."""

from workbench.pages.draw.page import DrawPage

__all__ = ["DrawPage"]
