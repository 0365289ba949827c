"""Data / Optimizer / Training set-up of a run: :class:`SetupWidget` and :class:`DownloadDialog`."""

from workbench.widgets.setup.download_dialog import DownloadDialog
from workbench.widgets.setup.setup_widget import SetupWidget

__all__ = ["DownloadDialog", "SetupWidget"]
