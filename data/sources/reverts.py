"""Reverts as incidents: a change that had to be reverted failed in production.

When ``[sources] reverts_as_incidents`` is on (the default), every revert
whose target is in the store becomes an incident of the target's service,
opened when the reverted change merged and resolved when the revert merged,
keyed ``revert:<revert key>``. It reads the store that the other sources
filled, so it runs after them.
"""

from __future__ import annotations

from collections import Counter, defaultdict

from sqlmodel import Session, col, select

from data.sources.records import IncidentRecord
from data.sync import SyncRun
from data.tables import Change, ChangeFile, Service

__all__ = ["RevertIncidents"]


class RevertIncidents:
    """The source that turns stored reverts into incidents."""

    @property
    def name(self) -> str:
        """``reverts``."""
        return "reverts"

    def sync(self, run: SyncRun) -> None:
        """Upsert one incident per revert of a known change that maps to a service."""
        with Session(run.engine) as session:
            reverts = list(
                session.exec(
                    select(Change)
                    .where(col(Change.reverts_key).is_not(None))
                    .order_by(col(Change.id))
                )
            )
            keys = {r.reverts_key for r in reverts if r.reverts_key}
            targets = {
                c.key: c for c in session.exec(select(Change).where(col(Change.key).in_(keys)))
            }
            services = {s.id: s.key for s in session.exec(select(Service)) if s.id is not None}
            lines: dict[int, Counter[str]] = defaultdict(Counter)
            ids = [c.id for c in targets.values() if c.id is not None]
            for f in session.exec(select(ChangeFile).where(col(ChangeFile.change_id).in_(ids))):
                if f.service_id is not None and f.service_id in services:
                    lines[f.change_id][services[f.service_id]] += f.added + f.deleted + 1
        incidents = []
        for revert in reverts:
            target = targets.get(revert.reverts_key or "")
            if target is None or target.id is None or not lines[target.id]:
                continue
            # The service that carried most of the reverted change's lines.
            service = min(lines[target.id].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            if revert.merged_at < target.merged_at:
                continue
            incidents.append(
                IncidentRecord(
                    key=f"revert:{revert.key}",
                    service=service,
                    opened_at=target.merged_at,
                    resolved_at=revert.merged_at,
                    title=f"Reverted: {target.title}"[:300],
                    source="revert",
                )
            )
        run.checkpoint("reverts", incidents=incidents)
        run.progress.advance(self.name, len(incidents), "incidents")
