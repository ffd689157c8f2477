"""A deploy's score: the chance at least one of its changes needs a fix, lifted by its gates."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from scoring.config import ScoringConfig
from scoring.facts import DeployFacts, IncidentFacts
from scoring.history import BudgetSpan
from scoring.risk_score import Gate, RiskScore
from scoring.score_scale import chance_score, finish_score, fix_chance
from scoring.signal import Signal
from scoring.timing import timing_points

__all__ = [
    "DEPLOY_SIGNAL_LABELS",
    "PRODUCTION",
    "active_incidents",
    "score_deploy",
    "score_deploys",
    "spent_budget",
]

# The environment sources store production deploys under (``data.store.window_deploys``):
# only a production deploy reaches the users an error budget is kept for.
PRODUCTION = "production"


# Days since the previous deploy over which the gap signal ramps from nothing to full.
_GAP_DAYS = (7.0, 30.0)


def _gap(deploy: DeployFacts, weight: float) -> Signal:
    """A long time since the last deploy means stale context and a rusty pipeline."""
    if deploy.previous_finished_at is None:
        return Signal("deploy_gap", None, 0.0, "first known deploy of this service")
    days = (deploy.finished_at - deploy.previous_finished_at).total_seconds() / 86_400
    low, high = _GAP_DAYS
    share = min(1.0, max(0.0, (days - low) / (high - low)))
    return Signal(
        "deploy_gap",
        round(days, 2),
        weight * share,
        f"{days:.0f} days after the last deploy",
        share,
    )


# What a manager reads for each signal of ``score_deploy``, declared beside it as a change
# signal's words are beside its function: a deploy is no change, so these drive no change
# card and need no action or glossary line, only a label.
DEPLOY_SIGNAL_LABELS: dict[str, str] = {
    "riskiest_change": "a risky change shipped",
    "batch_size": "large deploy batches",
    "deploy_timing": "Friday or after-hours deploys",
    "deploy_gap": "deploys after a long pause",
}


def score_deploys(
    deploys: Iterable[DeployFacts],
    change_scores: Mapping[str, RiskScore],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
    error_budgets: Sequence[BudgetSpan] = (),
) -> list[RiskScore]:
    """Score deploys in the order they finished, each from the scores of the changes it shipped;
    ``error_budgets`` are the spans ``(service, from, until or None)`` of spent error budgets."""
    out: list[RiskScore] = []
    for deploy in sorted(deploys, key=lambda d: (d.finished_at, d.key)):
        shipped = [change_scores[k] for k in deploy.change_keys if k in change_scores]
        out.append(score_deploy(deploy, shipped, incidents, config, error_budgets))
    return out


def _shipped_signals(shipped: Sequence[RiskScore], config: ScoringConfig) -> list[Signal]:
    """The riskiest change's score and what the others add to it: together, the chance that at
    least one of the changes needs a fix (1 − Π(1 − p)), on the scale of a change's score."""
    if not shipped:
        return [
            Signal("riskiest_change", None, 0.0, "the changes this deploy shipped are unknown"),
            Signal("batch_size", 0.0, 0.0, "ships no known change"),
        ]
    worst = max(shipped, key=lambda s: (s.score, s.key))
    # Each change counts by its own number, already read against its own history's typical
    # change: a deploy is not very high merely for shipping an ordinary change of a history
    # whose every change scores high.
    alone = float(worst.score)
    text = f"ships {worst.key}, scored {worst.score} ({worst.band.risk_words})"
    first = Signal("riskiest_change", alone, alone, text, alone / 100)
    n = len(shipped)
    if n == 1:
        return [first, Signal("batch_size", 1.0, 0.0, "ships 1 change")]
    clean = 1.0
    for s in shipped:
        clean *= 1.0 - fix_chance(s.score, config)
    chance = 1.0 - clean
    together = max(alone, chance_score(chance, config))
    added = together - alone
    words = (
        f"ships {n} changes: a {_percent(chance)} chance at least one needs a fix, against "
        f"{_percent(fix_chance(alone, config))} for the riskiest alone"
    )
    return [first, Signal("batch_size", float(n), added, words, added / 100)]


def _percent(chance: float) -> str:
    """A chance in whole percent, never rounded to a certainty it is not."""
    return f"{min(99, max(1, round(100 * chance)))}%"


def score_deploy(
    deploy: DeployFacts,
    shipped: Sequence[RiskScore],
    incidents: Sequence[IncidentFacts],
    config: ScoringConfig,
    error_budgets: Sequence[BudgetSpan] = (),
) -> RiskScore:
    """Score a deploy: the chance at least one of the changes it shipped needs a fix, on the
    changes' scale, plus time since the last deploy and timing, lifted by an active incident
    or by a production deploy shipped while its service had spent its error budget; banded by
    the same fixed bounds as a change."""
    w = config.weights
    signals = _shipped_signals(shipped, config)
    signals.append(_gap(deploy, w.deploy_gap))
    share, text = timing_points(deploy.finished_at, config)
    signals.append(
        Signal("deploy_timing", share, w.deploy_timing * share, f"deployed {text}", share)
    )
    gates: list[Gate] = []
    active = active_incidents(deploy, incidents, config)
    if active:
        first = active[0]
        state = (
            "open"
            if first.resolved_at is None or first.resolved_at > deploy.finished_at
            else "resolved " + _hours_before(first.resolved_at, deploy.finished_at) + " before"
        )
        gates.append(
            Gate(
                "active_incident",
                f"deployed during incident {first.key} of {deploy.service} ({state}); "
                "this lifts the deploy, not the changes it ships",
            )
        )
    spent = spent_budget(deploy, error_budgets)
    if spent is not None:
        # Critical, as the change's gate and the incident gate: an error-budget policy freezes
        # releases of a service that spent its budget, as an incident does.
        gates.append(
            Gate(
                "error_budget",
                f"shipped while {deploy.service} had spent its error budget "
                f"(spent since {spent:%Y-%m-%d %H:%M} UTC)",
            )
        )
    return finish_score(deploy.key, signals, gates, config)


def active_incidents(
    deploy: DeployFacts, incidents: Sequence[IncidentFacts], config: ScoringConfig
) -> list[IncidentFacts]:
    """The incidents of the deploy's service active when it finished, earliest opened first.

    Active: opened at or before the deploy and still open, or resolved less than
    ``active_incident_grace_hours`` before it (exactly that long before no longer
    counts). An incident still open but opened more than ``incident_lookback_days``
    before the deploy is taken as one nobody closed, not as an active incident. A revert's
    incident is never active: it "opens" when the reverted change shipped and "resolves"
    when the revert merged, which says nothing of an outage a deploy could make worse.
    """
    at = deploy.finished_at
    since = at - timedelta(days=config.incident_lookback_days)
    return sorted(
        (
            i
            for i in incidents
            if i.service == deploy.service
            and not i.is_revert
            and i.active_at(at, config.active_incident_grace_hours)
            and not (i.resolved_at is None and i.opened_at < since)
        ),
        key=lambda i: (i.opened_at, i.key),
    )


def spent_budget(deploy: DeployFacts, spans: Sequence[BudgetSpan]) -> datetime | None:
    """When the spent error budget a production ``deploy`` finished in was spent (its
    service's span ``from`` ≤ finished < ``until``; the earliest of overlapping spans), else
    ``None``. A deploy to another environment reaches none of the users the budget is kept
    for."""
    if deploy.environment != PRODUCTION:
        return None
    at = deploy.finished_at
    starts = [
        start
        for service, start, end in spans
        if service == deploy.service and start <= at and (end is None or at < end)
    ]
    return min(starts) if starts else None


def _hours_before(earlier: datetime, later: datetime) -> str:
    """``later - earlier`` in hours, or minutes under one hour, for an explanation."""
    minutes = (later - earlier).total_seconds() / 60
    return f"{minutes:.0f} min" if minutes < 60 else f"{minutes / 60:.1f} h"
