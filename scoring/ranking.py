"""How well a risk score ranks changes that later turned out to induce bugs.

Pure functions over plain sequences: no I/O, no numpy. Every metric is a
ranking metric, so any monotone rescaling of the scores gives the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.risk import Band

__all__ = ["BacktestResult", "BandCount", "evaluate", "lift_top", "recall_at_effort", "roc_auc"]


def _check(scores: Sequence[float], labels: Sequence[bool], *more: Sequence[float]) -> None:
    if len(scores) != len(labels) or any(len(m) != len(scores) for m in more):
        raise ValueError("scores, labels and efforts must have the same length")
    if not scores:
        raise ValueError("cannot evaluate an empty set of changes")


def _average_ranks(scores: Sequence[float]) -> list[float]:
    """1-based ranks, ascending; tied scores all get the mean of the ranks they span."""
    order = sorted(range(len(scores)), key=lambda i: scores[i])
    ranks = [0.0] * len(scores)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and scores[order[end + 1]] == scores[order[start]]:
            end += 1
        rank = (start + end) / 2 + 1
        for k in range(start, end + 1):
            ranks[order[k]] = rank
        start = end + 1
    return ranks


def roc_auc(scores: Sequence[float], labels: Sequence[bool]) -> float:
    """The probability that a random positive outscores a random negative (ties count half).

    Computed from average ranks (Mann–Whitney U), so it is exact with ties.
    Raises ``ValueError`` when the labels are all one class: AUC is undefined
    there, and a silent 0.5 would read as "no better than chance".
    """
    _check(scores, labels)
    positives = sum(1 for y in labels if y)
    negatives = len(labels) - positives
    if positives == 0 or negatives == 0:
        raise ValueError("AUC is undefined when every change has the same label")
    ranks = _average_ranks(scores)
    rank_sum = sum(r for r, y in zip(ranks, labels, strict=True) if y)
    return (rank_sum - positives * (positives + 1) / 2) / (positives * negatives)


def recall_at_effort(
    scores: Sequence[float],
    labels: Sequence[bool],
    efforts: Sequence[float],
    share: float = 0.2,
) -> float:
    """Share of positives found by inspecting changes within ``share`` of the total effort.

    Effort is what inspecting a change costs (lines added plus deleted). A
    reviewer with a fixed budget of lines takes changes by risk per line of
    effort, highest first (ties: higher risk first, then input order), while the
    running effort stays within ``share`` of the total; the first change that
    would exceed it ends the inspection. This is the effort-aware ranking of
    the just-in-time literature (Kamei et al. 2013): taken by raw risk instead,
    the largest changes, which are the riskiest, use up the budget first.
    Raises ``ValueError`` when there are no positives.
    """
    _check(scores, labels, efforts)
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    positives = sum(1 for y in labels if y)
    if positives == 0:
        raise ValueError("recall is undefined when no change is positive")
    budget = share * sum(efforts)
    # One line of effort at least, so empty changes do not divide by zero.
    order = sorted(
        range(len(scores)), key=lambda i: (-scores[i] / max(efforts[i], 1.0), -scores[i])
    )
    spent = 0.0
    found = 0
    for i in order:
        if spent + efforts[i] > budget:
            break
        spent += efforts[i]
        found += 1 if labels[i] else 0
    return found / positives


def lift_top(scores: Sequence[float], labels: Sequence[bool], share: float = 0.1) -> float:
    """Positive rate among the top ``share`` of changes by score, over the overall positive rate.

    The top set holds ``ceil(share * n)`` changes. When tied scores straddle its
    edge, the tied group contributes its positives pro rata (the expected value
    under a random tie-break), so the figure does not depend on input order.
    Raises ``ValueError`` when there are no positives.
    """
    _check(scores, labels)
    if not 0 < share <= 1:
        raise ValueError("share must be in (0, 1]")
    n = len(scores)
    positives = sum(1 for y in labels if y)
    if positives == 0:
        raise ValueError("lift is undefined when no change is positive")
    k = math.ceil(share * n)
    threshold = sorted(scores, reverse=True)[k - 1]
    above = [y for s, y in zip(scores, labels, strict=True) if s > threshold]
    tied = [y for s, y in zip(scores, labels, strict=True) if s == threshold]
    found = sum(1 for y in above if y) + sum(1 for y in tied if y) * (k - len(above)) / len(tied)
    return (found / k) / (positives / n)


@dataclass(frozen=True, slots=True)
class BandCount:
    """How many ranked changes fell in one band, and how many of them were bug-inducing."""

    band: str
    n: int
    positives: int

    @property
    def label(self) -> str:
        """The reader's word for the band, as briefings say it ("very high", "low")."""
        return Band(self.band).label


@dataclass(frozen=True, slots=True)
class BacktestResult:
    """How one scorer ranked one held-out set of labelled changes."""

    n: int
    positives: int
    auc: float
    recall_at_20pct_effort: float
    lift_top_10pct: float
    # Lines added alone on the same rows, the baseline every score must beat.
    auc_lines_added: float | None = None
    bands: tuple[BandCount, ...] = ()

    @property
    def band_lift(self) -> float | None:
        """Bug rate of high and very high ÷ bug rate of low; None when either is empty."""
        counts = {Band(b.band): b for b in self.bands}
        high_risk = [b for band, b in counts.items() if band.high_risk]
        n_hi = sum(b.n for b in high_risk)
        safe = counts.get(Band.SAFE)
        if not n_hi or safe is None or not safe.n or not safe.positives:
            return None
        return (sum(b.positives for b in high_risk) / n_hi) / (safe.positives / safe.n)

    def to_json(self) -> dict[str, object]:
        """The figures as a JSON-ready dict, keyed by field name."""
        out: dict[str, object] = {
            "n": self.n,
            "positives": self.positives,
            "auc": self.auc,
            "recall_at_20pct_effort": self.recall_at_20pct_effort,
            "lift_top_10pct": self.lift_top_10pct,
        }
        if self.auc_lines_added is not None:
            out["auc_lines_added"] = self.auc_lines_added
        if self.bands:
            out["bands"] = {
                b.band: {"n": b.n, "positives": b.positives, "label": b.label} for b in self.bands
            }
        return out


_BANDS = tuple(b.value for b in Band)


def evaluate(
    scores: Sequence[float],
    labels: Sequence[bool],
    efforts: Sequence[float],
    lines_added: Sequence[float] | None = None,
    bands: Sequence[str] | None = None,
) -> BacktestResult:
    """All backtest figures for scored changes; effort is usually lines added plus deleted.

    With ``lines_added`` the same rows are also ranked by lines added alone;
    with ``bands`` (each change's band) the changes and positives per band are counted.
    Raises ``ValueError`` when the labels are all one class, which cannot be ranked.
    """
    _check(scores, labels, efforts)
    positives = sum(1 for label in labels if label)
    if positives in (0, len(labels)):
        raise ValueError(f"all {len(labels)} changes carry the same label")
    counts: tuple[BandCount, ...] = ()
    if bands is not None:
        counts = tuple(
            BandCount(
                band,
                sum(1 for b in bands if b == band),
                sum(1 for b, y in zip(bands, labels, strict=True) if b == band and y),
            )
            for band in _BANDS
        )
    return BacktestResult(
        n=len(labels),
        positives=positives,
        auc=roc_auc(scores, labels),
        recall_at_20pct_effort=recall_at_effort(scores, labels, efforts, 0.2),
        lift_top_10pct=lift_top(scores, labels, 0.1),
        auc_lines_added=None if lines_added is None else roc_auc(lines_added, labels),
        bands=counts,
    )
