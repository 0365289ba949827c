"""Qt-free state of the Compare page: each view's settings and results, the experiments as data."""
