"""``/risk agents``: what became of AI agents' changes by kind of work, beside people's, told
from the core's record.

Scoped as ``/risk brief`` is: the team or service named, else the caller's subscription's
scope, else the organisation; over 12 weeks up to the last complete week, or the weeks asked.
The record (``records.agent_outcomes.agent_outcomes``) is what the MCP tool
``agent_activity`` carries as ``outcomes`` and the agents page lays out; this answer only
words it.
"""

from __future__ import annotations

from bot.answers.access import Access
from bot.answers.answer import Answer, Column, Line, Note, Outside, Paragraph, Strong, Table
from bot.answers.caller import Asked, scope_refused, subscription_view
from bot.answers.lines import not_found
from bot.answers.queries import AgentsQuery
from bot.answers.records.agent_outcomes import AgentOutcomes, OutcomeFigures, agent_outcomes
from briefing.render.escape import one_line, truncate
from scoring.plural import many

__all__ = ["agents_answer", "answer_agents"]

# An agent's login is outside text: cut to what a line holds.
_NAME_CHARS = 40
_COLUMNS = (
    Column("kind", 8),
    Column("whose", 6),
    Column("changes", 7, right=True),
    Column("approved", 8, right=True),
    Column("unknown", 7, right=True),
    Column("reverted", 8, right=True),
    Column("incident", 8, right=True),
    Column("fixed", 5, right=True),
    Column("wrong/1k", 8, right=True),
)


def _cells(kind: str, whose: str, f: OutcomeFigures) -> tuple[str, ...]:
    approved = "–" if f.reviewed_share is None else f"{f.reviewed_share:g}%"
    fixed = "?" if f.later_fixed is None else str(f.later_fixed)
    rate = "–" if f.went_wrong_per_kloc is None else f"{f.went_wrong_per_kloc:g}"
    cells = (
        kind,
        whose,
        f.changes,
        approved,
        f.review_unknown,
        f.reverted,
        f.incident,
        fixed,
        rate,
    )
    return tuple(
        f"{v!s:>{c.width}}" if c.right else f"{v!s:<{c.width}}"
        for v, c in zip(cells, _COLUMNS, strict=True)
    )


def _agent_line(name: str, record: AgentOutcomes) -> Line:
    kinds = next(a.kinds for a in record.agents if a.agent == name)
    parts = [f"{k.kind} {k.agents.changes} ({k.agents.went_wrong} gone wrong)" for k in kinds]
    return ("• ", Outside(truncate(one_line(name), _NAME_CHARS)), ": ", ", ".join(parts))


def agents_answer(record: AgentOutcomes, scope: str) -> Answer:
    """The outcomes ``record`` holds for ``scope``."""
    head: Line = (
        Strong(("AI agents",)),
        f" · {one_line(scope)} · {record.since_week} to {record.until_week} "
        f"({many(record.weeks, 'week')})",
    )
    counts: Line = (
        f"{many(record.agent_changes, 'agent change')}, {record.human_changes} by people, "
        f"{record.bot_changes} by bots (counted apart).",
    )
    if not record.agent_changes:
        return Answer(
            (Paragraph((head, (f"No AI-agent change in {one_line(scope)} in these weeks.",))),),
            summary=("AI agents: no change in these weeks",),
        )
    rows = tuple(
        row
        for k in record.all_agents
        for row in (_cells(k.kind, "agents", k.agents), _cells(k.kind, "people", k.people))
    )
    table = Table(
        (Strong(("By kind of work",)), ": all agents' changes, people's of the same kind below"),
        _COLUMNS,
        rows,
    )
    agents = Paragraph(
        ((Strong(("Each agent",)),), *(_agent_line(a.agent, record) for a in record.agents))
    )
    fixes = (
        ""
        if record.later_fixes_known
        else " Later fixes need a local clone for SZZ: `?` is unknown, not none."
    )
    note = Note(
        (
            "Approved: the share of changes with a known review that a human approved; unknown "
            "review is counted apart, never as unreviewed. Incident: the team confirmed it as a "
            "culprit, or its revert made an incident. Gone wrong: reverted, linked to an "
            f"incident or later fixed, per 1,000 lines of code.{fixes} The agents page and the "
            "MCP tool agent_activity give each outcome per 1,000 lines.",
        )
    )
    worst = max(
        (k for k in record.all_agents if k.agents.went_wrong_per_kloc is not None),
        key=lambda k: (k.agents.went_wrong_per_kloc or 0.0, k.kind),
        default=None,
    )
    summary: Line = (
        f"AI agents: {many(record.agent_changes, 'change')} over {record.weeks} weeks",
    )
    if worst is not None and worst.agents.went_wrong:
        summary = (
            *summary,
            f"; most gone wrong per line in {worst.kind} ({worst.agents.went_wrong_per_kloc:g} "
            "per 1,000 lines)",
        )
    return Answer((Paragraph((head, counts)), table, agents, note), summary=summary)


def answer_agents(asked: Asked, query: AgentsQuery) -> Answer:
    """``/risk agents``: the scope named, else the caller's subscription's, else everything;
    the weeks in the caller's subscription's time zone, else their chat profile's, else UTC."""
    refused = scope_refused(asked, query.scope)
    if refused is not None:
        return not_found(refused)
    scope, timezone = subscription_view(asked, query.scope)
    access = Access.of(asked.org, scope, timezone)
    record = agent_outcomes(asked.session, asked.org, access, None, query.weeks, None, asked.now)
    return agents_answer(record, access.label)
