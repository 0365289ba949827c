"""Issue 15.3, the README's example in the GUI: SGD with learning rate 10 on the default
network (SimpleConvNet, digits) stops as diverged, with the red message saying what to try."""

from __future__ import annotations

import math

from PySide6.QtCore import QSettings, Qt
from PySide6.QtTest import QTest

from nn.training import Diverged
from workbench.shell.main_window import MainWindow
from workbench.ui import theme


def test_sgd_with_learning_rate_10_stops_with_the_divergence_message(qtbot, tmp_path):
    win = MainWindow(QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(win)
    win.show()
    page = win.train_page
    try:
        assert win.builder.preset == "simple_convnet" and win.setup.data.name == "digits"
        panel = page.setup_widget.optimizer_panel
        panel.optimizer.setCurrentIndex(panel.optimizer.findData("sgd"))  # as a user picks
        lr = panel.lr_edit
        lr.setFocus()
        lr.selectAll()
        QTest.keyClicks(lr, "10")
        QTest.keyClick(lr, Qt.Key.Key_Return)
        assert win.setup.optimizer == {"name": "sgd", "lr": 10.0}
        win.setup.set_data(train_size=2000)
        win.setup.set_training(epochs=10, batch_size=100, train_eval_size=500)
        with qtbot.waitSignal(page.controller.finished, timeout=300_000) as done:
            qtbot.mouseClick(page.train_button, Qt.MouseButton.LeftButton)
        event = done.args[0]
        assert isinstance(event, Diverged)
        assert event.iteration < 200  # far from the run's 10 × 20 iterations
        qtbot.waitUntil(lambda: not page.controller.running, timeout=10_000)
        assert page.run.status == "diverged"
        message = page.message
        assert message.isVisible() and message.text() == event.reason
        assert "learning rate (10)" in message.text() and "Adam" in message.text()
        assert theme.error_color() in message.styleSheet()  # the red inline message
        assert page.status_text().startswith("Diverged")
        page.plots.refresh(force=True)
        assert all(math.isfinite(v) for v in page.plots.training.raw.get_ydata())
    finally:
        win.close()
