"""The fitted change model: how many points each measured signal earns, learned from labels.

The points of the signals a public history measures (size, diffusion, fix, file
history, the author's experience and expertise, earlier fixes on the files) are
not set by hand: each signal is a sum of *shapes*, one per feature (lines of code
added, files touched, …), each a piecewise-linear function of the feature fitted
by a penalised logistic regression on bug-inducing commits that issue trackers
linked to their fixes (``python -m bench.real_history --fit``; the labels are
ApacheJIT's, never riskbrief's own). The model is additive, so a score is still
the sum of its signals' points, and each point is worth the same change in the
log-odds of a defect everywhere (``ChangeModel.points_per_logit``): a score
translates to a calibrated probability (``ChangeModel.probability``).

It ships as data, ``scoring/model.json``, with its version, the projects it was
fitted on and what it measured there (docs/scoring.md). Shapes are shifted so
that each starts at 0 (the least risky value of its feature, or its unknown
level, whichever is lower), so points are never negative and a change earns
points only for what makes it riskier than the least risky change.
"""

from __future__ import annotations

import json
import math
from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from typing import Any

__all__ = [
    "MODEL",
    "ChangeModel",
    "Shape",
    "load_model",
]


@dataclass(frozen=True, slots=True)
class Shape:
    """One feature's points: linear between knots, flat beyond the ends, a level when unknown."""

    feature: str
    knots: tuple[float, ...]
    values: tuple[float, ...]
    unknown: float

    def points(self, x: float | None) -> float:
        """The points this feature earns at ``x`` (``None``: the feature was not known)."""
        if x is None:
            return self.unknown
        knots = self.knots
        if x <= knots[0]:
            return self.values[0]
        if x >= knots[-1]:
            return self.values[-1]
        i = bisect_right(knots, x)
        x0, x1 = knots[i - 1], knots[i]
        v0, v1 = self.values[i - 1], self.values[i]
        return v0 + (v1 - v0) * (x - x0) / (x1 - x0)

    @property
    def most(self) -> float:
        """The most points this feature can earn."""
        return max(max(self.values), self.unknown)

    def to_json(self) -> dict[str, Any]:
        """The shape as ``model.json`` stores it."""
        return {
            "feature": self.feature,
            "knots": [round(k, 6) for k in self.knots],
            "values": [round(v, 4) for v in self.values],
            "unknown": round(self.unknown, 4),
        }


@dataclass(frozen=True, slots=True)
class ChangeModel:
    """The fitted shapes of each measured signal, and how a score maps to a probability."""

    version: str
    # (signal name, its shapes in feature order), in the order signals are measured.
    signals: tuple[tuple[str, tuple[Shape, ...]], ...]
    # The log-odds of a defect for a change of score 0, and the points one unit of log-odds
    # is worth: probability = logistic(intercept + score / points_per_logit).
    intercept: float
    points_per_logit: float
    # The share of bug-inducing changes in the histories it was fitted on.
    base_rate: float
    trained_on: tuple[str, ...]
    # What ``bench.arbiter`` measured for this version, as printed there.
    measured: tuple[str, ...] = ()
    # Each signal's points on the median change it was fitted on: a change's drivers are the
    # signals that add the most beyond them (``scoring.risk_score.top_signals``), since a
    # point every change earns explains nothing about this one.
    typical: tuple[tuple[str, float], ...] = ()
    # Each signal's shapes and most points by name, worked out once: every change reads them.
    _index: dict[str, tuple[tuple[Shape, ...], float]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        index = {name: (shapes, sum(s.most for s in shapes)) for name, shapes in self.signals}
        object.__setattr__(self, "_index", index)

    def typical_points(self, signal: str) -> float:
        """The points ``signal`` earns on a typical change (0 for a signal not fitted)."""
        for name, points in self.typical:
            if name == signal:
                return points
        return 0.0

    def shapes(self, signal: str) -> tuple[Shape, ...]:
        """The shapes of ``signal``, in the order its features are read."""
        return self._index[signal][0]

    def most(self, signal: str) -> float:
        """The most points ``signal`` can earn: its default weight."""
        return self._index[signal][1]

    def share(self, signal: str, features: Sequence[float | None]) -> float:
        """The share (0–1) of its most points that ``signal`` earns with these feature values."""
        shapes, most = self._index[signal]
        if most <= 0.0:
            return 0.0
        earned = 0.0
        # ``Shape.points`` written out: this runs seven times for every scored change.
        for shape, x in zip(shapes, features, strict=True):
            if x is None:
                earned += shape.unknown
                continue
            knots, values = shape.knots, shape.values
            if x <= knots[0]:
                earned += values[0]
            elif x >= knots[-1]:
                earned += values[-1]
            else:
                i = bisect_right(knots, x)
                x0, v0 = knots[i - 1], values[i - 1]
                earned += v0 + (values[i] - v0) * (x - x0) / (knots[i] - x0)
        return min(1.0, max(0.0, earned / most))

    def probability(self, score: float) -> float:
        """The calibrated probability that a change of this score induces a defect."""
        z = self.intercept + score / self.points_per_logit
        return 1.0 / (1.0 + math.exp(-z)) if z > -700 else 0.0

    def score_at(self, probability: float) -> float:
        """The score whose calibrated probability is ``probability`` (0 < p < 1)."""
        logit = math.log(probability / (1.0 - probability))
        return (logit - self.intercept) * self.points_per_logit

    def to_json(self) -> dict[str, Any]:
        """The model as ``model.json`` stores it."""
        return {
            "version": self.version,
            "trained_on": list(self.trained_on),
            "base_rate": round(self.base_rate, 6),
            "intercept": round(self.intercept, 6),
            "points_per_logit": round(self.points_per_logit, 6),
            "signals": {name: [s.to_json() for s in shapes] for name, shapes in self.signals},
            "typical": {name: round(points, 4) for name, points in self.typical},
            "measured": list(self.measured),
        }


def _shape(raw: Mapping[str, Any]) -> Shape:
    knots = tuple(float(k) for k in raw["knots"])
    values = tuple(float(v) for v in raw["values"])
    if len(knots) < 2 or len(knots) != len(values) or list(knots) != sorted(set(knots)):
        raise ValueError(f"shape {raw.get('feature')!r} needs two or more increasing knots")
    return Shape(str(raw["feature"]), knots, values, float(raw["unknown"]))


def load_model(data: Mapping[str, Any]) -> ChangeModel:
    """A ``ChangeModel`` from what ``model.json`` holds; ``ValueError`` when it is malformed."""
    try:
        signals = tuple(
            (str(name), tuple(_shape(s) for s in shapes))
            for name, shapes in dict(data["signals"]).items()
        )
        return ChangeModel(
            version=str(data["version"]),
            signals=signals,
            intercept=float(data["intercept"]),
            points_per_logit=float(data["points_per_logit"]),
            base_rate=float(data["base_rate"]),
            trained_on=tuple(str(p) for p in data["trained_on"]),
            measured=tuple(str(line) for line in data.get("measured", ())),
            typical=tuple((str(k), float(v)) for k, v in dict(data.get("typical", {})).items()),
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"a change model lacks {exc}") from exc


def _shipped() -> ChangeModel:
    text = resources.files("scoring").joinpath("model.json").read_text(encoding="utf-8")
    return load_model(json.loads(text))


# The model riskbrief ships, read once.
MODEL: ChangeModel = _shipped()
