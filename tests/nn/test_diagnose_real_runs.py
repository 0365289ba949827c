"""The assistant on four real short runs (issue 22's acceptance): it names the right problem
first. Seeded, small budgets, the embedded digits; a few seconds in all."""

from __future__ import annotations

import pytest

from nn import diagnose as D
from nn.experiment import DataConfig, ModelSpec, RunConfig, make_trainer, prepare_data
from nn.training import TrainSettings

DEEP = {"hidden_sizes": [100] * 5}  # the book's ch. 6.2 five-hidden-layer network
#: The book's ch. 6.4.1 set-up: a seven-layer network, 300 training images, judged on the test
#: set (no validation split).
OVERFIT = {"hidden_sizes": [100] * 6}
_DATA: dict[tuple, object] = {}
_RUNS: dict[str, list] = {}


def _findings(label: str, model: ModelSpec, data: DataConfig, optimizer: dict,
              training: dict) -> list[D.Finding]:
    """The ranked findings after the run (each run once per session)."""
    if label not in _RUNS:
        key = (data.train_size, data.val_fraction)
        if key not in _DATA:
            _DATA[key] = prepare_data(data)
        run = RunConfig(model, data, optimizer, TrainSettings(seed=0, **training))
        trainer = make_trainer(run, _DATA[key])
        list(trainer.run())
        evidence = D.from_trainer(trainer, data={**data.__dict__, "images": True})
        _RUNS[label] = D.diagnose(evidence)
    return _RUNS[label]


CASES = [
    ("SGD lr 10", ModelSpec("multi_layer_net"), DataConfig(train_size=2000),
     {"name": "sgd", "lr": 10}, {"epochs": 2}, "lr_too_high"),
    ("SGD lr 1e-5", ModelSpec("multi_layer_net"), DataConfig(train_size=2000),
     {"name": "sgd", "lr": 1e-5}, {"epochs": 3}, "lr_too_low"),
    ("300 images, no regularization", ModelSpec("multi_layer_net", OVERFIT),
     DataConfig(train_size=300, val_fraction=0.0), {"name": "sgd", "lr": 0.05},
     {"epochs": 40, "batch_size": 50}, "overfitting"),
    ("std 0.01 on the deep net", ModelSpec("multi_layer_net", DEEP, init="std0.01"),
     DataConfig(train_size=2000), {"name": "sgd", "lr": 0.01}, {"epochs": 3}, "small_init"),
]


@pytest.mark.parametrize(("label", "model", "data", "optimizer", "training", "expected"), CASES,
                         ids=[c[0] for c in CASES])
def test_the_assistant_names_the_right_problem_first(label, model, data, optimizer, training,
                                                     expected):
    findings = _findings(label, model, data, optimizer, training)
    assert findings, label
    assert findings[0].id == expected, [f.id for f in findings]
    assert findings[0].fixes and findings[0].fixes[0].applicable


def test_each_first_fix_is_the_one_the_issue_asks_for():
    high, low, over, init = (_findings(*case[:5]) for case in CASES)
    assert (high[0].fixes[0].name, high[0].fixes[0].value) == ("lr", 1.0)  # ÷ 10
    assert (low[0].fixes[0].name, low[0].fixes[0].value) == ("lr", 1e-4)  # × 10
    assert low[0].fixes[1].value["name"] == "adam"
    assert [f.name or f.value["type"] for f in over[0].fixes] == [
        "weight_decay", "Dropout", "augment", "train_size"]
    assert init[0].fixes[0].value == "he"
    assert [f.id for f in init][:2] == ["small_init", "vanishing_gradients"]
