"""The seeded sample organisation loaded into a store: ``SampleSource`` run through a sync.

Above ``data.sync`` (which it runs) and the sample source (which it runs), so the
source hands its records to the sync like any other and imports neither it nor
the store. What the source cannot see, whether the organisation and the store are
Acme's, is checked here first, with the store's reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine
from sqlmodel import Session

from data.config import OrgConfig
from data.sources.sample.clock import sample_week_starts
from data.sources.sample.codebase import SAMPLE_REPOSITORY, SERVICES, TEAM_OF_SERVICE
from data.sources.sample.people import ENGINEERS, SAMPLE_AGENTS
from data.sources.sample.records import SAMPLE_SEED, SampleRecords
from data.sources.sample.source import SampleSource
from data.store.reads.changes import merged_in_repository
from data.store.reads.org import service_keys
from data.sync import SyncRun
from scoring.errors import ConfigError, StoreError

__all__ = ["SampleSummary", "load_sample"]


@dataclass(frozen=True, slots=True)
class SampleSummary:
    """What ``load_sample`` loaded: record counts and the ISO weeks the history covers."""

    people: int
    agents: int
    changes: int
    deploys: int
    incidents: int
    first_week: str
    last_week: str


def _week_id(monday: datetime) -> str:
    iso = monday.date().isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def load_sample(
    engine: Engine, org: OrgConfig, *, as_of: date, seed: int = SAMPLE_SEED
) -> SampleSummary:
    """Load Acme's people and twelve weeks of changes, reviews, deploys and incidents.

    The records go through ``Handoff.checkpoint`` and ``data.ingest.Ingest`` as a
    real source's do, in their own transaction. Precondition: ``sync_org`` already
    ran, committed, with ``org`` from ``sample_org_config()``, so the repository,
    teams and services exist; a ``StoreError`` says so otherwise, and also when the
    store holds another sample history. Loading the same history again adds
    nothing. The weeks end with the last complete ISO week before ``as_of``.
    Deploys and incidents are left unlinked for ``link_all`` to link.
    """
    source = SampleSource(as_of, seed)
    records = source.records
    _check_store(engine, org, records)
    # Not run_sources: its summary line would swallow the one sentence the caller needs.
    source.sync(SyncRun(engine, org))
    starts = sample_week_starts(as_of)
    return SampleSummary(
        people=len(ENGINEERS),
        agents=len(SAMPLE_AGENTS),
        changes=len(records.changes),
        deploys=len(records.deploys),
        incidents=len(records.incidents),
        first_week=_week_id(starts[0]),
        last_week=_week_id(starts[-1]),
    )


def _check_store(engine: Engine, org: OrgConfig, records: SampleRecords) -> None:
    """Refuse an organisation other than Acme's, or a store holding another sample history."""
    for service, team in TEAM_OF_SERVICE.items():
        if org.team_of_service(service) != team:
            raise ConfigError(
                f"the sample needs service {service!r} owned by team {team!r}; "
                "pass sample_org_config() to load_sample"
            )
    with Session(engine) as session:
        stored = merged_in_repository(session, SAMPLE_REPOSITORY)
        services = set(service_keys(session).values())
    if stored is None or any(s not in services for s in SERVICES):
        raise StoreError(
            "the store has no sample organisation yet; run sync_org(session, org) "
            "before load_sample"
        )
    wanted = {c.key: c.merged_at for c in records.changes}
    if stored and stored != wanted:
        raise StoreError(
            f"the store already holds another history of {SAMPLE_REPOSITORY}; "
            "load the sample into an empty database"
        )
