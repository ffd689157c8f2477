"""The AI agents' page: per agent this week, and per week their changes and human review."""

from __future__ import annotations

from bot.answers.asked import narrowed
from bot.answers.records.agent import agent_activity, agent_weeks
from bot.pages.freshness import data_end
from bot.pages.grids import changes_grid
from bot.pages.page import Page, PageContext, scope_names, weeks_asked
from bot.pages.tables import Grid, GridColumn, cell

__all__ = ["agents_page"]


def agents_page(ctx: PageContext) -> Page:
    """AI agents: per agent this week, and per week their changes and human review."""
    end = data_end(ctx, narrowed(ctx.org, ctx.access, scope_names(ctx)))
    # A stale store's agents are those of the week its data ends in, not a week of zeros.
    asked = ctx.args.get("week") or None
    if asked is None and end.stale and end.week is not None:
        asked = end.week.id
    activity = agent_activity(ctx.session, ctx.org, ctx.access, scope_names(ctx), asked, ctx.now)
    history = agent_weeks(
        ctx.session, ctx.org, ctx.access, scope_names(ctx), weeks_asked(ctx), activity.week, ctx.now
    )
    agents = Grid(
        "agents",
        f"Agents in {activity.week}",
        (
            GridColumn("agent", "Agent"),
            GridColumn("changes", "Changes", numeric=True),
            GridColumn("reviewed", "Approved by a human", numeric=True),
            GridColumn("unreviewed", "Not reviewed", numeric=True),
            GridColumn("unknown", "Review unknown", numeric=True),
            GridColumn("high", "High risk", numeric=True),
            GridColumn("mean", "Mean score", numeric=True),
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
            GridColumn("high", "At high risk", numeric=True),
            GridColumn("wrong", "Reverted or followed by an incident", numeric=True),
            GridColumn("all", "All changes", numeric=True),
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
        (agents, kinds, weeks, unreviewed),
    )
