"""The seeded sample organisation loaded into a store: ``SampleSource`` run through a sync.

Above ``data.sync`` (which it runs) and the sample source (which it runs), so the
source hands its records to the sync like any other and imports neither it nor
the store's writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy.engine import Engine

from data.config import OrgConfig
from data.sources.sample.clock import sample_week_starts
from data.sources.sample.people import ENGINEERS, SAMPLE_AGENTS
from data.sources.sample.records import SAMPLE_SEED
from data.sources.sample.source import SampleSource
from data.sync import SyncRun

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
    # Not run_sources: its summary line would swallow the one sentence the caller needs.
    source.sync(SyncRun(engine, org))
    records = source.records
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
