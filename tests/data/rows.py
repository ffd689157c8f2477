"""Small builders of store rows for tests."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlmodel import Session

from data.store.tables import (
    Change,
    ChangeFile,
    Deploy,
    Incident,
    Person,
    Repository,
    ReviewRow,
    Service,
)

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # a Monday


def at(hours: float) -> datetime:
    """``hours`` after the Monday morning all test data starts from."""
    return T0 + timedelta(hours=hours)


def base(session: Session) -> tuple[Repository, Service, Person, Person]:
    """A repository, a service and two people (a human and an agent)."""
    repo = Repository(name="acme/shop")
    session.add(repo)
    session.flush()
    service = Service(key="payments", name="Payments", repository_id=repo.id, path_globs=["p/**"])
    human = Person(login="alice")
    agent = Person(login="copilot-swe-agent[bot]", kind="agent")
    session.add_all([service, human, agent])
    session.flush()
    return repo, service, human, agent


def change(
    session: Session,
    repo: Repository,
    service: Service,
    author: Person,
    number: int,
    merged: datetime,
    *,
    owners: list[str] | None = None,
    approver: Person | None = None,
) -> Change:
    """A merged PR touching one file of ``service``."""
    assert repo.id is not None
    assert author.id is not None
    row = Change(
        key=f"{repo.name}#{number}",
        repository_id=repo.id,
        number=number,
        title=f"Change {number}",
        author_id=author.id,
        opened_at=merged - timedelta(hours=3),
        merged_at=merged,
    )
    session.add(row)
    session.flush()
    assert row.id is not None
    session.add(
        ChangeFile(
            change_id=row.id,
            path=f"p/f{number}.py",
            added=10,
            deleted=2,
            service_id=service.id,
            owners=owners,
        )
    )
    if approver is not None:
        assert approver.id is not None
        session.add(
            ReviewRow(
                change_id=row.id,
                reviewer_id=approver.id,
                state="approved",
                submitted_at=merged - timedelta(hours=1),
            )
        )
    session.flush()
    return row


def deploy(
    session: Session, service: Service, key: str, finished: datetime, status: str = "success"
) -> Deploy:
    """A production deploy of ``service``."""
    assert service.id is not None
    row = Deploy(key=key, service_id=service.id, finished_at=finished, status=status)
    session.add(row)
    session.flush()
    return row


def incident(
    session: Session, service: Service, key: str, opened: datetime, minutes: float | None
) -> Incident:
    """An incident of ``service``, resolved after ``minutes`` (open when ``None``)."""
    assert service.id is not None
    row = Incident(
        key=key,
        service_id=service.id,
        title=f"{key} outage",
        opened_at=opened,
        resolved_at=None if minutes is None else opened + timedelta(minutes=minutes),
    )
    session.add(row)
    session.flush()
    return row
