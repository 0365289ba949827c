"""Figure-only plotters of the Fundamentals page."""
