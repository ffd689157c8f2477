"""The team's word on changes as records: who confirmed or rejected a change as an incident's
cause, and when, for the change's and the deploy's record.

A word about an incident of a service the caller may not see is left out, as the incident
itself would be (``records.incident``).
"""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session

from bot.answers.access import Access
from bot.answers.records.models import ConfirmationRow
from data.store.confirmations import confirmations_on
from data.store.reads.incidents import incidents_by_key
from data.store.reads.org import service_keys
from data.store.reads.subscribers import subscriber_names

__all__ = ["confirmation_rows"]


def confirmation_rows(
    session: Session, access: Access, changes: Collection[str]
) -> list[ConfirmationRow]:
    """Every member's word on ``changes``, oldest first, of incidents ``access`` sees."""
    if not changes:
        return []
    words = confirmations_on(session, changes)
    if not words:
        return []
    keys = {w.incident_key for w in words}
    incidents = {i.key: i for i in incidents_by_key(session, keys)}
    services = service_keys(session)
    named = {w.subscriber_key for w in words if w.subscriber_key is not None}
    names = subscriber_names(session, named)
    rows = []
    for w in words:
        incident = incidents.get(w.incident_key)
        if incident is None:
            continue
        service = services.get(incident.service_id, "")
        if not access.sees([service]):
            continue
        by = names.get(w.subscriber_key or "") or f"Slack member {w.slack_user_id}"
        rows.append(
            ConfirmationRow(
                incident=incident.key,
                service=service,
                incident_title=incident.title,
                change=w.change_key,
                confirmed=w.confirmed,
                by=by,
                said_at=w.said_at,
            )
        )
    return rows
