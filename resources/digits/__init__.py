"""The embedded digits, installed as the package ``nn.resources`` (see ``nn.datasets.embedded``).

They belong to the engine (``nn.datasets.load("digits")``), which never imports the application,
so ``pyproject.toml`` maps this folder into ``nn``'s namespace, not into ``workbench.resources``.
"""
