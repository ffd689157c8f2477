"""Each page as a function of who asks and what: the core's records laid out as tables,
facts and charts for a template. No view reads the request or writes HTML; ``app`` does both.

A record the viewer may not see raises ``NotFoundError`` in the core, which ``app`` answers
with the one "not found" page, so a page outside the scope reads exactly as one that does
not exist.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlmodel import Session, col, select

from bot.answers.access import Access
from bot.answers.lookups import catalog_of, find_changes, find_deploys, version_of
from bot.answers.parse import Usage, change_query
from bot.answers.records.agent import agent_activity, agent_weeks
from bot.answers.records.briefing import scope_briefing
from bot.answers.records.change import change_files, change_risk
from bot.answers.records.deploy import deploy_record
from bot.answers.records.history import MAX_WEEKS, week_rows, weekly_trend
from bot.answers.records.models import ChangeRow
from bot.answers.records.ownership import ownership
from bot.answers.records.ranking import store_ranking
from bot.pages.charts import band_chart
from bot.pages.grids import Url, changes_grid, deploys_grid, incidents_grid
from bot.pages.tables import Column, Grid, cell
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.sources.registry import read_change
from data.store.tables import Change, Person
from scoring.errors import NotFoundError
from scoring.signals import SIGNAL_WORDS

__all__ = ["VIEWS", "Page", "PageContext", "Url"]


@dataclass(frozen=True, slots=True)
class PageContext:
    """What a view is handed: the store, the organisation, the viewer's access, the query."""

    session: Session
    org: OrgConfig
    access: Access
    args: Mapping[str, str]
    now: datetime
    url: Url


@dataclass(frozen=True, slots=True)
class Page:
    """A template, its title, its values and its tables (which sort and export by id)."""

    template: str
    title: str
    values: dict[str, Any] = field(default_factory=dict)
    grids: tuple[Grid, ...] = ()


def _names(ctx: PageContext) -> list[str] | None:
    scope = ctx.args.get("scope", "").strip()
    return [scope] if scope else None


def week_page(ctx: PageContext, week: str | None = None) -> Page:
    """A briefing with every card open; each number links to the rows it counts."""
    facts = scope_briefing(ctx.session, ctx.org, ctx.access, _names(ctx), week, ctx.now)
    top = [
        ChangeRow(
            key=c.key,
            title=c.title,
            url=c.url,
            service=c.service,
            score=c.score,
            band=c.band,
            merged_at=ctx.now,
            drivers=[s.name for s in c.signals],
        )
        for c in facts.top_changes
    ]
    scope = ctx.args.get("scope") or None
    rows = {
        "changes": ctx.url("rows", week=facts.week, scope=scope),
        "high": ctx.url("rows", week=facts.week, scope=scope, band="high_risk"),
        "agents": ctx.url("rows", week=facts.week, scope=scope, agents="1"),
    }
    return Page(
        "week.html",
        f"{facts.scope}: week {facts.week}",
        {
            "facts": facts,
            "rows": rows,
            "top": facts.top_changes,
            "top_rows": top,
            "previous": IsoWeek.parse(facts.week).previous().id,
            "service_keys": {s.key for s in ctx.org.services},
            "team_keys": {t.key for t in ctx.org.teams},
        },
    )


def rows_page(ctx: PageContext, week: str) -> Page:
    """The changes, deploys and incidents a week's numbers count, narrowed like the number."""
    band = ctx.args.get("band") or None
    if band not in (None, "high_risk", "safe", "moderate", "high", "critical"):
        raise NotFoundError("No such band.")
    agents = ctx.args.get("agents") == "1"
    rows = week_rows(ctx.session, ctx.org, ctx.access, _names(ctx), week, band, agents, ctx.now)
    which = {
        None: "",
        "high_risk": " at high or very high risk",
        "safe": " at low risk",
        "moderate": " at moderate risk",
        "high": " at high risk",
        "critical": " at very high risk",
    }[band]
    caption = f"Changes{which}{' an AI agent took part in' if agents else ''}"
    return Page(
        "rows.html",
        f"{rows.scope}: week {rows.week}",
        {"rows": rows},
        (
            changes_grid("changes", caption, rows.changes, ctx.url),
            deploys_grid("deploys", "Deploys", rows.deploys, ctx.url),
            incidents_grid("incidents", "Incidents", rows.incidents, ctx.url),
        ),
    )


def change_page(ctx: PageContext, key: str) -> Page:
    """A change's score as the points adding up to it, its files and owners, and what followed."""
    risk = change_risk(ctx.session, ctx.org, ctx.access, key)
    files = change_files(ctx.session, ctx.access, risk.key)
    grid = Grid(
        "files",
        "Files",
        (
            Column("path", "Path"),
            Column("added", "Added", numeric=True),
            Column("deleted", "Deleted", numeric=True),
            Column("service", "Service"),
            Column("owners", "Owners (CODEOWNERS, as of the change)"),
        ),
        tuple(
            (
                cell(f.path + (" (generated)" if f.generated else "")),
                cell(f.added),
                cell(f.deleted),
                cell(f.service),
                cell(
                    "unknown"
                    if f.owners is None
                    else (", ".join(f.owners) if f.owners else "no owner")
                ),
            )
            for f in files
        ),
    )
    deploys = deploys_grid("deploys", "Deploys that shipped it", risk.deploys, ctx.url)
    advice = {name: words.advice for name, words in SIGNAL_WORDS.items()}
    return Page(
        "change.html",
        f"{risk.key}: {risk.title}",
        {"risk": risk, "advice": advice},
        (grid, deploys),
    )


def deploy_page(ctx: PageContext, key: str) -> Page:
    """What a deploy shipped, each change's risk, and what followed."""
    record = deploy_record(ctx.session, ctx.org, ctx.access, key)
    return Page(
        "deploy.html",
        f"Deploy {record.key}",
        {"deploy": record},
        (
            changes_grid("changes", "Changes it shipped", record.changes, ctx.url),
            incidents_grid("incidents", "Incidents linked to it", record.incidents, ctx.url),
        ),
    )


def _weeks(ctx: PageContext) -> int:
    try:
        return max(4, min(MAX_WEEKS, int(ctx.args.get("weeks", "12"))))
    except ValueError:
        return 12


def scope_page(ctx: PageContext, name: str, kind: str) -> Page:
    """A service's or team's weeks side by side, its riskiest changes, owners and their health."""
    found = catalog_of(ctx.org).resolve(name)
    if found is None or found[0] != kind:
        raise NotFoundError("No such team or service in this scope.")
    history = weekly_trend(ctx.session, ctx.org, ctx.access, [found[1]], _weeks(ctx), None, ctx.now)
    chart = band_chart(
        [
            (
                w.week,
                {
                    "low": w.bands.low,
                    "moderate": w.bands.moderate,
                    "high": w.bands.high,
                    "very high": w.bands.very_high,
                },
                w.high_risk_share,
            )
            for w in history.weeks
        ],
        [(w.deploys, w.incidents) for w in history.weeks],
    )
    weeks = Grid(
        "weeks",
        "Week by week",
        (
            Column("week", "Week"),
            Column("changes", "Changes", numeric=True),
            Column("high", "High-risk share %", numeric=True),
            Column("deploys", "Deploys", numeric=True),
            Column("cfr", "Change failure rate %", numeric=True),
            Column("incidents", "Incidents", numeric=True),
            Column("mttr", "MTTR (minutes)", numeric=True),
            Column("agents", "AI-agent changes", numeric=True),
            Column("driver", "Top driver"),
        ),
        tuple(
            (
                cell(w.week, ctx.url("rows", week=w.week, scope=found[1])),
                cell(w.changes, ctx.url("rows", week=w.week, scope=found[1])),
                cell(
                    w.high_risk_share,
                    ctx.url("rows", week=w.week, scope=found[1], band="high_risk"),
                ),
                cell(w.deploys),
                cell(w.change_failure_rate),
                cell(w.incidents),
                cell(w.mttr_minutes),
                cell(agents, ctx.url("rows", week=w.week, scope=found[1], agents="1")),
                cell(next(iter(w.drivers), None)),
            )
            # Newest first: the week a reader came from is on top; the chart reads left to right.
            for w, agents in reversed(list(zip(history.weeks, history.agent_changes, strict=True)))
        ),
    )
    services = list(
        ctx.org.scope_services(*(((found[1],), ()) if kind == "team" else ((), (found[1],))))
    )
    owners = ownership(ctx.session, services, ctx.now)
    grids = [
        weeks,
        changes_grid(
            "riskiest", "Riskiest changes of the period", history.riskiest_changes, ctx.url
        ),
        Grid(
            "owners",
            "Declared owners against who changed it in the last 90 days",
            (
                Column("owner", "Owner (CODEOWNERS)"),
                Column("files", "Files they own that changed", numeric=True),
                Column("share", "Share of those changes by owners %", numeric=True),
            ),
            tuple((cell(o.owner), cell(o.files), cell(o.owner_share)) for o in owners.owners),
        ),
        Grid(
            "uncovered",
            "Paths no CODEOWNERS rule covers, by churn in the last 90 days",
            (
                Column("path", "Path"),
                Column("lines", "Lines changed", numeric=True),
                Column("changes", "Changes", numeric=True),
            ),
            tuple((cell(p.path), cell(p.lines), cell(p.changes)) for p in owners.uncovered),
        ),
    ]
    if kind == "team":
        grids.append(_side_by_side(ctx, list(services)))
    label = dict(catalog_of(ctx.org).teams if kind == "team" else catalog_of(ctx.org).services)
    return Page(
        "scope.html",
        f"{label.get(found[1], found[1])} ({kind})",
        {
            "history": history,
            "chart": chart,
            "kind": kind,
            "key": found[1],
            "owners": owners,
            "weeks": _weeks(ctx),
        },
        tuple(grids),
    )


def _side_by_side(ctx: PageContext, services: list[str]) -> Grid:
    rows = []
    for service in services:
        h = weekly_trend(ctx.session, ctx.org, ctx.access, [service], 4, None, ctx.now)
        last = h.weeks[-1]
        rows.append(
            (
                cell(service, ctx.url("service", name=service)),
                cell(sum(w.changes for w in h.weeks)),
                cell(last.high_risk_share),
                cell(sum(w.incidents for w in h.weeks)),
            )
        )
    return Grid(
        "side",
        "Its services side by side (last four weeks)",
        (
            Column("service", "Service"),
            Column("changes", "Changes", numeric=True),
            Column("high", "High-risk share this week %", numeric=True),
            Column("incidents", "Incidents", numeric=True),
        ),
        tuple(rows),
    )


def home_page(ctx: PageContext) -> Page:
    """Where to start: the teams and services in scope, side by side over four weeks."""
    rows = []
    for team in ctx.org.teams:
        services = ctx.org.scope_services((team.key,), ())
        if not ctx.access.whole and not set(services) <= (ctx.access.services or set()):
            continue
        h = weekly_trend(ctx.session, ctx.org, ctx.access, [team.key], 4, None, ctx.now)
        rows.append(
            (
                cell(team.display_name, ctx.url("team", name=team.key)),
                cell(sum(w.changes for w in h.weeks)),
                cell(h.weeks[-1].high_risk_share),
                cell(h.weeks[-2].high_risk_share),
                cell(sum(w.incidents for w in h.weeks)),
                cell(sum(h.agent_changes)),
            )
        )
    teams = Grid(
        "teams",
        "Teams side by side (last four weeks)",
        (
            Column("team", "Team"),
            Column("changes", "Changes", numeric=True),
            Column("high", "High-risk share this week %", numeric=True),
            Column("high_last", "Last week %", numeric=True),
            Column("incidents", "Incidents", numeric=True),
            Column("agents", "AI-agent changes", numeric=True),
        ),
        tuple(rows),
    )
    listed = [(s.key, s.display_name) for s in ctx.org.services if ctx.access.sees([s.key])]
    return Page("home.html", ctx.access.label, {"services": listed}, (teams,))


def agents_page(ctx: PageContext) -> Page:
    """AI agents: per agent this week, and per week their changes and human review."""
    activity = agent_activity(
        ctx.session, ctx.org, ctx.access, _names(ctx), ctx.args.get("week"), ctx.now
    )
    history = agent_weeks(
        ctx.session, ctx.org, ctx.access, _names(ctx), _weeks(ctx), activity.week, ctx.now
    )
    agents = Grid(
        "agents",
        f"Agents in {activity.week}",
        (
            Column("agent", "Agent"),
            Column("changes", "Changes", numeric=True),
            Column("reviewed", "Approved by a human", numeric=True),
            Column("unreviewed", "Not reviewed", numeric=True),
            Column("unknown", "Review unknown", numeric=True),
            Column("high", "High risk", numeric=True),
            Column("mean", "Mean score", numeric=True),
        ),
        tuple(
            (
                cell(a.agent),
                cell(a.changes),
                cell(a.human_reviewed),
                cell(a.not_reviewed),
                cell(a.review_unknown),
                cell(a.high_risk),
                cell(round(a.mean_score, 1)),
            )
            for a in activity.agents
        ),
    )
    weeks = Grid(
        "weeks",
        "Week by week",
        (
            Column("week", "Week"),
            Column("agent", "AI-agent changes", numeric=True),
            Column("unreviewed", "Without human approval", numeric=True),
            Column("high", "At high risk", numeric=True),
            Column("wrong", "Reverted or followed by an incident", numeric=True),
            Column("all", "All changes", numeric=True),
        ),
        tuple(
            (
                cell(
                    w.week,
                    ctx.url("rows", week=w.week, agents="1", scope=ctx.args.get("scope") or None),
                ),
                cell(w.agent_changes),
                cell(w.agent_unreviewed),
                cell(w.agent_high_risk),
                cell(w.agent_went_wrong),
                cell(w.changes),
            )
            for w in reversed(history)
        ),
    )
    unreviewed = changes_grid(
        "unreviewed", "Agent changes no human approved", activity.unreviewed_changes, ctx.url
    )
    return Page(
        "agents.html",
        f"AI agents: {activity.scope}",
        {"activity": activity},
        (agents, weeks, unreviewed),
    )


def ranking_page(ctx: PageContext) -> Page:
    """How well the score ranks changes that went wrong here, against lines added alone."""
    ranking = store_ranking(ctx.session, ctx.org, ctx.access)
    bands = Grid(
        "bands",
        "Changes that went wrong, by band",
        (
            Column("band", "Band"),
            Column("changes", "Changes", numeric=True),
            Column("bad", "Went wrong", numeric=True),
            Column("rate", "Rate %", numeric=True),
            Column("lift", "Against the average (×)", numeric=True),
        ),
        tuple(
            (cell(b.band, band=b.band), cell(b.changes), cell(b.bad), cell(b.rate), cell(b.lift))
            for b in ranking.bands
        ),
    )
    signals = Grid(
        "signals",
        "The signals that carry it: mean points on changes that went wrong, and on the others",
        (
            Column("signal", "Signal"),
            Column("bad", "Went wrong", numeric=True),
            Column("good", "Others", numeric=True),
            Column("gap", "Difference", numeric=True),
        ),
        tuple((cell(s.name), cell(s.bad), cell(s.good), cell(s.gap)) for s in ranking.signals),
    )
    return Page(
        "ranking.html", "How well the score ranks here", {"ranking": ranking}, (bands, signals)
    )


def search_page(ctx: PageContext) -> Page:
    """Changes by key, URL or sha; deploys by key or tag; services and teams; people by login."""
    q = ctx.args.get("q", "").strip()[:200]
    found: list[tuple[str, str, str]] = []
    if q:
        resolved = catalog_of(ctx.org).resolve(q)
        if resolved is not None:
            kind, key = resolved
            if ctx.access.whole or set(
                ctx.org.scope_services(*(((key,), ()) if kind == "team" else ((), (key,))))
            ) <= (ctx.access.services or set()):
                names = {**catalog_of(ctx.org).teams, **catalog_of(ctx.org).services}
                found.append((kind, names.get(key, key), ctx.url(kind, name=key)))
        query = change_query(q, lambda text: read_change(text, ctx.org))
        if not isinstance(query, Usage):
            for change in find_changes(ctx.session, query.key)[:20]:
                try:
                    risk = change_risk(ctx.session, ctx.org, ctx.access, change.key)
                except NotFoundError:
                    continue
                found.append(
                    ("change", f"{risk.key}: {risk.title}", ctx.url("change", key=risk.key))
                )
        for deploy in find_deploys(ctx.session, q)[:20]:
            try:
                record = deploy_record(ctx.session, ctx.org, ctx.access, deploy.key)
            except NotFoundError:
                continue
            found.append(("deploy", record.key, ctx.url("deploy", key=record.key)))
        person = ctx.session.exec(select(Person).where(Person.login == q)).first()
        if person is not None:
            changes = ctx.session.exec(
                select(Change.key)
                .where(Change.author_id == person.id)
                .order_by(col(Change.merged_at).desc())
                .limit(50)
            )
            for key in changes:
                try:
                    risk = change_risk(ctx.session, ctx.org, ctx.access, key)
                except NotFoundError:
                    continue
                found.append(
                    ("change by " + q, f"{risk.key}: {risk.title}", ctx.url("change", key=risk.key))
                )
    return Page("search.html", "Search", {"q": q, "found": found, "version": version_of(ctx.org)})


VIEWS: dict[str, Callable[..., Page]] = {
    "home": home_page,
    "week": week_page,
    "rows": rows_page,
    "change": change_page,
    "deploy": deploy_page,
    "service": lambda ctx, name: scope_page(ctx, name, "service"),
    "team": lambda ctx, name: scope_page(ctx, name, "team"),
    "agents": agents_page,
    "ranking": ranking_page,
    "search": search_page,
}
