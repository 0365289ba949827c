"""The Compare page (book ch. 6): optimizers, initializers, Batch Normalization,
regularization and hyperparameter search, side by side, live."""

from workbench.pages.compare.page import ComparePage

__all__ = ["ComparePage"]
