"""Qt-free services of the workbench: observable signals, translations, session files, images,
resources, and the computations the pages run off the GUI thread."""
