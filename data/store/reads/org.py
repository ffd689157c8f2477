"""The organisation's rows as answers read them: services by id, people by login."""

from __future__ import annotations

from collections.abc import Collection

from sqlmodel import Session, col, select

from data.store.tables import Person, Repository, Service

__all__ = [
    "agent_logins",
    "people_names",
    "person_by_id",
    "person_by_login",
    "repository_by_id",
    "service_by_id",
    "service_ids",
    "service_keys",
]


def service_keys(session: Session) -> dict[int | None, str]:
    """Every stored service's key by its id."""
    return {s.id: s.key for s in session.exec(select(Service))}


def service_ids(session: Session, keys: Collection[str]) -> list[int | None]:
    """The ids of the services stored under ``keys``."""
    return list(session.exec(select(Service.id).where(col(Service.key).in_(list(keys)))))


def agent_logins(session: Session) -> set[str]:
    """The logins of the people stored as AI coding agents."""
    return set(session.exec(select(Person.login).where(col(Person.kind) == "agent")))


def people_names(session: Session, logins: Collection[str]) -> dict[str, str | None]:
    """The display name (``None``: none stored) of each of ``logins`` that is stored."""
    if not logins:
        return {}
    return dict(
        session.exec(
            select(Person.login, Person.display_name).where(col(Person.login).in_(logins))
        ).all()
    )


def person_by_login(session: Session, login: str) -> Person | None:
    """The person stored under ``login``, if any."""
    return session.exec(select(Person).where(Person.login == login)).first()


def service_by_id(session: Session, service_id: int | None) -> Service | None:
    """The service stored under ``service_id``, if any."""
    return None if service_id is None else session.get(Service, service_id)


def repository_by_id(session: Session, repository_id: int | None) -> Repository | None:
    """The repository stored under ``repository_id``, if any."""
    return None if repository_id is None else session.get(Repository, repository_id)


def person_by_id(session: Session, person_id: int | None) -> Person | None:
    """The person stored under ``person_id``, if any."""
    return None if person_id is None else session.get(Person, person_id)
