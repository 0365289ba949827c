"""The application shell: main window, the shared context, File and Help menus, dialogs."""
