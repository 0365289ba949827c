"""``nn-workbench --self-test``: open the main window, check what an installation must provide,
close the window, exit 0 — or 1 with the reason on stderr.

It checks that the window really opened (shown and exposed by the window system), that the
shipped files are there (window and sidebar icons, the Chinese catalog, the embedded digits) and
that the Draw page holds the pretrained demo model and reads the embedded test digits correctly.
The run uses a temporary settings folder, so the user's remembered settings are neither read
nor changed; with ``QT_QPA_PLATFORM=offscreen`` it needs no display (CI, a fresh install).
"""

from __future__ import annotations

import sys
import tempfile
import traceback

#: How long the window system may take to show the window, in milliseconds.
EXPOSE_TIMEOUT_MS = 20_000
#: The demo model must classify at least this share of the first embedded test digits.
MIN_DEMO_ACCURACY = 0.95
DEMO_SAMPLES = 200


def check_window(window) -> list[str]:
    """Problems with an open :class:`~workbench.shell.main_window.MainWindow` (empty: all is well).

    Shows the Draw page on the way (building it if it was still lazy).
    """
    from PySide6.QtCore import Qt
    from PySide6.QtWidgets import QApplication

    from nn import datasets
    from workbench.core import i18n
    from workbench.pages.draw.models import DEMO

    problems = []
    handle = window.windowHandle()
    if not window.isVisible() or handle is None or not handle.isExposed():
        problems.append("the main window is not shown on the screen")
    if QApplication.windowIcon().pixmap(32, 32).isNull():
        problems.append("the application icon did not load (resources/icons/app.svg)")
    sidebar = window.sidebar
    blank = [sidebar.item(i).data(Qt.ItemDataRole.UserRole) for i in range(sidebar.count())
             if sidebar.item(i).icon().pixmap(28, 28).isNull()]
    if blank:
        problems.append(f"sidebar icons did not load for: {', '.join(map(str, blank))}")
    if not i18n.load_catalog("zh_CN"):
        problems.append("the Simplified Chinese catalog (resources/i18n/zh_CN.json) is missing "
                        "or empty")
    window.show_page("draw")
    page = window.page("draw")
    picker = getattr(page, "picker", None)
    if page is None or picker is None:
        return [*problems, "the Draw page did not open"]
    if picker.source != DEMO or picker.model is None:
        reason = picker.problem or f"it shows {picker.source!r} instead"
        return [*problems, f"the Draw page has no pretrained demo model ({reason})"]
    try:
        test = datasets.load("digits")
    except datasets.DatasetError as exc:
        return [*problems, f"the embedded digits did not load: {exc}"]
    x, y = test.x_test[:DEMO_SAMPLES], test.y_test[:DEMO_SAMPLES]
    accuracy = float((picker.model.predict(x) == y).mean())
    if accuracy < MIN_DEMO_ACCURACY:
        problems.append(f"the demo model classifies only {accuracy:.1%} of {len(y)} embedded "
                        f"test digits (expected at least {MIN_DEMO_ACCURACY:.0%})")
    return problems


def run_self_test() -> int:
    """Open, check and close the main window; print the outcome; return the exit code."""
    settings_dir = tempfile.TemporaryDirectory(prefix="nn-workbench-self-test-")
    try:
        from PySide6.QtCore import QSettings
        from PySide6.QtTest import QTest

        # Before anything creates a QSettings: every default QSettings() goes to the temp folder.
        QSettings.setDefaultFormat(QSettings.Format.IniFormat)
        QSettings.setPath(QSettings.Format.IniFormat, QSettings.Scope.UserScope, settings_dir.name)
        from workbench.shell.app import create_application

        app = create_application([sys.argv[0] if sys.argv else "nn-workbench"])
        from workbench.shell.main_window import MainWindow

        window = MainWindow()
        window.show()
        QTest.qWaitForWindowExposed(window, EXPOSE_TIMEOUT_MS)
        problems = check_window(window)
        window.close()
        app.processEvents()
        if window.isVisible():
            problems.append("the main window did not close")
    except Exception as exc:  # any failure to start is the test's finding, not a crash
        traceback.print_exc()
        problems = [f"{type(exc).__name__}: {exc}"]
    finally:
        settings_dir.cleanup()
    if problems:
        for problem in problems:
            print(f"self-test failed: {problem}", file=sys.stderr, flush=True)
        return 1
    print(f"self-test passed: the main window opened with the pretrained demo model on Draw "
          f"({DEMO_SAMPLES} embedded test digits at least {MIN_DEMO_ACCURACY:.0%} right) and "
          "closed", flush=True)
    return 0
