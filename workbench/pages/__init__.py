"""The workbench's pages, one per activity."""
