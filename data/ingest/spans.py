"""Deploys, incidents and spent error budgets of a service, upserted by key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
import structlog
from sqlmodel import Session

from data.ingest.bulk import chunks, insert_keyed, rows_by_key, table_of
from data.ingest.references import Lookups
from data.source_values import SourceDeploy, SourceErrorBudget, SourceIncident
from data.store.tables import Deploy, DeployCommit, ErrorBudget, Incident
from data.tally import Tally, snapshot

__all__ = ["SpanWriter"]

log = structlog.get_logger(__name__)


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
class _Batch:
    """The rows of one batch of keyed records: the stored ones, loaded with one query, and
    the new ones, held as column values until one insert writes them all."""

    session: Session
    model: type[Deploy] | type[Incident] | type[ErrorBudget]
    kind: str
    stored: dict[str, Any]
    new: dict[str, dict[str, Any]] = field(default_factory=dict)

    @classmethod
    def of(
        cls,
        session: Session,
        model: type[Deploy] | type[Incident] | type[ErrorBudget],
        kind: str,
        keys: Iterable[str],
    ) -> _Batch:
        """The batch of records with ``keys``, their stored rows loaded."""
        return cls(session, model, kind, rows_by_key(session, model, list(dict.fromkeys(keys))))

    def upsert(self, key: str, values: dict[str, Any], problem: str | None, tally: Tally) -> bool:
        """Set one keyed row to ``values``, or skip it with ``problem`` logged (``False``).

        A key met twice in a batch updates the row its first record made, as a second
        record of it did when each record was written on its own.
        """
        if problem:
            tally.skipped += 1
            log.warning("record_skipped", kind=self.kind, key=key, reason=problem)
            return False
        row = self.stored.get(key)
        held = self.new.get(key)
        if row is not None:
            before = snapshot(row, values)
            for name, value in values.items():
                setattr(row, name, value)
            after = snapshot(row, values)
        elif held is not None:
            before = tuple(held[name] for name in values)
            held.update(values)
            after = tuple(values.values())
        else:
            self.new[key] = {"key": key, **values}
            tally.add(self.kind)
            return True
        if before != after:
            tally.updated += 1
        return True

    def write(self) -> dict[str, int]:
        """Insert the new rows in one statement and flush the updated ones; every written
        row's id by key."""
        ids = insert_keyed(self.session, self.model, list(self.new.values()))
        self.session.flush()
        ids.update((key, row.id) for key, row in self.stored.items())
        return ids


@dataclass(frozen=True, slots=True)
class SpanWriter:
    """Writes deploys, incidents and error budgets into the session of ``lookups``."""

    lookups: Lookups

    def deploys(self, records: Iterable[SourceDeploy]) -> Tally:
        """Upsert deploys by ``key`` with the commits they shipped, when their source names them;
        a deploy of a service not in riskbrief.toml is skipped."""
        tally = Tally()
        services = self.lookups.service_ids()
        records = list(records)
        batch = _Batch.of(self.lookups.session, Deploy, "deploy", (r.key for r in records))
        # A deploy reported twice ships what its last report that names commits says.
        shipped: dict[str, frozenset[str]] = {}
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
                "found_by": r.found_by.encode() if r.found_by is not None else None,
            }
            problem = self._deploy_problem(r, service_id)
            if batch.upsert(r.key, values, problem, tally) and r.shipped is not None:
                shipped[r.key] = frozenset(r.shipped)
        ids = batch.write()
        self._ship({ids[key]: shas for key, shas in shipped.items()})
        return tally

    def _ship(self, shipped: dict[int, frozenset[str]]) -> None:
        """Make each deploy's shipped commits exactly its ``shas``: rows added and removed."""
        session = self.lookups.session
        table = table_of(DeployCommit)
        have: dict[int, set[str]] = {}
        for chunk in chunks(list(shipped)):
            query = sa.select(table.c.deploy_id, table.c.sha).where(table.c.deploy_id.in_(chunk))
            for deploy_id, sha in session.execute(query):
                have.setdefault(deploy_id, set()).add(sha)
        gone = [
            {"gone_deploy": deploy_id, "gone_sha": sha}
            for deploy_id, shas in shipped.items()
            for sha in sorted(have.get(deploy_id, set()) - shas)
        ]
        if gone:
            session.execute(
                sa.delete(table).where(
                    table.c.deploy_id == sa.bindparam("gone_deploy"),
                    table.c.sha == sa.bindparam("gone_sha"),
                ),
                gone,
            )
        added = [
            {"deploy_id": deploy_id, "sha": sha}
            for deploy_id, shas in shipped.items()
            for sha in sorted(shas - have.get(deploy_id, set()))
        ]
        if added:
            session.execute(sa.insert(table), added)

    @staticmethod
    def _deploy_problem(r: SourceDeploy, service_id: int | None) -> str | None:
        if service_id is None:
            return f"service {r.service!r} is not in riskbrief.toml"
        if r.status not in ("success", "failure"):
            return f"status {r.status!r} is neither success nor failure"
        if r.finished_at.tzinfo is None:
            return "finished_at has no time zone"
        return None

    def incidents(self, records: Iterable[SourceIncident]) -> Tally:
        """Upsert incidents by ``key``; an incident of an unknown service is skipped."""
        tally = Tally()
        services = self.lookups.service_ids()
        records = list(records)
        batch = _Batch.of(self.lookups.session, Incident, "incident", (r.key for r in records))
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
            batch.upsert(r.key, values, problem, tally)
        batch.write()
        return tally

    def error_budgets(self, records: Iterable[SourceErrorBudget]) -> Tally:
        """Upsert spent-error-budget spans by ``key``; a span of an unknown service is skipped."""
        tally = Tally()
        services = self.lookups.service_ids()
        records = list(records)
        keys = (r.key for r in records)
        batch = _Batch.of(self.lookups.session, ErrorBudget, "error_budget", keys)
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
            batch.upsert(r.key, values, problem, tally)
        batch.write()
        return tally
