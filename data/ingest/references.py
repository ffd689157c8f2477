"""Who and where records name: people, repositories and services, looked up once per sync."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.ingest.tally import Tally, snapshot
from data.sources.records import PersonRecord
from data.store.tables import IS_MERGED, Change, Person, Repository, Service, Team
from scoring.authorship import AuthorKind

__all__ = ["Lookups"]

_PERSON_FIELDS = ("display_name", "kind", "team_id")


@dataclass(slots=True)
class Lookups:
    """People, repositories and services of one session, created as records first name them.

    The caches live for the ingest's lifetime, which is one sync of one source.
    """

    session: Session
    org: OrgConfig
    _people: dict[str, Person] = field(default_factory=dict)
    _repos: dict[str, Repository] = field(default_factory=dict)
    _services: dict[str, int] | None = None

    def service_ids(self) -> dict[str, int]:
        """Every service's id by its key."""
        if self._services is None:
            self._services = {
                s.key: s.id for s in self.session.exec(select(Service)) if s.id is not None
            }
        return self._services

    def person(self, login: str, *, is_bot: bool = False) -> Person:
        """The person of ``login``, created or retyped by riskbrief.toml as needed."""
        cached = self._people.get(login)
        # A login first met as a reviewer may turn out to be a bot when it authors.
        if cached is not None and (cached.kind != "human" or not is_bot):
            return cached
        person = self.session.exec(select(Person).where(col(Person.login) == login)).first()
        kind = self.org.agents.kind_of(
            login=login, email=login if "@" in login else "", bot_account=is_bot
        )
        if person is None:
            person = Person(login=login, kind=str(kind))
        elif kind is not AuthorKind.HUMAN:
            person.kind = str(kind)
        team = self._team_of(login)
        # A bot listed among a team's members still has no team: its bumps are no one's work.
        if team is not None and person.kind != AuthorKind.BOT:
            person.team_id = team
        self.session.add(person)
        self.session.flush()
        self._people[login] = person
        return person

    def _team_of(self, login: str) -> int | None:
        key = next((t.key for t in self.org.teams if login in t.members), None)
        if key is None:
            return None
        row = self.session.exec(select(Team).where(col(Team.key) == key)).first()
        return row.id if row else None

    def repository(self, name: str) -> Repository:
        """The repository called ``name``, created from riskbrief.toml when new."""
        repo = self._repos.get(name)
        if repo is None:
            repo = self.session.exec(select(Repository).where(col(Repository.name) == name)).first()
            if repo is None:
                configured = next((r for r in self.org.repositories if r.name == name), None)
                repo = Repository(
                    name=name,
                    url=configured.url if configured else None,
                    default_branch=configured.default_branch if configured else "main",
                )
                self.session.add(repo)
                self.session.flush()
            self._repos[name] = repo
        return repo

    def change_by_sha(self, repository_id: int, sha: str) -> Change | None:
        """The change of a repository whose commit is ``sha`` (full or abbreviated)."""
        query = select(Change).where(col(Change.repository_id) == repository_id, IS_MERGED)
        if len(sha) >= 40:
            return self.session.exec(query.where(col(Change.sha) == sha)).first()
        return self.session.exec(
            query.where(col(Change.sha).startswith(sha.lower())).order_by(col(Change.id))
        ).first()

    def people(self, records: Iterable[PersonRecord]) -> Tally:
        """Upsert people by login with the names a source knows them by.

        Kind and team follow riskbrief.toml, as for a login first met on a change;
        a record that names people before their changes do fixes the order of their rows.
        """
        tally = Tally()
        for r in records:
            row = (
                self._people.get(r.login)
                or self.session.exec(select(Person).where(col(Person.login) == r.login)).first()
            )
            before = snapshot(row, _PERSON_FIELDS) if row is not None else None
            person = self.person(r.login, is_bot=r.is_bot)
            if r.name is not None:
                person.display_name = r.name
            self.session.add(person)
            if before is None:
                tally.add("person")
            elif before != snapshot(person, _PERSON_FIELDS):
                tally.updated += 1
        self.session.flush()
        return tally
