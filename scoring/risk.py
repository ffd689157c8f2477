"""Signals to a 0–100 score, a band and the hard gates, for changes and deploys."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from scoring.config import ScoringConfig
from scoring.facts import ChangeFacts, DeployFacts, IncidentFacts
from scoring.history import History, HistoryContext
from scoring.signals import CHANGE_SIGNALS, Signal, is_migration, timing_points

__all__ = [
    "Band",
    "Gate",
    "RiskScore",
    "band_for",
    "score_change",
    "score_changes",
    "score_deploy",
]


class Band(StrEnum):
    """Risk bands, from least to most risky."""

    SAFE = "safe"
    MODERATE = "moderate"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def elevated(self) -> bool:
        """High and critical are what a manager should look at."""
        return self in (Band.HIGH, Band.CRITICAL)


@dataclass(frozen=True, slots=True)
class Gate:
    """A hard rule that lifts a score to at least the critical threshold."""

    name: str
    explanation: str


@dataclass(frozen=True, slots=True)
class RiskScore:
    """A scored change or deploy, with the signals and gates that made the score."""

    subject: str
    score: int
    band: Band
    signals: tuple[Signal, ...]
    gates: tuple[Gate, ...]
    version: str

    def top_signals(self, n: int = 3) -> tuple[Signal, ...]:
        """The ``n`` signals that added the most points (ties broken by name)."""
        ranked = sorted(
            (s for s in self.signals if s.points > 0), key=lambda s: (-s.points, s.name)
        )
        return tuple(ranked[:n])


def band_for(score: float, config: ScoringConfig) -> Band:
    """The band a score falls in; a threshold belongs to the band it opens."""
    b = config.bands
    if score >= b.critical:
        return Band.CRITICAL
    if score >= b.high:
        return Band.HIGH
    if score >= b.moderate:
        return Band.MODERATE
    return Band.SAFE


def _finish(
    subject: str, signals: Sequence[Signal], gates: Sequence[Gate], config: ScoringConfig
) -> RiskScore:
    raw = min(100.0, sum(s.points for s in signals))
    if gates:
        raw = max(raw, config.bands.critical)
    score = round(raw)
    return RiskScore(
        subject, score, band_for(score, config), tuple(signals), tuple(gates), config.version
    )


def score_change(change: ChangeFacts, ctx: HistoryContext, config: ScoringConfig) -> RiskScore:
    """Score one change from its own facts and what the history knew just before it."""
    signals = [fn(change, ctx, config) for fn in CHANGE_SIGNALS]
    gates: list[Gate] = []
    migrations = [f.path for f in change.files if is_migration(f.path)]
    if migrations:
        gates.append(Gate("schema_migration", f"contains a schema migration ({migrations[0]})"))
    return _finish(change.key, signals, gates, config)


def score_changes(
    changes: Iterable[ChangeFacts], incidents: list[IncidentFacts], config: ScoringConfig
) -> dict[str, RiskScore]:
    """Score changes in merge order, each against the history of the changes before it."""
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(incidents)
    scores: dict[str, RiskScore] = {}
    for change in sorted(changes, key=lambda c: (c.merged_at, c.key)):
        scores[change.key] = score_change(change, history.context(change), config)
        history.record(change)
    return scores


def score_deploy(
    deploy: DeployFacts,
    shipped: Sequence[RiskScore],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
) -> RiskScore:
    """Score a deploy: its riskiest change plus batch size, timing and active incidents."""
    w = config.weights
    signals: list[Signal] = []
    if shipped:
        worst = max(shipped, key=lambda s: (s.score, s.subject))
        signals.append(
            Signal(
                "riskiest_change",
                float(worst.score),
                float(worst.score),
                f"ships {worst.subject}, scored {worst.score} ({worst.band})",
            )
        )
    else:
        signals.append(
            Signal("riskiest_change", None, 0.0, "the changes this deploy shipped are unknown")
        )
    n = len(shipped)
    batch = min(1.0, max(0, n - 1) / 9)
    signals.append(
        Signal(
            "batch_size",
            float(n),
            w.deploy_batch * batch,
            f"ships {n} change{'' if n == 1 else 's'}",
        )
    )
    share, text = timing_points(deploy.finished_at, config)
    signals.append(Signal("deploy_timing", share, w.deploy_timing * share, f"deployed {text}"))
    gates: list[Gate] = []
    active = [
        i
        for i in incidents
        if i.service == deploy.service
        and i.active_at(deploy.finished_at, config.active_incident_grace_hours)
    ]
    if active:
        gates.append(
            Gate("active_incident", f"deployed during incident {active[0].key} of {deploy.service}")
        )
    return _finish(deploy.key, signals, gates, config)
