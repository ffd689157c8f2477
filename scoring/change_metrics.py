"""A 0–100 risk score from Kamei et al.'s 14 just-in-time change metrics.

This is the product's scorer reduced to what public labelled datasets record,
so the signal families can be backtested: size, diffusion, file history,
author experience and bug-fix changes. Each family earns a share in [0, 1]
and ``MetricWeights`` says how many points a full share is worth; the score is
the sum, so every point is explained by one family.

Shares grow with the logarithm of counts over wide ranges rather than through
short clipped ramps: a ranking metric (AUC) is hurt by ties, and a ramp that
clips at 20 lines would make most small changes tie at zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, fields

from scoring.metrics import roc_auc
from scoring.signals import Signal

__all__ = [
    "METRIC_NAMES",
    "ChangeMetrics",
    "MetricWeights",
    "fit_weights",
    "metric_signals",
    "score_metrics",
]

METRIC_NAMES: tuple[str, ...] = (
    "ns",
    "nd",
    "nf",
    "entropy",
    "la",
    "ld",
    "lt",
    "fix",
    "ndev",
    "age",
    "nuc",
    "exp",
    "rexp",
    "sexp",
)


@dataclass(frozen=True, slots=True)
class ChangeMetrics:
    """Kamei et al.'s just-in-time metrics of one change (counts as floats, as extractors emit).

    ``entropy`` is the change entropy in bits over the touched files; ``age`` is
    the mean days since the touched files last changed; ``exp``/``rexp``/``sexp``
    are the author's prior changes overall, recency-weighted and in the subsystem.
    """

    ns: float
    nd: float
    nf: float
    entropy: float
    la: float
    ld: float
    lt: float
    fix: bool
    ndev: float
    age: float
    nuc: float
    exp: float
    rexp: float
    sexp: float


@dataclass(frozen=True, slots=True)
class MetricWeights:
    """The most points each family can add; the defaults sum to 100.

    Chosen from the literature, not fitted to any project, so they hold on
    data nobody has labelled yet:
    - size dominates: lines added is the single best just-in-time predictor
      across projects (Kamei 2013; Zeng 2021 find `la` alone beats deep models);
    - diffusion next: files and directories touched, and how evenly (Hassan's
      change entropy), are the next most consistent family (Kamei 2013);
    - bug-fix changes carry a fixed extra risk (fixes are made under pressure
      in code already known to be fragile), worth about what tripling the
      lines added is worth; a binary signal given more would swamp the ranking;
    - file history is weaker and its direction varies by project;
    - author experience gets a token weight: less experience is riskier in the
      literature, but on the Kamei datasets the effect is small and often
      reversed (experienced authors also make the big, risky changes).
    The proportions were sanity-checked once on the earlier 80% of all six
    public projects together (never per project, never on the test 20%): the
    first guess (50/20/15/10/5) over-weighted fixes.
    """

    size: float = 60.0
    diffusion: float = 25.0
    fix: float = 8.0
    history: float = 5.0
    experience: float = 2.0


# Deleted lines count a fifth of added ones: removed code cannot hold a new
# defect, but deletions still break callers and are read in review.
_DELETED_FACTOR = 0.2
# Where each log ramp saturates; chosen wide so that only outliers clip.
_MAX_LINES = 10_000
_MAX_FILES = 100
_MAX_DIRS = 50
_MAX_SUBSYSTEMS = 10
_MAX_ENTROPY_BITS = math.log2(100)
_MAX_PRIOR_CHANGES = 1_000
_MAX_PRIOR_DEVS = 100
_STALE_DAYS = 365
_SEASONED_CHANGES = 10_000
_SEASONED_RECENT = 1_000


def _log_share(x: float, low: float, high: float) -> float:
    """0 at or below ``low``, 1 at or above ``high``, linear in log(1 + x) between."""
    lo, hi = math.log1p(low), math.log1p(high)
    v = math.log1p(max(x, 0.0))
    if v <= lo:
        return 0.0
    if v >= hi:
        return 1.0
    return (v - lo) / (hi - lo)


def _size_share(m: ChangeMetrics) -> float:
    top = (1 + _DELETED_FACTOR) * math.log1p(_MAX_LINES)
    raw = math.log1p(max(m.la, 0.0)) + _DELETED_FACTOR * math.log1p(max(m.ld, 0.0))
    return min(1.0, raw / top)


def _diffusion_share(m: ChangeMetrics) -> float:
    # Files weigh most: each touched file is one more place to get wrong.
    return (
        0.5 * _log_share(m.nf, 1, _MAX_FILES)
        + 0.2 * min(1.0, max(m.entropy, 0.0) / _MAX_ENTROPY_BITS)
        + 0.2 * _log_share(m.nd, 1, _MAX_DIRS)
        + 0.1 * _log_share(m.ns, 1, _MAX_SUBSYSTEMS)
    )


def _history_share(m: ChangeMetrics) -> float:
    # Files that changed recently are still settling, so low age adds risk.
    return (
        0.4 * _log_share(m.nuc, 1, _MAX_PRIOR_CHANGES)
        + 0.3 * _log_share(m.ndev, 1, _MAX_PRIOR_DEVS)
        + 0.3 * (1.0 - _log_share(m.age, 0, _STALE_DAYS))
    )


def _experience_share(m: ChangeMetrics) -> float:
    seasoned = (
        _log_share(m.exp, 0, _SEASONED_CHANGES)
        + _log_share(m.rexp, 0, _SEASONED_RECENT)
        + _log_share(m.sexp, 0, _SEASONED_RECENT)
    ) / 3
    return 1.0 - seasoned


def _shares(m: ChangeMetrics) -> tuple[float, float, float, float, float]:
    """Family shares in the field order of ``MetricWeights``."""
    return (
        _size_share(m),
        _diffusion_share(m),
        1.0 if m.fix else 0.0,
        _history_share(m),
        _experience_share(m),
    )


def metric_signals(m: ChangeMetrics, weights: MetricWeights) -> tuple[Signal, ...]:
    """One ``Signal`` per family, with the points it adds and a one-line reason."""
    size, diffusion, fix, history, experience = _shares(m)
    return (
        Signal(
            "size",
            m.la + m.ld,
            weights.size * size,
            f"{m.la:.0f} lines added, {m.ld:.0f} deleted",
        ),
        Signal(
            "diffusion",
            round(diffusion, 4),
            weights.diffusion * diffusion,
            f"{m.nf:.0f} files in {m.nd:.0f} directories of {m.ns:.0f} subsystems "
            f"(entropy {m.entropy:.2f} bits)",
        ),
        Signal(
            "fix",
            fix,
            weights.fix * fix,
            "a bug-fix change" if m.fix else "not a bug fix",
        ),
        Signal(
            "history",
            round(history, 4),
            weights.history * history,
            f"files changed {m.nuc:.0f} times by {m.ndev:.0f} developers, "
            f"last {m.age:.0f} days ago on average",
        ),
        Signal(
            "author_experience",
            round(experience, 4),
            weights.experience * experience,
            f"author has {m.exp:.0f} earlier changes, {m.sexp:.0f} in this subsystem",
        ),
    )


def score_metrics(m: ChangeMetrics, weights: MetricWeights) -> float:
    """The 0–100 risk score of one change: the sum of its family points.

    Not rounded: a backtest ranks changes, and rounding would create ties.
    """
    points = sum(w * s for w, s in zip(_weight_tuple(weights), _shares(m), strict=True))
    return min(100.0, max(0.0, points))


def _weight_tuple(weights: MetricWeights) -> tuple[float, ...]:
    return tuple(float(getattr(weights, f.name)) for f in fields(weights))


# Coordinate search: each pass tries these multiples of every weight in turn.
_STEPS = (0.0, 0.5, 0.8, 1.25, 2.0)
_PASSES = 3


def fit_weights(rows: Sequence[ChangeMetrics], labels: Sequence[bool]) -> MetricWeights:
    """Weights that rank ``rows`` by ``labels`` better, found by a deterministic coordinate search.

    Starts from the defaults and, for a fixed number of passes, tries fixed
    multiples of one family's weight at a time, keeping a change only when it
    raises the AUC on ``rows`` (so ties keep the earlier weights). The family
    shapes stay fixed, so a fitted score explains itself like a default one.
    The result is rescaled to sum to 100, which keeps scores in 0–100 and does
    not change the ranking. Same input, same weights.
    Raises ``ValueError`` when the labels are all one class.
    """
    if len(rows) != len(labels):
        raise ValueError("rows and labels must have the same length")
    shares = [_shares(m) for m in rows]
    current = list(_weight_tuple(MetricWeights()))

    def auc_of(w: Sequence[float]) -> float:
        return roc_auc([sum(a * b for a, b in zip(w, s, strict=True)) for s in shares], labels)

    best = auc_of(current)
    for _ in range(_PASSES):
        for j in range(len(current)):
            base = current[j]
            for step in _STEPS:
                trial = list(current)
                trial[j] = base * step
                if sum(trial) <= 0:
                    continue
                value = auc_of(trial)
                if value > best:
                    best, current = value, trial
    total = sum(current)
    return MetricWeights(*(100.0 * w / total for w in current))
