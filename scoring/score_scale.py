"""The 0–100 number's scale: its fixed bands, its gates' floors, the chance of a fix it means."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.risk_score import Gate, RiskScore
from scoring.signal import Signal

__all__ = [
    "band_for",
    "band_top",
    "chance_score",
    "finish_score",
    "fix_chance",
    "gate_floor",
    "score_without",
    "typical_shift",
]


def typical_shift(config: ScoringConfig, typical: float | None) -> float:
    """How many points every change of a history whose typical change scores ``typical`` reads
    lower: its distance from the fitted histories' typical change (``[scoring.bands] typical``).

    ``None`` (no typical change yet) moves nothing. It never moves a change by more than
    the very-high bound's distance from 100, so every band stays reachable.
    """
    if typical is None:
        return 0.0
    b = config.bands
    return min(typical - b.typical, 100.0 - b.critical)


def band_for(score: float, config: ScoringConfig) -> Band:
    """The band a score falls in: fixed bounds of the number shown, the same for every change
    and deploy of every history, so a higher number is never a lower band.

    A threshold belongs to the band it opens.
    """
    b = config.bands
    if score >= b.critical:
        return Band.CRITICAL
    if score >= b.high:
        return Band.HIGH
    if score >= b.moderate:
        return Band.MODERATE
    return Band.SAFE


def band_top(band: Band, config: ScoringConfig) -> int:
    """The highest whole score in ``band``: one below the bound of the band above it."""
    b = config.bands
    above = {Band.SAFE: b.moderate, Band.MODERATE: b.high, Band.HIGH: b.critical}
    return 100 if band is Band.CRITICAL else math.ceil(above[band]) - 1


def gate_floor(gates: Iterable[Gate], config: ScoringConfig) -> float:
    """The lowest score ``gates`` allow: the highest of their floors' thresholds (0 for none)."""
    b = config.bands
    floors = {Band.CRITICAL: b.critical, Band.HIGH: b.high, Band.MODERATE: b.moderate}
    # Whole points: a floor of 71.4 would round to a score of 71, below its own band.
    return max(
        (min(100.0, math.ceil(floors[g.floor])) for g in gates if g.floor in floors),
        default=0.0,
    )


def score_without(score: RiskScore, points: float, config: ScoringConfig) -> int:
    """The number ``score`` would be were its signals ``points`` fewer: its gates' floors still
    hold (a gate reads the change itself), and it never rises above the number it is (its
    ceiling, a change of no code, holds too)."""
    raw = min(100.0, max(0.0, sum(s.points for s in score.signals) - points))
    if score.gates:
        raw = max(raw, gate_floor(score.gates, config))
    return min(score.score, round(raw))


def fix_chance(score: float, config: ScoringConfig) -> float:
    """The chance a change of this score needs a fix: the stated scale of every number shown.

    A point is a fixed step in the log-odds of a defect (the model's ``points_per_logit``), so
    a score is that chance read on a log-odds scale: with the shipped model 38 is about 1 in
    10, 50 about 1 in 4, 60 about 1 in 2 and 72 about 3 in 4 (docs/scoring.md).
    """
    return config.model.probability(score)


def chance_score(chance: float, config: ScoringConfig) -> float:
    """The score, 0–100, whose ``fix_chance`` is ``chance``."""
    if chance <= 0.0:
        return 0.0
    if chance >= 1.0:
        return 100.0
    return min(100.0, max(0.0, config.model.score_at(chance)))


def finish_score(
    key: str,
    signals: Sequence[Signal],
    gates: Sequence[Gate],
    config: ScoringConfig,
    version: str | None = None,
    typical: float | None = None,
    ceiling: Band | None = None,
    typical_points: tuple[tuple[str, float], ...] | None = None,
    total: float | None = None,
) -> RiskScore:
    """The score of ``signals`` and ``gates``; ``total``: their points added up, when known.

    The band is the score's own (``band_for``): a ceiling takes the number down to the top
    of its band rather than calling a higher number a lower band.
    """
    if total is None:
        total = sum([s.points for s in signals])
    # ``min(100.0, total)`` without the call: the same value, NaN included.
    raw = total if total < 100.0 else 100.0
    if raw < 0.0:
        raw = 0.0
    if gates:
        raw = max(raw, gate_floor(gates, config))
    score = round(raw)
    if ceiling is not None:
        score = min(score, band_top(ceiling, config))
    return RiskScore(
        key,
        score,
        band_for(score, config),
        tuple(signals),
        tuple(gates),
        config.version if version is None else version,
        typical,
        typical_points,
    )
