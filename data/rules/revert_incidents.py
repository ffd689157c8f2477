"""Reverts as incidents: a change that had to be reverted failed in production.

When ``[sources] reverts_as_incidents`` is on (the default), every revert
whose target is in the store becomes an incident of the target's service,
keyed ``revert:<revert key>`` and resolved when the revert merged. It opens
when the reverted change reached production: one second after the first
successful production deploy of that service that shipped it finished (so
the incident links to that deploy and was not already open during it), or
when the change merged while no such deploy is known. A change reverted
before its first production deploy (which shipped the revert too) never
reached users: it makes no incident, and one an earlier sync made is removed; so does
a change merged in the same moment as its revert while no deploy of it is known (a merge
brought both in at once).

Nor does a revert that names no failure (``scoring.planned_reverts``): a revert of a revert
lands the work again, and a revert whose title or body says it is temporary or planned
("temporarily", "to make a checkpoint release", "will re-land") took the work out on
purpose. An incident an earlier sync made for one is removed.

It reads the store that the other sources filled, so it runs after them, and
links deploys to their changes first (``data.rules.linking``), so that a deploy or
change read in this very sync counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime, timedelta

import structlog
from sqlalchemy import func
from sqlmodel import Session, col, select

from data.handoff import Handoff
from data.rules.linking import link_deploys
from data.source_values import SourceIncident
from data.store.tables import (
    IS_MERGED,
    Change,
    ChangeFile,
    Deploy,
    DeployChange,
    Incident,
    Service,
    merged_time,
)
from scoring.culprits import REVERT_INCIDENT
from scoring.planned_reverts import names_a_failure

__all__ = ["RevertIncidents"]

log = structlog.get_logger(__name__)

# After a deploy's finish: an incident opened then is one the deploy caused.
_AFTER_DEPLOY = timedelta(seconds=1)


def _first_production_deploys(
    session: Session, change_ids: list[int]
) -> dict[tuple[int, int], datetime]:
    """When the first successful production deploy of each service shipping a change finished.

    By ``(change id, service id)``.
    """
    first: dict[tuple[int, int], datetime] = {}
    for start in range(0, len(change_ids), 900):
        rows = session.exec(
            select(DeployChange.change_id, Deploy.service_id, func.min(Deploy.finished_at))
            .join(Deploy, col(Deploy.id) == col(DeployChange.deploy_id))
            .where(
                col(DeployChange.change_id).in_(change_ids[start : start + 900]),
                col(Deploy.status) == "success",
                col(Deploy.environment) == "production",
            )
            .group_by(col(DeployChange.change_id), col(Deploy.service_id))
        )
        for change_id, service_id, finished in rows:
            if finished is not None:
                first[change_id, service_id] = finished
    return first


class RevertIncidents:
    """The rule that turns stored reverts into incidents, run as the last source of a sync."""

    @property
    def name(self) -> str:
        """``reverts``."""
        return "reverts"

    def sync(self, run: Handoff) -> None:
        """Upsert one incident per revert of a known change that maps to a service."""
        with Session(run.engine) as session:
            link_deploys(session)
            session.commit()
            reverts = list(
                session.exec(
                    select(Change)
                    .where(col(Change.reverts_key).is_not(None), IS_MERGED)
                    .order_by(col(Change.id))
                )
            )
            keys = {r.reverts_key for r in reverts if r.reverts_key}
            targets = {
                c.key: c
                for c in session.exec(select(Change).where(col(Change.key).in_(keys), IS_MERGED))
            }
            services = {s.key: s.id for s in session.exec(select(Service)) if s.id is not None}
            names = {service_id: key for key, service_id in services.items()}
            lines: dict[int, Counter[str]] = defaultdict(Counter)
            ids = [c.id for c in targets.values() if c.id is not None]
            for f in session.exec(select(ChangeFile).where(col(ChangeFile.change_id).in_(ids))):
                if f.service_id is not None and f.service_id in names:
                    lines[f.change_id][names[f.service_id]] += f.added + f.deleted + 1
            shipped = _first_production_deploys(session, ids)
        incidents = []
        never_live = []
        for revert in reverts:
            target = targets.get(revert.reverts_key or "")
            if target is None or target.id is None or not lines[target.id]:
                continue
            if not names_a_failure(revert.title, revert.body, target.is_revert):
                # A re-landing or a planned revert: nothing failed.
                never_live.append(f"{REVERT_INCIDENT}{revert.key}")
                continue
            # The service that carried most of the reverted change's lines.
            service = min(lines[target.id].items(), key=lambda kv: (-kv[1], kv[0]))[0]
            reverted_at = merged_time(revert.merged_at, revert.key)
            opened = merged_time(target.merged_at, target.key)
            if reverted_at < opened:
                continue
            if (live := shipped.get((target.id, services[service]))) is not None:
                if live >= reverted_at:
                    # Reverted before its first production deploy, which shipped both.
                    never_live.append(f"{REVERT_INCIDENT}{revert.key}")
                    continue
                opened = min(live + _AFTER_DEPLOY, reverted_at)
            elif reverted_at == opened:
                # Merged with its revert (one merge brought both in: a maintenance branch
                # merged forward), so it was never on the branch without it.
                never_live.append(f"{REVERT_INCIDENT}{revert.key}")
                continue
            incidents.append(
                SourceIncident(
                    key=f"{REVERT_INCIDENT}{revert.key}",
                    service=service,
                    opened_at=opened,
                    resolved_at=reverted_at,
                    title=f"Reverted: {target.title}"[:300],
                    source="revert",
                )
            )
        self._remove(run, never_live)
        run.checkpoint("reverts", incidents=incidents)
        run.progress.advance(self.name, len(incidents), "incidents")

    @staticmethod
    def _remove(run: Handoff, keys: list[str]) -> None:
        """Delete the incidents an earlier sync made for reverts that never reached users or
        named no failure."""
        if not keys:
            return
        with Session(run.engine) as session:
            for start in range(0, len(keys), 900):
                stale = session.exec(
                    select(Incident).where(
                        col(Incident.key).in_(keys[start : start + 900]),
                        col(Incident.source) == "revert",
                    )
                )
                for incident in stale:
                    log.info("reverts.never_live", incident=incident.key)
                    session.delete(incident)
            session.commit()
