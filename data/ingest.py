"""Upserting what sources read into the store, on natural keys.

Reading the same pull request, deploy or incident twice updates its row and
never makes a second one, so a sync that crashed part way can simply run again.
People are created as they appear and typed as agents by ``riskbrief.toml``;
files are mapped onto services by its path globs. A record the store cannot
place (a deploy of an unknown service, say) is skipped with a log line, never
fatal: one bad record must not stop a sync.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import structlog
from sqlmodel import Session, col, select

from data.config import OrgConfig
from data.sources.records import (
    REVIEW_STATES,
    ChangeRecord,
    DeployRecord,
    ErrorBudgetRecord,
    FileRecord,
    IncidentRecord,
    PersonRecord,
    ReviewRecord,
)
from data.tables import (
    Change,
    ChangeFile,
    Deploy,
    ErrorBudget,
    Incident,
    Person,
    Repository,
    ReviewRow,
    Service,
    Team,
)
from scoring.authorship import AuthorKind

__all__ = ["Ingest", "Tally", "agent_in_trailers"]

log = structlog.get_logger(__name__)

_TRAILER = re.compile(r"^\s*(?P<name>.*?)\s*(?:<(?P<email>[^>]*)>)?\s*$")


@dataclass(slots=True)
class Tally:
    """Rows one source added, updated and skipped in a sync."""

    added: int = 0
    updated: int = 0
    skipped: int = 0
    # Rows added by kind ("change", "deploy", …): one source can bring several kinds.
    added_kinds: dict[str, int] = field(default_factory=dict)

    def __iadd__(self, other: Tally) -> Tally:
        self.added += other.added
        self.updated += other.updated
        self.skipped += other.skipped
        for kind, n in other.added_kinds.items():
            self.added_kinds[kind] = self.added_kinds.get(kind, 0) + n
        return self

    def add(self, kind: str) -> None:
        """One new row of ``kind``."""
        self.added += 1
        self.added_kinds[kind] = self.added_kinds.get(kind, 0) + 1


def agent_in_trailers(org: OrgConfig, co_authors: Iterable[str]) -> bool:
    """True when a ``Co-authored-by`` value (``Name <email>``) names an AI agent.

    GitHub's noreply addresses carry the login after a numeric id
    (``123+Copilot@users.noreply.github.com``), so the address's local part counts too.
    """
    for value in co_authors:
        match = _TRAILER.match(value)
        if match is None:
            continue
        kind = org.agents.kind_of(match.group("name") or "", match.group("email") or "")
        if kind is AuthorKind.AGENT:
            return True
    return False


def _snapshot(row: Any, names: Iterable[str]) -> tuple[Any, ...]:
    return tuple(getattr(row, n) for n in names)


_PERSON_FIELDS = ("display_name", "kind", "team_id")

_CHANGE_FIELDS = (
    "repository_id",
    "number",
    "sha",
    "title",
    "body",
    "url",
    "author_id",
    "merged_by_id",
    "opened_at",
    "merged_at",
    "base_branch",
    "head_branch",
    "labels",
    "is_revert",
    "is_hotfix",
    "reverts_key",
    "co_authors",
    "co_authored_by_agent",
    "ci_status",
    "coverage_delta",
    "review_comments",
    "reviews_known",
)


def _span_problem(
    service: str,
    service_id: int | None,
    start: datetime,
    end: datetime | None,
    verbs: tuple[str, str],
) -> str | None:
    """Why a span of a service (an incident, a spent budget) cannot be stored, or ``None``."""
    began, ended = verbs
    if service_id is None:
        return f"service {service!r} is not in riskbrief.toml"
    if start.tzinfo is None:
        return f"{began}_at has no time zone"
    if end is not None and end.tzinfo is None:
        return f"{ended}_at has no time zone"
    if end is not None and end < start:
        return f"it was {ended} before it was {began}"
    return None


@dataclass(slots=True)
class Ingest:
    """Writes records into one session; the caller commits.

    Caches of people, repositories and services live for the ingest's lifetime,
    which is one sync of one source.
    """

    session: Session
    org: OrgConfig
    _people: dict[str, Person] = field(default_factory=dict)
    _repos: dict[str, Repository] = field(default_factory=dict)
    _services: dict[str, int] | None = None

    # -- lookups -------------------------------------------------------------

    def _service_ids(self) -> dict[str, int]:
        if self._services is None:
            self._services = {
                s.key: s.id for s in self.session.exec(select(Service)) if s.id is not None
            }
        return self._services

    def _person(self, login: str, *, is_bot: bool = False) -> Person:
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

    def _repository(self, name: str) -> Repository:
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

    def _change_by_sha(self, repository_id: int, sha: str) -> Change | None:
        query = select(Change).where(col(Change.repository_id) == repository_id)
        if len(sha) >= 40:
            return self.session.exec(query.where(col(Change.sha) == sha)).first()
        return self.session.exec(
            query.where(col(Change.sha).startswith(sha.lower())).order_by(col(Change.id))
        ).first()

    # -- people --------------------------------------------------------------

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
            before = _snapshot(row, _PERSON_FIELDS) if row is not None else None
            person = self._person(r.login, is_bot=r.is_bot)
            if r.name is not None:
                person.display_name = r.name
            self.session.add(person)
            if before is None:
                tally.add("person")
            elif before != _snapshot(person, _PERSON_FIELDS):
                tally.updated += 1
        self.session.flush()
        return tally

    # -- changes -------------------------------------------------------------

    def changes(self, records: Iterable[ChangeRecord]) -> Tally:
        """Upsert changes with their files and reviews, by ``key``."""
        tally = Tally()
        # A source that reports one change twice in a page means its last report: two
        # inserts of one key would stop the whole sync on the unique index.
        batch = list({r.key: r for r in records}.values())
        keys = [r.key for r in batch]
        # One query for the rows that exist; a new row has no files or reviews to compare.
        existing: dict[str, Change] = {}
        for start in range(0, len(keys), 500):
            chunk = keys[start : start + 500]
            existing.update(
                (c.key, c)
                for c in self.session.exec(select(Change).where(col(Change.key).in_(chunk)))
            )
        for record in batch:
            try:
                self._change(record, tally, existing.get(record.key))
            except ValueError as exc:
                tally.skipped += 1
                log.warning("record_skipped", kind="change", key=record.key, reason=str(exc))
        self.session.flush()
        return tally

    def _change(self, r: ChangeRecord, tally: Tally, row: Change | None) -> None:
        if r.merged_at.tzinfo is None:
            raise ValueError("merged_at has no time zone")
        repo = self._repository(r.repository)
        assert repo.id is not None
        author = self._person(r.author, is_bot=r.author_is_bot)
        merger = self._person(r.merged_by) if r.merged_by else None
        reverts_key = r.reverts_key
        if reverts_key is None and r.reverts_sha:
            target = self._change_by_sha(repo.id, r.reverts_sha)
            reverts_key = target.key if target else None
        before = _snapshot(row, _CHANGE_FIELDS) if row is not None else None
        if row is None:
            row = Change(
                key=r.key,
                repository_id=repo.id,
                author_id=author.id or 0,
                merged_at=r.merged_at,
            )
        values: dict[str, Any] = {
            "repository_id": repo.id,
            "number": r.number,
            "sha": r.sha.lower() if r.sha else None,
            "title": r.title,
            "body": r.body,
            "url": r.url,
            "author_id": author.id,
            "merged_by_id": merger.id if merger else None,
            "opened_at": r.opened_at,
            "merged_at": r.merged_at,
            "base_branch": r.base_branch,
            "head_branch": r.head_branch,
            "labels": list(r.labels),
            "is_revert": r.is_revert or bool(reverts_key),
            "is_hotfix": r.is_hotfix,
            "reverts_key": reverts_key,
            "co_authors": list(r.co_authors),
            "co_authored_by_agent": r.made_by_agent or agent_in_trailers(self.org, r.co_authors),
            "ci_status": r.ci_status,
            "coverage_delta": r.coverage_delta,
            "review_comments": r.review_comments,
            "reviews_known": r.reviews_known,
        }
        if not r.reviews_known and before is not None:
            # A git history sees less than a code host (reviews, labels, links, opening
            # time): it fills in what the row lacks and blanks nothing a code host stored.
            for name, value in list(values.items()):
                if value is None or value == [] or name == "reviews_known":
                    values[name] = getattr(row, name)
        for name, value in values.items():
            setattr(row, name, value)
        self.session.add(row)
        self.session.flush()
        assert row.id is not None
        files_changed = self._files(row.id, r.repository, r.files, new=before is None)
        reviews_changed = r.reviews_known and self._reviews(row.id, r.reviews, new=before is None)
        if before is None:
            tally.add("change")
        elif before != _snapshot(row, _CHANGE_FIELDS) or files_changed or reviews_changed:
            tally.updated += 1

    def _files(
        self, change_id: int, repository: str, files: Iterable[FileRecord], *, new: bool
    ) -> bool:
        services = self._service_ids()
        existing = (
            []
            if new
            else list(
                self.session.exec(
                    select(ChangeFile)
                    .where(col(ChangeFile.change_id) == change_id)
                    .order_by(col(ChangeFile.id))
                )
            )
        )
        wanted = []
        for f in files:
            key = self.org.service_for_path(repository, f.path)
            wanted.append(
                (
                    f.path,
                    f.added,
                    f.deleted,
                    f.change_type,
                    services.get(key) if key else None,
                    list(f.owners) if f.owners is not None else None,
                )
            )
        have = [
            (f.path, f.added, f.deleted, f.change_type, f.service_id, f.owners) for f in existing
        ]
        if have == wanted:
            return False
        for old_file in existing:
            self.session.delete(old_file)
        self.session.flush()
        self.session.add_all(
            ChangeFile(
                change_id=change_id,
                path=path,
                added=added,
                deleted=deleted,
                change_type=kind,
                service_id=service_id,
                owners=owners,
            )
            for path, added, deleted, kind, service_id, owners in wanted
        )
        return True

    def _reviews(self, change_id: int, reviews: Iterable[ReviewRecord], *, new: bool) -> bool:
        existing = (
            []
            if new
            else list(
                self.session.exec(
                    select(ReviewRow)
                    .where(col(ReviewRow.change_id) == change_id)
                    .order_by(col(ReviewRow.id))
                )
            )
        )
        wanted = []
        for r in sorted(reviews, key=lambda r: (r.submitted_at, r.reviewer)):
            state = r.state.lower()
            if state not in REVIEW_STATES or r.submitted_at.tzinfo is None:
                log.warning("review_skipped", reviewer=r.reviewer, state=r.state)
                continue
            reviewer = self._person(r.reviewer, is_bot=r.reviewer_is_bot)
            wanted.append((reviewer.id, state, r.submitted_at, r.comments))
        have = [(r.reviewer_id, r.state, r.submitted_at, r.comments) for r in existing]
        if have == wanted:
            return False
        for old_review in existing:
            self.session.delete(old_review)
        self.session.flush()
        self.session.add_all(
            ReviewRow(
                change_id=change_id,
                reviewer_id=reviewer_id or 0,
                state=state,
                submitted_at=at,
                comments=comments,
            )
            for reviewer_id, state, at, comments in wanted
        )
        return True

    # -- deploys, incidents and error budgets --------------------------------

    def _upsert(
        self,
        model: type[Deploy] | type[Incident] | type[ErrorBudget],
        kind: str,
        key: str,
        values: dict[str, Any],
        problem: str | None,
        tally: Tally,
    ) -> None:
        """Insert or update one keyed row from ``values``, or skip it with ``problem`` logged."""
        if problem:
            tally.skipped += 1
            log.warning("record_skipped", kind=kind, key=key, reason=problem)
            return
        row: Any = self.session.exec(select(model).where(col(model.key) == key)).first()
        before = _snapshot(row, values) if row is not None else None
        if row is None:
            row = model(key=key, **values)
        for name, value in values.items():
            setattr(row, name, value)
        self.session.add(row)
        if before is None:
            tally.add(kind)
        elif before != _snapshot(row, values):
            tally.updated += 1

    def deploys(self, records: Iterable[DeployRecord]) -> Tally:
        """Upsert deploys by ``key``; a deploy of a service not in riskbrief.toml is skipped."""
        tally = Tally()
        services = self._service_ids()
        for r in records:
            service_id = services.get(r.service)
            values = {
                "service_id": service_id,
                "environment": r.environment,
                "sha": r.sha,
                "started_at": r.started_at,
                "finished_at": r.finished_at,
                "status": r.status,
                "source": r.source,
            }
            problem = self._deploy_problem(r, service_id)
            self._upsert(Deploy, "deploy", r.key, values, problem, tally)
        self.session.flush()
        return tally

    @staticmethod
    def _deploy_problem(r: DeployRecord, service_id: int | None) -> str | None:
        if service_id is None:
            return f"service {r.service!r} is not in riskbrief.toml"
        if r.status not in ("success", "failure"):
            return f"status {r.status!r} is neither success nor failure"
        if r.finished_at.tzinfo is None:
            return "finished_at has no time zone"
        return None

    def incidents(self, records: Iterable[IncidentRecord]) -> Tally:
        """Upsert incidents by ``key``; an incident of an unknown service is skipped."""
        tally = Tally()
        services = self._service_ids()
        for r in records:
            service_id = services.get(r.service)
            problem = _span_problem(
                r.service, service_id, r.opened_at, r.resolved_at, ("opened", "resolved")
            )
            values = {
                "service_id": service_id,
                "title": r.title,
                "opened_at": r.opened_at,
                "resolved_at": r.resolved_at,
                "severity": r.severity,
                "source": r.source,
            }
            self._upsert(Incident, "incident", r.key, values, problem, tally)
        self.session.flush()
        return tally

    def error_budgets(self, records: Iterable[ErrorBudgetRecord]) -> Tally:
        """Upsert spent-error-budget spans by ``key``; a span of an unknown service is skipped."""
        tally = Tally()
        services = self._service_ids()
        for r in records:
            service_id = services.get(r.service)
            problem = _span_problem(
                r.service, service_id, r.exhausted_at, r.restored_at, ("exhausted", "restored")
            )
            values = {
                "service_id": service_id,
                "exhausted_at": r.exhausted_at,
                "restored_at": r.restored_at,
                "source": r.source,
            }
            self._upsert(ErrorBudget, "error_budget", r.key, values, problem, tally)
        self.session.flush()
        return tally
