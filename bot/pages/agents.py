"""The AI agents' page: per agent this week, what became of their changes by kind of work over
the weeks up to it beside people's, and per week their changes and human review."""

from __future__ import annotations

from bot.answers.asked import narrowed
from bot.answers.records.agent import AgentActivity, agent_activity, agent_weeks
from bot.answers.records.agent_outcomes import OutcomeFigures
from bot.pages.freshness import data_end
from bot.pages.grids import changes_grid
from bot.pages.page import Page, PageContext, scope_names, weeks_asked
from bot.pages.tables import Cell, Grid, GridColumn, cell

__all__ = ["agents_page"]


def _with_rate(count: int | None, rate: float | None) -> Cell:
    """A count with its rate per 1,000 lines of code beside it, sorted by the count."""
    if count is None:
        return Cell("unknown", None, float("-inf"))
    per = "–" if rate is None else f"{rate:g}"
    return Cell(f"{count} ({per})", None, float(count))


def _figures(who: str, kind: str, f: OutcomeFigures) -> tuple[Cell, ...]:
    return (
        cell(f"{who} · {kind}"),
        cell(f.changes),
        cell(f.lines),
        cell(None if f.reviewed_share is None else f"{f.reviewed_share:g}%"),
        cell(f.review_unknown),
        _with_rate(f.reverted, f.reverted_per_kloc),
        _with_rate(f.incident, f.incident_per_kloc),
        _with_rate(f.later_fixed, f.later_fixed_per_kloc),
        cell(f.went_wrong_per_kloc),
    )


def _outcomes_grid(activity: AgentActivity) -> Grid:
    """Per agent (all agents first) and kind of work, the agents' row and people's below it;
    at a phone's width the changes, review and the rate gone wrong stay in sight."""
    found = activity.outcomes
    rows: list[tuple[Cell, ...]] = []
    groups = (
        []
        if found is None
        else [("all agents", found.all_agents), *((a.agent, a.kinds) for a in found.agents)]
    )
    for who, kinds in groups:
        for k in kinds:
            rows.append(_figures(who, k.kind, k.agents))
            rows.append(_figures("people", k.kind, k.people))
    span = "" if found is None else f", {found.since_week} to {found.until_week}"
    return Grid(
        "outcomes",
        f"What became of them, by kind of work{span}",
        (
            GridColumn("who", "Whose · kind"),
            GridColumn("changes", "Changes", numeric=True),
            GridColumn("lines", "Lines of code", numeric=True, wide=True),
            GridColumn("reviewed", "Approved", numeric=True),
            GridColumn("unknown", "Review unknown", numeric=True, wide=True),
            GridColumn("reverted", "Reverted (per 1,000 lines)", numeric=True, wide=True),
            GridColumn("incident", "Incident (per 1,000 lines)", numeric=True, wide=True),
            GridColumn("fixed", "Later fixed (per 1,000 lines)", numeric=True, wide=True),
            GridColumn("wrong", "Gone wrong per 1,000 lines", numeric=True),
        ),
        tuple(rows),
    )


def agents_page(ctx: PageContext) -> Page:
    """AI agents: per agent this week, and per week their changes and human review."""
    end = data_end(ctx, narrowed(ctx.org, ctx.access, scope_names(ctx)))
    # A stale store's agents are those of the week its data ends in, not a week of zeros.
    asked = ctx.args.get("week") or None
    if asked is None and end.stale and end.week is not None:
        asked = end.week.id
    activity = agent_activity(
        ctx.session, ctx.org, ctx.access, scope_names(ctx), asked, ctx.now, weeks_asked(ctx)
    )
    history = agent_weeks(
        ctx.session, ctx.org, ctx.access, scope_names(ctx), weeks_asked(ctx), activity.week, ctx.now
    )
    agents = Grid(
        "agents",
        f"Agents in {activity.week}",
        (
            GridColumn("agent", "Agent"),
            GridColumn("changes", "Changes", numeric=True),
            # Approved is the changes neither unapproved nor of unknown review: a phone
            # leaves it to the other two.
            GridColumn("reviewed", "Approved", numeric=True, wide=True),
            GridColumn("unreviewed", "Not approved", numeric=True),
            GridColumn("unknown", "Review unknown", numeric=True),
            GridColumn("high", "High risk", numeric=True, wide=True),
            GridColumn("mean", "Mean score", numeric=True, wide=True),
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
    # Each agent's changes by kind of work, all agents' first, beside people's of that kind.
    kinds = Grid(
        "kinds",
        f"By kind of work in {activity.week}",
        (
            GridColumn("agent", "Agent"),
            GridColumn("kind", "Kind of work"),
            GridColumn("changes", "Agent changes", numeric=True),
            GridColumn("human", "People's changes", numeric=True),
        ),
        tuple(
            (cell(name), cell(k.kind), cell(k.changes), cell(k.human_changes))
            for name, counts in (
                ("all agents", activity.agent_kinds),
                *((a.agent, a.kinds) for a in activity.agents),
            )
            for k in counts
        ),
    )
    weeks = Grid(
        "weeks",
        "Week by week",
        (
            GridColumn("week", "Week"),
            GridColumn("agent", "AI-agent changes", numeric=True),
            GridColumn("unreviewed", "Without human approval", numeric=True),
            GridColumn("high", "At high risk", numeric=True, wide=True),
            GridColumn("wrong", "Reverted or followed by an incident", numeric=True),
            GridColumn("all", "All changes", numeric=True, wide=True),
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
        {"activity": activity, **end.values()},
        (agents, kinds, _outcomes_grid(activity), weeks, unreviewed),
    )
