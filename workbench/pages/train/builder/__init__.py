"""The model builder: preset picker, layer stack editor, layer settings and explanations."""

from workbench.pages.train.builder.builder_widget import BuilderWidget

__all__ = ["BuilderWidget"]
