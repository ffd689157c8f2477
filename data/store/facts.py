"""Reading facts out of the store and writing scores back: the seam between rows and scoring."""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy import func
from sqlmodel import Session, col, select

from data.store.among import among
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    ChangeState,
    Deploy,
    DeployChange,
    ErrorBudget,
    Incident,
    Person,
    Repository,
    ReviewRow,
    Service,
)
from scoring.facts import (
    ChangeFacts,
    DeployFacts,
    FileChange,
    IncidentFacts,
    Review,
    ReviewState,
    marked_as,
)
from scoring.fixes import NO_BUG_ISSUES, BugIssues, is_fix_change
from scoring.history import BudgetSpan

__all__ = [
    "facts_of",
    "first_event_at",
    "load_changes",
    "load_deploys",
    "load_error_budgets",
    "load_incidents",
    "unmapped_repositories",
]


def _names(session: Session) -> tuple[dict[int, Person], dict[int, str], dict[int, str]]:
    people = {p.id: p for p in session.exec(select(Person)) if p.id is not None}
    services = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
    repos = {r.id: r.name for r in session.exec(select(Repository)) if r.id is not None}
    return people, services, repos


def _change_query(since: datetime | None, until: datetime | None) -> Any:
    query = select(Change).where(IS_MERGED)
    if since is not None:
        query = query.where(col(Change.merged_at) >= since)
    if until is not None:
        query = query.where(col(Change.merged_at) < until)
    return query.order_by(col(Change.merged_at), col(Change.key))


def load_changes(
    session: Session,
    since: datetime | None = None,
    until: datetime | None = None,
    bugs: BugIssues = NO_BUG_ISSUES,
) -> list[ChangeFacts]:
    """Changes merged in ``[since, until)`` (all when unbounded), in merge order, as facts.

    ``bugs`` are the tracker's bug issues, which decide whether a title naming
    an issue is a fix.
    """
    return facts_of(session, list(session.exec(_change_query(since, until))), bugs)


def facts_of(
    session: Session,
    changes: list[Change],
    bugs: BugIssues = NO_BUG_ISSUES,
    as_of: datetime | None = None,
) -> list[ChangeFacts]:
    """``changes`` as facts, in the order given; one not merged is taken as merged at ``as_of``.

    Scoring an open pull request "as of now" is scoring it as if it merged now.
    """
    people, services, repos = _names(session)
    ids = [c.id for c in changes]
    files: dict[int, list[FileChange]] = defaultdict(list)
    reviews: dict[int, list[Review]] = defaultdict(list)
    conn = session.connection()
    # Chunked so that SQLite's bound-parameter limit is never hit. Core rows, not ORM
    # objects: a week page reads a few thousand files, and making an object of each row cost
    # more than reading it.
    for start in range(0, len(ids), 900):
        chunk = ids[start : start + 900]
        for (
            change_id,
            path,
            added,
            deleted,
            service_id,
            owners,
            generated,
            code_added,
            code_deleted,
            previous_path,
            lines_before,
            marked,
        ) in conn.execute(
            sa.select(
                col(ChangeFile.change_id),
                col(ChangeFile.path),
                col(ChangeFile.added),
                col(ChangeFile.deleted),
                col(ChangeFile.service_id),
                col(ChangeFile.owners),
                col(ChangeFile.generated),
                col(ChangeFile.code_added),
                col(ChangeFile.code_deleted),
                col(ChangeFile.previous_path),
                col(ChangeFile.lines_before),
                col(ChangeFile.marked),
            )
            .where(among(conn, col(ChangeFile.change_id), chunk))
            .order_by(col(ChangeFile.id))
        ):
            files[change_id].append(
                FileChange(
                    path=path,
                    added=added,
                    deleted=deleted,
                    service=services.get(service_id) if service_id else None,
                    owners=tuple(owners) if owners is not None else None,
                    generated=generated,
                    code_added=code_added,
                    code_deleted=code_deleted,
                    previous_path=previous_path,
                    lines_before=lines_before,
                    marked=marked_as(marked),
                )
            )
        for change_id, reviewer_id, state, submitted_at in conn.execute(
            sa.select(
                col(ReviewRow.change_id),
                col(ReviewRow.reviewer_id),
                col(ReviewRow.state),
                col(ReviewRow.submitted_at),
            )
            .where(among(conn, col(ReviewRow.change_id), chunk))
            .order_by(col(ReviewRow.id))
        ):
            reviewer = people[reviewer_id]
            reviews[change_id].append(
                Review(
                    reviewer=reviewer.login,
                    state=ReviewState(state),
                    submitted_at=submitted_at,
                    # An agent's or a bot's approval is no human review.
                    reviewer_is_agent=reviewer.kind != "human",
                )
            )
    out: list[ChangeFacts] = []
    for c in changes:
        assert c.id is not None
        author = people[c.author_id]
        merged_at = c.merged_at if c.state is ChangeState.MERGED else as_of
        if merged_at is None:
            raise ValueError(f"{c.key} is not merged; score it as of a time")
        out.append(
            ChangeFacts(
                key=c.key,
                repository=repos[c.repository_id],
                title=c.title,
                author=author.login,
                author_is_agent=author.kind == "agent",
                author_is_bot=author.kind == "bot",
                merged_at=merged_at,
                opened_at=c.opened_at,
                merged_by=people[c.merged_by_id].login if c.merged_by_id else None,
                files=tuple(files[c.id]),
                reviews=tuple(reviews[c.id]),
                labels=tuple(c.labels),
                url=c.url,
                is_revert=c.is_revert,
                is_hotfix=c.is_hotfix,
                is_fix=is_fix_change(c.title, c.labels, bugs, c.key),
                co_authors=tuple(c.co_authors),
                co_authored_by_agent=c.co_authored_by_agent,
                review_comments=c.review_comments,
                line_coverage_delta=c.line_coverage_delta,
                patch_coverage=c.patch_coverage,
                patch_coverable=c.patch_coverable,
                reviews_known=c.reviews_known,
                merged=c.state is ChangeState.MERGED,
                merged_utc_offset=c.merged_utc_offset,
            )
        )
    return out


def load_deploys(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[DeployFacts]:
    """Deploys finished in ``[since, until)``, in time order, with the changes they shipped."""
    services = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
    query = select(Deploy)
    if since is not None:
        query = query.where(col(Deploy.finished_at) >= since)
    if until is not None:
        query = query.where(col(Deploy.finished_at) < until)
    deploys = list(session.exec(query.order_by(col(Deploy.finished_at), col(Deploy.key))))
    shipped: dict[int, list[str]] = defaultdict(list)
    rows = session.exec(
        select(DeployChange.deploy_id, Change.key)
        .join(Change, col(Change.id) == col(DeployChange.change_id))
        .where(IS_MERGED)
        .order_by(col(Change.merged_at), col(Change.key))
    )
    for deploy_id, key in rows:
        shipped[deploy_id].append(key)
    # The previous success may lie before the window, so every success is read.
    successes: dict[tuple[int, str], list[datetime]] = defaultdict(list)
    for service_id, environment, finished in session.exec(
        select(Deploy.service_id, Deploy.environment, Deploy.finished_at)
        .where(col(Deploy.status) == "success")
        .order_by(col(Deploy.finished_at))
    ):
        successes[(service_id, environment)].append(finished)

    def previous(d: Deploy) -> datetime | None:
        times = successes.get((d.service_id, d.environment), [])
        i = bisect_left(times, d.finished_at)
        return times[i - 1] if i else None

    return [
        DeployFacts(
            key=d.key,
            service=services[d.service_id],
            environment=d.environment,
            finished_at=d.finished_at,
            succeeded=d.status == "success",
            change_keys=tuple(shipped.get(d.id or -1, ())),
            previous_finished_at=previous(d),
        )
        for d in deploys
    ]


def load_incidents(
    session: Session, since: datetime | None = None, until: datetime | None = None
) -> list[IncidentFacts]:
    """Incidents opened in ``[since, until)``, in time order."""
    services = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
    deploys = {d.id: d.key for d in session.exec(select(Deploy)) if d.id is not None}
    query = select(Incident)
    if since is not None:
        query = query.where(col(Incident.opened_at) >= since)
    if until is not None:
        query = query.where(col(Incident.opened_at) < until)
    return [
        IncidentFacts(
            key=i.key,
            service=services[i.service_id],
            title=i.title,
            opened_at=i.opened_at,
            resolved_at=i.resolved_at,
            deploy_key=deploys.get(i.deploy_id) if i.deploy_id else None,
            severity=i.severity,
        )
        for i in session.exec(query.order_by(col(Incident.opened_at), col(Incident.key)))
    ]


def load_error_budgets(session: Session) -> list[BudgetSpan]:
    """Every stored spent-error-budget span as ``(service, from, until or None)``, in time order."""
    query = (
        select(ErrorBudget, Service)
        .where(col(ErrorBudget.service_id) == col(Service.id))
        .order_by(col(ErrorBudget.exhausted_at), col(ErrorBudget.key))
    )
    return [(s.key, b.exhausted_at, b.restored_at) for b, s in session.exec(query)]


def first_event_at(session: Session) -> datetime | None:
    """When the earliest stored change merged, deploy finished or incident opened."""
    firsts = [
        session.exec(select(func.min(col(Change.merged_at))).where(IS_MERGED)).one(),
        session.exec(select(func.min(col(Deploy.finished_at)))).one(),
        session.exec(select(func.min(col(Incident.opened_at)))).one(),
    ]
    known = [f for f in firsts if f is not None]
    return min(known) if known else None


def unmapped_repositories(session: Session, names: Iterable[str]) -> list[str]:
    """Those of ``names`` whose stored changes touch files, none of them in any service."""
    out = []
    for name in names:
        files = select(func.count(), func.count(col(ChangeFile.service_id))).select_from(ChangeFile)
        touched, mapped = session.exec(
            files.join(Change, col(Change.id) == col(ChangeFile.change_id))
            .join(Repository, col(Repository.id) == col(Change.repository_id))
            .where(col(Repository.name) == name)
        ).one()
        if touched and not mapped:
            out.append(name)
    return out
