"""AppContext is the one owner of "which model may a page read now"."""

from __future__ import annotations

import nn
from workbench.shell.context import AppContext


def _model() -> nn.Sequential:
    return nn.presets.build("multi_layer_net", input_shape=(2,), hidden_sizes=[4], classes=2)


def test_the_readable_model_is_the_live_one_when_idle_and_a_snapshot_while_training():
    context = AppContext()
    assert context.readable_model is None and context.working_copy() is None
    live = _model()
    context.set_model(live)
    assert context.readable_model is live
    context.set_model(live, training=True)
    assert context.readable_model is None  # no consistent copy yet: never the live model
    snapshot = live.copy()
    context.receive_probe("snapshot", snapshot)
    assert context.readable_model is snapshot
    copy = context.working_copy()
    assert copy is not snapshot and copy.to_config() == snapshot.to_config()
    context.set_training(False)
    assert context.readable_model is live


def test_inspect_and_draw_read_the_context_s_answer(qtbot):
    from workbench.pages.inspect.source import InspectSource

    context = AppContext()
    source = InspectSource(context)
    live = _model()
    context.set_model(live, training=True)
    assert source.model is None and source.architecture is live
    snapshot = live.copy()
    context.receive_probe("snapshot", snapshot)
    assert source.model is snapshot is context.readable_model
    context.set_model(live)
    assert source.model is live
