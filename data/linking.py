"""The linking rules of DESIGN.md, applied to the store after every sync.

- A deploy ships the changes touching its service that merged after the
  previous successful deploy of the same service and environment, up to its
  own finish.
- An incident is linked to the latest successful production deploy of its
  service that finished before it opened, within a window (default 24 hours).

Links a source set explicitly are kept; only unlinked rows are filled in.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from data.tables import Change, ChangeFile, Deploy, DeployChange, Incident

__all__ = ["LinkSummary", "link_all", "link_deploys", "link_incidents"]


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """How many links a pass added."""

    deploy_changes: int
    incidents: int


def link_deploys(session: Session) -> int:
    """Fill in the changes of deploys that have none yet; returns the links added."""
    already = set(session.exec(select(DeployChange.deploy_id)))
    merged: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    rows = session.exec(
        select(ChangeFile.service_id, Change.id, Change.merged_at)
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .where(col(ChangeFile.service_id).is_not(None))
        .distinct()
    )
    for service_id, change_id, merged_at in rows:
        if service_id is not None and change_id is not None:
            merged[service_id].append((merged_at, change_id))
    for times in merged.values():
        times.sort()
    deploys = list(session.exec(select(Deploy).order_by(col(Deploy.finished_at), col(Deploy.id))))
    previous_success: dict[tuple[int, str], datetime] = {}
    added = 0
    for d in deploys:
        scope = (d.service_id, d.environment)
        since = previous_success.get(scope)
        if d.id is not None and d.id not in already:
            times = merged.get(d.service_id, [])
            lo = 0 if since is None else bisect_right(times, (since, 2**62))
            hi = bisect_right(times, (d.finished_at, 2**62))
            for _, change_id in times[lo:hi]:
                session.add(DeployChange(deploy_id=d.id, change_id=change_id))
                added += 1
        if d.status == "success":
            previous_success[scope] = d.finished_at
    session.flush()
    return added


def link_incidents(session: Session, window_hours: float = 24.0) -> int:
    """Link unlinked incidents to the latest successful production deploy of their service.

    The deploy must have finished before the incident opened and within
    ``window_hours`` of it; a failed deploy shipped nothing, and a staging
    deploy nothing users saw, so neither can have caused a production incident.
    """
    window = timedelta(hours=window_hours)
    by_service: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    deploys = select(Deploy).where(
        col(Deploy.status) == "success", col(Deploy.environment) == "production"
    )
    for d in session.exec(deploys):
        if d.id is not None:
            by_service[d.service_id].append((d.finished_at, d.id))
    for times in by_service.values():
        times.sort()
    added = 0
    for incident in session.exec(select(Incident).where(col(Incident.deploy_id).is_(None))):
        times = by_service.get(incident.service_id, [])
        i = bisect_left(times, (incident.opened_at, -1))
        if i == 0:
            continue
        finished, deploy_id = times[i - 1]
        if incident.opened_at - finished <= window:
            incident.deploy_id = deploy_id
            session.add(incident)
            added += 1
    session.flush()
    return added


def link_all(session: Session, window_hours: float = 24.0) -> LinkSummary:
    """Apply both linking rules."""
    return LinkSummary(link_deploys(session), link_incidents(session, window_hours))
