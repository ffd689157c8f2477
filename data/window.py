"""A window of scored changes, deploys and incidents, loaded once and sliced many times.

Briefings for many subscribers read the same weeks: one load of the whole
window (aggregated in SQL, not row by row) serves every scope and time zone.
"""

from __future__ import annotations

import bisect
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cached_property
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from sqlmodel import Session, col, select

from data.tables import (
    Change,
    ChangeFile,
    Deploy,
    Incident,
    Person,
    ReviewRow,
    RiskScoreRow,
    Service,
    Team,
)
from scoring.risk import Band
from scoring.weekly import IncidentOutcome, ScoredChange, ScoredDeploy

__all__ = ["ScoreDetail", "WeekRows", "Window", "load_window", "week_rows"]

T = TypeVar("T")

_ELEVATED = (Band.HIGH.value, Band.CRITICAL.value)


@dataclass(frozen=True, slots=True)
class ScoreDetail:
    """The signal breakdown and gates of one stored score."""

    signals: tuple[dict[str, Any], ...]
    gates: tuple[dict[str, Any], ...]


@dataclass(frozen=True, slots=True)
class WeekRows:
    """One scope's scored changes, deploys and incidents in one ``[since, until)``.

    ``details`` holds the signal breakdown of the elevated changes (the others
    are fetched on demand with ``data.store.load_scores``).
    """

    changes: tuple[ScoredChange, ...]
    deploys: tuple[ScoredDeploy, ...]
    incidents: tuple[IncidentOutcome, ...]
    details: Mapping[str, ScoreDetail]


def _drivers(signals: Iterable[dict[str, Any]], n: int = 3) -> tuple[str, ...]:
    ranked = sorted(
        (s for s in signals if float(s.get("points", 0)) > 0),
        key=lambda s: (-float(s["points"]), str(s["name"])),
    )
    return tuple(str(s["name"]) for s in ranked[:n])


class _Timeline(Generic[T]):
    """Items of one service in time order, for cutting out ``[since, until)`` by bisection."""

    __slots__ = ("items", "times")

    def __init__(self) -> None:
        self.items: list[T] = []
        self.times: list[datetime] = []

    def add(self, at: datetime, item: T) -> None:
        self.items.append(item)
        self.times.append(at)

    def between(self, since: datetime, until: datetime) -> list[T]:
        lo = bisect.bisect_left(self.times, since)
        return self.items[lo : bisect.bisect_left(self.times, until, lo)]


def _index(
    items: Iterable[T], service: Callable[[T], str | None], at: Callable[[T], datetime]
) -> dict[str, _Timeline[T]]:
    out: dict[str, _Timeline[T]] = defaultdict(_Timeline)
    for item in items:
        name = service(item)
        if name is not None:
            out[name].add(at(item), item)
    return dict(out)


@dataclass(frozen=True)
class Window:
    """Everything scored in ``[since, until)``, sorted by time, for slicing by scope."""

    since: datetime
    until: datetime
    changes: tuple[ScoredChange, ...]
    deploys: tuple[ScoredDeploy, ...]
    incidents: tuple[IncidentOutcome, ...]
    details: Mapping[str, ScoreDetail]

    @cached_property
    def _changes(self) -> dict[str, _Timeline[ScoredChange]]:
        return _index(self.changes, lambda c: c.service, lambda c: c.merged_at)

    @cached_property
    def _deploys(self) -> dict[str, _Timeline[ScoredDeploy]]:
        return _index(self.deploys, lambda d: d.service, lambda d: d.finished_at)

    @cached_property
    def _incidents(self) -> dict[str, _Timeline[IncidentOutcome]]:
        return _index(self.incidents, lambda i: i.service, lambda i: i.opened_at)

    def slice(self, since: datetime, until: datetime, services: Iterable[str]) -> WeekRows:
        """The rows of ``services`` in ``[since, until)``, which must lie inside the window."""
        if since < self.since or until > self.until:
            raise ValueError("the slice asked for lies outside the loaded window")
        wanted = sorted(set(services))
        changes = tuple(
            c for s in wanted if s in self._changes for c in self._changes[s].between(since, until)
        )
        return WeekRows(
            changes=changes,
            deploys=tuple(
                d
                for s in wanted
                if s in self._deploys
                for d in self._deploys[s].between(since, until)
            ),
            incidents=tuple(
                i
                for s in wanted
                if s in self._incidents
                for i in self._incidents[s].between(since, until)
            ),
            details={c.key: self.details[c.key] for c in changes if c.key in self.details},
        )


def _file_facts(
    conn: sa.Connection, window: Any
) -> tuple[dict[int, int | None], dict[int, tuple[int, int]]]:
    """Per change: the service with most changed lines, and (files with owner data, owned)."""
    lines = func_sum(ChangeFile.added, ChangeFile.deleted)
    per_service: dict[int, list[tuple[int, str, int | None]]] = defaultdict(list)
    rows = conn.execute(
        sa.select(col(ChangeFile.change_id), col(ChangeFile.service_id), lines)
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .where(window)
        .group_by(col(ChangeFile.change_id), col(ChangeFile.service_id))
    )
    for change_id, service_id, n in rows:
        if service_id is not None:
            per_service[change_id].append((-int(n or 0), str(service_id), service_id))
    primary = {cid: min(options)[2] for cid, options in per_service.items()}
    # Owners are JSON: SQL NULL or JSON null when unknown, [] when no rule covers the file.
    owners = sa.cast(col(ChangeFile.owners), sa.String)
    known = sa.and_(col(ChangeFile.owners).is_not(None), owners != "null")
    covered = sa.and_(known, owners != "[]")
    counts: dict[int, tuple[int, int]] = {}
    for change_id, n_known, n_covered in conn.execute(
        sa.select(
            col(ChangeFile.change_id),
            sa.func.sum(sa.case((known, 1), else_=0)),
            sa.func.sum(sa.case((covered, 1), else_=0)),
        )
        .join(Change, col(Change.id) == col(ChangeFile.change_id))
        .where(window)
        .group_by(col(ChangeFile.change_id))
    ):
        counts[change_id] = (int(n_known or 0), int(n_covered or 0))
    return primary, counts


def func_sum(*columns: Any) -> Any:
    """SQL ``SUM`` of the columns added together."""
    total = columns[0]
    for c in columns[1:]:
        total = total + c
    return sa.func.sum(total)


def _human_approved(conn: sa.Connection, window: Any) -> set[int]:
    reviewer = sa.orm.aliased(Person)
    rows = conn.execute(
        sa.select(col(ReviewRow.change_id))
        .join(Change, col(Change.id) == col(ReviewRow.change_id))
        .join(reviewer, col(reviewer.id) == col(ReviewRow.reviewer_id))
        .where(
            window,
            col(ReviewRow.state) == "approved",
            col(reviewer.kind) != "agent",
            col(ReviewRow.reviewer_id) != col(Change.author_id),
        )
        .distinct()
    )
    return {r[0] for r in rows}


def _score_join(kind: str, key: Any, version: str) -> Any:
    return sa.and_(
        col(RiskScoreRow.subject_key) == key,
        col(RiskScoreRow.subject_kind) == kind,
        col(RiskScoreRow.scorer_version) == version,
    )


def load_window(session: Session, since: datetime, until: datetime, version: str) -> Window:
    """Load every change, deploy and incident of ``[since, until)`` with a score of ``version``."""
    service_key = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
    team_key = {t.id: t.key for t in session.exec(select(Team)) if t.id is not None}
    team_of = {
        s.key: team_key.get(s.team_id) if s.team_id else None for s in session.exec(select(Service))
    }
    people = {
        p.id: (p.login, p.kind == "agent") for p in session.exec(select(Person)) if p.id is not None
    }
    window = sa.and_(col(Change.merged_at) >= since, col(Change.merged_at) < until)
    # Core rows, not ORM objects: a week can hold a hundred thousand changes.
    conn = session.connection()
    primary, owner_counts = _file_facts(conn, window)
    approved = _human_approved(conn, window)
    details: dict[str, ScoreDetail] = {}
    for key, signals, gates in conn.execute(
        sa.select(col(Change.key), col(RiskScoreRow.signals), col(RiskScoreRow.gates))
        .join(RiskScoreRow, _score_join("change", col(Change.key), version))
        .where(window, col(RiskScoreRow.band).in_(_ELEVATED))
    ):
        details[key] = ScoreDetail(tuple(signals), tuple(gates))
    changes: list[ScoredChange] = []
    for cid, key, title, url, author_id, merged_at, co_agent, score, band in conn.execute(
        sa.select(
            col(Change.id),
            col(Change.key),
            col(Change.title),
            col(Change.url),
            col(Change.author_id),
            col(Change.merged_at),
            col(Change.co_authored_by_agent),
            col(RiskScoreRow.score),
            col(RiskScoreRow.band),
        )
        .join(RiskScoreRow, _score_join("change", col(Change.key), version))
        .where(window)
        .order_by(col(Change.merged_at), col(Change.key))
    ):
        assert cid is not None
        service_id = primary.get(cid)
        service = service_key.get(service_id) if service_id is not None else None
        author, author_is_agent = people[author_id]
        known, covered = owner_counts.get(cid, (0, 0))
        detail = details.get(key)
        changes.append(
            ScoredChange(
                key=key,
                title=title,
                service=service,
                team=team_of.get(service) if service else None,
                score=score,
                band=Band(band),
                merged_at=merged_at,
                agent_involved=author_is_agent or bool(co_agent),
                human_reviewed=cid in approved,
                drivers=_drivers(detail.signals) if detail else (),
                files_with_owner_data=known,
                files_with_owner=covered,
                url=url,
                author=author,
            )
        )
    deploys = [
        ScoredDeploy(
            key=key,
            service=service_key[service_id],
            finished_at=finished,
            score=score,
            band=Band(band),
            succeeded=status == "success",
        )
        for key, service_id, finished, status, score, band in conn.execute(
            sa.select(
                col(Deploy.key),
                col(Deploy.service_id),
                col(Deploy.finished_at),
                col(Deploy.status),
                col(RiskScoreRow.score),
                col(RiskScoreRow.band),
            )
            .join(RiskScoreRow, _score_join("deploy", col(Deploy.key), version))
            .where(col(Deploy.finished_at) >= since, col(Deploy.finished_at) < until)
            .order_by(col(Deploy.finished_at), col(Deploy.key))
        )
    ]
    linked = sa.orm.aliased(Deploy)
    linked_score = sa.orm.aliased(RiskScoreRow)
    incidents = [
        IncidentOutcome(
            key=key,
            service=service_key[service_id],
            title=title,
            opened_at=opened,
            resolved_at=resolved,
            deploy_key=deploy_key,
            deploy_band=Band(deploy_band) if deploy_band else None,
            deploy_finished_at=deploy_finished,
        )
        for key, service_id, title, opened, resolved, deploy_key, deploy_finished, deploy_band in (
            conn.execute(
                sa.select(
                    col(Incident.key),
                    col(Incident.service_id),
                    col(Incident.title),
                    col(Incident.opened_at),
                    col(Incident.resolved_at),
                    col(linked.key),
                    col(linked.finished_at),
                    col(linked_score.band),
                )
                .outerjoin(linked, col(linked.id) == col(Incident.deploy_id))
                .outerjoin(
                    linked_score,
                    sa.and_(
                        col(linked_score.subject_key) == col(linked.key),
                        col(linked_score.subject_kind) == "deploy",
                        col(linked_score.scorer_version) == version,
                    ),
                )
                .where(col(Incident.opened_at) >= since, col(Incident.opened_at) < until)
                .order_by(col(Incident.opened_at), col(Incident.key))
            )
        )
    ]
    return Window(since, until, tuple(changes), tuple(deploys), tuple(incidents), details)


def week_rows(
    session: Session,
    since: datetime,
    until: datetime,
    services: Iterable[str],
    version: str,
) -> WeekRows:
    """Scored changes, deploys and incidents of ``services`` in ``[since, until)``.

    A change belongs to the service with most of its changed lines; changes
    without a service in scope are left out. Only what has a score of
    ``version`` counts, so stale scores never mix with fresh ones.
    """
    return load_window(session, since, until, version).slice(since, until, services)
