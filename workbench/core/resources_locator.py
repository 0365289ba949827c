"""Where the application's shipped files are: icons, translations, the pretrained demo model.

They live in the repository's top-level ``resources/`` folder, which ``pyproject.toml`` installs
as the package ``workbench.resources`` (in a wheel and in an editable install alike), so they are
found through :mod:`importlib.resources` wherever the app is installed — never relative to a
source file. The embedded digits are the engine's: :func:`nn.datasets.digits_path`.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

__all__ = ["PACKAGE", "ResourcesMissing", "resource_path"]

PACKAGE = "workbench.resources"


class ResourcesMissing(OSError):
    """The resource package is not installed (e.g. a checkout run without ``pip install``)."""


def resource_path(*parts: str) -> Path:
    """The file-system path of a shipped file, e.g. ``resource_path("icons", "app.svg")``.

    The path is returned whether or not the file exists (callers say what is missing).

    Raises
    ------
    ResourcesMissing
        ``workbench.resources`` cannot be imported, or is not a folder on disk (Qt and NumPy
        need real files).
    """
    try:
        root = files(PACKAGE)
    except ModuleNotFoundError:
        raise ResourcesMissing(
            f"{PACKAGE} is not installed: install the project (python -m pip install -e . in "
            "the checkout, or pip install the wheel); it maps resources/ into the package"
        ) from None
    if not isinstance(root, Path):
        raise ResourcesMissing(f"{PACKAGE} is not a folder on disk ({root!r}); install the "
                               "wheel unpacked, as pip does")
    return root.joinpath(*parts)
