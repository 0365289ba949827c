"""Shared set-up for the Inspect page tests: a small trained convnet on a slice of the embedded
digits, an app context holding both, and a shown page."""

from __future__ import annotations

import functools

import numpy as np

import nn
from nn.experiment import DataConfig, PreparedData, prepare_data
from workbench.shell.context import AppContext


@functools.lru_cache(maxsize=1)
def small_data() -> PreparedData:
    """1,000 training, 200 validation and 500 test digits."""
    full = prepare_data(DataConfig())
    (x, y), (xv, yv), (xt, yt) = full.train, full.val, full.test
    return PreparedData(full.name, (x[:1000], y[:1000]), (xv[:200], yv[:200]),
                        (xt[:500], yt[:500]), full.class_names, full.description)


def small_convnet(seed: int = 0) -> nn.Sequential:
    """The book's SimpleConvNet, narrower: Conv 8@5×5 – ReLU – pool – 32 – ReLU – 10."""
    return nn.presets.build("simple_convnet", filters=8, hidden_size=32, init="he", seed=seed)


@functools.lru_cache(maxsize=1)
def _trained_state() -> dict[str, np.ndarray]:
    data = small_data()
    model = small_convnet()
    opt = nn.optimizers.get("adam", lr=2e-3)
    x, y = data.train
    for idx in nn.datasets.batch_indices(len(x), 50, rng=0):
        model.train_step(x[idx], y[idx], opt)
    return model.state_dict()


def trained_convnet() -> nn.Sequential:
    """A fresh copy of the small convnet after one epoch (≈ 80–90 % accuracy: some mistakes)."""
    model = small_convnet()
    model.load_state_dict(_trained_state())
    return model


def make_context(model: nn.Sequential | None = None, data: PreparedData | None = None
                 ) -> AppContext:
    context = AppContext()
    context.set_data(small_data() if data is None else data)
    if model is not None:
        context.set_model(model)
    return context


def make_page(qtbot, context: AppContext, tab: int | None = None):
    from workbench.pages.inspect import InspectPage

    page = InspectPage(context)
    qtbot.addWidget(page)
    page.resize(1100, 800)
    if tab is not None:
        page.tabs.setCurrentIndex(tab)
    page.show()
    qtbot.waitExposed(page)
    return page


def idle(view) -> bool:
    """True once ``view`` has no job running or pending."""
    return not view.jobs.running and not view._rerun and not view.stale
