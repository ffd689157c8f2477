"""Turning the plan into store rows: ``load_sample``, its summary and Acme's ``riskbrief.toml``."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from importlib.resources import files

from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.sources.sample.clock import DAY, sample_week_starts
from data.sources.sample.codebase import SAMPLE_REPOSITORY, SERVICES, TEAM_OF_SERVICE, owners
from data.sources.sample.people import AGENT_NAMES, ENGINEERS, SAMPLE_AGENTS
from data.sources.sample.plan import ChangePlan
from data.sources.sample.planner import plan_sample
from data.tables import (
    Change,
    ChangeFile,
    Deploy,
    Incident,
    Person,
    Repository,
    ReviewRow,
    Service,
    Team,
)
from scoring.errors import ConfigError, StoreError

__all__ = ["SAMPLE_SEED", "SampleSummary", "load_sample", "sample_org_config"]

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


def _check_org(session: Session, org: OrgConfig) -> tuple[int, dict[str, int], dict[str, int]]:
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
    return repo.id, services, teams


def load_sample(
    session: Session, org: OrgConfig, *, as_of: date, seed: int = SAMPLE_SEED
) -> SampleSummary:
    """Write Acme's people and twelve weeks of changes, reviews, deploys and incidents.

    Precondition: ``sync_org(session, org)`` already ran with ``org`` from
    ``sample_org_config()``, so the repository, teams and services exist; a
    ``StoreError`` says so otherwise, and also when the sample is already loaded.
    The weeks end with the last complete ISO week before ``as_of``. Rows are
    flushed, not committed: the caller's session scope commits. Deploys and
    incidents are left unlinked for ``link_all`` to link.
    """
    repo_id, service_ids, team_ids = _check_org(session, org)
    plan = plan_sample(seed)
    starts = sample_week_starts(as_of)

    def at(week: int, minute: int) -> datetime:
        return starts[week] + timedelta(minutes=minute)

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
    ids = {login: p.id for login, p in people.items() if p.id is not None}

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
    rows: list[tuple[Change, ChangePlan]] = []
    for i, c in enumerate(plan.changes):
        number = int(keys[i].rsplit("#", 1)[1])
        slug = "-".join(c.title.lower().replace('"', "").split()[:5])
        change = Change(
            key=keys[i],
            repository_id=repo_id,
            number=number,
            sha=c.sha,
            title=c.title,
            url=f"https://github.com/{SAMPLE_REPOSITORY}/pull/{number}",
            author_id=ids[c.author],
            merged_by_id=ids[c.merged_by],
            opened_at=at(c.week, c.opened),
            merged_at=at(c.week, c.merged),
            base_branch="main",
            head_branch=f"{c.author.removesuffix('[bot]')}/{slug}",
            labels=list(c.labels),
            is_revert=c.is_revert,
            is_hotfix=c.is_hotfix,
            reverts_key=tagged[c.reverts_tag] if c.reverts_tag else None,
            ci_status="success",
            review_comments=sum(r.comments for r in c.reviews),
        )
        session.add(change)
        rows.append((change, c))
    session.flush()
    for change, c in rows:
        assert change.id is not None
        for f in c.files:
            service = org.service_for_path(SAMPLE_REPOSITORY, f.path)
            session.add(
                ChangeFile(
                    change_id=change.id,
                    path=f.path,
                    added=f.added,
                    deleted=f.deleted,
                    change_type=f.change_type,
                    service_id=service_ids.get(service) if service else None,
                    owners=owners(f.path),
                )
            )
        for r in c.reviews:
            session.add(
                ReviewRow(
                    change_id=change.id,
                    reviewer_id=ids[r.reviewer],
                    state=r.state,
                    submitted_at=at(c.week, r.minute),
                    comments=r.comments,
                )
            )
    for d in plan.deploys:
        finished = at(d.week, d.finished)
        session.add(
            Deploy(
                key=f"deploy:{d.service}:{finished:%Y-%m-%dT%H:%M}",
                service_id=service_ids[d.service],
                environment="production",
                sha=d.sha,
                started_at=finished - timedelta(minutes=d.minutes),
                finished_at=finished,
                status=d.status,
                source="sample",
            )
        )
    ordered_incidents = sorted(plan.incidents, key=lambda i: (i.week, i.opened))
    for n, inc in enumerate(ordered_incidents):
        opened = at(inc.week, inc.opened)
        session.add(
            Incident(
                key=f"INC-{_FIRST_INCIDENT_NUMBER + n}",
                service_id=service_ids[inc.service],
                title=inc.title,
                opened_at=opened,
                resolved_at=opened + timedelta(minutes=inc.minutes),
                severity=inc.severity,
                source="sample",
            )
        )
    session.flush()
    agents = sum(1 for login in people if login in SAMPLE_AGENTS)
    return SampleSummary(
        people=len(ENGINEERS),
        agents=agents,
        changes=len(plan.changes),
        deploys=len(plan.deploys),
        incidents=len(plan.incidents),
        first_week=_week_id(starts[0]),
        last_week=_week_id(starts[-1]),
    )
