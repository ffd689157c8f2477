"""A scope over many weeks, and the rows one week's numbers count: the web view's trend and
drill-down, read from the same window of scored changes as the briefing (``data.store.window``
sliced to the scope's services, ``scoring.aggregate`` per week), so a number on a page is the
briefing's number."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.asked import asked_week, default_of, narrowed
from bot.answers.lookups import version_of
from bot.answers.records.change import incident_row
from bot.answers.records.models import (
    IncidentRow,
    Trend,
    WeekRows,
)
from bot.answers.records.service import change_row, deploy_row, week_record
from briefing.week import IsoWeek
from data.clock import utcnow
from data.config import OrgConfig
from data.store.reads.deploys import deploys_by_key
from data.store.reads.incidents import incidents_by_key
from data.store.scope_rows import counted_rows, scope_rows
from data.store.window import Window, load_window
from scoring.band import Band
from scoring.weekly import aggregate

__all__ = [
    "MAX_WEEKS",
    "MIN_WEEKS",
    "week_rows",
    "weekly_trend",
    "weekly_trends",
    "weeks_ending",
]

# A quarter to a year: fewer says nothing a briefing does not, more is another question.
MIN_WEEKS = 4
MAX_WEEKS = 52
_RISKIEST = 10


def weeks_ending(last: IsoWeek, count: int) -> list[IsoWeek]:
    """The ``count`` ISO weeks ending with ``last``, oldest first."""
    weeks = [last]
    while len(weeks) < count:
        weeks.insert(0, weeks[0].previous())
    return weeks


def _services(org: OrgConfig, access: Access) -> list[str]:
    return list(access.visible(org))


def weekly_trend(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    weeks: int,
    until_text: str | None = None,
    now: datetime | None = None,
) -> Trend:
    """The ``weeks`` weeks up to ``until_text`` (default this week so far, or the last complete
    week holding data when it holds none) of the scope ``names``
    narrows ``access`` to; a name outside it is ``NotFoundError``, as one that does not exist."""
    return weekly_trends(session, org, access, [names], weeks, until_text, now)[0]


def weekly_trends(
    session: Session,
    org: OrgConfig,
    access: Access,
    scopes: Sequence[Sequence[str] | None],
    weeks: int,
    until_text: str | None = None,
    now: datetime | None = None,
) -> list[Trend]:
    """``weekly_trend`` of each of ``scopes`` (each a list of names), side by side, from one
    read of the store: a team's page sets its services beside each other, the home page every
    team, and each read of its own was a window of the same weeks again."""
    narrowed_scopes = [narrowed(org, access, names) for names in scopes]
    count = max(MIN_WEEKS, min(MAX_WEEKS, weeks))
    asked = []
    for scope in narrowed_scopes:
        if until_text is None or not until_text.strip():
            # This week so far, or the last complete week holding data when it holds none.
            last = default_of(session, org, scope, now or utcnow(), current=True).week
        else:
            last = asked_week(until_text, scope, now or utcnow(), current=True)
        all_weeks = weeks_ending(last, count)
        bounds = (all_weeks[0].bounds(scope.timezone)[0], last.bounds(scope.timezone)[1])
        asked.append((scope, all_weeks, bounds, _services(org, scope)))
    if not asked:
        return []
    # The scopes' services only: a year of the whole organisation is tens of thousands of
    # rows. The whole organisation's weeks hold the changes in code no service holds too, as
    # its briefing's do.
    wanted = (
        None
        if any(scope.whole for scope in narrowed_scopes)
        else sorted({s for *_, services in asked for s in services})
    )
    window = load_window(
        session,
        min(since for _, _, (since, _), _ in asked),
        max(until for _, _, (_, until), _ in asked),
        version_of(org),
        wanted,
        outcomes=False,
    )
    return [
        _trend(window, scope, all_weeks, since, until, services)
        for scope, all_weeks, (since, until), services in asked
    ]


def _trend(
    window: Window,
    scope: Access,
    all_weeks: list[IsoWeek],
    since: datetime,
    until: datetime,
    services: list[str],
) -> Trend:
    """One scope's weeks, cut from a window that covers them."""
    zone, whole = scope.timezone, scope.whole
    records = []
    agents: list[int] = []
    unreviewed: list[int] = []
    risky = []
    for week in all_weeks:
        rows = counted_rows(window, *week.bounds(zone), services, whole)
        agg = aggregate(rows.changes, rows.deploys, rows.incidents)
        records.append(week_record(week.id, agg))
        agents.append(len(agg.agent_changes))
        unreviewed.append(len(agg.agent_unreviewed))
        risky += [c for c in agg.changes if c.high_risk]
    risky.sort(key=lambda c: (-c.score, c.key))
    rows = counted_rows(window, since, until, services, whole)
    span = aggregate(rows.changes, rows.deploys, rows.incidents)
    return Trend(
        scope=scope.label,
        services=services,
        weeks=records,
        span=week_record(f"{all_weeks[0].id}/{all_weeks[-1].id}", span),
        riskiest_changes=[change_row(c) for c in risky[:_RISKIEST]],
        agent_changes=agents,
        agent_unreviewed=unreviewed,
    )


def week_rows(
    session: Session,
    org: OrgConfig,
    access: Access,
    names: Sequence[str] | None,
    week_text: str | None,
    band: str | None = None,
    agents_only: bool = False,
    now: datetime | None = None,
) -> WeekRows:
    """The changes, deploys and incidents of one week in a scope: the rows behind its counts.

    ``band`` (a band's stored name, or ``high_risk`` for high and very high) and
    ``agents_only`` narrow the changes the way a card's number counts them.
    """
    scope = narrowed(org, access, names)
    zone = scope.timezone
    week = asked_week(week_text, scope, now or utcnow(), current=True)
    bounds = week.bounds(zone)
    services = _services(org, scope)
    whole = scope.whole
    rows = scope_rows(session, *bounds, version_of(org), services, whole, outcomes=False)
    changes = sorted(rows.changes, key=lambda c: (-c.score, c.key))
    if band == "high_risk":
        changes = [c for c in changes if c.high_risk]
    elif band is not None:
        changes = [c for c in changes if c.band is Band(band)]
    if agents_only:
        changes = [c for c in changes if c.agent_involved]
    stored = deploys_by_key(session, [d.key for d in rows.deploys])
    incidents = incidents_by_key(session, [i.key for i in rows.incidents])
    service_of = {i.key: i.service for i in rows.incidents}
    by_deploy: dict[int | None, list[IncidentRow]] = {}
    for i in incidents:
        by_deploy.setdefault(i.deploy_id, []).append(incident_row(i, service_of[i.key]))
    deploys = [
        deploy_row(
            d,
            stored.get(d.key),
            by_deploy.get(stored[d.key].id, []) if d.key in stored else [],
        )
        for d in sorted(rows.deploys, key=lambda d: (d.finished_at, d.key))
    ]
    return WeekRows(
        scope=scope.label,
        week=week.id,
        changes=[change_row(c) for c in changes],
        deploys=deploys,
        incidents=[incident_row(i, service_of[i.key]) for i in incidents],
    )
