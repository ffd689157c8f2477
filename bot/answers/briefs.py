"""``/risk brief``: this week so far for a scope, made as the Monday briefing is made.

The week's numbers come from the same payload builder the Monday briefing uses
(``briefing.build``), with the deterministic narrative: a question must not wait
on, or pay for, an LLM.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.answer import Answer, BriefingPart, Line, Note, Part, Strong
from bot.answers.asked import default_of
from bot.answers.caller import Asked, scope_refused, subscription_view
from bot.answers.lines import not_found
from bot.answers.queries import BriefQuery
from briefing.build import Recipient, build_payload
from briefing.deterministic import write_deterministic
from briefing.payload import BriefingPayload
from briefing.render.escape import one_line
from briefing.week import IsoWeek
from data.config import OrgConfig
from data.scope import Scope

__all__ = ["answer_brief", "brief_answer", "week_payload"]


def week_payload(
    session: Session, org: OrgConfig, scope: Scope, timezone: str, week: IsoWeek
) -> BriefingPayload:
    """The briefing payload of ``week`` for ``scope``, its days in ``timezone``."""
    return build_payload(session, org, Recipient("slack", "", timezone, scope), week)


def brief_answer(
    session: Session, org: OrgConfig, scope: Scope, timezone: str, now: datetime
) -> Answer:
    """This week so far for ``scope`` (when it holds no data, the last complete week that
    does, saying where the data ends): the briefing, with the deterministic narrative."""
    default = default_of(session, org, Access.of(org, scope, timezone), now, current=True)
    week = default.week
    payload = week_payload(session, org, scope, timezone, week)
    title = "This week so far"
    heading: Line = (
        Strong((title,)),
        f" · {one_line(payload.scope.label)} · "
        f"{now.astimezone(ZoneInfo(timezone)):%a %d %b %H:%M} ({timezone})",
    )
    if default.moved:
        title = f"Week {week.id}"
        heading = (
            Strong((title,)),
            f" · {one_line(payload.scope.label)} · {week.monday:%a %d %b} to "
            f"{week.sunday:%a %d %b} ({timezone})",
        )
    briefing = BriefingPart(
        title=title,
        heading=heading,
        payload=payload,
        narrative=write_deterministic(payload),
        week=week,
        timezone=timezone,
        scope=scope,
    )
    note = default.note()
    parts: tuple[Part, ...] = (Note((note,)), briefing) if note else (briefing,)
    return Answer(parts)


def answer_brief(asked: Asked, query: BriefQuery) -> Answer:
    """``/risk brief``: the scope named, else the caller's subscription's, else everything; in
    the caller's subscription's time zone, else their chat profile's, else UTC."""
    refused = scope_refused(asked, query.scope)
    if refused is not None:
        return not_found(refused)
    scope, timezone = subscription_view(asked, query.scope)
    return brief_answer(asked.session, asked.org, scope, timezone, asked.now)
