"""Qt-free state of the Inspect page: what it remembers about each model."""
