"""Run configs, the comparison runner (the book's ch. 6 outcomes), random search, files."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import nn
from nn.compare import Comparison, Variant, init_variants, optimizer_variants, smoothed
from nn.experiment import (
    DataConfig,
    ModelSpec,
    RunConfig,
    build_model,
    load_experiment,
    make_trainer,
    prepare_data,
    save_experiment,
)
from nn.search import RandomSearch, TrialEnd
from nn.training import StepEnd, TrainSettings


@pytest.fixture(scope="module")
def digits():
    return prepare_data(DataConfig("digits", val_fraction=0))


def book_base(**training):
    """The book's ch. 6 MNIST comparisons: 784-100×4-10, batch 128 (budget shortened)."""
    return RunConfig(
        model=ModelSpec("multi_layer_net"),
        data=DataConfig("digits", val_fraction=0),
        training=TrainSettings(**{"batch_size": 128, "epochs": 50, "max_iterations": 300,
                                  "train_eval_size": 1000, **training}),
    )


def test_book_optimizer_comparison_sgd_is_slowest(digits):
    comparison = Comparison(book_base(), optimizer_variants(["sgd", "momentum", "adagrad", "adam"]),
                            data=digits)
    events = list(comparison.run())
    rows = {r.label: r for r in comparison.summary()}
    assert rows["sgd"].final_loss > max(rows[n].final_loss for n in ("momentum", "adagrad", "adam"))
    assert rows["sgd"].test_acc < min(rows[n].test_acc for n in ("momentum", "adagrad", "adam"))
    # lock-step: the k-th step of every variant comes before the (k+1)-th step of any
    order = [(e.event.iteration, e.variant) for e in events if isinstance(e.event, StepEnd)]
    assert order == sorted(order)


def test_book_init_comparison_std001_stalls_he_learns_fastest(digits):
    base = book_base().with_overrides({"optimizer": {"name": "sgd", "lr": 0.01}})
    comparison = Comparison(base, init_variants(["std0.01", "xavier", "he"]), data=digits)
    list(comparison.run())
    rows = {r.label: r for r in comparison.summary()}
    assert abs(rows["std0.01"].final_loss - 2.30) < 0.02  # barely learns
    assert rows["xavier"].final_loss < 2.0 and rows["he"].final_loss < 1.0
    assert rows["he"].final_loss < rows["xavier"].final_loss


def test_variants_share_initial_weights_and_batches(digits):
    base = book_base(max_iterations=3)
    comparison = Comparison(base, [Variant("sgd", {"optimizer": {"name": "sgd"}}),
                                   Variant("sgd too", {"optimizer": {"name": "sgd"}}),
                                   Variant("bn", {"model": {"preset": "multi_layer_net_extend",
                                                            "options": {"use_batchnorm": True}}})],
                            data=digits)
    a, b, bn = (row[0].model for row in comparison.trainers)
    np.testing.assert_array_equal(a.named_parameters()["0.W"], bn.named_parameters()["0.W"])
    np.testing.assert_array_equal(a.named_parameters()["8.W"], bn.named_parameters()["12.W"])
    list(comparison.run())
    assert comparison.histories(0)[0].losses == comparison.histories(1)[0].losses


def test_seeds_give_spread_and_results_are_json(digits, tmp_path):
    comparison = Comparison(book_base(max_iterations=20), optimizer_variants(["adam"]),
                            seeds=[0, 1, 2], data=digits)
    list(comparison.run())
    (row,) = comparison.summary()
    assert row.test_acc_std > 0 and row.final_loss_std > 0 and row.train_acc_std > 0
    path = tmp_path / "cmp.json"
    save_experiment(path, "compare", comparison.base.to_dict(), comparison.results())
    doc = load_experiment(path)
    assert doc["kind"] == "compare" and len(doc["results"]["histories"][0]) == 3
    assert RunConfig.from_dict(doc["config"]).to_dict() == comparison.base.to_dict()


def test_comparison_stop(digits):
    comparison = Comparison(book_base(), optimizer_variants(["sgd", "adam"]), data=digits)
    for count, _ in enumerate(comparison.run(), start=1):
        if count == 10:
            comparison.stop()
    assert all(type(e).__name__ == "Stopped" for e in comparison.outcomes.values())


def test_run_config_round_trip_and_overrides():
    run = RunConfig(ModelSpec("simple_convnet", {"filters": 8}), DataConfig("digits"),
                    {"name": "momentum", "lr": 0.05, "momentum": 0.8}, TrainSettings(epochs=2))
    assert RunConfig.from_dict(json.loads(json.dumps(run.to_dict()))).to_dict() == run.to_dict()
    tweaked = run.with_overrides({"optimizer": {"lr": 0.01},
                                  "model": {"options": {"hidden_size": 5}}})
    assert tweaked.optimizer == {"name": "momentum", "lr": 0.01, "momentum": 0.8}
    assert tweaked.model.options == {"filters": 8, "hidden_size": 5}
    replaced = run.with_overrides({"optimizer": {"name": "adam"}})
    assert replaced.optimizer == {"name": "adam"}
    with pytest.raises(ValueError, match="unknown key 'layers' in model"):
        RunConfig.from_dict({"model": {"layers": 3}})


def test_build_model_for_toy_data_and_errors():
    data = prepare_data(DataConfig("spiral", toy_n=120))
    assert data.input_shape == (2,) and data.num_classes == 3
    model = build_model(ModelSpec("multi_layer_net", {"hidden_sizes": [8]}, init="xavier"),
                        data.input_shape, data.num_classes, seed=0)
    assert model.output_shape == (3,) and model.init == "xavier"
    with pytest.raises(nn.ModelBuildError, match="Conv2D"):
        build_model(ModelSpec("simple_convnet"), data.input_shape, data.num_classes, 0)
    explicit = nn.Sequential([nn.Dense(4), nn.ReLU(), nn.Dense(3)], input_shape=(2,)).to_config()
    model = build_model(ModelSpec(config=explicit), (2,), 3, seed=1)
    assert model.seed == 1
    with pytest.raises(ValueError, match=r"expects inputs of shape \(2,\)"):
        build_model(ModelSpec(config=explicit), (1, 28, 28), 10, 0)
    with pytest.raises(ValueError, match="unknown dataset"):
        prepare_data(DataConfig("cifar"))


def test_prepare_data_split_and_limit():
    data = prepare_data(DataConfig("digits", val_fraction=0.25, train_size=1000))
    assert len(data.train[0]) == 750 and len(data.val[0]) == 250  # the book's order
    assert len(data.test[0]) == 2000 and data.class_names[3] == "3"


def test_augmented_training_uses_the_augmenter():
    run = RunConfig(ModelSpec("two_layer_net"), DataConfig("digits", train_size=200,
                                                           augment={"max_shift": 2.0}),
                    training=TrainSettings(epochs=1, batch_size=50))
    trainer = make_trainer(run, prepare_data(run.data))
    assert trainer.augment is not None
    assert sum(isinstance(e, StepEnd) for e in trainer.run()) == 4


def test_random_search_ranks_by_validation_accuracy():
    base = RunConfig(ModelSpec("multi_layer_net", {"hidden_sizes": [50, 50]}),
                     DataConfig("digits", train_size=300, val_fraction=0.05),
                     {"name": "sgd", "lr": 0.01}, TrainSettings(batch_size=100, epochs=5))
    search = RandomSearch(base, trials=4, seed=3)
    events = list(search.run())
    ends = [e for e in events if isinstance(e, TrialEnd)]
    assert len(ends) == 4
    ranked = search.ranked()
    accs = [r.val_acc for r in ranked]
    assert accs == sorted(accs, reverse=True)
    lrs = [r.params["lr"] for r in ends]
    assert all(1e-6 <= lr <= 1e-2 for lr in lrs)
    again = RandomSearch(base, trials=4, seed=3)
    assert again.samples == search.samples
    with pytest.raises(ValueError, match="Cannot search 'depth'"):
        RandomSearch(base, {"depth": (1, 5)})
    with pytest.raises(ValueError, match="Invalid range"):
        RandomSearch(base, {"lr": (0, 1)})


def test_experiment_file_errors(tmp_path):
    with pytest.raises(ValueError, match="no such file"):
        load_experiment(tmp_path / "missing.json")
    (tmp_path / "bad.json").write_text("{not json")
    with pytest.raises(ValueError, match="not an experiment file"):
        load_experiment(tmp_path / "bad.json")
    (tmp_path / "other.json").write_text('{"format": "other"}')
    with pytest.raises(ValueError, match="not an experiment file"):
        load_experiment(tmp_path / "other.json")


def test_smoothed():
    np.testing.assert_allclose(smoothed([1, 2, 3, 4], 2), [1, 1.5, 2.5, 3.5])
    assert math.isclose(smoothed([5.0], 10)[0], 5.0)
