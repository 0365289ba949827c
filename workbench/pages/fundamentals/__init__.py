"""Fundamentals: the book's chapters 2–5 (perceptron, activations, softmax, losses, numerical
derivatives, gradient descent, backpropagation) as interactive demos."""

from workbench.pages.fundamentals.page import DEMOS, FundamentalsPage

__all__ = ["DEMOS", "FundamentalsPage"]
