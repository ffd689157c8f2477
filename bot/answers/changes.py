"""``/risk pr``: one change's score, band, top signals with their explanations, and its gates."""

from __future__ import annotations

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.answer import Answer, Code, Line, Link, Outside, Paragraph, Span, Strong
from bot.answers.caller import Asked, caller_access
from bot.answers.lines import (
    BAND_OF_WORDS,
    candidates,
    gate_lines,
    not_found,
    point_lines,
    service_name,
    team_word_lines,
)
from bot.answers.lookups import dated_local_time, landing_ref
from bot.answers.parse import said
from bot.answers.queries import ChangeQuery
from bot.answers.records.change import change_risk
from bot.answers.records.models import ChangeRisk
from briefing.labels import band_label
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.store.reads.changes import services_touched
from data.store.reads.lookups import find_changes
from data.store.tables import Change, ChangeState
from scoring.errors import NotFoundError
from scoring.plural import many

__all__ = ["answer_change", "change_answer"]

# What a change's stored review flag adds after "AI agent"; None is unknown.
_REVIEW_NOTE = {True: "", False: ", no human approval", None: ", review unknown"}
# Candidates listed when a short sha or a bare number names more than one change.
_CANDIDATES = 10


def _when(change: Change, timezone: str, *, day: bool = True) -> str:
    """``merged <local time>``, or what an open or closed pull request is instead."""
    if change.state is ChangeState.PICKED and change.merged_at is not None:
        merged = dated_local_time(change.merged_at, timezone, day=day)
        return f"a pick of {change.picked_from_key}, merged {merged}"
    if change.merged_at is None or change.state is not ChangeState.MERGED:
        if change.state is ChangeState.OPEN:
            return "a draft, not merged yet" if change.draft else "open, not merged yet"
        return "closed unmerged"
    return f"merged {dated_local_time(change.merged_at, timezone, day=day)}"


def _record_when(risk: ChangeRisk, timezone: str) -> str:
    """The record's state as ``_when`` words it."""
    if risk.state != ChangeState.MERGED.value or risk.merged_at is None:
        if risk.state == ChangeState.OPEN.value:
            return "a draft, not merged yet" if risk.draft else "open, not merged yet"
        return "closed unmerged"
    return f"merged {dated_local_time(risk.merged_at, timezone)}"


def _shipped_in(org: OrgConfig, risk: ChangeRisk, timezone: str) -> Line:
    """The deploys that shipped the change, each by service and local time beside its id."""
    if not risk.deploys:
        return ("Not shipped by any deploy in the store.",)
    line: list[Span] = ["Shipped in "]
    for n, d in enumerate(risk.deploys[:3]):
        line += ["; "] if n else []
        line += [
            f"{service_name(org, d.service)} deploy of "
            f"{dated_local_time(d.finished_at, timezone)} (",
            Code(d.key),
            ")",
        ]
    return tuple(line)


def change_answer(
    session: Session,
    org: OrgConfig,
    key: str,
    timezone: str | None = None,
    access: Access | None = None,
) -> Answer:
    """A change's score, band, top signals with their explanations, and the gates it hit.

    ``key`` is any form ``data.store.reads.lookups.find_changes`` reads; times are in
    ``timezone`` (the reader's), else the organisation's. The change itself is told from the
    core's record of it (``records.change.change_risk``, what the MCP tool and the web page
    show): this answer only words it, its top signals folded as ``breakdown`` folds them. Only
    what ``access`` (else the organisation) may see is found, or offered as a candidate.
    """
    zone = timezone or org.organisation.timezone
    access = access or Access.organisation(org)
    found = find_changes(session, key)
    landed_by: str | None = None
    if not found:
        # A commit a pull request brought in is no change of its own: its merge is.
        landing = landing_ref(org, key)
        if landing is not None:
            found = find_changes(session, landing)
            landed_by = said(key) if found else None
    if not access.whole:
        touched = services_touched(session, found)
        found = [c for c in found if access.sees(touched[c.id])]
    if not found:
        # Outside the caller's scope is said in the same words as not stored at all.
        where = "in the store" if access.whole else "in the store for your scope"
        return not_found(
            "No change ",
            Code(said(key)),
            f" is {where}; check the number or sha, "
            "or run `riskbrief sync` if it was merged just now.",
        )
    if len(found) > 1:
        lines: list[Line] = [
            (
                "• ",
                Code(c.key),
                " ",
                Outside(truncate(one_line(c.title), 80)),
                f" · {_when(c, zone, day=False)}",
            )
            for c in found[:_CANDIDATES]
        ]
        return candidates(
            (Code(said(key)), f" names {many(len(found), 'change')}"),
            lines,
            len(found) - _CANDIDATES,
            "ask about one of them by its key",
        )
    key = found[0].key
    picked: str | None = None
    if found[0].state is ChangeState.PICKED and found[0].picked_from_key:
        # A cherry-pick or backport is no change of its own: the change it is the same patch as.
        picked, key = key, found[0].picked_from_key
    try:
        risk = change_risk(session, org, access, key)
    except NotFoundError as exc:
        # Found but not told: the record's own sentence says why (not scored yet, as a rule),
        # never a guess of ours about it.
        return Answer((Paragraph(((str(exc),),)),))
    title = Link(risk.url, truncate(one_line(risk.title), 150) or key)
    band = BAND_OF_WORDS[risk.band]
    line: Line = (
        "Risk ",
        Strong((str(risk.score),)),
        f", {band_label(band)} · {service_name(org, risk.service)} · {_record_when(risk, zone)}",
    )
    if risk.agent_involved:
        line += (" · AI agent" + _REVIEW_NOTE[risk.human_reviewed],)
    parts = [Paragraph(((Strong((title,)), " · ", Code(key)), line))]
    if landed_by is not None:
        parts.insert(0, Paragraph((("Commit ", Code(landed_by), " landed in ", Code(key), ":"),)))
    if picked is not None:
        parts.insert(
            0, Paragraph(((Code(picked), " is a pick of ", Code(key), " (the same patch):"),))
        )
    signals = point_lines(risk.signals)
    parts.append(Paragraph(((Strong(("Signals",)),), *(signals or [("No signal added risk.",)]))))
    gates = gate_lines(risk.gates)
    if gates:
        parts.append(Paragraph(((Strong(("Gates hit",)),), *gates)))
    parts.append(Paragraph((_shipped_in(org, risk, zone),)))
    words = team_word_lines(risk.confirmations, zone)
    if words:
        parts.append(Paragraph(((Strong(("The team's word",)),), *words)))
    return Answer(tuple(parts), summary=(f"{key}: risk {risk.score}, {band_label(band)}",))


def answer_change(asked: Asked, query: ChangeQuery) -> Answer:
    """``/risk pr``: the change ``query`` names, in the reader's time zone."""
    access = caller_access(asked)
    return change_answer(asked.session, asked.org, query.key, access.timezone, access)
