"""Whether Train and "+1 epoch" can run, and the reasons they give when they cannot.

"+1 epoch" trains the last run's model further, whatever the builder shows now. So it names
that model, and it is off when the builder shows an invalid stack or another network —
continuing would silently train something else than what the user sees (issue 15.2).
"""

from __future__ import annotations

from dataclasses import dataclass

import nn
from workbench.core.i18n import plural, tr, tr_dynamic
from workbench.state import BuilderState, TrainingSetup
from workbench.state.train_data import expected_input_shape, model_title, same_network


def train_blocker(builder: BuilderState, setup: TrainingSetup) -> str | None:
    """Why Train is unavailable (an invalid stack, a Step layer, an input that does not fit
    the data), or None."""
    validation = builder.validation()
    if not validation.ok:
        return tr("Fix the model first: {error}").format(error=tr_dynamic(validation.error or ""))
    if any(spec["type"] == "Step" for spec in builder.layers):
        return tr("The model contains a Step activation, which has no useful gradient "
                  "(book ch. 3.2): replace it with Sigmoid or ReLU to train.")
    expected = expected_input_shape(setup.data)
    if builder.input_shape != expected:
        return tr("The model takes inputs of shape {m}, but “{data}” gives {d}: choose "
                  "matching data, or a network for this data (Model tab).").format(
            m="×".join(map(str, builder.input_shape)), data=setup.data.name,
            d="×".join(map(str, expected)))
    return None


@dataclass(frozen=True)
class Continuation:
    """Whether "+1 epoch" may run, and the tooltip that says what it does or why not."""

    allowed: bool
    tooltip: str


def continuation(model: nn.Sequential | None, epochs_done: int, diverged: bool,
                 builder: BuilderState) -> Continuation:
    """``model``: the model "+1 epoch" would train (None: nothing to continue)."""
    if model is None:
        return Continuation(False, tr("Nothing to continue yet: press Train first; '+1 epoch' "
                                      "then trains the same model one epoch more."))
    name = model_title(model)
    if diverged:
        return Continuation(False, tr("The last run ({model}) diverged and cannot be "
                                      "continued: change the settings and press Train.").format(
            model=name))
    if not builder.validation().ok:
        return Continuation(False, tr("The builder's stack is invalid. '+1 epoch' would "
                                      "continue the last run's model, {model}, which is not "
                                      "what the builder shows: fix the stack or undo to "
                                      "continue it.").format(model=name))
    if not same_network(builder, model.to_config()):
        return Continuation(False, tr("The builder now shows another network than the last "
                                      "run's ({model}), so '+1 epoch' is off: Train starts "
                                      "the network shown; Edit → Undo brings the trained one "
                                      "back to continue it.").format(model=name))
    done = plural(epochs_done, tr("1 epoch"), tr("{n} epochs")).format(n=epochs_done)
    return Continuation(True, tr("Continue the last run — {model}, trained for {done} — for "
                                 "exactly one more epoch, keeping its weights and optimizer "
                                 "state (Ctrl+E).").format(model=name, done=done))


__all__ = ["Continuation", "continuation", "train_blocker"]
