"""Reusable Qt widgets of the workbench (each listens to a Qt-free state object)."""
