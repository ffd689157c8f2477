"""``/risk incident``: the changes most likely behind an incident, each with why.

The incident is told from the core's record of it (``records.incident.incident_culprits``,
what the MCP tool returns): this answer only words it. It is told within what the caller
may see (``caller.caller_access``), as `/risk pr` and `/risk deploy` are: a caller with an
active subscription, the incidents of their scope's services; anyone else, the organisation's.
"""

from __future__ import annotations

from bot.answers.answer import Answer, Choice, Code, Line, Link, Note, Outside, Paragraph, Strong
from bot.answers.caller import Asked, caller_access
from bot.answers.confirmations import culprit_choice
from bot.answers.lines import not_found, service_name
from bot.answers.lookups import dated_local_time
from bot.answers.parse import said
from bot.answers.queries import IncidentQuery
from bot.answers.records.incident import CulpritRow, IncidentCulprits, incident_culprits
from briefing.render.escape import one_line, truncate
from scoring.errors import NotFoundError
from scoring.plural import many

__all__ = ["answer_incident", "incident_answer"]

# A title is outside text: cut to what a line holds.
_TITLE_CHARS = 120
# The candidates a member is asked about, each with its two buttons.
_ASKED = 3


def _word(row: CulpritRow) -> str:
    """What members said of a candidate, if anyone did."""
    said = [f"confirmed by {row.confirmed_by}"] if row.confirmed_by else []
    said += [f"rejected by {row.rejected_by}"] if row.rejected_by else []
    return f" · {', '.join(said)}" if said else ""


def incident_answer(record: IncidentCulprits, service: str, timezone: str) -> Answer:
    """The incident ``record`` holds, with its culprits, times in ``timezone``."""
    opened = dated_local_time(record.opened_at, timezone)
    status = "resolved" if record.resolved_at is not None else "still open"
    head: tuple[Line, ...] = (
        (
            Strong((f"{record.key} in {service}",)),
            " · ",
            Outside(truncate(one_line(record.title), 200)),
        ),
        (f"Opened {opened} · {status} · from {record.source}",),
    )
    parts: list[Paragraph | Note | Choice] = [Paragraph(head)]
    window = f"{record.window_hours} h"
    if not record.culprits:
        where = "was deployed to" if record.deploys_known else "was merged into"
        parts.append(Paragraph(((f"No change {where} {service} in the {window} before it.",),)))
        return Answer(tuple(parts), summary=(f"{record.key}: no change in the {window} before",))
    verb = "shipped" if record.deploys_known else "merged"
    lines: list[Line] = [
        (
            Strong(
                (
                    f"Likeliest culprits of {many(record.candidates, 'change')} {verb} in the "
                    f"{window} before",
                )
            ),
        )
    ]
    for c in record.culprits:
        reasons = ", ".join(e.words for e in c.evidence)
        lines.append(
            (
                f"{c.rank}. ",
                Link(c.url, truncate(one_line(c.title), _TITLE_CHARS) or c.key),
                " · ",
                Code(c.key),
                f" · {c.points} points: {reasons}{_word(c)}",
            )
        )
    parts.append(Paragraph(tuple(lines)))
    # Whoever may see the incident may say which it was (Slack's buttons).
    parts += [culprit_choice(record.key, c.key) for c in record.culprits[:_ASKED]]
    parts.append(
        Note(
            (
                "Points: a revert of the change 100, a later fix touching its files up to 30, "
                "its risk up to 40, how close it shipped up to 30.",
            )
        )
    )
    top = record.culprits[0]
    return Answer(tuple(parts), summary=(f"{record.key}: likeliest culprit {top.key}",))


def answer_incident(asked: Asked, query: IncidentQuery) -> Answer:
    """``/risk incident``: the incident ``query`` names, if the caller may see its service."""
    access = caller_access(asked)
    try:
        record = incident_culprits(asked.session, asked.org, access, query.key)
    except NotFoundError:
        return not_found(
            "No incident ",
            Code(said(query.key)),
            " is in the store for your scope; give its key as a briefing prints it (INC-1039).",
        )
    return incident_answer(record, service_name(asked.org, record.service), access.timezone)
