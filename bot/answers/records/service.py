"""A service's recent record: a week against the week before, as ``/risk service`` reads it
(``data.store.window`` sliced to the service, ``scoring.aggregate`` over it)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import asked_service, chosen_week
from bot.answers.lookups import version_of
from bot.answers.records.change import incident_row
from bot.answers.records.models import (
    BandCounts,
    BudgetBurnRow,
    ChangeRow,
    DataEnds,
    DeployRow,
    IncidentRow,
    ServiceRecord,
    WeekRecord,
    band_words,
)
from briefing.week import IsoWeek
from data.clock import utcnow
from data.config import OrgConfig
from data.scope import Scope
from data.store.reads.budgets import budget_series
from data.store.reads.deploys import deploys_by_key
from data.store.reads.incidents import incidents_by_key
from data.store.tables import Deploy, Incident
from data.store.window import load_window
from scoring.budget_burn import BASELINE_GAP, week_burn
from scoring.weekly import ScoredDeploy, WeekAggregate, WeekChange, aggregate

__all__ = [
    "change_row",
    "deploy_row",
    "service_budget_burn",
    "service_record",
    "week_record",
]

# As many as `/risk service` shows.
_TOP = 5


def change_row(c: WeekChange) -> ChangeRow:
    """A week's scored change as listed."""
    return ChangeRow(
        key=c.key,
        title=c.title,
        url=c.url,
        service=c.service,
        score=c.score,
        band=c.band.label,
        merged_at=c.merged_at,
        drivers=list(c.drivers),
    )


def deploy_row(d: ScoredDeploy, stored: Deploy | None, incidents: list[IncidentRow]) -> DeployRow:
    """A week's scored deploy as listed, with its stored row's environment and status (a deploy
    not found stored is a successful production one, as the window read it)."""
    return DeployRow(
        key=d.key,
        service=d.service,
        environment=stored.environment if stored is not None else "production",
        status=stored.status if stored is not None else "success",
        finished_at=d.finished_at,
        score=d.score,
        band=band_words(d.band),
        incidents=incidents,
    )


def week_record(week: str, agg: WeekAggregate) -> WeekRecord:
    """A week's aggregate as the record says it."""
    d = agg.distribution
    return WeekRecord(
        week=week,
        changes=d.total,
        bands=BandCounts.of(d),
        high_risk_share=round(d.high_risk_share, 1),
        drivers=dict(agg.drivers),
        deploys=len(agg.deploys),
        failed_deploys=agg.failed_deploys,
        change_failure_rate=_r(agg.change_failure_rate),
        incidents=len(agg.incidents),
        mttr_minutes=_r(agg.mttr_minutes),
    )


def service_budget_burn(
    session: Session, service: str, week: IsoWeek, zone: str
) -> BudgetBurnRow | None:
    """``service``'s burn of its error budget in ``week`` (so far), whatever its rate."""
    since, until = week.bounds(zone)
    for s in budget_series(session, since - BASELINE_GAP, until, [service]):
        burn = week_burn(s.service, s.points, since, until, s.window_days)
        if burn is not None:
            return BudgetBurnRow(
                service=service,
                burned_percent=round(burn.burned * 100),
                burn_rate=round(burn.rate, 1),
                left_percent=round(burn.end_left * 100),
                window_days=burn.window_days,
            )
    return None


def _r(x: float | None) -> float | None:
    return None if x is None else round(x, 1)


def service_record(
    session: Session,
    org: OrgConfig,
    access: Access,
    name: str,
    week_text: str | None,
    now: datetime | None = None,
) -> ServiceRecord:
    """``name``'s week (default this week so far, or the last complete week holding data when
    this week holds none) against the week before it, saying where the data ends."""
    service = asked_service(org, access, name)
    zone = access.timezone
    alone = Access.of(org, Scope.of((), (service,)), zone, access.subscriber)
    week, default = chosen_week(session, org, week_text, alone, now or utcnow(), current=True)
    last = week.previous()
    since, until = last.bounds(zone)[0], week.bounds(zone)[1]
    window = load_window(session, since, until, version_of(org), [service], outcomes=False)
    this_rows = window.slice(*week.bounds(zone), [service])
    last_rows = window.slice(*last.bounds(zone), [service])
    this = aggregate(this_rows.changes, this_rows.deploys, this_rows.incidents)
    before = aggregate(last_rows.changes, last_rows.deploys, last_rows.incidents)
    both = [*this.changes, *before.changes]
    risky = sorted((c for c in both if c.high_risk), key=lambda c: (-c.score, c.key))[:_TOP]
    deploys = sorted((*this.deploys, *before.deploys), key=lambda d: (-d.score, d.key))[:_TOP]
    keys = [i.key for i in (*this.incidents, *before.incidents)]
    incidents = incidents_by_key(session, keys, newest_first=True)
    stored = deploys_by_key(session, [d.key for d in deploys])
    linked: dict[str, list[Incident]] = {}
    by_id = {d.id: k for k, d in stored.items()}
    for i in incidents:
        if i.deploy_id in by_id:
            linked.setdefault(by_id[i.deploy_id], []).append(i)
    names = {s.key: s.display_name for s in org.services}
    return ServiceRecord(
        service=service,
        name=names.get(service, service),
        timezone=zone,
        this_week=week_record(week.id, this),
        last_week=week_record(last.id, before),
        incidents=[incident_row(i, service) for i in incidents],
        riskiest_changes=[change_row(c) for c in risky],
        **DataEnds.of(default, None if week_text is None or not week_text.strip() else week),
        riskiest_deploys=[
            deploy_row(
                d, stored.get(d.key), [incident_row(i, service) for i in linked.get(d.key, [])]
            )
            for d in deploys
        ],
        error_budget=service_budget_burn(session, service, week, zone),
    )
