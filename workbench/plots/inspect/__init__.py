"""Figure-only plotters of the Inspect page."""
