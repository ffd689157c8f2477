"""Open pull requests in the store, with their scores as of their last scoring, riskiest first."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, col, select

from data.store.scores import load_scores
from data.store.tables import Change, ChangeFile, ChangeState, Person, Repository, Service
from scoring.scored import ScoredChange

__all__ = ["OpenChange", "load_open_changes", "open_change_rows"]


@dataclass(frozen=True, slots=True)
class OpenChange:
    """An open pull request: what it is, the services it touches, and its score if it has one.

    ``title``, ``url`` and ``head_branch`` are outside text, to be returned as data only.
    """

    key: str
    repository: str
    number: int | None
    title: str
    url: str | None
    author: str
    head_branch: str | None
    head_sha: str | None
    # Marked draft by its author (GitHub's draft pull request, GitLab's Draft:).
    draft: bool
    opened_at: datetime | None
    updated_at: datetime | None
    services: tuple[str, ...]
    scored: ScoredChange | None


def open_change_rows(session: Session) -> list[Change]:
    """Every open pull request's row, by key."""
    query = select(Change).where(col(Change.state) == ChangeState.OPEN)
    return list(session.exec(query.order_by(col(Change.key))))


def load_open_changes(
    session: Session,
    version: str,
    services: Collection[str] | None = None,
    limit: int | None = None,
) -> list[OpenChange]:
    """Open pull requests scored by ``version``, riskiest first (unscored ones last, by key).

    ``services`` keeps those touching at least one of these service keys; ``None`` keeps all.
    """
    rows = open_change_rows(session)
    touched: dict[int, set[str]] = defaultdict(set)
    ids = [r.id for r in rows if r.id is not None]
    for start in range(0, len(ids), 900):
        for change_id, service in session.exec(
            select(ChangeFile.change_id, Service.key)
            .join(Service, col(Service.id) == col(ChangeFile.service_id))
            .where(col(ChangeFile.change_id).in_(ids[start : start + 900]))
        ):
            touched[change_id].add(service)
    if services is not None:
        wanted = set(services)
        rows = [r for r in rows if touched[r.id or -1] & wanted]
    scores = load_scores(session, "change", version, [r.key for r in rows])
    people = {p.id: p.login for p in session.exec(select(Person))}
    repos = {r.id: r.name for r in session.exec(select(Repository))}
    found = [
        OpenChange(
            key=r.key,
            repository=repos.get(r.repository_id, ""),
            number=r.number,
            title=r.title,
            url=r.url,
            author=people.get(r.author_id, ""),
            head_branch=r.head_branch,
            head_sha=r.head_sha,
            draft=r.draft,
            opened_at=r.opened_at,
            updated_at=r.updated_at,
            services=tuple(sorted(touched[r.id or -1])),
            scored=scores.get(r.key),
        )
        for r in rows
    ]
    found.sort(key=lambda o: (o.scored is None, -(o.scored.score if o.scored else 0), o.key))
    return found if limit is None else found[:limit]
