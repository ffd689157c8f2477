"""Who and where records name: people, repositories and services, looked up once per sync."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.ingest.bulk import chunks
from data.source_values import SourcePerson
from data.store.tables import IS_MERGED, Change, Person, Repository, Service, Team
from data.tally import Tally, snapshot
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
    # Stored people read ahead for a page by ``read_people``: ``None`` when not stored.
    _read: dict[str, Person | None] = field(default_factory=dict)
    _repos: dict[str, Repository] = field(default_factory=dict)
    _services: dict[str, int] | None = None
    _teams: dict[str, int] | None = None

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
        person = self._stored(login)
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

    def read_people(self, logins: Iterable[str]) -> None:
        """Read the stored people among ``logins`` with one query per 500, so that looking
        up each of a page's people costs no round trip of its own."""
        unread = [
            login
            for login in dict.fromkeys(logins)
            if login not in self._people and login not in self._read
        ]
        for chunk in chunks(unread):
            self._read.update(dict.fromkeys(chunk))
            query = select(Person).where(col(Person.login).in_(chunk))
            self._read.update((p.login, p) for p in self.session.exec(query))

    def _stored(self, login: str) -> Person | None:
        """The stored person of ``login``, from what this ingest wrote or read ahead first."""
        if login in self._people:
            return self._people[login]
        if login in self._read:
            return self._read[login]
        return self.session.exec(select(Person).where(col(Person.login) == login)).first()

    def _team_of(self, login: str) -> int | None:
        key = next((t.key for t in self.org.teams if login in t.members), None)
        if key is None:
            return None
        if self._teams is None:
            # Teams are riskbrief.toml's, synced before any ingest: one read serves it whole.
            self._teams = {t.key: t.id for t in self.session.exec(select(Team)) if t.id is not None}
        return self._teams.get(key)

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

    def people(self, records: Iterable[SourcePerson]) -> Tally:
        """Upsert people by login with the names a source knows them by.

        Kind and team follow riskbrief.toml, as for a login first met on a change;
        a record that names people before their changes do fixes the order of their rows.
        """
        tally = Tally()
        records = list(records)
        self.read_people(r.login for r in records)
        for r in records:
            row = self._stored(r.login)
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
