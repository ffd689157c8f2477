"""Turning the plan into store rows: ``load_sample``, its summary and Acme's ``riskbrief.toml``."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.resources import files

from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.ingest import Ingest
from data.sources.records import (
    ChangeRecord,
    DeployRecord,
    FileRecord,
    IncidentRecord,
    ReviewRecord,
)
from data.sources.sample.clock import DAY, sample_week_starts
from data.sources.sample.codebase import SAMPLE_REPOSITORY, SERVICES, TEAM_OF_SERVICE, owners
from data.sources.sample.people import AGENT_NAMES, ENGINEERS, SAMPLE_AGENTS
from data.sources.sample.plan import ChangePlan
from data.sources.sample.planner import plan_sample
from data.tables import Change, Person, Repository, Service, Team
from scoring.errors import ConfigError, StoreError

__all__ = [
    "SAMPLE_SEED",
    "SampleRecords",
    "SampleSummary",
    "load_sample",
    "sample_org_config",
    "sample_records",
]

SAMPLE_SEED = 7
_FIRST_PR_NUMBER = 4101
_FIRST_INCIDENT_NUMBER = 1031


@dataclass(frozen=True, slots=True)
class SampleSummary:
    """What ``load_sample`` wrote: row counts and the ISO weeks the history covers."""

    people: int
    agents: int
    changes: int
    deploys: int
    incidents: int
    first_week: str
    last_week: str


def sample_org_config() -> OrgConfig:
    """Acme's ``riskbrief.toml``, shipped next to this module as ``sample.toml``."""
    text = (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8")
    return parse_org_config(text, source="sample.toml")


def _week_id(monday: datetime) -> str:
    iso = monday.date().isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def _check_org(session: Session, org: OrgConfig) -> dict[str, int]:
    """The sample's team ids, once the store is known to hold its organisation and no sample."""
    for service, team in TEAM_OF_SERVICE.items():
        if org.team_of_service(service) != team:
            raise ConfigError(
                f"the sample needs service {service!r} owned by team {team!r}; "
                "pass sample_org_config() to load_sample"
            )
    repo = session.exec(select(Repository).where(col(Repository.name) == SAMPLE_REPOSITORY)).first()
    services = {s.key: s.id for s in session.exec(select(Service)) if s.id is not None}
    teams = {t.key: t.id for t in session.exec(select(Team)) if t.id is not None}
    if repo is None or repo.id is None or any(s not in services for s in SERVICES):
        raise StoreError(
            "the store has no sample organisation yet; run sync_org(session, org) "
            "before load_sample"
        )
    if session.exec(select(Change.id).where(col(Change.repository_id) == repo.id)).first():
        raise StoreError(
            f"the store already holds changes of {SAMPLE_REPOSITORY}; "
            "load the sample into an empty database"
        )
    return teams


def _change_record(
    key: str, c: ChangePlan, at: Callable[[int, int], datetime], tagged: Mapping[str, str]
) -> ChangeRecord:
    """A planned pull request as the GitHub source would report it."""
    number = int(key.rsplit("#", 1)[1])
    slug = "-".join(c.title.lower().replace('"', "").split()[:5])
    return ChangeRecord(
        key=key,
        repository=SAMPLE_REPOSITORY,
        author=c.author,
        merged_at=at(c.week, c.merged),
        title=c.title,
        number=number,
        sha=c.sha,
        url=f"https://github.com/{SAMPLE_REPOSITORY}/pull/{number}",
        merged_by=c.merged_by,
        opened_at=at(c.week, c.opened),
        base_branch="main",
        head_branch=f"{c.author.removesuffix('[bot]')}/{slug}",
        labels=tuple(c.labels),
        files=tuple(
            FileRecord(f.path, f.added, f.deleted, f.change_type, tuple(owners(f.path)))
            for f in c.files
        ),
        reviews=tuple(
            ReviewRecord(r.reviewer, r.state, at(c.week, r.minute), r.comments) for r in c.reviews
        ),
        review_comments=sum(r.comments for r in c.reviews),
        ci_status="success",
        is_revert=c.is_revert,
        is_hotfix=c.is_hotfix,
        reverts_key=tagged[c.reverts_tag] if c.reverts_tag else None,
    )


@dataclass(frozen=True, slots=True)
class SampleRecords:
    """Acme's history as a source reports it: changes with files and reviews, deploys, incidents."""

    changes: tuple[ChangeRecord, ...]
    deploys: tuple[DeployRecord, ...]
    incidents: tuple[IncidentRecord, ...]


def sample_records(as_of: date, seed: int = SAMPLE_SEED) -> SampleRecords:
    """The records of twelve weeks ending with the last complete ISO week before ``as_of``."""
    plan = plan_sample(seed)
    starts = sample_week_starts(as_of)

    def at(week: int, minute: int) -> datetime:
        return starts[week] + timedelta(minutes=minute)

    # PR numbers follow the order PRs were opened in, as on GitHub.
    ordered = sorted(
        enumerate(plan.changes), key=lambda ic: (ic[1].week * 7 * DAY + ic[1].opened, ic[0])
    )
    keys: dict[int, str] = {}
    tagged: dict[str, str] = {}
    for n, (i, c) in enumerate(ordered):
        keys[i] = f"{SAMPLE_REPOSITORY}#{_FIRST_PR_NUMBER + n}"
        if c.tag:
            tagged[c.tag] = keys[i]
    changes = tuple(_change_record(keys[i], c, at, tagged) for i, c in enumerate(plan.changes))
    deploys = tuple(
        DeployRecord(
            key=f"deploy:{d.service}:{at(d.week, d.finished):%Y-%m-%dT%H:%M}",
            service=d.service,
            finished_at=at(d.week, d.finished),
            environment="production",
            sha=d.sha,
            started_at=at(d.week, d.finished) - timedelta(minutes=d.minutes),
            status=d.status,
            source="sample",
        )
        for d in plan.deploys
    )
    ordered_incidents = sorted(plan.incidents, key=lambda i: (i.week, i.opened))
    incidents = tuple(
        IncidentRecord(
            key=f"INC-{_FIRST_INCIDENT_NUMBER + n}",
            service=inc.service,
            opened_at=at(inc.week, inc.opened),
            title=inc.title,
            resolved_at=at(inc.week, inc.opened) + timedelta(minutes=inc.minutes),
            severity=inc.severity,
            source="sample",
        )
        for n, inc in enumerate(ordered_incidents)
    )
    return SampleRecords(changes, deploys, incidents)


def load_sample(
    session: Session, org: OrgConfig, *, as_of: date, seed: int = SAMPLE_SEED
) -> SampleSummary:
    """Write Acme's people and twelve weeks of changes, reviews, deploys and incidents.

    The changes, deploys and incidents go through ``data.ingest.Ingest`` as a
    real source's records do. Precondition: ``sync_org(session, org)`` already ran with ``org`` from
    ``sample_org_config()``, so the repository, teams and services exist; a
    ``StoreError`` says so otherwise, and also when the sample is already loaded.
    The weeks end with the last complete ISO week before ``as_of``. Rows are
    flushed, not committed: the caller's session scope commits. Deploys and
    incidents are left unlinked for ``link_all`` to link.
    """
    team_ids = _check_org(session, org)
    people: dict[str, Person] = {p.login: p for p in session.exec(select(Person))}
    for e in ENGINEERS:
        team = org.team_of_service(e.focus)
        row = people.get(e.login) or Person(login=e.login)
        row.display_name = e.name
        row.kind = "agent" if org.agents.is_agent(e.login) else "human"
        row.team_id = team_ids.get(team) if team else None
        people[e.login] = row
        session.add(row)
    for login in SAMPLE_AGENTS:
        row = people.get(login) or Person(login=login)
        row.display_name = AGENT_NAMES[login]
        row.kind = "agent" if org.agents.is_agent(login) else "human"
        people[login] = row
        session.add(row)
    session.flush()

    records = sample_records(as_of, seed)
    # Through the ingest every source uses: the same mapping of paths to services,
    # people to kinds, and upserts on natural keys as a GitHub or a clone sync.
    ingest = Ingest(session, org)
    ingest.changes(records.changes)
    ingest.deploys(records.deploys)
    ingest.incidents(records.incidents)
    session.flush()
    agents = sum(1 for login in people if login in SAMPLE_AGENTS)
    starts = sample_week_starts(as_of)
    return SampleSummary(
        people=len(ENGINEERS),
        agents=agents,
        changes=len(records.changes),
        deploys=len(records.deploys),
        incidents=len(records.incidents),
        first_week=_week_id(starts[0]),
        last_week=_week_id(starts[-1]),
    )
