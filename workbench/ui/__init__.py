"""Shared Qt building blocks: theme, fonts, fields, the plot canvas, small widgets."""
