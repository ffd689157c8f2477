"""The team's word on an incident's culprit: the buttons `/risk incident` shows, and what a
click of one answers.

Only a member who may see the incident's service may answer (the same scope
``/risk incident`` tells them in); anyone else is told, in the same words, that the
incident is not there. A member's word is kept once (``data.store.confirmations``): the
same click again changes nothing, the other button changes their word.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlmodel import Session

from bot.answers.answer import Answer, Button, Choice, Code, Paragraph
from bot.answers.caller import member_access as access_of_member
from bot.answers.lines import not_found
from bot.answers.lookups import dated_local_time
from bot.answers.parse import said
from bot.answers.records.incident import incident_culprits
from data.config import OrgConfig
from data.store.confirmations import Recorded, record_confirmation
from data.store.reads.lookups import subscriber_of
from scoring.errors import NotFoundError

__all__ = [
    "CONFIRM_ACTION",
    "REJECT_ACTION",
    "access_of_member",
    "answer_confirmation",
    "culprit_choice",
]

CONFIRM_ACTION = "culprit_confirm"
REJECT_ACTION = "culprit_reject"
# Every candidate may be answered, not only those shown: a list can change between the
# answer and the click (a score recomputed), and the click names its change.
_ANY = 1000


def culprit_choice(incident: str, change: str) -> Choice:
    """ "Was it <change>?", with a button to confirm and one to reject."""
    value = json.dumps({"incident": incident, "change": change}, separators=(",", ":"))
    return Choice(
        ("Was it ", Code(change), "?"),
        (
            Button("Yes, it caused it", CONFIRM_ACTION, value, primary=True),
            Button("No, not this one", REJECT_ACTION, value),
        ),
    )


def _read(value: str) -> tuple[str, str] | None:
    """The incident and change a button's value names, else ``None``."""
    try:
        named = json.loads(value)
    except ValueError:
        return None
    if not isinstance(named, dict):
        return None
    incident, change = named.get("incident"), named.get("change")
    if isinstance(incident, str) and isinstance(change, str) and incident and change:
        return incident, change
    return None


def answer_confirmation(
    session: Session,
    org: OrgConfig,
    slack_user_id: str,
    value: str,
    confirmed: bool,
    now: datetime,
) -> Answer:
    """Keep the member's word on the change the button names, if they may see its incident."""
    named = _read(value)
    if named is None:
        return not_found("That button is not one riskbrief made; ask `/risk incident <id>` again.")
    incident, change = named
    subscriber = subscriber_of(session, slack_user_id)
    access = access_of_member(org, subscriber)
    try:
        record = incident_culprits(session, org, access, incident, shown=_ANY)
    except NotFoundError:
        return not_found(
            "No incident ",
            Code(said(incident)),
            " is in the store for your scope; give its key as a briefing prints it (INC-1039).",
        )
    if change not in {c.key for c in record.culprits}:
        return not_found(
            Code(said(change)),
            " is not a candidate of ",
            Code(record.key),
            f"; ask `/risk incident {record.key}` again.",
        )
    key = subscriber.key if subscriber is not None else None
    recorded, row = record_confirmation(
        session, record.key, change, confirmed, slack_user_id, key, now
    )
    word = "caused" if row.confirmed else "did not cause"
    when = dated_local_time(row.said_at, access.timezone)
    lead = {
        Recorded.NEW: "Recorded",
        Recorded.SAME: "Already recorded",
        Recorded.CHANGED: "Changed",
    }[recorded]
    line = (f"{lead}: you said ", Code(change), f" {word} ", Code(record.key), f" ({when}).")
    return Answer((Paragraph((line,)),), summary=line)
