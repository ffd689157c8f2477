"""What tracing an incident reads from the store: the incident, the changes its service's
production deploys shipped in the window before it, their scores, and the reverts and fixes
merged after.

Where the incident's service has no production deploy stored at all (a clone read without
a deploy source), the candidates are the changes merged into the service in the window,
since merging is then the only shipping known. ``scoring.culprits`` ranks what this reads.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, func, select

from data.store.among import among
from data.store.confirmations import confirmations_of
from data.store.scores import load_scores
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    Deploy,
    DeployChange,
    Incident,
    Repository,
    Service,
    merged_time,
)
from scoring.culprits import FIX_HORIZON, WINDOW, CulpritTrace, IncidentAt, LaterFix, Shipped
from scoring.fixes import is_fix_change
from scoring.planned_reverts import names_a_failure

__all__ = ["CulpritFacts", "confirmed_culprits", "culprit_facts", "culprit_traces", "find_incident"]

# Bound parameters per IN list: under SQLite's limit on every version still in use.
_CHUNK = 900


@dataclass(frozen=True, slots=True)
class CulpritFacts:
    """An incident as the ranking reads it: the incident, its candidates and later fixes.

    ``deploys_known`` is false when its service has no production deploy stored, so the
    candidates are merged changes rather than shipped ones.
    """

    incident: IncidentAt
    shipped: tuple[Shipped, ...]
    fixes: tuple[LaterFix, ...]
    deploys_known: bool


def find_incident(session: Session, key: str) -> Incident | None:
    """The incident stored under ``key``, matched exactly, else regardless of case."""
    found = session.exec(select(Incident).where(col(Incident.key) == key)).first()
    if found is not None:
        return found
    return session.exec(
        select(Incident).where(func.lower(col(Incident.key)) == key.lower())
    ).first()


def _files(session: Session, ids: Sequence[int]) -> dict[int, set[str]]:
    out: dict[int, set[str]] = defaultdict(set)
    for start in range(0, len(ids), _CHUNK):
        rows = session.exec(
            select(ChangeFile.change_id, ChangeFile.path).where(
                among(session, col(ChangeFile.change_id), ids[start : start + _CHUNK])
            )
        )
        for change_id, path in rows:
            out[change_id].add(path)
    return out


def culprit_facts(
    session: Session, incident: Incident, version: str, window: timedelta = WINDOW
) -> CulpritFacts:
    """What ranking ``incident``'s culprits needs, with scores of scorer ``version``."""
    service = session.get(Service, incident.service_id)
    service_key = service.key if service is not None else ""
    start = incident.opened_at - window
    production = (
        col(Deploy.service_id) == incident.service_id,
        col(Deploy.environment) == "production",
        col(Deploy.status) == "success",
    )
    deploys_known = session.exec(select(Deploy.id).where(*production).limit(1)).first() is not None
    # By change id: when it first reached the service in the window, and by which deploy.
    first: dict[int, tuple[datetime, str | None]] = {}
    if deploys_known:
        rows = session.exec(
            select(DeployChange.change_id, Deploy.finished_at, Deploy.key)
            .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
            .where(
                *production,
                col(Deploy.finished_at) >= start,
                col(Deploy.finished_at) <= incident.opened_at,
            )
            .order_by(col(Deploy.finished_at), col(Deploy.key))
        )
        for change_id, finished, deploy_key in rows:
            first.setdefault(change_id, (finished, deploy_key))
        ids = list(first)
        changes = [
            c
            for at in range(0, len(ids), _CHUNK)
            for c in session.exec(
                select(Change)
                .where(among(session, col(Change.id), ids[at : at + _CHUNK]), IS_MERGED)
                # In one order on every backend, however it reads an array or a list.
                .order_by(col(Change.id))
            )
        ]
    else:
        # No DISTINCT: the IN list already gives each change once, and PostgreSQL cannot
        # compare a change's JSON columns to make rows distinct.
        changes = list(
            session.exec(
                select(Change).where(
                    IS_MERGED,
                    col(Change.merged_at) >= start,
                    col(Change.merged_at) <= incident.opened_at,
                    col(Change.id).in_(
                        select(ChangeFile.change_id).where(
                            col(ChangeFile.service_id) == incident.service_id
                        )
                    ),
                )
            )
        )
    repositories = {r.id: r.name for r in session.exec(select(Repository))}
    files = _files(session, [c.id for c in changes if c.id is not None])
    paths = sorted({p for touched in files.values() for p in touched})
    found = _later_fixes(session, incident, [c.key for c in changes], paths)
    fixes = _fixes_of(session, found, repositories)
    scores = load_scores(session, "change", version, [c.key for c in changes])
    shipped: list[Shipped] = []
    for change in changes:
        assert change.id is not None
        merged = merged_time(change.merged_at, change.key)
        when, deploy = first.get(change.id, (merged, None))
        score = scores.get(change.key)
        shipped.append(
            Shipped(
                key=change.key,
                title=change.title,
                url=change.url,
                repository=repositories.get(change.repository_id, ""),
                merged_at=merged,
                shipped_at=when,
                deploy=deploy,
                score=score.score if score is not None else None,
                band=score.band if score is not None else None,
                files=frozenset(files.get(change.id, ())),
            )
        )
    shipped.sort(key=lambda s: s.key)
    return CulpritFacts(
        IncidentAt(incident.key, service_key, incident.opened_at),
        tuple(shipped),
        fixes,
        deploys_known,
    )


def _later_fixes(
    session: Session, incident: Incident, keys: Sequence[str], paths: Sequence[str]
) -> dict[int, Change]:
    """The reverts of a candidate, and the reverts, hotfixes and bug fixes merged from the
    incident's start to the horizon after it that touched a candidate's ``paths`` (the
    ranking keeps those that count). Read by path, not by time alone: a large store merges
    thousands of changes in two weeks."""
    found: dict[int, Change] = {}
    for start in range(0, len(keys), _CHUNK):
        # The state is read, not asked: SQLite without statistics would walk every merged
        # change by ix_change_state rather than the few reverts by ix_change_reverts_key.
        chunk = among(session, col(Change.reverts_key), keys[start : start + _CHUNK])
        query = select(Change).where(chunk)
        found.update(
            {
                c.id: c
                for c in session.exec(query)
                if c.id is not None and c.state == ChangeState.MERGED
            }
        )
    for start in range(0, len(paths), _CHUNK):
        # Once each by the IN list; DISTINCT over JSON columns fails on PostgreSQL.
        near = session.exec(
            select(Change).where(
                IS_MERGED,
                col(Change.merged_at) >= incident.opened_at,
                col(Change.merged_at) <= incident.opened_at + FIX_HORIZON,
                col(Change.id).in_(
                    select(ChangeFile.change_id).where(
                        among(session, col(ChangeFile.path), paths[start : start + _CHUNK])
                    )
                ),
            )
        )
        for change in near:
            if change.id is None or change.id in found:
                continue
            if change.is_revert or change.is_hotfix or is_fix_change(change.title, change.labels):
                found[change.id] = change
    return _failures_named(session, found)


def _failures_named(session: Session, found: dict[int, Change]) -> dict[int, Change]:
    """``found`` without the reverts that name no failure: a re-landing (a revert of a
    revert) and a planned or temporary revert say nothing of what they undid."""
    targets = sorted({c.reverts_key for c in found.values() if c.reverts_key})
    reverts: set[str] = set()
    for start in range(0, len(targets), _CHUNK):
        reverts.update(
            session.exec(
                select(Change.key).where(
                    among(session, col(Change.key), targets[start : start + _CHUNK]),
                    col(Change.is_revert),
                )
            )
        )
    return {
        change_id: c
        for change_id, c in found.items()
        if not c.is_revert or names_a_failure(c.title, c.body, c.reverts_key in reverts)
    }


def _fixes_of(
    session: Session, found: dict[int, Change], repositories: dict[int | None, str]
) -> tuple[LaterFix, ...]:
    """``found`` as the ranking reads fixes, each with its files, oldest first."""
    files = _files(session, list(found))
    return tuple(
        sorted(
            (
                LaterFix(
                    key=c.key,
                    repository=repositories.get(c.repository_id, ""),
                    merged_at=merged_time(c.merged_at, c.key),
                    files=frozenset(files.get(change_id, ())),
                    reverts=c.reverts_key,
                )
                for change_id, c in found.items()
            ),
            key=lambda f: (f.merged_at, f.key),
        )
    )


def confirmed_culprits(session: Session, incident: str) -> frozenset[str]:
    """The changes ``incident``'s team confirmed as its cause: more members said yes than no
    (each member's last word counts once, ``data.store.confirmations``)."""
    tally: dict[str, int] = defaultdict(int)
    for word in confirmations_of(session, incident):
        tally[word.change_key] += 1 if word.confirmed else -1
    return frozenset(key for key, net in tally.items() if net > 0)


def culprit_traces(session: Session, keys: Sequence[str], version: str) -> dict[str, CulpritTrace]:
    """By incident key, what ranking each of ``keys``' culprits reads, with scores of scorer
    ``version`` and the team's confirmed culprits; a key the store does not hold is left out.

    The same read as ``/risk incident``'s (``culprit_facts``): a briefing's incident card and
    the command rank the same candidates.
    """
    out: dict[str, CulpritTrace] = {}
    wanted = sorted(set(keys))
    for start in range(0, len(wanted), _CHUNK):
        for incident in session.exec(
            select(Incident).where(
                among(session, col(Incident.key), wanted[start : start + _CHUNK])
            )
        ):
            facts = culprit_facts(session, incident, version)
            out[incident.key] = CulpritTrace(
                facts.incident,
                facts.shipped,
                facts.fixes,
                confirmed_culprits(session, incident.key),
            )
    return out
