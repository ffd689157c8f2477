"""How to split a gated deploy of many changes: which changes to ship apart, each part scored
again by the deploy scorer (``scoring.deploy_risk.score_deploy``), never estimated.

A deploy of more than a few changes (``MIN_CHANGES``) through a gate is worth splitting:

- a change a gate lifted (a schema migration, a spent error budget, a very large change):
  ship it, and the changes touching any of its files, apart from the rest (``SplitWay.GATE``);
- otherwise the deploy's own gate (an incident of its service active, or its service's
  error budget spent) or its timing (a Friday, after hours): hold back its high-risk
  changes, or its riskiest one when none is high, and ship the rest (``SplitWay.HOLD``).

Each part is scored as that deploy with only its changes: the same service, time and
previous deploy, the same incidents and spent error budgets (a deploy of a spent budget
stays gated whatever it ships, so holding changes back never lowers it). A split is
named only when what ships without the changes set apart scores a point or more below the
whole. Pure and deterministic: the store (``data.store.deploy_split``) reads what it needs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from scoring.band import Band
from scoring.config import ScoringConfig
from scoring.deploy_risk import score_deploy
from scoring.facts import DeployFacts, IncidentFacts
from scoring.history import BudgetSpan
from scoring.risk_score import RiskScore

__all__ = [
    "MIN_CHANGES",
    "TIMING",
    "DeployPart",
    "DeploySplit",
    "ShippedChange",
    "SplitWay",
    "gate_reason",
    "split_deploy",
]

# More than a few: a deploy of three changes is read whole by the people shipping it.
MIN_CHANGES = 4
# The reason a deploy without a gate is split for: its timing signal earned points.
TIMING = "deploy_timing"
_RISKIEST = "riskiest_change"


class SplitWay(StrEnum):
    """How a deploy is split: its gated changes apart, or its riskiest held back."""

    GATE = "gate"
    HOLD = "hold"


@dataclass(frozen=True, slots=True)
class ShippedChange:
    """A change the deploy shipped: its stored score, and its paths (to find the changes
    touching a gated one's files)."""

    score: RiskScore
    files: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class DeployPart:
    """One deploy of a split: the keys of its changes (as the deploy shipped them) and its
    score by the deploy scorer."""

    changes: tuple[str, ...]
    score: RiskScore


@dataclass(frozen=True, slots=True)
class DeploySplit:
    """A gated deploy split in two: ``apart`` (the gated changes and those touching their
    files, or the changes held back) and ``rest``; ``whole`` is the deploy scored again with
    every change, which equals its stored score.

    ``reason`` names what makes it gated: a gate's name (``schema_migration``,
    ``error_budget``, ``large_change``, ``active_incident``) or ``TIMING``; ``gated`` are
    the changes that gate lifted (none for a deploy's own gate or its timing); ``apart``
    holds every gated change, whatever its gate.
    """

    way: SplitWay
    reason: str
    gated: tuple[str, ...]
    apart: DeployPart
    rest: DeployPart
    whole: RiskScore


def _scored(
    deploy: DeployFacts,
    part: Sequence[ShippedChange],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
    error_budgets: Sequence[BudgetSpan],
) -> DeployPart:
    keys = tuple(s.score.key for s in part)
    facts = replace(deploy, change_keys=keys)
    scored = score_deploy(facts, [s.score for s in part], incidents, config, error_budgets)
    return DeployPart(keys, scored)


def _touching(gated: Sequence[ShippedChange], shipped: Sequence[ShippedChange]) -> set[str]:
    """The keys of the gated changes and of the changes sharing a file with one of them."""
    files = frozenset().union(*(g.files for g in gated))
    keys = {g.score.key for g in gated}
    return keys | {s.score.key for s in shipped if s.files & files}


def _held(shipped: Sequence[ShippedChange]) -> set[str]:
    """The changes to hold back: the high-risk ones, else the riskiest (ties: the key)."""
    high = {s.score.key for s in shipped if s.score.band.high_risk}
    if high:
        return high
    riskiest = max(shipped, key=lambda s: (s.score.score, s.score.key))
    return {riskiest.score.key}


def gate_reason(whole: RiskScore, gated: Sequence[ShippedChange]) -> str | None:
    """What makes the deploy ``whole`` gated (``gated``: its changes a gate lifted): their gate
    of the highest floor, its own gate, else its timing when that earned points; ``None`` for
    an ungated deploy. Its stored score tells the same as its score again."""
    if gated:
        # The gate of the highest floor (a migration's before a large change's), the riskier
        # change's on a tie.
        order = list(Band)
        *_, name = max(
            (order.index(g.floor), s.score.score, s.score.key, g.name)
            for s in gated
            for g in s.score.gates
        )
        return name
    if whole.gates:
        return whole.gates[0].name
    timing = next((s for s in whole.signals if s.name == TIMING), None)
    return TIMING if timing is not None and timing.points > 0 else None


def split_deploy(
    deploy: DeployFacts,
    shipped: Sequence[ShippedChange],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
    error_budgets: Sequence[BudgetSpan] = (),
) -> DeploySplit | None:
    """How to split ``deploy``, which shipped the scored changes ``shipped`` (in its order);
    ``None`` when it has fewer
    than ``MIN_CHANGES``, no gate, or no split lowers what ships without the changes apart."""
    if len(shipped) < MIN_CHANGES:
        return None
    whole = score_deploy(deploy, [s.score for s in shipped], incidents, config, error_budgets)
    gated = [s for s in shipped if s.score.gates]
    reason = gate_reason(whole, gated)
    if reason is None:
        return None
    way, apart = SplitWay.GATE, _touching(gated, shipped) if gated else set()
    if not apart or len(apart) == len(shipped):
        # No gated change, or every change touches one: hold the riskiest back instead.
        way, apart = SplitWay.HOLD, _held(shipped)
    if len(apart) == len(shipped):
        return None
    parts = (incidents, config, error_budgets)
    first = _scored(deploy, [s for s in shipped if s.score.key in apart], *parts)
    rest = _scored(deploy, [s for s in shipped if s.score.key not in apart], *parts)
    if rest.score.score >= whole.score:
        return None
    # The changes of the gate named: the reader is told which change each reason is.
    named = tuple(s.score.key for s in gated if any(g.name == reason for g in s.score.gates))
    return DeploySplit(way, reason, named, first, rest, whole)
