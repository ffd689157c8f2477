"""One sync's writes into the store: records upserted on their natural keys."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlmodel import Session

from data.config import OrgConfig
from data.ingest.changes import ChangeWriter
from data.ingest.references import Lookups
from data.ingest.spans import SpanWriter
from data.source_values import (
    SourceChange,
    SourceDeploy,
    SourceErrorBudget,
    SourceIncident,
    SourcePerson,
)
from data.tally import Tally

__all__ = ["Ingest"]


@dataclass(slots=True)
class Ingest:
    """Writes records into one session; the caller commits.

    Caches of people, repositories and services live for the ingest's lifetime,
    which is one sync of one source.
    """

    session: Session
    org: OrgConfig
    _lookups: Lookups = field(init=False)

    def __post_init__(self) -> None:
        self._lookups = Lookups(self.session, self.org)

    def people(self, records: Iterable[SourcePerson]) -> Tally:
        """Upsert people by login with the names a source knows them by."""
        return self._lookups.people(records)

    def changes(self, records: Iterable[SourceChange]) -> Tally:
        """Upsert changes with their files and reviews, by ``key``."""
        return ChangeWriter(self._lookups).changes(records)

    def deploys(self, records: Iterable[SourceDeploy]) -> Tally:
        """Upsert deploys by ``key``; a deploy of a service not in riskbrief.toml is skipped."""
        return SpanWriter(self._lookups).deploys(records)

    def incidents(self, records: Iterable[SourceIncident]) -> Tally:
        """Upsert incidents by ``key``; an incident of an unknown service is skipped."""
        return SpanWriter(self._lookups).incidents(records)

    def error_budgets(self, records: Iterable[SourceErrorBudget]) -> Tally:
        """Upsert spent-error-budget spans by ``key``; a span of an unknown service is skipped."""
        return SpanWriter(self._lookups).error_budgets(records)
