"""The scorer's fast reading of the fitted model gives the model's shares, to the last bit.

``FittedShares`` reads each measured signal's features straight from a change and looks
the points of whole counts up in tables. Here every change of a made history is read
again the slow way: the features by ``FEATURES`` (what the fit reads), each shape by a
walk along its knots written out below, added up in feature order.
"""

from __future__ import annotations

import math

import pytest

from scoring.change_files import change_files
from scoring.change_metrics import metrics_of
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import History
from scoring.history_context import HistoryContext
from scoring.model import MODEL, ChangeModel, Shape
from scoring.model_features import FEATURES, FittedShares, fitted_shares, log_count
from scoring.risk import score_change
from scoring.shape_tables import ShapeTable
from scoring.weight_scaling import signal_weights
from tests.scoring.made_history import made_changes, made_history


def _points_slowly(shape: Shape, x: float | None) -> float:
    """A shape's points at ``x``: its unknown level, an end value, or the line between the
    two knots around ``x``, found by walking the knots from the left."""
    if x is None:
        return shape.unknown
    knots, values = shape.knots, shape.values
    if x <= knots[0]:
        return values[0]
    if x >= knots[-1]:
        return values[-1]
    i = 1
    while knots[i] <= x:
        i += 1
    x0, x1, v0, v1 = knots[i - 1], knots[i], values[i - 1], values[i]
    return v0 + (v1 - v0) * (x - x0) / (x1 - x0)


def _share_slowly(model: ChangeModel, signal: str, features: tuple[float | None, ...]) -> float:
    """The share of ``signal``: its shapes' points added in feature order, over its most."""
    earned = 0.0
    shapes = model.shapes(signal)
    assert len(shapes) == len(features)
    for shape, x in zip(shapes, features, strict=True):
        earned += _points_slowly(shape, x)
    most = sum(s.most for s in shapes)
    return 0.0 if most <= 0.0 else min(1.0, max(0.0, earned / most))


def _fast(shares: FittedShares, signal: str, change: ChangeFacts, ctx: HistoryContext) -> float:
    m = metrics_of(change, ctx)
    return {
        "size": lambda: shares.size(m),
        "diffusion": lambda: shares.diffusion(m),
        "fix": lambda: shares.fix(m),
        "file_history": lambda: shares.file_history(m, ctx),
        "author_experience": lambda: shares.author_experience(m, ctx),
        "author_expertise": lambda: shares.author_expertise(
            ctx.files_with_history, ctx.files_known_to_author
        ),
        "defect_proneness": lambda: shares.defect_proneness(
            ctx.files_with_history, ctx.file_fixes_rank
        ),
    }[signal]()


def _contexts() -> list[tuple[ChangeFacts, HistoryContext]]:
    config = ScoringConfig()
    changes = list(made_changes())
    history = made_history(config, changes)
    return [(c, history.advance(c)) for c in changes]


# A made-up model whose knots fall between small whole counts and whose unknown levels are
# not zero, beside the shipped one: the tables must be right for any model.
_ODD = ChangeModel(
    "odd",
    tuple(
        (
            signal,
            tuple(
                Shape(
                    name,
                    (0.3, 1.1 + k / 7, 2.9, 6.5),
                    (0.25 * k, 1.0 + k, 0.5 + 2 * k, 3.0 + k / 3),
                    0.1 * k,
                )
                for k, name in enumerate(names)
            ),
        )
        for signal, (names, _read) in FEATURES.items()
    ),
    -2.0,
    10.0,
    0.2,
    ("A",),
)


# And one whose signals can earn nothing (every value 0): each share is 0.
_FLAT = ChangeModel(
    "flat",
    tuple(
        (signal, tuple(Shape(s.feature, s.knots, (0.0,) * len(s.knots), 0.0) for s in shapes))
        for signal, shapes in _ODD.signals
    ),
    -2.0,
    10.0,
    0.2,
    ("A",),
)


@pytest.mark.parametrize("model", [MODEL, _ODD, _FLAT], ids=["shipped", "odd", "flat"])
def test_every_share_is_the_models_to_the_last_bit(model: ChangeModel) -> None:
    """For every change of the made history and every fitted signal, read twice (the second
    time from the tables), the share is exactly the slow reading's and ``ChangeModel.share``'s."""
    shares = FittedShares(model)
    contexts = _contexts()
    for _ in range(2):
        for change, ctx in contexts:
            files = change_files(change)
            m = metrics_of(change, ctx)
            for signal, (_names, read) in FEATURES.items():
                features = read(m, ctx, files)
                slow = _share_slowly(model, signal, features)
                assert model.share(signal, features) == slow, (change.key, signal)
                assert _fast(shares, signal, change, ctx) == slow, (change.key, signal)


@pytest.mark.parametrize("model", [MODEL, _ODD, _FLAT], ids=["shipped", "odd", "flat"])
def test_a_flat_shape_and_a_count_past_the_last_knot_read_as_the_slow_walk(
    model: ChangeModel,
) -> None:
    """A shape that earns the same everywhere, and a count from which on the last knot is
    passed, skip the logarithm: every count around that point, whole or not, and the odd
    ones, read exactly as ``Shape.points(log_count(n))``."""
    for _signal, shapes in model.signals:
        for shape in shapes:
            past = math.expm1(shape.knots[-1])
            near = [past + d for d in range(-40, 41)] + [past + d + 0.5 for d in range(-5, 5)]
            odd = [0.0, -0.0, -3.0, 1.0, math.nan, math.inf, 1e12, 7.25]
            for n in [*near, *odd]:
                table = ShapeTable(shape, counts=True)
                assert table[n] == shape.points(log_count(n)), (shape.feature, n)
                assert table[n] == shape.points(log_count(n)), (shape.feature, n)


def test_the_shares_of_a_model_are_built_once() -> None:
    """The scorer asks for a model's shares seven times a change: it gets the same reader."""
    assert fitted_shares(MODEL) is fitted_shares(MODEL)
    assert fitted_shares(_ODD) is not fitted_shares(MODEL)


def test_a_model_whose_shapes_miss_a_feature_is_refused() -> None:
    """A model with another number of shapes than a signal's features fails when read."""
    short = ChangeModel(
        "short",
        tuple(
            (signal, model_shapes[:-1] if signal == "size" else model_shapes)
            for signal, model_shapes in MODEL.signals
        ),
        -2.0,
        10.0,
        0.2,
        ("A",),
    )
    with pytest.raises(ValueError, match="size"):
        FittedShares(short)


def test_the_shipped_history_reads_the_same_through_the_scorer() -> None:
    """Scored the usual way, every fitted signal's share and points are the slow reading's."""
    config = ScoringConfig()
    changes = list(made_changes())
    history = History(lookback_days=config.incident_lookback_days)
    weights = signal_weights(config.weights)
    for change in changes:
        ctx = history.advance(change)
        files = change_files(change)
        m = metrics_of(change, ctx)
        for signal in score_change(change, ctx, config).signals:
            if signal.name not in FEATURES or signal.value is None:
                continue
            share = _share_slowly(MODEL, signal.name, FEATURES[signal.name][1](m, ctx, files))
            assert (signal.share, signal.points) == (share, weights[signal.name] * share)
