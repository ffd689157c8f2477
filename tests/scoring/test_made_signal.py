"""``made_signal``: one Signal per cached reading and weights, its points ``weight * share``."""

from __future__ import annotations

import math
from dataclasses import replace

from scoring.config import ScoringConfig, Weights
from scoring.signal import Reading
from scoring.signals.made import made_signal


def test_the_same_reading_and_weights_give_the_same_signal() -> None:
    weights = Weights()
    reading: Reading = (1.0, "one human approval", 0.5)
    first = made_signal("review", reading, weights, weights.review)
    assert made_signal("review", reading, weights, weights.review) is first
    assert (first.name, first.value, first.explanation, first.share) == (
        "review",
        1.0,
        "one human approval",
        0.5,
    )
    assert first.points == weights.review * 0.5


def test_other_weights_or_another_signal_make_their_own() -> None:
    """Equal weights in another object, a weight of -0.0 (equal to 0.0, but its points are
    -0.0) and another signal's name never get a Signal made for something else."""
    reading: Reading = (0.0, "written by a human", 0.0)
    zero = replace(Weights(), agent=0.0)
    negative_zero = replace(Weights(), agent=-0.0)
    plus = made_signal("agent", reading, zero, zero.agent)
    minus = made_signal("agent", reading, negative_zero, negative_zero.agent)
    assert math.copysign(1.0, plus.points) == 1.0
    assert math.copysign(1.0, minus.points) == -1.0
    other = made_signal("tests", reading, zero, zero.tests)
    assert other.name == "tests"
    again = replace(Weights(), agent=0.0)
    assert made_signal("agent", reading, again, again.agent) is not plus


def test_a_config_with_other_weights_scores_with_them() -> None:
    """Signals made under the default weights are not handed to a config with others."""
    reading: Reading = (1.0, "no human approval yet", 1.0)
    default = ScoringConfig().weights
    doubled = replace(default, review=2 * default.review)
    assert made_signal("review", reading, default, default.review).points == default.review
    assert made_signal("review", reading, doubled, doubled.review).points == 2 * default.review
