"""The week pages: a briefing with every card open, and the rows each of its numbers counts."""

from __future__ import annotations

from bot.answers.asked import narrowed
from bot.answers.records.briefing import payload_facts, scope_payload
from bot.answers.records.models import ChangeRow, band_words
from bot.answers.records.trend import week_rows
from bot.pages.freshness import data_end, this_week
from bot.pages.grids import changes_grid, deploys_grid, incidents_grid
from bot.pages.page import Page, PageContext, scope_names
from briefing.budget_burns import burn_line
from briefing.plan import PLAN_ORDER, owner_words, plan_sentence
from briefing.week import IsoWeek
from scoring.errors import NotFoundError

__all__ = ["rows_page", "week_page"]


def week_page(ctx: PageContext, week: str | None = None) -> Page:
    """A briefing with every card open, each number linking to the rows it counts, and the
    week's review plan in full (the briefing shows its first few)."""
    payload = scope_payload(ctx.session, ctx.org, ctx.access, scope_names(ctx), week, ctx.now)
    facts = payload_facts(ctx.session, ctx.org, payload)
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
    shown = IsoWeek.parse(facts.week)
    # The week after, up to the week in progress: a page of a week not begun says nothing.
    after = shown.next()
    # The briefing read where the scope's data ends: not read a second time.
    end = data_end(ctx, narrowed(ctx.org, ctx.access, scope_names(ctx)), facts.newest)
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
            "plan": payload.plan,
            # The services that burned their error budget fastest: the briefing's own line.
            "budgets": burn_line(payload.budget_burns) if not facts.no_data else None,
            "plan_sentence": plan_sentence(payload.plan),
            "plan_order": PLAN_ORDER,
            "plan_rows": [
                (i, owner_words(i), band_words(i.band))
                for i in (payload.plan.items if payload.plan is not None else ())
            ],
            "previous": shown.previous().id,
            "next": after.id if after <= this_week(ctx) else None,
            **end.values(),
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
    rows = week_rows(
        ctx.session, ctx.org, ctx.access, scope_names(ctx), week, band, agents, ctx.now
    )
    which = {
        None: "",
        "high_risk": " at high or very high risk",
        "safe": " at low risk",
        "moderate": " at moderate risk",
        "high": " at high risk",
        "critical": " at very high risk",
    }[band]
    caption = f"Changes{which}{' an AI agent took part in' if agents else ''}"
    end = data_end(ctx, narrowed(ctx.org, ctx.access, scope_names(ctx)))
    return Page(
        "rows.html",
        f"{rows.scope}: week {rows.week}",
        {"rows": rows, **end.values()},
        (
            changes_grid("changes", caption, rows.changes, ctx.url),
            deploys_grid("deploys", "Deploys", rows.deploys, ctx.url),
            incidents_grid("incidents", "Incidents", rows.incidents, ctx.url),
        ),
    )
