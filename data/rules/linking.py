"""The linking rules of docs/architecture.md, applied to the store after every sync.

- A deploy ships the changes touching its service that merged after the
  previous successful deploy of the same service and environment, up to its
  own finish. A deploy whose source named the commits it shipped (a release
  tag: ``git rev-list previous..tag``) ships exactly the changes touching its
  service that those commits landed, whenever they merged; a commit stored as a pick of
  another change (a backport: ``ChangeState.PICKED``) ships that change.
- An incident is linked to the latest successful production deploy of its
  service that finished before it opened, within a window (default 24 hours).

Every link is inferred by these rules (no source writes one), so a pass
recomputes them all: a change or deploy that arrives late, or an incident
whose opening moved, ends up linked as if everything had been there from the
start. Only the difference is written: missing links are added and stale ones
removed, so a pass over an unchanged store writes nothing.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy import delete, insert
from sqlmodel import Session, col, select

from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    Deploy,
    DeployChange,
    DeployCommit,
    Incident,
    merged_time,
)

__all__ = ["LinkCount", "LinkSummary", "link_all", "link_deploys", "link_incidents"]

# Past any row id: ``(t, _AFTER)`` sorts after every ``(t, id)``.
_AFTER = 2**62
# Rows per statement, well under SQLite's bound-parameter limit.
_CHUNK = 900


@dataclass(frozen=True, slots=True)
class LinkCount:
    """What one rule's pass wrote: links ``added`` (or moved), and stale links ``removed``."""

    added: int = 0
    removed: int = 0


@dataclass(frozen=True, slots=True)
class LinkSummary:
    """What a pass of both rules wrote."""

    deploy_changes: LinkCount
    incidents: LinkCount

    @property
    def writes(self) -> int:
        """Rows inserted, deleted or updated; 0 when the store was already linked."""
        d, i = self.deploy_changes, self.incidents
        return d.added + d.removed + i.added + i.removed


@dataclass(frozen=True, slots=True)
class _ServiceChanges:
    """The changes touching each service: in merge order, and by the sha that landed them."""

    merged: dict[int, list[tuple[datetime, int]]]
    by_sha: dict[int, dict[str, int]]


def _changes_by_service(session: Session) -> _ServiceChanges:
    """``(merged_at, change id)`` of the changes touching each service, and their shas."""
    merged: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    by_sha: dict[int, dict[str, int]] = defaultdict(dict)
    rows = session.exec(
        select(ChangeFile.service_id, Change.id, Change.merged_at, Change.sha)
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .where(col(ChangeFile.service_id).is_not(None), IS_MERGED)
        .distinct()
    )
    for service_id, change_id, merged_at, sha in rows:
        if service_id is not None and change_id is not None:
            merged[service_id].append((merged_time(merged_at, str(change_id)), change_id))
            if sha:
                by_sha[service_id][sha] = change_id
    for times in merged.values():
        times.sort()
    # A release that ships a pick (a backport) ships the change it is the same patch as.
    originals = {
        key: change_id
        for key, change_id in session.exec(
            select(Change.key, Change.id).where(
                IS_MERGED,
                col(Change.key).in_(
                    select(Change.picked_from_key).where(col(Change.state) == ChangeState.PICKED)
                ),
            )
        )
        if change_id is not None
    }
    if originals:
        picks = session.exec(
            select(ChangeFile.service_id, Change.sha, Change.picked_from_key)
            .join(Change, col(Change.id) == col(ChangeFile.change_id))
            .where(col(ChangeFile.service_id).is_not(None), col(Change.state) == ChangeState.PICKED)
            .distinct()
        )
        for service_id, sha, original in picks:
            if service_id is not None and sha and original in originals:
                by_sha[service_id].setdefault(sha, originals[original])
    return _ServiceChanges(merged, by_sha)


def _named_commits(session: Session) -> dict[int, list[str]]:
    """The commits each deploy's source said it shipped, by deploy id (most deploys: none)."""
    named: dict[int, list[str]] = defaultdict(list)
    for deploy_id, sha in session.exec(select(DeployCommit.deploy_id, DeployCommit.sha)):
        named[deploy_id].append(sha)
    return named


def _shipped(session: Session) -> dict[int, set[int]]:
    """The change ids each deploy ships, by deploy id: the commits its source named, else
    the rule."""
    changes = _changes_by_service(session)
    merged = changes.merged
    named = _named_commits(session)
    deploys = session.execute(
        sa.select(
            col(Deploy.id),
            col(Deploy.service_id),
            col(Deploy.environment),
            col(Deploy.finished_at),
            col(Deploy.status),
        ).order_by(col(Deploy.finished_at), col(Deploy.id))
    )
    previous_success: dict[tuple[int, str], datetime] = {}
    wanted: dict[int, set[int]] = {}
    for deploy_id, service_id, environment, finished_at, status in deploys:
        scope = (service_id, environment)
        if deploy_id in named:
            shas = changes.by_sha.get(service_id, {})
            ids = {shas[sha] for sha in named[deploy_id] if sha in shas}
            if ids:
                wanted[deploy_id] = ids
            if status == "success":
                previous_success[scope] = finished_at
            continue
        since = previous_success.get(scope)
        times = merged.get(service_id, [])
        lo = 0 if since is None else bisect_right(times, (since, _AFTER))
        hi = bisect_right(times, (finished_at, _AFTER))
        if deploy_id is not None and hi > lo:
            wanted[deploy_id] = {change_id for _, change_id in times[lo:hi]}
        if status == "success":
            previous_success[scope] = finished_at
    return wanted


def link_deploys(session: Session) -> LinkCount:
    """Make every deploy's links exactly the changes it ships by the rule; returns what changed."""
    wanted = _shipped(session)
    existing: dict[int, set[int]] = defaultdict(set)
    links = select(DeployChange.deploy_id, DeployChange.change_id)
    for deploy_id, change_id in session.exec(links):
        existing[deploy_id].add(change_id)
    missing = [
        {"deploy_id": d, "change_id": c}
        for d, changes in wanted.items()
        for c in sorted(changes - existing.get(d, set()))
    ]
    stale = {d: sorted(have - wanted.get(d, set())) for d, have in existing.items()}
    stale = {d: ids for d, ids in stale.items() if ids}
    for start in range(0, len(missing), _CHUNK):
        session.execute(insert(DeployChange), missing[start : start + _CHUNK])
    removed = 0
    for deploy_id, change_ids in stale.items():
        for start in range(0, len(change_ids), _CHUNK):
            chunk = change_ids[start : start + _CHUNK]
            session.execute(
                delete(DeployChange).where(
                    col(DeployChange.deploy_id) == deploy_id,
                    col(DeployChange.change_id).in_(chunk),
                )
            )
            removed += len(chunk)
    session.flush()
    return LinkCount(len(missing), removed)


def link_incidents(session: Session, window_hours: float = 24.0) -> LinkCount:
    """Link each incident to the latest successful production deploy of its service before it.

    The deploy must have finished before the incident opened and within
    ``window_hours`` of it; a failed deploy shipped nothing, and a staging
    deploy nothing users saw, so neither can have caused a production incident.
    An incident with no such deploy is left unlinked, and loses a link it had.
    """
    window = timedelta(hours=window_hours)
    by_service: dict[int, list[tuple[datetime, int]]] = defaultdict(list)
    deploys = select(Deploy.id, Deploy.service_id, Deploy.finished_at).where(
        col(Deploy.status) == "success", col(Deploy.environment) == "production"
    )
    for deploy_id, service_id, finished_at in session.exec(deploys):
        if deploy_id is not None:
            by_service[service_id].append((finished_at, deploy_id))
    for times in by_service.values():
        times.sort()
    added = removed = 0
    for incident in session.exec(select(Incident).order_by(col(Incident.id))):
        times = by_service.get(incident.service_id, [])
        i = bisect_left(times, (incident.opened_at, -1))
        cause: int | None = None
        if i > 0 and incident.opened_at - times[i - 1][0] <= window:
            cause = times[i - 1][1]
        if incident.deploy_id == cause:
            continue
        if cause is None:
            removed += 1
        else:
            added += 1
        incident.deploy_id = cause
        session.add(incident)
    session.flush()
    return LinkCount(added, removed)


def link_all(session: Session, window_hours: float = 24.0) -> LinkSummary:
    """Apply both linking rules."""
    return LinkSummary(link_deploys(session), link_incidents(session, window_hours))
