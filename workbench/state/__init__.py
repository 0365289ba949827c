"""Qt-free state objects behind the GUI's panels (each announces changes with a Signal)."""

from workbench.state.builder import BuilderState, LayerRow, Validation, validate
from workbench.state.setup import DEFAULT_AUGMENT, DEFAULT_LR, TrainingSetup

__all__ = ["DEFAULT_AUGMENT", "DEFAULT_LR", "BuilderState", "LayerRow", "TrainingSetup",
           "Validation", "validate"]
