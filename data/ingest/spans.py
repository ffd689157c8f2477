"""Deploys, incidents and spent error budgets of a service, upserted by key."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import structlog
from sqlalchemy import delete
from sqlmodel import col, select

from data.ingest.references import Lookups
from data.ingest.tally import Tally, snapshot
from data.sources.records import DeployRecord, ErrorBudgetRecord, IncidentRecord
from data.store.tables import Deploy, DeployCommit, ErrorBudget, Incident

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


@dataclass(frozen=True, slots=True)
class SpanWriter:
    """Writes deploys, incidents and error budgets into the session of ``lookups``."""

    lookups: Lookups

    def _upsert(
        self,
        model: type[Deploy] | type[Incident] | type[ErrorBudget],
        kind: str,
        key: str,
        values: dict[str, Any],
        problem: str | None,
        tally: Tally,
    ) -> Any:
        """Insert or update one keyed row from ``values`` and return it, or skip it with
        ``problem`` logged and return ``None``."""
        if problem:
            tally.skipped += 1
            log.warning("record_skipped", kind=kind, key=key, reason=problem)
            return None
        row: Any = self.lookups.session.exec(select(model).where(col(model.key) == key)).first()
        before = snapshot(row, values) if row is not None else None
        if row is None:
            row = model(key=key, **values)
        for name, value in values.items():
            setattr(row, name, value)
        self.lookups.session.add(row)
        if before is None:
            tally.add(kind)
        elif before != snapshot(row, values):
            tally.updated += 1
        return row

    def deploys(self, records: Iterable[DeployRecord]) -> Tally:
        """Upsert deploys by ``key`` with the commits they shipped, when their source names them;
        a deploy of a service not in riskbrief.toml is skipped."""
        tally = Tally()
        services = self.lookups.service_ids()
        shipped: list[tuple[Deploy, frozenset[str]]] = []
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
            row = self._upsert(Deploy, "deploy", r.key, values, problem, tally)
            if row is not None and r.shipped is not None:
                shipped.append((row, frozenset(r.shipped)))
        self.lookups.session.flush()
        for row, shas in shipped:
            if row.id is not None:
                self._ship(row.id, shas)
        return tally

    def _ship(self, deploy_id: int, shas: frozenset[str]) -> None:
        """Make the deploy's shipped commits exactly ``shas``: rows added and removed."""
        session = self.lookups.session
        have = set(
            session.exec(select(DeployCommit.sha).where(col(DeployCommit.deploy_id) == deploy_id))
        )
        for sha in sorted(have - shas):
            session.execute(
                delete(DeployCommit).where(
                    col(DeployCommit.deploy_id) == deploy_id, col(DeployCommit.sha) == sha
                )
            )
        session.add_all(DeployCommit(deploy_id=deploy_id, sha=sha) for sha in sorted(shas - have))
        session.flush()

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
        services = self.lookups.service_ids()
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
        self.lookups.session.flush()
        return tally

    def error_budgets(self, records: Iterable[ErrorBudgetRecord]) -> Tally:
        """Upsert spent-error-budget spans by ``key``; a span of an unknown service is skipped."""
        tally = Tally()
        services = self.lookups.service_ids()
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
        self.lookups.session.flush()
        return tally
