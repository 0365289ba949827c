"""Data / Optimizer / Training set-up of a run: :class:`SetupWidget` and :class:`DownloadDialog`."""

from workbench.pages.train.setup.setup_widget import SetupWidget
from workbench.shell.download_dialog import DownloadDialog

__all__ = ["DownloadDialog", "SetupWidget"]
