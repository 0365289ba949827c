"""The package list for setuptools (everything else is in pyproject.toml).

pyproject.toml can either find packages or list them, not both; we need both: the packages found
under ``nn/`` and ``workbench/`` (so a new subpackage ships without editing a list), plus the two
data packages that ``[tool.setuptools.package-dir]`` maps from ``resources/``.
"""

from setuptools import find_packages, setup

RESOURCE_PACKAGES = ["workbench.resources", "nn.resources"]

setup(packages=[*find_packages(include=["nn", "nn.*", "workbench", "workbench.*"]),
                *RESOURCE_PACKAGES])
