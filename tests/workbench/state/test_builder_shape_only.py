"""The builder validates by shapes alone (issue 13): no edit, preset, undo or validation
allocates a weight — with model construction and every initializer made to fail, the builder
still works and reports what a built model would — and a stack past the engine's parameter
limit is refused, naming the layer, before anything is allocated."""

from __future__ import annotations

import pytest

import nn
from workbench.state.builder import BuilderState

BIG = [{"type": "Conv2D", "config": {"filters": 1024, "kernel_size": 3, "pad": 1}},
       {"type": "ReLU", "config": {}}, {"type": "Flatten", "config": {}},
       {"type": "Dense", "config": {"units": 8192}}]


def _rows(state: BuilderState) -> list[tuple]:
    return [(r.type, r.output_shape, r.parameters) for r in state.validation().rows]


def _built_rows(state: BuilderState) -> list[tuple]:
    model = state.build()
    return [(type(layer).__name__, layer.output_shape, layer.parameter_count)
            for layer in model.layers]


@pytest.fixture
def no_weights(monkeypatch):
    """Make any model construction or weight draw fail loudly."""
    calls = []

    def refuse(*args, **kwargs):
        calls.append(args)
        raise AssertionError("the builder allocated weights")

    def forbid():
        monkeypatch.setattr(nn.Sequential, "_build", refuse)
        monkeypatch.setattr(nn.initializers.Initializer, "__call__", refuse)

    return forbid, calls, monkeypatch


def test_no_builder_edit_allocates_weights(no_weights):
    forbid, calls, _ = no_weights
    reference = BuilderState()
    reference.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
    reference.update(0, filters=12)
    reference.add({"type": "BatchNorm", "config": {}}, 1)
    reference.set_input_shape((1, 20, 20))
    expected_rows, expected_config = _built_rows(reference), reference.build(3).to_config()

    forbid()
    state = BuilderState()
    state.load_preset("simple_convnet", input_shape=(1, 28, 28), classes=10)
    assert state.validation().ok
    state.update(0, filters=12)
    state.add({"type": "BatchNorm", "config": {}}, 1)
    state.duplicate(1)
    state.remove(2)
    state.move(1, 2)
    state.move(2, 1)
    state.set_input_shape((1, 20, 20))
    state.set_init("xavier")
    state.undo()
    state.redo()
    state.undo()
    assert _rows(state) == expected_rows
    assert state.validation().total_parameters == sum(r[2] for r in expected_rows)
    assert state.model_config(seed=3) == expected_config
    state.load_config({"layers": BIG, "input_shape": [1, 28, 28]})
    assert not state.validation().ok
    state.clear()
    assert calls == []
    state.undo()  # back to the refused stack; Train would say why, nothing was built
    assert not state.validation().ok and calls == []


def test_a_stack_past_the_parameter_limit_is_refused_naming_the_layer(no_weights):
    forbid, calls, _ = no_weights
    forbid()
    state = BuilderState()
    state.load_config({"layers": BIG, "input_shape": [1, 28, 28]})
    result = state.validation()
    assert not result.ok and result.error_index == 3
    assert "Layer 3 (Dense(units=8192" in result.error
    assert "6,576,676,864 parameters" in result.error and "50,000,000" in result.error
    # the layers before it keep their shapes and sizes; the failing row carries the message
    assert [r.output_shape for r in result.rows[:3]] == [(1024, 28, 28), (1024, 28, 28),
                                                         (802816,)]
    assert result.rows[0].parameters == 1024 * 9 + 1024
    assert result.rows[3].error == result.error and result.rows[3].output_shape is None
    assert calls == []
