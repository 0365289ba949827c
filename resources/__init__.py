"""Data shipped with the application, installed as the package ``workbench.resources``.

``pyproject.toml`` maps this folder into the package namespace (``[tool.setuptools.package-dir]``),
so a wheel carries it and code finds it with :mod:`importlib.resources`, installed or editable:
``workbench.resources_locator.resource_path("icons", "app.svg")``. The embedded digits
(``digits/``) are the engine's and are installed as ``nn.resources`` instead.
"""
