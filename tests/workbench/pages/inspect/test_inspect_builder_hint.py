"""Issue 15.10: Inspect says so when Build & Train now shows another network than the model
it inspects."""

from __future__ import annotations

from tests.workbench.pages.inspect.inspect_support import make_context, make_page, trained_convnet
from workbench.pages.inspect.page import FILTERS


def test_a_hint_appears_while_the_builder_holds_another_network(qtbot):
    context = make_context(trained_convnet())
    builder = context.builder
    builder.load_preset("simple_convnet", filters=8, hidden_size=32, init="he")
    page = make_page(qtbot, context, FILTERS)
    try:
        hint = page.builder_hint
        assert hint.isHidden()  # the builder shows the inspected network
        builder.update(3, units=50)
        assert not hint.isHidden()
        assert hint.text() == (
            "Build & Train now shows another network than the one inspected here (Simple "
            "ConvNet (6 layers, 37,434 parameters)). These views show the model trained or "
            "opened last; train the new network to inspect it.")
        builder.undo()
        assert hint.isHidden()
        context.set_model(None)  # nothing inspected: no hint
        builder.update(3, units=50)
        assert hint.isHidden()
    finally:
        page.shutdown()
