"""Neural Network Workbench: the PySide6 desktop application and the headless command line."""
