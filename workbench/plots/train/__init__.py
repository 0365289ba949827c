"""Figure-only plotters of the Build & Train page."""
