"""The app's shipped files are found through ``importlib.resources`` (workbench.resources)."""

from __future__ import annotations

import pytest

from workbench.core import resources_locator
from workbench.core.resources_locator import ResourcesMissing, resource_path


@pytest.mark.parametrize("parts", [("icons", "app.svg"), ("icons", "draw.svg"),
                                   ("i18n", "zh_CN.json"),
                                   ("models", "digits_deep_convnet.npz")])
def test_shipped_files_are_found(parts):
    assert resource_path(*parts).is_file()


def test_a_missing_package_says_how_to_install(monkeypatch: pytest.MonkeyPatch):
    monkeypatch.setattr(resources_locator, "PACKAGE", "workbench.no_such_resources")
    with pytest.raises(ResourcesMissing, match="is not installed: install the project"):
        resource_path("icons", "app.svg")
