"""Figure-only plotters of the Compare page."""
