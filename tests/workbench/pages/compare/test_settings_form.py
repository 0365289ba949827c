"""The settings form shared by the comparison tabs: it reads every field into the tab's
settings, writes them back, and names what is wrong in a file it cannot show."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QComboBox

from workbench.pages.compare.controls import DataChoice, NetworkFields, SeedsRow, int_spin, log_box
from workbench.pages.compare.settings_form import SettingsForm
from workbench.shell.context import AppContext

pytestmark = pytest.mark.usefixtures("private_data_folders")


@pytest.fixture
def form(qtbot) -> SettingsForm:
    form = SettingsForm()
    qtbot.addWidget(form)
    form.add("data", DataChoice(AppContext(), form), optional=True)
    form.add("network", NetworkFields(form), labelled=False)
    optimizer = form.add("optimizer", QComboBox(form))
    optimizer.addItem("SGD", "sgd")
    optimizer.addItem("Adam", "adam")
    form.add("lr", log_box(0.01, parent=form))
    form.add("batch_size", int_spin(1, 10_000, 100, parent=form))
    form.add("seeds", SeedsRow(form))
    form.retranslate("Training")
    return form


def test_values_round_trip_through_settings(form):
    values = form.values()
    assert values == {"data": "digits", "network": values["network"], "optimizer": "sgd",
                      "lr": 0.01, "batch_size": 100, "seeds": 1, "first_seed": 0}
    changed = {**values, "optimizer": "adam", "lr": 0.002, "batch_size": 32, "seeds": 3,
               "first_seed": 7, "network": {**values["network"], "layers": 2, "units": 50}}
    form.set_values(changed)
    assert form.values() == changed
    assert isinstance(form.values()["batch_size"], int)
    assert isinstance(form.values()["lr"], float)


def test_rows_are_labelled_except_spanning_ones(form):
    assert set(form.labels) == {"data", "optimizer", "lr", "batch_size", "seeds"}
    assert form.title() == "Training"
    assert form.labels["lr"].text() == "Learning rate"
    form.retranslate("Each trial", {"lr": "Step size"})
    assert (form.title(), form.labels["lr"].text()) == ("Each trial", "Step size")


def test_optional_keys_may_be_missing_required_ones_may_not(form):
    settings = form.values()
    del settings["data"]
    settings["batch_size"] = 64
    form.set_values(settings)  # a file from before the data choice existed
    assert form.values()["batch_size"] == 64
    del settings["lr"]
    with pytest.raises(KeyError, match="lr"):
        form.set_values(settings)


def test_an_unknown_choice_is_named(form):
    with pytest.raises(ValueError, match="Unknown Optimizer: 'lbfgs'"):
        form.set_values({**form.values(), "optimizer": "lbfgs"})
    with pytest.raises(ValueError, match="Unknown data set 'cifar'"):
        form.set_values({**form.values(), "data": "cifar"})
