"""What broke: incidents after risky deploys, time to resolve, the change failure rate."""

from __future__ import annotations

from collections.abc import Iterator

from scoring.card_rules.measure import CardRule, compared, reaches, severity_for, tenth, versus
from scoring.card_rules.usual import (
    riskiest_deploy,
    routine_gated,
    usual_gates,
    very_high_on_its_own,
)
from scoring.card_terms import (
    Card,
    CardCulprit,
    CardFact,
    CardKind,
    CardRules,
    Evidence,
    EvidenceKind,
    FactKey,
    Severity,
)
from scoring.culprits import ClueKind, likeliest
from scoring.risk import Band
from scoring.weekly import WeekAggregate, WeekIncident

__all__ = [
    "RULES",
    "card_culprits",
    "cfr",
    "cfr_improved",
    "incident",
    "mttr",
    "mttr_improved",
    "stood_out",
]


def card_culprits(i: WeekIncident) -> tuple[CardCulprit, ...]:
    """The changes likeliest behind ``i``, confirmed ones first, as its card carries them: the
    same ranking ``/risk incident`` tells (``scoring.culprits.likeliest``), nothing when the
    week was read without it."""
    if i.culprits is None:
        return ()
    return tuple(
        CardCulprit(
            key=n.suspect.change.key,
            title=n.suspect.change.title,
            url=n.suspect.change.url,
            points=n.suspect.points,
            # A clue that earned nothing (unscored, shipped at the window's edge) is no reason.
            reasons=tuple(c.kind for c in n.suspect.evidence if c.points > 0),
            band=n.suspect.change.band,
            deploy=n.suspect.change.deploy,
            confirmed=n.confirmed,
            reverted_by=next(
                (c.by for c in n.suspect.evidence if c.kind is ClueKind.REVERTED), None
            ),
        )
        for n in likeliest(i.culprits)
    )


def stood_out(i: WeekIncident, this: WeekAggregate, r: CardRules) -> bool:
    """Whether the deploy ``i`` followed stood out from its service's usual deploys.

    - ``i`` is a revert of what the deploy shipped: the revert itself says the deploy
      was at fault;
    - the deploy shipped a change very high for its history that its service does not
      take routinely (``card_rules.usual.routine_gated``: a reviewed migration of a service that
      migrates every week or two is routine);
    - the deploy is very high for its service on its own (not lifted there by the
      active-incident gate, which says another incident was open, not that it
      shipped anything risky);
    - or the deploy is high for its service, or shipped a change high for its history,
      and scored above every other deploy of its service this week and over the
      baseline weeks (``card_rules.usual.riskiest_deploy``): a high deploy of a service whose
      deploys are often that high is one of many ordinary ones, and coming last before
      an incident is a coincidence, not a finding.
    """
    if Evidence.parse(i.key, EvidenceKind.INCIDENT).kind is EvidenceKind.REVERT:
        return True
    known = usual_gates(this)
    if any(c.band is Band.CRITICAL and not routine_gated(c, known, r) for c in i.shipped):
        return True
    if i.deploy_gates:
        return False
    if very_high_on_its_own(i):
        return True
    risky = (i.deploy_band is not None and i.deploy_band.high_risk) or any(
        c.high_risk for c in i.shipped
    )
    return risky and riskiest_deploy(i, this, r)


def incident(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """An incident opened within the window after a deploy of its service that stood out
    (``stood_out``): unusually risky for that service, or reverted."""
    for i in this.incidents:
        if i.deploy_band is None or i.deploy_finished_at is None:
            continue
        hours = (i.opened_at - i.deploy_finished_at).total_seconds() / 3600
        if hours > r.incident_window_hours:
            continue
        if not stood_out(i, this, r):
            continue
        facts = [CardFact(FactKey.HOURS_TO_INCIDENT, tenth(hours), "h")]
        if (m := i.minutes_to_resolve) is not None:
            facts.append(CardFact(FactKey.MINUTES_TO_RESOLVE, tenth(m), "min"))
        if i.shipped and not Band(i.deploy_band).high_risk:
            # A deploy ordinary for its service stood out by what it shipped: that score is
            # the card's reason. A high one is its own reason, and the card stays short.
            facts.append(CardFact(FactKey.SHIPPED_RISKIEST_SCORE, max(c.score for c in i.shipped)))
        yield Card(
            f"incident:{i.key}",
            CardKind.INCIDENT,
            Severity.CRITICAL,
            i.service,
            tuple(facts),
            # The incident first (a revert's id reads ``revert:…``), then the deploy it followed.
            (Evidence.parse(i.key, EvidenceKind.INCIDENT),)
            + ((Evidence(EvidenceKind.DEPLOY, i.deploy_key),) if i.deploy_key else ()),
            deploy_band=i.deploy_band,
            culprits=card_culprits(i),
        )


def mttr(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Incidents took materially longer to resolve (median) than last week, or than the
    weeks before when last week resolved too few to compare with."""
    # One slow incident is not a trend: a median needs a few of them on each side.
    if this.resolved_incidents < r.mttr_min_incidents:
        return
    base = compared(this, last, lambda w: w.resolved_incidents >= r.mttr_min_incidents)
    if base is None:
        return
    now, before = this.mttr_minutes, base.mttr_minutes
    if now is None or before is None or before <= 0:
        return
    if not reaches(now - before, r.mttr_min_minutes):
        return
    sev = severity_for(now / before, r.mttr_warning_ratio, r.mttr_critical_ratio)
    if sev is None:
        return
    yield Card(
        "mttr",
        CardKind.MTTR,
        sev,
        None,
        (
            CardFact(FactKey.MTTR_THIS_WEEK, tenth(now), "min"),
            *versus(base, before, "min", FactKey.MTTR_LAST_WEEK, FactKey.MTTR_BASELINE),
            CardFact(FactKey.INCIDENTS_THIS_WEEK, len(this.incidents)),
        ),
        tuple(Evidence.parse(i.key, EvidenceKind.INCIDENT) for i in this.incidents),
    )


def mttr_improved(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Incidents were resolved materially faster than last week."""
    now, before = this.mttr_minutes, last.mttr_minutes
    if now is None or before is None:
        return
    # A median of one incident is that incident; a positive card needs a few each week.
    if min(this.resolved_incidents, last.resolved_incidents) < r.mttr_improved_min_incidents:
        return
    # The mirror of the MTTR card: faster by its minutes and by its ratio.
    if not reaches(before - now, r.mttr_min_minutes):
        return
    if not reaches(before, now * r.mttr_warning_ratio):
        return
    yield Card(
        "mttr:improved",
        CardKind.MTTR_IMPROVED,
        Severity.INFO,
        None,
        (
            CardFact(FactKey.MTTR_THIS_WEEK, tenth(now), "min"),
            CardFact(FactKey.MTTR_LAST_WEEK, tenth(before), "min"),
            CardFact(FactKey.RESOLVED_INCIDENTS_THIS_WEEK, this.resolved_incidents),
            CardFact(FactKey.RESOLVED_INCIDENTS_LAST_WEEK, last.resolved_incidents),
        ),
        tuple(Evidence.parse(i.key, EvidenceKind.INCIDENT) for i in this.incidents),
    )


def cfr(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """The change failure rate of production deploys rose materially against last week, or
    against the weeks before when last week had too few deploys to compare with."""
    if len(this.deploys) < r.cfr_min_deploys:
        return
    # Last week with enough deploys, else the baseline with enough, else last week
    # with any: a rate of no deploys is undefined, not 0 %.
    base = compared(this, last, lambda w: len(w.deploys) >= r.cfr_min_deploys) or last
    now, before = this.change_failure_rate, base.change_failure_rate
    if now is None or before is None:
        return
    # In a small team one linked incident can be the whole threshold; one is not a trend.
    if this.failed_deploys < r.cfr_min_failed_deploys or not reaches(now, r.cfr_min_rate):
        return
    sev = severity_for(now - before, r.cfr_warning_pp, r.cfr_critical_pp)
    if sev is None:
        return
    yield Card(
        "cfr",
        CardKind.CFR,
        sev,
        None,
        (
            CardFact(FactKey.CHANGE_FAILURE_RATE_THIS_WEEK, tenth(now), "%"),
            *versus(
                base,
                before,
                "%",
                FactKey.CHANGE_FAILURE_RATE_LAST_WEEK,
                FactKey.CHANGE_FAILURE_RATE_BASELINE,
            ),
            CardFact(FactKey.DEPLOYS_THIS_WEEK, len(this.deploys)),
            CardFact(FactKey.FAILED_DEPLOYS_THIS_WEEK, this.failed_deploys),
        ),
    )


def cfr_improved(
    this: WeekAggregate, last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """Materially fewer deploys failed or caused incidents."""
    now, before = this.change_failure_rate, last.change_failure_rate
    if now is None or before is None:
        return
    if min(len(this.deploys), len(last.deploys)) < r.cfr_min_deploys:
        return
    # As a rising rate needs that many failures, a falling one needs that many fewer:
    # two failures last week and one this week is not a trend.
    if last.failed_deploys - this.failed_deploys < r.cfr_min_failed_deploys:
        return
    if not reaches(before - now, r.cfr_warning_pp):
        return
    yield Card(
        "cfr:improved",
        CardKind.CFR_IMPROVED,
        Severity.INFO,
        None,
        (
            CardFact(FactKey.CHANGE_FAILURE_RATE_THIS_WEEK, tenth(now), "%"),
            CardFact(FactKey.CHANGE_FAILURE_RATE_LAST_WEEK, tenth(before), "%"),
            CardFact(FactKey.DEPLOYS_THIS_WEEK, len(this.deploys)),
            CardFact(FactKey.FAILED_DEPLOYS_THIS_WEEK, this.failed_deploys),
            CardFact(FactKey.DEPLOYS_LAST_WEEK, len(last.deploys)),
            CardFact(FactKey.FAILED_DEPLOYS_LAST_WEEK, last.failed_deploys),
        ),
    )


# In the order they run.
RULES: tuple[CardRule, ...] = (incident, mttr, mttr_improved, cfr, cfr_improved)
