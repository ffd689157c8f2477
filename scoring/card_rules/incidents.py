"""What broke: incidents after risky deploys, time to resolve, the change failure rate."""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from scoring.card_rules.measure import CardRule, compared, reaches, severity_for, tenth, versus
from scoring.card_rules.rises import weeks_worked
from scoring.card_rules.usual import (
    failures_rose,
    larger_than_usual,
    odds_margin,
    own_largest,
    riskiest_deploy,
    routine_gated,
    usual_gates,
)
from scoring.card_terms import (
    Card,
    CardCulprit,
    CardFact,
    CardKind,
    Evidence,
    EvidenceKind,
    FactKey,
    Severity,
)
from scoring.card_thresholds import CardRules
from scoring.culprits import ClueKind, likeliest, revert_of
from scoring.risk import Band
from scoring.weekly import WeekAggregate, WeekChange, WeekIncident

__all__ = [
    "RULES",
    "card_culprits",
    "cfr",
    "cfr_improved",
    "incident",
    "mttr",
    "mttr_improved",
    "reverted_change",
    "reverts_rose",
    "stood_out",
]

# A service's reverts rose beyond its usual when a week holds at least this many and a
# Poisson count at its usual weekly rate reaches that many less often than ``_REVERTS_P``.
_REVERTS_MIN = 2
_REVERTS_P = 0.05
# The usual weekly rate is never taken below one revert a month: a service that reverted
# nothing over the baseline weeks is not alarming for its first two.
_REVERTS_FLOOR = 0.25


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


def high_for_its_service(i: WeekIncident, this: WeekAggregate, r: CardRules) -> bool:
    """Whether the deploy ``i`` followed was high for its service: high or very high by its own
    number (not lifted there by the active-incident gate, which says another incident was
    open, not that it shipped anything risky) and above every other deploy its service made
    this week and over the baseline weeks (``card_rules.usual.riskiest_deploy``). A high deploy
    of a service whose deploys are often that high is one of many ordinary ones, and coming
    last before an incident is a coincidence, not a finding."""
    if i.deploy_band is None or not i.deploy_band.high_risk or i.deploy_gates:
        return False
    return riskiest_deploy(i, this, r)


def _poisson_at_least(k: int, rate: float) -> float:
    """P(X ≥ k) for X ~ Poisson(``rate``)."""
    below = sum(math.exp(-rate) * rate**n / math.factorial(n) for n in range(k))
    return max(0.0, 1.0 - below)


def reverts_rose(service: str, this: WeekAggregate) -> bool:
    """Whether ``service``'s reverts this week rose beyond its usual: at least ``_REVERTS_MIN``,
    and a count a Poisson at its weekly rate over the baseline weeks it worked (``weeks_worked``;
    at least ``_REVERTS_FLOOR``) reaches less often than ``_REVERTS_P``."""
    now = sum(1 for i in this.incidents if i.is_revert and i.service == service)
    if now < _REVERTS_MIN:
        return False
    base = this.baseline
    before = (
        0
        if base is None
        else sum(1 for i in base.incidents if i.is_revert and i.service == service)
    )
    weeks = 1 if base is None else weeks_worked(base, service)
    return _poisson_at_least(now, max(_REVERTS_FLOOR, before / weeks)) < _REVERTS_P


@dataclass(frozen=True, slots=True)
class _Usual:
    """What each service's changes did over the baseline weeks, read once for a week's
    incidents: the gates they went through (``usual_gates``), the most lines of code one
    carried (``own_largest``) and the highest score one had."""

    gates: set[tuple[str | None, str]]
    largest: Mapping[str | None, int]
    riskiest: Mapping[str | None, int]

    @staticmethod
    def of(this: WeekAggregate) -> _Usual:
        riskiest: dict[str | None, int] = {}
        for c in this.baseline.changes if this.baseline is not None else ():
            riskiest[c.service] = max(riskiest.get(c.service, 0), c.score)
        return _Usual(usual_gates(this), own_largest(this), riskiest)


def _unusual(c: WeekChange, usual: _Usual, r: CardRules) -> bool:
    """Whether ``c`` was unusual for its service: very high for its history and not taken
    routinely (``card_rules.usual.routine_gated``: a reviewed migration of a service that
    migrates every week or two is routine), through a gate none of its service's changes
    went through over the baseline weeks (``usual_gates``) and riskier than any of them by a
    material margin (``odds_margin``): a change larger than one review takes in, where the
    service makes none, is unusual though that gate lifts it only to high, but not a 400-line
    change where the largest was 371; or through the large-change gate at twice the size of
    anything its service made over those weeks (``larger_than_usual``): one 400-line change a
    month earlier does not make a 1,500-line release usual."""
    # Routine by how often its service takes such a change, not by its size: after a first
    # migration in weeks the service broke, which is a finding whatever the migration's size
    # (a routine-sized one makes no card of its own: ``gates.material_gated``).
    if c.band is Band.CRITICAL and not routine_gated(c, usual.gates, r):
        return True
    if any((c.service, g) not in usual.gates for g in c.gates) and (
        c.score - usual.riskiest.get(c.service, 0) >= odds_margin(r)
    ):
        return True
    return larger_than_usual(c, usual.largest)


def _unusual_shipped(i: WeekIncident, usual: _Usual, r: CardRules) -> WeekChange | None:
    """The riskiest change ``i``'s deploy shipped that was unusual for its service
    (``_unusual``), if any."""
    unusual = [c for c in i.shipped if _unusual(c, usual, r)]
    return max(unusual, key=lambda c: (c.score, c.key), default=None)


def reverted_change(i: WeekIncident) -> WeekChange | None:
    """The change a revert's incident ``i`` says failed, among those its deploy shipped: the
    one its revert undid (read from the culprit trace's reverts); ``None`` for any other
    incident, or a week read without the trace."""
    if i.culprits is None or (own := revert_of(i.culprits.incident)) is None:
        return None
    target = next((f.reverts for f in i.culprits.fixes if f.key == own), None)
    return next((c for c in i.shipped if c.key == target), None)


def _reverted_unusual(i: WeekIncident, usual: _Usual, r: CardRules) -> WeekChange | None:
    """The reverted change (``reverted_change``) when it was unusual for its service
    (``_unusual``)."""
    c = reverted_change(i)
    return c if c is not None and _unusual(c, usual, r) else None


def stood_out(
    i: WeekIncident, this: WeekAggregate, r: CardRules, usual: _Usual | None = None
) -> bool:
    """Whether the deploy ``i`` followed stood out from its service's usual deploys.

    - ``i`` is a revert of what the deploy shipped: a change failed, which the change
      failure rate counts; it is a finding only when the deploy was high for its service
      (``high_for_its_service``), the service's reverts rose beyond its usual
      (``reverts_rose``), or the change reverted was itself unusual for its service
      (``_reverted_unusual``, as ``_unusual``: a release larger than any its service makes,
      reverted the next morning): a team that reverts an ordinary change now and then is
      doing its job;
    - the deploy shipped a change unusual for its service (``_unusual_shipped``): very high
      for its history and not taken routinely, or through a gate none of its service's
      changes went through over the baseline weeks;
    - or the deploy was high for its service (``high_for_its_service``).

    ``usual`` is what the services' changes did over the baseline weeks, when the caller read
    it already for the week's other incidents.
    """
    usual = usual or _Usual.of(this)
    if i.is_revert:
        return (
            high_for_its_service(i, this, r)
            or reverts_rose(i.service, this)
            or _reverted_unusual(i, usual, r) is not None
        )
    if _unusual_shipped(i, usual, r) is not None:
        return True
    return high_for_its_service(i, this, r)


def incident(
    this: WeekAggregate, _last: WeekAggregate, r: CardRules, _earlier: tuple[Card, ...]
) -> Iterator[Card]:
    """An incident opened within the window after a deploy of its service that stood out
    (``stood_out``): unusually risky for that service, or reverted."""
    # Read at the first incident that needs it: most weeks have none after a deploy.
    usual: _Usual | None = None
    for i in this.incidents:
        if i.deploy_band is None or i.deploy_finished_at is None:
            continue
        hours = (i.opened_at - i.deploy_finished_at).total_seconds() / 3600
        if hours > r.incident_window_hours:
            continue
        usual = usual or _Usual.of(this)
        if not stood_out(i, this, r, usual):
            continue
        # A revert's incident opens as the reverted change ships: the hours from the deploy
        # to it time nothing, so the card gives none.
        facts = [] if i.is_revert else [CardFact(FactKey.HOURS_TO_INCIDENT, tenth(hours), "h")]
        # A revert has no outage to resolve: its incident "resolves" when the revert merges.
        if (m := i.minutes_to_resolve) is not None:
            facts.append(CardFact(FactKey.MINUTES_TO_RESOLVE, tenth(m), "min"))
        named: tuple[Evidence, ...] = ()
        if i.shipped and not high_for_its_service(i, this, r):
            # A deploy ordinary for its service stood out by what it shipped (or by its
            # service's reverts): the change that stood out is the card's reason, named with
            # its score, and the deploy is not called high. A high one is its own reason.
            # A revert names the change it undid when that one stood out; else the unusual
            # change shipped; else (reverts rose) the riskiest shipped.
            riskiest = (
                _reverted_unusual(i, usual, r)
                or _unusual_shipped(i, usual, r)
                or max(i.shipped, key=lambda c: (c.score, c.key))
            )
            facts.append(CardFact(FactKey.SHIPPED_RISKIEST_SCORE, riskiest.score))
            named = (Evidence(EvidenceKind.CHANGE, riskiest.key),)
        yield Card(
            f"incident:{i.key}",
            CardKind.INCIDENT,
            Severity.CRITICAL,
            i.service,
            tuple(facts),
            # The incident first (a revert's id reads ``revert:…``), then the deploy it followed.
            (Evidence.parse(i.key, EvidenceKind.INCIDENT),)
            + ((Evidence(EvidenceKind.DEPLOY, i.deploy_key),) if i.deploy_key else ())
            + named,
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
    if not failures_rose(this, r):
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
