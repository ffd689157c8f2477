"""Fitting the change model's shapes on labelled histories: penalised logistic regression.

Each feature (``scoring.model_features``) gets a piecewise-linear shape with knots
at quantiles of its values, plus a level for "unknown"; the shapes and an
intercept are fitted together by Newton's method (iteratively reweighted least
squares) on the log-likelihood with a smoothness penalty (second differences of
neighbouring knot values, as P-splines do) and a small ridge. numpy does the
algebra; everything is deterministic for the same rows.

The fitted shapes become a ``scoring.model.ChangeModel`` (``to_model``): each
shifted to start at 0 and scaled to points, so the scorer adds points and the
model's intercept and scale turn a score back into a probability.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from scoring.change_files import change_files
from scoring.change_metrics import metrics_of
from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts
from scoring.history import History
from scoring.model import ChangeModel, Shape
from scoring.model_features import FEATURES, feature_values

__all__ = [
    "FEATURE_NAMES",
    "FeatureTable",
    "FittedShapes",
    "auc",
    "auc_standard_error",
    "feature_table",
    "fit_shapes",
    "to_model",
]

Floats = npt.NDArray[np.float64]
Bools = npt.NDArray[np.bool_]

# Every feature, in the order of ``FEATURES``: the columns of a table.
FEATURE_NAMES: tuple[str, ...] = tuple(n for names, _fn in FEATURES.values() for n in names)
_SIGNAL_OF = {n: signal for signal, (names, _fn) in FEATURES.items() for n in names}

# Knots per feature (fewer where the feature takes fewer values), and the penalties.
_KNOTS = 8
_SMOOTH = 20.0
_RIDGE = 1.0
_ITERATIONS = 30


@dataclass(frozen=True, slots=True)
class FeatureTable:
    """Changes as rows: their features, label and the sizes the baselines read."""

    keys: tuple[str, ...]
    x: Floats  # (n, features), NaN where a feature is unknown
    y: Bools
    lines_added: Floats  # every line added, in any file: "lines added alone"
    lines_changed: Floats  # lines added and deleted: the effort to review
    merged_at: Floats  # POSIX seconds

    def take(self, rows: npt.NDArray[np.intp] | slice) -> FeatureTable:
        """The table's rows ``rows``, in that order."""
        return FeatureTable(
            tuple(np.asarray(self.keys, dtype=object)[rows]),
            self.x[rows],
            self.y[rows],
            self.lines_added[rows],
            self.lines_changed[rows],
            self.merged_at[rows],
        )

    def __len__(self) -> int:
        return len(self.keys)


def feature_table(
    history: Iterable[ChangeFacts],
    measured: Mapping[str, bool],
    config: ScoringConfig,
) -> FeatureTable:
    """The features of the changes of ``measured`` (key → bug-inducing), read in merge order.

    Every change of ``history`` feeds the history, as the scorer's does; only
    those whose key is in ``measured`` become rows.
    """
    past = History(lookback_days=config.incident_lookback_days)
    keys: list[str] = []
    rows: list[list[float]] = []
    labels: list[bool] = []
    added: list[float] = []
    changed: list[float] = []
    at: list[float] = []
    for change in sorted(history, key=lambda c: (c.merged_at, c.key)):
        ctx = past.advance(change)
        if change.key not in measured:
            continue
        values = feature_values(metrics_of(change, ctx), ctx, change_files(change))
        keys.append(change.key)
        rows.append(
            [np.nan if values[n] is None else float(values[n] or 0.0) for n in FEATURE_NAMES]
        )
        labels.append(measured[change.key])
        added.append(float(sum(f.added for f in change.files)))
        changed.append(float(change.lines_changed))
        at.append(change.merged_at.timestamp())
    return FeatureTable(
        tuple(keys),
        np.array(rows, dtype=np.float64).reshape(len(rows), len(FEATURE_NAMES)),
        np.array(labels, dtype=np.bool_),
        np.array(added, dtype=np.float64),
        np.array(changed, dtype=np.float64),
        np.array(at, dtype=np.float64),
    )


@dataclass(frozen=True, slots=True)
class FittedShapes:
    """The fitted intercept and each feature's knots, values and unknown level, in log-odds."""

    intercept: float
    knots: tuple[Floats, ...]
    values: tuple[Floats, ...]
    unknown: tuple[float, ...]

    def logit(self, x: Floats) -> Floats:
        """The log-odds of each row of ``x``."""
        out = np.full(len(x), self.intercept)
        for j, (k, v, u) in enumerate(zip(self.knots, self.values, self.unknown, strict=True)):
            col = x[:, j]
            known = ~np.isnan(col)
            out[known] += np.interp(col[known], k, v)
            out[~known] += u
        return out


def _knots(col: Floats) -> Floats:
    known = col[~np.isnan(col)]
    if known.size == 0:
        return np.array([0.0, 1.0])
    qs = np.unique(np.quantile(known, np.linspace(0.0, 1.0, _KNOTS)))
    if qs.size < 2:
        return np.array([qs[0], qs[0] + 1.0])
    return qs


def _ramps(col: Floats, knots: Floats) -> Floats:
    """Ramps between neighbouring knots (0 before, 1 after, linear across) and an unknown column.

    A shape is the sum of its ramps' coefficients up to ``x``, so a shape that may only
    rise (or only fall) is one whose coefficients are all ≥ 0 (or ≤ 0).
    """
    n, k = len(col), len(knots)
    out = np.zeros((n, k))
    known = ~np.isnan(col)
    x = col[known]
    for i in range(1, k):
        out[known, i - 1] = np.clip((x - knots[i - 1]) / (knots[i] - knots[i - 1]), 0.0, 1.0)
    out[~known, k - 1] = 1.0
    return out


def fit_shapes(
    x: Floats,
    y: Bools,
    weights: Floats | None = None,
    knots: Sequence[Floats] | None = None,
    directions: Sequence[int] | None = None,
) -> FittedShapes:
    """Fit every feature's shape and the intercept to ``y`` (weighted rows), deterministically.

    ``directions`` holds, per feature, +1 when its shape may only rise, -1 when it
    may only fall and 0 when it is free (the default): a signal's words say which
    way its features point, and a feature that the labels say points the other way
    earns nothing rather than words that lie. Minimises the weighted negative
    log-likelihood plus the penalties by projected Newton steps with a backtracking
    line search. Raises ``ValueError`` when ``y`` holds one class only.
    """
    if y.all() or not y.any():
        raise ValueError("the labels are all one class")
    n, f = x.shape
    w_rows = np.ones(n) if weights is None else weights * (n / weights.sum())
    knots = [_knots(x[:, j]) for j in range(f)] if knots is None else list(knots)
    signs = [0] * f if directions is None else list(directions)
    blocks = [_ramps(x[:, j], knots[j]) for j in range(f)]
    design = np.hstack([np.ones((n, 1)), *blocks])
    width = design.shape[1]
    penalty = np.zeros((width, width))
    bound = np.zeros(width)
    start = 1
    for j, block in enumerate(blocks):
        k = block.shape[1] - 1  # ramps; the last column is the unknown level
        if k >= 2:
            d = np.diff(np.eye(k), n=1, axis=0)
            penalty[start : start + k, start : start + k] += _SMOOTH * d.T @ d
        penalty[start : start + k + 1, start : start + k + 1] += _RIDGE * np.eye(k + 1)
        bound[start : start + k] = signs[j]
        start += k + 1
    target = y.astype(np.float64)
    beta = np.zeros(width)
    mean = float(np.average(target, weights=w_rows))
    beta[0] = np.log(mean / (1.0 - mean))

    def objective(b: Floats) -> float:
        eta = design @ b
        loss = np.logaddexp(0.0, eta) - target * eta
        return float(w_rows @ loss + 0.5 * b @ penalty @ b)

    current = objective(beta)
    for _ in range(_ITERATIONS * 3):
        eta = design @ beta
        p = 1.0 / (1.0 + np.exp(-eta))
        gradient = design.T @ (w_rows * (p - target)) + penalty @ beta
        # Coefficients held at their bound, with the gradient pushing them past it, stay.
        held = (bound != 0) & (beta * bound <= 0.0) & (gradient * bound > 0.0)
        free = ~held
        w = np.clip(p * (1.0 - p), 1e-9, None) * w_rows
        hessian = (design[:, free] * w[:, None]).T @ design[:, free] + penalty[np.ix_(free, free)]
        step = np.zeros(width)
        step[free] = -np.linalg.solve(hessian, gradient[free])
        alpha = 1.0
        while True:
            trial = beta + alpha * step
            trial = np.where((bound != 0) & (trial * bound < 0.0), 0.0, trial)
            value = objective(trial)
            if value <= current or alpha < 1e-6:
                break
            alpha /= 2.0
        moved = float(np.max(np.abs(trial - beta)))
        beta, current = trial, min(value, current)
        if moved < 1e-8:
            break
    values: list[Floats] = []
    unknown: list[float] = []
    start = 1
    for block in blocks:
        k = block.shape[1] - 1
        values.append(np.concatenate([[0.0], np.cumsum(beta[start : start + k])]))
        unknown.append(float(beta[start + k]))
        start += k + 1
    return FittedShapes(float(beta[0]), tuple(knots), tuple(values), tuple(unknown))


def to_model(
    fit: FittedShapes,
    points_per_logit: float,
    version: str,
    trained_on: Sequence[str],
    base_rate: float,
    measured: Sequence[str] = (),
    rows: Floats | None = None,
) -> ChangeModel:
    """The fitted shapes as points: each shifted to start at 0, times ``points_per_logit``.

    With ``rows`` (the features it was fitted on), each signal's points on the median
    row are kept as its typical points.
    """
    intercept = fit.intercept
    by_signal: dict[str, list[Shape]] = {s: [] for s in FEATURES}
    for name, k, v, u in zip(FEATURE_NAMES, fit.knots, fit.values, fit.unknown, strict=True):
        low = min(float(v.min()), u)
        intercept += low
        by_signal[_SIGNAL_OF[name]].append(
            Shape(
                name,
                tuple(float(a) for a in k),
                tuple(float((b - low) * points_per_logit) for b in v),
                (u - low) * points_per_logit,
            )
        )
    typical: list[tuple[str, float]] = []
    if rows is not None:
        for signal, shapes in by_signal.items():
            points = np.zeros(len(rows))
            for shape in shapes:
                col = rows[:, FEATURE_NAMES.index(shape.feature)]
                points += [shape.points(None if np.isnan(v) else float(v)) for v in col]
            typical.append((signal, float(np.median(points))))
    return ChangeModel(
        version=version,
        signals=tuple((s, tuple(shapes)) for s, shapes in by_signal.items()),
        intercept=intercept,
        points_per_logit=points_per_logit,
        base_rate=base_rate,
        trained_on=tuple(trained_on),
        measured=tuple(measured),
        typical=tuple(typical),
    )


def auc(scores: Floats, labels: Bools) -> float:
    """ROC AUC from average ranks (ties count half); ``ValueError`` for one class."""
    pos = int(labels.sum())
    neg = len(labels) - pos
    if pos == 0 or neg == 0:
        raise ValueError("AUC is undefined when every change has the same label")
    order = np.argsort(scores, kind="mergesort")
    sorted_scores = scores[order]
    ranks = np.empty(len(scores))
    _, first, counts = np.unique(sorted_scores, return_index=True, return_counts=True)
    average = first + (counts + 1) / 2.0
    ranks[order] = np.repeat(average, counts)
    return float((ranks[labels].sum() - pos * (pos + 1) / 2) / (pos * neg))


def auc_standard_error(value: float, positives: int, negatives: int) -> float:
    """Hanley and McNeil's (1982) standard error of an AUC."""
    q1 = value / (2 - value)
    q2 = 2 * value * value / (1 + value)
    var = (
        value * (1 - value)
        + (positives - 1) * (q1 - value * value)
        + (negatives - 1) * (q2 - value * value)
    ) / (positives * negatives)
    return float(np.sqrt(max(var, 0.0)))
