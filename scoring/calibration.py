"""Fitting signal weights to labelled history, deterministically.

A fitted weight set keeps every signal's shape (how its share grows with its
input) and only changes how many points a full share is worth, so a
calibrated score explains itself exactly as a default one does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from scoring.config import Weights
from scoring.ranking import roc_auc

__all__ = ["fit_weights", "weighted_scores"]

# Coordinate search: each pass tries these multiples of every weight in turn.
_STEPS = (0.0, 0.5, 0.8, 1.25, 2.0)
_PASSES = 3


def weighted_scores(
    rows: Sequence[Mapping[str, float]], weights: Weights, names: Sequence[str]
) -> list[float]:
    """Each row's score from its signal shares and ``weights``, over the signals in ``names``."""
    w = [float(getattr(weights, n)) for n in names]
    return [sum(wi * row.get(n, 0.0) for wi, n in zip(w, names, strict=True)) for row in rows]


def fit_weights(
    rows: Sequence[Mapping[str, float]],
    labels: Sequence[bool],
    names: Sequence[str],
    start: Weights | None = None,
) -> Weights:
    """Weights for ``names`` that rank ``rows`` by ``labels`` better, by coordinate search.

    ``rows`` hold each change's share (0–1) per signal name. Starting from
    ``start`` (default ``Weights()``), each pass tries fixed multiples of one
    weight at a time and keeps a change only when it raises the AUC, so ties
    keep the earlier weights and the same input always gives the same weights.
    The fitted weights are rescaled to the total they started with, which keeps
    scores on the same 0–100 scale next to the signals not fitted.
    Raises ``ValueError`` when the labels are all one class or the lengths differ.
    """
    if len(rows) != len(labels):
        raise ValueError("rows and labels must have the same length")
    if all(labels) or not any(labels):
        raise ValueError("the labels are all one class")
    base = start or Weights()
    unknown = [n for n in names if not hasattr(base, n)]
    if unknown:
        raise ValueError(f"no weight named {unknown[0]!r}")
    columns = [[row.get(n, 0.0) for row in rows] for n in names]
    current = [float(getattr(base, n)) for n in names]
    total = sum(current)

    def auc_of(w: Sequence[float]) -> float:
        scores = [0.0] * len(rows)
        for wi, column in zip(w, columns, strict=True):
            if wi:
                scores = [s + wi * c for s, c in zip(scores, column, strict=True)]
        return roc_auc(scores, labels)

    best = auc_of(current)
    for _ in range(_PASSES):
        for j in range(len(current)):
            # A weight at zero is given a small stake so it can come back.
            anchor = current[j] or total / (10 * len(current))
            for step in _STEPS:
                trial = list(current)
                trial[j] = anchor * step
                if sum(trial) <= 0:
                    continue
                value = auc_of(trial)
                if value > best:
                    best, current = value, trial
    scale = total / sum(current) if total > 0 else 1.0
    return replace(base, **{n: w * scale for n, w in zip(names, current, strict=True)})
