"""The pages of teams and services: where to start (every team side by side), and one
service's or team's weeks, riskiest changes and owners."""

from __future__ import annotations

from bot.answers.asked import default_of, narrowed, own_catalog, refused_name
from bot.answers.lookups import catalog_of
from bot.answers.records.ownership import ownership
from bot.answers.records.trend import weekly_trend, weekly_trends
from bot.pages.charts import band_chart
from bot.pages.freshness import data_end, last_complete, this_week
from bot.pages.grids import changes_grid
from bot.pages.page import Page, PageContext, weeks_asked
from bot.pages.tables import Grid, GridColumn, cell
from briefing.week import IsoWeek
from scoring.errors import NotFoundError

__all__ = ["home_page", "scope_page"]


def scope_page(ctx: PageContext, name: str, kind: str) -> Page:
    """A service's or team's weeks side by side, its riskiest changes, owners and their health."""
    found = own_catalog(ctx.org, ctx.access).resolve(name)
    if found is None or found[0] != kind:
        raise NotFoundError(refused_name(ctx.org, ctx.access, name, (kind,)))
    scope = narrowed(ctx.org, ctx.access, [found[1]])
    end = data_end(ctx, scope)
    # A stale store's weeks end where its data does, not in months of zeros up to today.
    running = this_week(ctx, scope)
    last = end.last_week(running)
    history = weekly_trend(
        ctx.session, ctx.org, ctx.access, [found[1]], weeks_asked(ctx), last.id, ctx.now
    )
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
            # Share, changes and incidents first: what a phone shows without scrolling.
            GridColumn("week", "Week"),
            GridColumn("high", "High-risk share %", numeric=True),
            GridColumn("changes", "Changes", numeric=True),
            GridColumn("incidents", "Incidents", numeric=True),
            GridColumn("deploys", "Deploys", numeric=True),
            GridColumn("cfr", "Change failure rate %", numeric=True),
            GridColumn("mttr", "MTTR (minutes)", numeric=True),
            GridColumn("agents", "AI-agent changes", numeric=True),
            GridColumn("driver", "Top driver"),
        ),
        tuple(
            (
                # The week in progress is said to be one: its numbers are not a week's yet.
                cell(
                    f"{w.week} (so far)" if w.week == running.id else w.week,
                    ctx.url("rows", week=w.week, scope=found[1]),
                ),
                cell(
                    w.high_risk_share,
                    ctx.url("rows", week=w.week, scope=found[1], band="high_risk"),
                ),
                cell(w.changes, ctx.url("rows", week=w.week, scope=found[1])),
                cell(w.incidents),
                cell(w.deploys),
                cell(w.change_failure_rate),
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
                GridColumn("owner", "Owner (CODEOWNERS)"),
                GridColumn("files", "Files they own that changed", numeric=True),
                GridColumn("share", "Share of those changes by owners %", numeric=True),
            ),
            tuple((cell(o.owner), cell(o.files), cell(o.owner_share)) for o in owners.owners),
        ),
        Grid(
            "uncovered",
            "Paths no CODEOWNERS rule covers, by churn in the last 90 days",
            (
                GridColumn("path", "Path"),
                GridColumn("lines", "Lines changed", numeric=True),
                GridColumn("changes", "Changes", numeric=True),
            ),
            tuple((cell(p.path), cell(p.lines), cell(p.changes)) for p in owners.uncovered),
        ),
    ]
    if kind == "team":
        grids.append(_side_by_side(ctx, list(services), end.last_week(last_complete(ctx, scope))))
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
            "weeks": weeks_asked(ctx),
            **end.values(),
        },
        tuple(grids),
    )


def _side_by_side(ctx: PageContext, services: list[str], last: IsoWeek) -> Grid:
    """A team's services over the four weeks to ``last``, the last complete week."""
    rows = []
    trends = weekly_trends(
        ctx.session, ctx.org, ctx.access, [[s] for s in services], 4, last.id, ctx.now
    )
    for service, h in zip(services, trends, strict=True):
        rows.append(
            (
                cell(service, ctx.url("service", name=service)),
                cell(h.weeks[-1].high_risk_share),
                cell(sum(w.incidents for w in h.weeks)),
                cell(sum(w.changes for w in h.weeks)),
            )
        )
    return Grid(
        "side",
        f"Its services side by side (the four weeks to {last.id})",
        (
            GridColumn("service", "Service"),
            # The title names the week in full; a header short enough for a phone's column.
            GridColumn("high", f"High-risk share W{last.week:02d} %", numeric=True),
            GridColumn("incidents", "Incidents", numeric=True),
            GridColumn("changes", "Changes", numeric=True),
        ),
        tuple(rows),
    )


def home_page(ctx: PageContext) -> Page:
    """Where to start: the teams and services in scope, side by side over four weeks."""
    # The default week every reader briefs (``briefing.default_week``): the last complete
    # week, the one the Monday briefing speaks of (the week in progress would put its few
    # changes' 0% beside the briefing's counts), or the last one holding data when it holds
    # none; the page's stale note says where the data ends.
    last = default_of(ctx.session, ctx.org, ctx.access, ctx.now).week
    end = data_end(ctx)
    rows = []
    shown = [
        team
        for team in ctx.org.teams
        if ctx.access.whole
        or set(ctx.org.scope_services((team.key,), ())) <= (ctx.access.services or set())
    ]
    trends = weekly_trends(
        ctx.session, ctx.org, ctx.access, [[t.key] for t in shown], 4, last.id, ctx.now
    )
    for team, h in zip(shown, trends, strict=True):
        rows.append(
            (
                cell(team.display_name, ctx.url("team", name=team.key)),
                cell(h.weeks[-1].high_risk_share),
                cell(h.weeks[-2].high_risk_share),
                cell(sum(w.incidents for w in h.weeks)),
                cell(sum(w.changes for w in h.weeks)),
                cell(sum(h.agent_changes)),
            )
        )
    teams = Grid(
        "teams",
        f"Teams side by side (the four weeks to {last.id})",
        (
            # The briefing's week and incidents first: what a phone shows without scrolling.
            GridColumn("team", "Team"),
            # The title names the week in full; a header short enough for a phone's column.
            GridColumn("high", f"High-risk share W{last.week:02d} %", numeric=True),
            GridColumn("high_last", "Week before %", numeric=True),
            GridColumn("incidents", "Incidents", numeric=True),
            GridColumn("changes", "Changes", numeric=True),
            GridColumn("agents", "AI-agent changes", numeric=True),
        ),
        tuple(rows),
    )
    listed = [(s.key, s.display_name) for s in ctx.org.services if ctx.access.sees([s.key])]
    # No team at all is said as such, not as an empty table: riskbrief.toml may name none.
    no_teams = None
    if not ctx.org.teams:
        no_teams = (
            "No teams are configured: riskbrief.toml's [[teams]] groups services under a team "
            "(see docs/configuration.md). The services are below."
        )
    elif not rows:
        no_teams = "No team lies wholly in this scope; its services are below."
    return Page(
        "home.html",
        ctx.access.label,
        {"services": listed, "no_teams": no_teams, **end.values()},
        () if no_teams else (teams,),
    )
