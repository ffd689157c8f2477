"""What is usual for a service: the yardstick of the incident and gated rules.

Bands that speak put a share of every history's changes and deploys at high risk,
so "high" alone is no news for a service whose changes and deploys often are. Both
rules ask what the service itself did over the baseline weeks (``baseline_weeks``
before this one, pooled, which every briefing has) before they call a change or a
deploy unusual.
"""

from __future__ import annotations

from collections.abc import Iterable

from scoring.band import Band
from scoring.card_terms import CardRules
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, WeekIncident

__all__ = [
    "other_risk",
    "riskiest_deploy",
    "routine_gated",
    "shipped_by_incident",
    "usual_gates",
    "very_high_on_its_own",
]


def usual_gates(this: WeekAggregate) -> set[tuple[str | None, str]]:
    """The (service, gate) pairs the service's changes went through over the baseline weeks."""
    if this.baseline is None:
        return set()
    return {(c.service, g) for c in this.baseline.changes for g in c.gates}


def other_risk(c: WeekChange, r: CardRules) -> bool:
    """Whether a gated change is risky on its own signals, besides its gate.

    A gate lifts a change to the very-high bound of its history; its own signals came
    within ``gated_other_risk_points`` of that bound (the width of the high band with
    the default bands) when they alone made it high risk for its history. Measured
    from the bound, not as a score, so it means the same where the typical change
    scores 48 and where it scores 60.
    """
    return c.ungated_score is not None and c.ungated_score >= c.score - r.gated_other_risk_points


def routine_gated(c: WeekChange, usual: set[tuple[str | None, str]], r: CardRules) -> bool:
    """A change a gate put at very high risk that its service takes routinely.

    Every gate it went through, its service's changes went through over the baseline
    weeks too; a human approved it or its review is unknown (unknown is not "no"); no
    AI agent wrote it; and its own signals carry no other risk (``other_risk``).
    """
    if not c.gated_very_high or c.human_reviewed is False or c.agent_involved:
        return False
    if other_risk(c, r):
        return False
    return bool(usual) and all((c.service, g) in usual for g in c.gates)


def shipped_by_incident(this: WeekAggregate) -> set[str]:
    """Keys of the changes shipped by a deploy a linked incident of this week followed."""
    return {c.key for i in this.incidents if i.deploy_key for c in i.shipped}


def _comparable(deploys: Iterable[ScoredDeploy], service: str, key: str) -> list[int]:
    """Scores of ``service``'s other deploys, leaving out those an active incident's gate
    lifted: their score is the gate's floor, not what they shipped."""
    return [d.score for d in deploys if d.service == service and d.key != key and not d.gates]


def riskiest_deploy(i: WeekIncident, this: WeekAggregate, r: CardRules) -> bool:
    """Whether the deploy ``i`` is linked to scored above every other deploy of its service this
    week and over the baseline weeks, or the service made fewer than ``incident_many_deploys``
    others to compare with (then a risky deploy is unusual enough).
    """
    deploys = (*this.deploys, *(this.baseline.deploys if this.baseline else ()))
    score = i.deploy_score
    if score is None:
        score = next((d.score for d in deploys if d.key == i.deploy_key), None)
    others = _comparable(deploys, i.service, i.deploy_key or "")
    if len(others) < r.incident_many_deploys:
        return True
    return score is not None and score > max(others)


def very_high_on_its_own(i: WeekIncident) -> bool:
    """Whether the linked deploy is very high for its service by what it is, not because an
    incident was active when it finished (the active-incident gate)."""
    return i.deploy_band is Band.CRITICAL and not i.deploy_gates
