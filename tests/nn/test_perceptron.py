"""The perceptron and gates of ch. 2: book weights, XOR by two layers, best single line, rule."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nn.perceptron import (
    BOOK_WEIGHTS,
    INPUTS,
    TRUTH_TABLES,
    best_linear_split,
    correct_count,
    decision_line,
    gate,
    perceptron,
    perceptron_rule,
    two_layer,
    xor,
)


@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_book_weights_compute_their_gates(name):
    np.testing.assert_array_equal(gate(name, INPUTS), TRUTH_TABLES[name])
    w1, w2, b = BOOK_WEIGHTS[name]
    assert correct_count((w1, w2), b, INPUTS, TRUTH_TABLES[name]) == 4


def test_perceptron_matches_the_books_threshold_rule():
    # ch. 2.3.2: tmp = sum(w*x) + b; 0 if tmp <= 0 else 1 — exactly 0 gives 0.
    assert perceptron([1.0, 1.0], [0.5, 0.5], -1.0) == 0.0
    assert perceptron([1.0, 1.0], [0.5, 0.5], -0.999) == 1.0
    out = perceptron(np.zeros((3, 5, 2)), [1.0, 1.0], 0.5)
    assert out.shape == (3, 5) and np.all(out == 1.0)


def test_unknown_gate_is_rejected_with_the_known_names():
    with pytest.raises(ValueError, match="AND, NAND, OR"):
        gate("XOR", INPUTS)


def test_two_layers_compute_xor_with_the_books_intermediate_signals():
    out = two_layer(INPUTS)
    np.testing.assert_array_equal(out.s1, [1, 1, 1, 0])  # NAND (table 2-5)
    np.testing.assert_array_equal(out.s2, [0, 1, 1, 1])  # OR
    np.testing.assert_array_equal(out.y, TRUTH_TABLES["XOR"])
    np.testing.assert_array_equal(xor(INPUTS), TRUTH_TABLES["XOR"])


def test_other_compositions_are_not_xor():
    np.testing.assert_array_equal(two_layer(INPUTS, "AND", "OR", "AND").y, TRUTH_TABLES["AND"])
    np.testing.assert_array_equal(two_layer(INPUTS, "OR", "NAND", "AND").y, TRUTH_TABLES["XOR"])


def test_no_weights_on_a_grid_separate_xor():
    grid = np.linspace(-2, 2, 21)
    best = max(correct_count((w1, w2), b, INPUTS, TRUTH_TABLES["XOR"])
               for w1, w2, b in itertools.product(grid, grid, grid))
    assert best == 3


@pytest.mark.parametrize("name,expected", [("AND", 4), ("NAND", 4), ("OR", 4), ("XOR", 3)])
def test_best_linear_split_is_exact(name, expected):
    split = best_linear_split(INPUTS, TRUTH_TABLES[name])
    assert split.correct == expected and split.total == 4
    assert correct_count(split.w, split.b, INPUTS, TRUTH_TABLES[name]) == expected


def test_best_linear_split_on_random_separable_sets():
    rng = np.random.default_rng(0)
    for _ in range(20):
        x = rng.normal(size=(12, 2))
        w, b = rng.normal(size=2), rng.normal()
        t = (x @ w + b > 0).astype(int)
        assert best_linear_split(x, t).correct == 12


def test_decision_line_end_points_lie_on_the_line_and_in_the_box():
    box = (-0.5, 1.5, -0.5, 1.5)
    seg = decision_line((0.5, 0.5), -0.7, box)
    assert seg.shape == (2, 2)
    np.testing.assert_allclose(seg @ np.array([0.5, 0.5]) - 0.7, 0.0, atol=1e-12)
    assert np.all(seg >= -0.5 - 1e-9) and np.all(seg <= 1.5 + 1e-9)
    vertical = decision_line((1.0, 0.0), -0.5, box)
    np.testing.assert_allclose(vertical[:, 0], 0.5)
    assert decision_line((0.0, 0.0), 1.0, box) is None
    assert decision_line((1.0, 0.0), -10.0, box) is None  # x1 = 10 misses the box


@pytest.mark.parametrize("name", ["AND", "NAND", "OR"])
def test_perceptron_rule_converges_on_separable_gates(name):
    steps = list(perceptron_rule(INPUTS, TRUTH_TABLES[name], lr=0.1, epochs=100))
    last = steps[-1]
    assert last.errors == 0 and len(steps) < 100
    assert correct_count(last.w, last.b, INPUTS, TRUTH_TABLES[name]) == 4


def test_perceptron_rule_never_settles_on_xor():
    steps = list(perceptron_rule(INPUTS, TRUTH_TABLES["XOR"], lr=0.1, epochs=200))
    assert len(steps) == 200
    assert min(s.errors for s in steps) >= 1


def test_perceptron_rule_rejects_a_bad_learning_rate():
    with pytest.raises(ValueError, match="learning rate"):
        list(perceptron_rule(INPUTS, TRUTH_TABLES["AND"], lr=0.0))
