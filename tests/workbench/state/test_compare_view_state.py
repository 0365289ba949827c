"""The state behind the Compare page's 2-D paths and initializer grid: validation, change
announcements and round trips, without any widget."""

from __future__ import annotations

import pytest

from nn import landscapes as L
from workbench.state.compare.init_grid import InitGridSettings

BOOK = {"sgd": 0.95, "momentum": 0.1, "adagrad": 1.5, "adam": 0.3}


def test_paths_state_validates_and_announces():
    from workbench.state.compare.paths import PathsState, compute_paths

    state = PathsState()
    calls = []
    state.changed.connect(lambda: calls.append(1))
    state.set_function("rosenbrock")
    assert state.start == (-1.2, 1.0) and state.steps == 500
    assert state.hyper["adam"]["lr"] == L.get("rosenbrock").rates["adam"]
    with pytest.raises(ValueError, match="steps"):
        state.set_steps(0)
    with pytest.raises(ValueError, match="beta1"):
        state.set_hyperparameter("adam", "beta1", 1.0)
    with pytest.raises(ValueError, match="no setting"):
        state.set_hyperparameter("sgd", "momentum", 0.5)
    assert len(calls) == 1
    state.set_steps(5)
    result = compute_paths(state.snapshot())
    assert set(result.paths) == set(BOOK)
    assert all(p.shape == (6, 2) for p in result.paths.values())


def test_grid_settings_rows_and_custom_row():
    s = InitGridSettings(rows=("he", "std1"), custom=True, custom_std=0.2).validated()
    assert s.rows == ("std1", "he") and s.row_names() == ("std1", "he", "std0.2")
    dup = InitGridSettings(custom=True, custom_std=1.0).validated()
    assert dup.row_names() == ("std1", "std0.01", "xavier", "he")  # no duplicate row
    assert InitGridSettings.from_dict(s.to_dict()) == s
