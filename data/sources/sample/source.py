"""The sample organisation as a source: ``SampleSource``, ``load_sample`` and Acme's config."""

from __future__ import annotations

from datetime import date
from functools import cached_property
from importlib.resources import files

from sqlmodel import Session, col, select

from data.config import OrgConfig, parse_org_config
from data.handoff import Handoff
from data.sources.sample.codebase import SAMPLE_REPOSITORY, SERVICES, TEAM_OF_SERVICE
from data.sources.sample.records import SAMPLE_SEED, SampleRecords, sample_records
from data.store.tables import IS_MERGED, Change, Repository, Service
from scoring.errors import ConfigError, StoreError

__all__ = ["SampleSource", "sample_org_config"]


def sample_org_config() -> OrgConfig:
    """Acme's ``riskbrief.toml``, shipped next to this module as ``sample.toml``."""
    text = (files("data.sources.sample") / "sample.toml").read_text(encoding="utf-8")
    return parse_org_config(text, source="sample.toml")


class SampleSource:
    """Acme's twelve weeks ending before ``as_of``, drawn from ``seed``, reported as records.

    Like a file source it reports its whole history on every sync, so a second
    sync adds nothing. It refuses a store that is not Acme's (``sync_org`` with
    ``sample_org_config()`` first) or that holds another sample history (another
    ``as_of`` or seed), which upserting would mix into this one.
    """

    def __init__(self, as_of: date, seed: int = SAMPLE_SEED) -> None:
        self.as_of = as_of
        self.seed = seed

    @property
    def name(self) -> str:
        """``sample``."""
        return "sample"

    @cached_property
    def records(self) -> SampleRecords:
        """Everything this source reports, drawn once."""
        return sample_records(self.as_of, self.seed)

    def sync(self, run: Handoff) -> None:
        """Check the store is Acme's, then hand the whole history to one checkpoint."""
        records = self.records
        _check_store(run, records)
        run.checkpoint(
            self.name,
            people=records.people,
            changes=records.changes,
            deploys=records.deploys,
            incidents=records.incidents,
        )
        run.progress.advance(self.name, len(records.changes), "changes")


def _check_store(run: Handoff, records: SampleRecords) -> None:
    """Refuse an organisation other than Acme's, or a store holding another sample history."""
    for service, team in TEAM_OF_SERVICE.items():
        if run.org.team_of_service(service) != team:
            raise ConfigError(
                f"the sample needs service {service!r} owned by team {team!r}; "
                "pass sample_org_config() to load_sample"
            )
    with Session(run.engine) as session:
        repo = session.exec(
            select(Repository).where(col(Repository.name) == SAMPLE_REPOSITORY)
        ).first()
        services = set(session.exec(select(Service.key)))
        if repo is None or any(s not in services for s in SERVICES):
            raise StoreError(
                "the store has no sample organisation yet; run sync_org(session, org) "
                "before load_sample"
            )
        stored = dict(
            session.exec(
                select(Change.key, Change.merged_at).where(
                    col(Change.repository_id) == repo.id, IS_MERGED
                )
            ).all()
        )
    wanted = {c.key: c.merged_at for c in records.changes}
    if stored and stored != wanted:
        raise StoreError(
            f"the store already holds another history of {SAMPLE_REPOSITORY}; "
            "load the sample into an empty database"
        )
