"""The Inspect page: filters, feature maps, histograms, mistakes and gradient check."""

from workbench.pages.inspect.page import InspectPage

__all__ = ["InspectPage"]
