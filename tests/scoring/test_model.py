"""The fitted change model: its shapes, its probability scale and the model riskbrief ships."""

from __future__ import annotations

import json
import math
from dataclasses import fields
from importlib import resources

import pytest

from scoring.config import Weights
from scoring.model import MODEL, ChangeModel, Shape, load_model
from scoring.model_features import DIRECTIONS, FEATURES

RISING = Shape("code_added", (0.0, 1.0, 3.0), (0.0, 2.0, 6.0), 1.0)


def test_a_shape_is_linear_between_knots_and_flat_beyond() -> None:
    """Points interpolate between knots and stay at the end values outside them."""
    assert RISING.points(0.5) == pytest.approx(1.0)
    assert RISING.points(2.0) == pytest.approx(4.0)
    assert RISING.points(-5.0) == 0.0
    assert RISING.points(9.0) == 6.0


def test_an_unknown_feature_earns_its_fitted_level() -> None:
    """A feature that could not be read earns the level fitted for "unknown", not zero."""
    assert RISING.points(None) == 1.0
    assert RISING.most == 6.0


def test_a_share_is_the_signal_points_over_its_most() -> None:
    """A signal's share is what its shapes earn over the most they can, within 0 and 1."""
    model = ChangeModel("t", (("size", (RISING,)),), -2.0, 10.0, 0.3, ("A",))
    assert model.share("size", (2.0,)) == pytest.approx(4.0 / 6.0)
    assert model.share("size", (50.0,)) == 1.0
    assert model.most("size") == 6.0


def test_probability_and_score_are_inverse() -> None:
    """A score maps to a calibrated probability and back, ten points a unit of log-odds."""
    model = ChangeModel("t", (("size", (RISING,)),), -2.0, 10.0, 0.3, ("A",))
    assert model.probability(20.0) == pytest.approx(0.5)
    assert model.probability(30.0) == pytest.approx(1 / (1 + math.exp(-1.0)))
    assert model.score_at(model.probability(37.0)) == pytest.approx(37.0)


def test_a_malformed_model_is_refused() -> None:
    """Knots out of order or a missing key are a ValueError, not a silently wrong score."""
    good = MODEL.to_json()
    bad = json.loads(json.dumps(good))
    bad["signals"]["size"][0]["knots"] = [3.0, 1.0]
    with pytest.raises(ValueError, match="increasing knots"):
        load_model(bad)
    del good["intercept"]
    with pytest.raises(ValueError, match="lacks"):
        load_model(good)


def test_the_shipped_model_reads_back_as_written() -> None:
    """scoring/model.json loads into the model the scorer uses, and writes back the same."""
    text = resources.files("scoring").joinpath("model.json").read_text(encoding="utf-8")
    assert load_model(json.loads(text)) == MODEL
    assert load_model(MODEL.to_json()) == MODEL


def test_the_shipped_model_was_fitted_without_zookeeper() -> None:
    """The shipped model names its training projects, its measured table and no held-out one."""
    assert len(MODEL.trained_on) >= 2
    assert "ZOOKEEPER" not in MODEL.trained_on
    assert any(line.startswith("| **mean**") for line in MODEL.measured)


def test_every_shipped_shape_points_the_way_its_words_say() -> None:
    """Each shape only rises (or only falls) as its feature's direction says, and starts at 0."""
    for signal, shapes in MODEL.signals:
        names, _ = FEATURES[signal]
        assert tuple(s.feature for s in shapes) == names
        for shape in shapes:
            steps = [b - a for a, b in zip(shape.values, shape.values[1:], strict=False)]
            assert all(DIRECTIONS[shape.feature] * d >= -1e-6 for d in steps), shape.feature
            assert min(min(shape.values), shape.unknown) == pytest.approx(0.0, abs=1e-3)


def test_the_default_weights_are_the_models_most_points() -> None:
    """A fitted signal's default weight is the most points the model lets it earn."""
    defaults = Weights()
    for f in fields(Weights):
        if f.name in FEATURES:
            assert getattr(defaults, f.name) == round(MODEL.most(f.name), 1)
