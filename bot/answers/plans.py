"""``/risk plan``: the open and just-merged changes to review first, told from the core's record.

Scoped as ``/risk brief`` is: the team or service named, else the caller's subscription's
scope, else the organisation. The record (``records.plan.review_plan``) is what the MCP tool
``review_plan`` returns; this answer only words it.
"""

from __future__ import annotations

from bot.answers.access import Access
from bot.answers.answer import Answer, Code, Line, Link, Note, Paragraph, Strong
from bot.answers.caller import Asked, scope_refused, subscription_view
from bot.answers.lines import not_found
from bot.answers.lookups import dated_local_time
from bot.answers.queries import PlanQuery
from bot.answers.records.plan import DAYS, PlanRecord, PlanRow, review_plan
from briefing.plan import PLAN_ORDER
from briefing.render.escape import one_line, truncate
from scoring.lowering import shown_name
from scoring.plural import many

__all__ = ["answer_plan", "plan_answer"]

# A title is outside text: cut to what a line holds.
_TITLE_CHARS = 120
# Owners named on an item's line; the rest are counted.
_OWNERS = 3


def _owners(row: PlanRow) -> str:
    """The uncovered owners as a sentence may show them (``shown_name``), the rest counted."""
    shown = [shown_name(o, "owner") for o in row.uncovered_owners[:_OWNERS]]
    more = len(row.uncovered_owners) - _OWNERS
    return ", ".join(shown + ([f"{more} more"] if more > 0 else []))


def _item(n: int, row: PlanRow) -> tuple[Line, ...]:
    head: Line = (
        f"{n}. ",
        Link(row.url, truncate(one_line(row.title), _TITLE_CHARS) or row.key),
        " · ",
        Code(row.key),
        f" · {row.state} · {row.score} ({row.band}) · {many(row.lines, 'line')} of code · "
        f"{row.predicted_risk} risk points",
    )
    lines = [head]
    if row.uncovered_owners:
        lines.append((f"   not approved by its owners: {_owners(row)}",))
    if row.lower_it is not None:
        lines.append(
            (f"   to lower it: {row.lower_it.text} (−{many(row.lower_it.points, 'point')})",)
        )
    return tuple(lines)


def plan_answer(record: PlanRecord, timezone: str) -> Answer:
    """The plan ``record`` holds, its times in ``timezone``."""
    since = dated_local_time(record.since, timezone)
    head: Line = (
        Strong(("Review plan",)),
        f" · {one_line(record.scope)} · open, or merged since {since}",
    )
    if record.week is not None:
        until = dated_local_time(record.until, timezone)
        head = (
            Strong((f"Review plan of {record.week}",)),
            f" · {one_line(record.scope)} · open at {until}, or merged from {since}",
        )
    # Where the data ends, when it ends before the plan's days: said first, not zeros alone.
    ends = (Note((record.data_note,)),) if record.data_note else ()
    days = f"in {record.week}" if record.week is not None else f"in the last {DAYS} days"
    if record.changes == 0:
        sentence = f"Nothing is open or was merged {days} in {one_line(record.scope)}."
        if record.unscored:
            # Open but not scored yet: there is something, but nothing to weigh it by.
            sentence = (
                f"Nothing scored is open or was merged {days} in "
                f"{one_line(record.scope)}; {many(record.unscored, 'open pull request')} "
                "not scored yet."
            )
        return Answer(
            (Paragraph((head, (sentence,))), *ends), summary=("Review plan: nothing to review",)
        )
    if not record.items:
        sentence = (
            f"None of the {many(record.changes, 'change')} open or merged {days} "
            f"scores above the typical change's {record.typical}: no predicted risk to review."
        )
        return Answer(
            (Paragraph((head, (sentence,))), *ends),
            summary=("Review plan: no change above typical",),
        )
    n = len(record.items)
    these = "This change is" if n == 1 else f"These {n} changes are"
    headline: Line = (
        Strong(
            (
                f"{these} {record.line_percent}% of "
                f"{'this week' if record.week is None else record.week}'s changed code and "
                f"{record.risk_percent}% of its predicted risk",
            )
        ),
        f" ({record.plan_lines:,} of {record.lines:,} lines of code; {record.plan_risk} of "
        f"{record.predicted_risk} risk points, across {many(record.changes, 'change')}).",
    )
    lines: list[Line] = [head, headline]
    for i, row in enumerate(record.items, start=1):
        lines.extend(_item(i, row))
    note = Note(
        (
            f"Predicted risk: the points a change's score stands above the typical change's "
            f"({record.typical}). {PLAN_ORDER}",
        )
    )
    parts: list[Paragraph | Note] = [Paragraph(tuple(lines)), note, *ends]
    if record.unscored:
        parts.append(Note((f"{many(record.unscored, 'open pull request')} not scored yet.",)))
    summary: Line = (f"Review plan: {n} to review first, {record.risk_percent}% of the risk",)
    return Answer(tuple(parts), summary=summary)


def answer_plan(asked: Asked, query: PlanQuery) -> Answer:
    """``/risk plan``: the scope named, else the caller's subscription's, else everything; in
    the caller's subscription's time zone, else their chat profile's, else UTC; of the week
    named (the plan its briefing lists), else as of now."""
    refused = scope_refused(asked, query.scope)
    if refused is not None:
        return not_found(refused)
    scope, timezone = subscription_view(asked, query.scope)
    access = Access.of(asked.org, scope, timezone)
    record = review_plan(asked.session, asked.org, access, None, asked.now, week=query.week)
    return plan_answer(record, timezone)
