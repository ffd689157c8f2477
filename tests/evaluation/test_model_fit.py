"""Fitting the model's shapes on made labels: direction, determinism and the points it ships."""

from __future__ import annotations

import numpy as np
import pytest

from evaluation.model_fit import (
    FEATURE_NAMES,
    auc,
    auc_standard_error,
    fit_shapes,
    to_model,
)
from scoring.ranking import roc_auc


def _made(n: int = 4000, seed: int = 7) -> tuple[np.ndarray, np.ndarray]:
    """Rows whose first feature raises the odds of a defect and whose second does nothing."""
    rng = np.random.default_rng(seed)
    x = np.column_stack([rng.uniform(0, 8, n), rng.uniform(0, 8, n)])
    p = 1 / (1 + np.exp(-(x[:, 0] - 4.0)))
    return x, rng.uniform(size=n) < p


def test_a_feature_that_drives_the_labels_gets_a_rising_shape() -> None:
    """The fitted shape of a feature that raises the odds rises by about what it did."""
    x, y = _made()
    fit = fit_shapes(x, y)
    rise = fit.values[0][-1] - fit.values[0][0]
    assert 5.0 < rise < 10.0
    assert abs(fit.values[1][-1] - fit.values[1][0]) < 1.0
    assert auc(fit.logit(x), y) > 0.85


def test_a_direction_against_the_labels_leaves_the_feature_flat() -> None:
    """A feature held to fall where the labels say it rises earns nothing, not a false slope."""
    x, y = _made()
    fit = fit_shapes(x, y, directions=[-1, 0])
    assert np.allclose(fit.values[0], 0.0)


def test_the_fit_is_deterministic() -> None:
    """The same rows give the same shapes, to the last bit."""
    x, y = _made()
    a, b = fit_shapes(x, y), fit_shapes(x, y)
    assert a.intercept == b.intercept
    assert all(np.array_equal(u, v) for u, v in zip(a.values, b.values, strict=True))


def test_unknown_values_get_a_level_of_their_own() -> None:
    """Rows whose feature is unknown (NaN) are fitted a level, here as risky as they were."""
    x, y = _made()
    x = x.copy()
    x[:500, 0] = np.nan
    y = y.copy()
    y[:500] = True
    fit = fit_shapes(x, y)
    assert fit.unknown[0] > float(fit.values[0].max())


def test_one_class_cannot_be_fitted() -> None:
    """Labels of one class only are refused with a reason."""
    x, _ = _made(100)
    with pytest.raises(ValueError, match="one class"):
        fit_shapes(x, np.zeros(100, dtype=bool))


def test_auc_agrees_with_the_scorers_own_with_ties() -> None:
    """The numpy AUC is the rank AUC riskbrief reports, ties counting half."""
    scores = np.array([1.0, 2.0, 2.0, 3.0, 3.0, 3.0, 0.5])
    labels = np.array([False, True, False, True, True, False, False])
    assert auc(scores, labels) == pytest.approx(roc_auc(list(scores), list(labels)))
    assert 0.0 < auc_standard_error(0.75, 50, 200) < 0.05


def test_points_start_at_zero_and_keep_the_probability() -> None:
    """As points, each shape starts at 0 and the model's probability of a score is the fit's."""
    rng = np.random.default_rng(3)
    x = rng.uniform(0, 6, (3000, len(FEATURE_NAMES)))
    y = rng.uniform(size=3000) < 1 / (1 + np.exp(-(x[:, 0] - 3.0)))
    fit = fit_shapes(x, y)
    model = to_model(fit, 10.0, "t", ("A", "B"), float(y.mean()), rows=x)
    row = x[17]
    score = 0.0
    for _, shapes in model.signals:
        for shape in shapes:
            assert min(min(shape.values), shape.unknown) == pytest.approx(0.0)
            score += shape.points(float(row[FEATURE_NAMES.index(shape.feature)]))
    expected = 1 / (1 + np.exp(-fit.logit(x[17:18])[0]))
    assert model.probability(score) == pytest.approx(expected)
    assert {name for name, _ in model.typical} == {name for name, _ in model.signals}
