"""``/risk pr``: one change's score, band, top signals with their explanations, and its gates."""

from __future__ import annotations

from sqlmodel import Session, col, select

from bot.answers.answer import Answer, Code, Line, Link, Paragraph, Span, Strong
from bot.answers.caller import Asked, reader_timezone
from bot.answers.lines import (
    candidates,
    deploy_name,
    gate_lines,
    not_found,
    service_name,
    signal_lines,
)
from bot.answers.lookups import find_changes, local_time, version_of
from bot.answers.parse import said
from bot.answers.queries import ChangeQuery
from briefing.labels import band_label
from briefing.plural import many
from briefing.render.escape import one_line, truncate
from data.config import OrgConfig
from data.store.scores import load_scores
from data.store.tables import Change, ChangeState, Deploy, DeployChange

__all__ = ["answer_change", "change_answer"]

# What a change's stored review flag adds after "AI agent"; None is unknown.
_REVIEW_NOTE = {True: "", False: ", no human approval", None: ", review unknown"}
# Candidates listed when a short sha or a bare number names more than one change.
_CANDIDATES = 10


def _when(change: Change, timezone: str, *, day: bool = True) -> str:
    """``merged <local time>``, or what an open or closed pull request is instead."""
    if change.merged_at is None or change.state is not ChangeState.MERGED:
        if change.state is ChangeState.OPEN:
            return "a draft, not merged yet" if change.draft else "open, not merged yet"
        return "closed unmerged"
    return f"merged {local_time(change.merged_at, timezone, day=day)}"


def _shipped_in(session: Session, org: OrgConfig, change: Change, timezone: str) -> Line:
    """The deploys that shipped ``change``, each by service and local time beside its id."""
    deploys = list(
        session.exec(
            select(Deploy)
            .join(DeployChange, col(DeployChange.deploy_id) == col(Deploy.id))
            .where(DeployChange.change_id == change.id)
            .order_by(col(Deploy.finished_at))
        )
    )
    if not deploys:
        return ("Not shipped by any deploy in the store.",)
    line: list[Span] = ["Shipped in "]
    for n, d in enumerate(deploys[:3]):
        line += ["; "] if n else []
        line += deploy_name(session, org, d, timezone)
    return tuple(line)


def change_answer(
    session: Session, org: OrgConfig, key: str, timezone: str | None = None
) -> Answer:
    """A change's score, band, top signals with their explanations, and the gates it hit.

    ``key`` is any form ``lookups.find_changes`` reads; times are in ``timezone`` (the
    reader's), else the organisation's.
    """
    zone = timezone or org.organisation.timezone
    found = find_changes(session, key)
    if not found:
        return not_found(
            "No change ",
            Code(said(key)),
            " is in the store; check the number or sha, "
            "or run `riskbrief sync` if it was merged just now.",
        )
    if len(found) > 1:
        lines: list[Line] = [
            (
                "• ",
                Code(c.key),
                f" {truncate(one_line(c.title), 80)} · {_when(c, zone, day=False)}",
            )
            for c in found[:_CANDIDATES]
        ]
        return candidates(
            (Code(said(key)), f" names {many(len(found), 'change')}"),
            lines,
            len(found) - _CANDIDATES,
            "ask about one of them by its key",
        )
    change = found[0]
    key = change.key
    row = load_scores(session, "change", version_of(org), [key]).get(key)
    if row is None:
        return Answer(
            (
                Paragraph(
                    (
                        (
                            Code(said(key)),
                            " has not been scored yet; it will be after the next "
                            "`riskbrief score` (or the scheduler's next run).",
                        ),
                    )
                ),
            )
        )
    title = Link(change.url, truncate(one_line(change.title), 150) or key)
    risk: Line = (
        "Risk ",
        Strong((str(row.score),)),
        f", {band_label(row.band)} · {service_name(org, row.service)} · {_when(change, zone)}",
    )
    if row.agent_involved:
        risk += (" · AI agent" + _REVIEW_NOTE[row.human_reviewed],)
    parts = [Paragraph(((Strong((title,)), " · ", Code(key)), risk))]
    signals = signal_lines(row)
    parts.append(Paragraph(((Strong(("Signals",)),), *(signals or [("No signal added risk.",)]))))
    gates = gate_lines(row)
    if gates:
        parts.append(Paragraph(((Strong(("Gates hit",)),), *gates)))
    parts.append(Paragraph((_shipped_in(session, org, change, zone),)))
    return Answer(tuple(parts), summary=(f"{key}: risk {row.score}, {band_label(row.band)}",))


def answer_change(asked: Asked, query: ChangeQuery) -> Answer:
    """``/risk pr``: the change ``query`` names, in the reader's time zone."""
    return change_answer(asked.session, asked.org, query.key, reader_timezone(asked))
