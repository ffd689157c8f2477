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

It reads the store that the other sources filled (``Handoff.reverts``, which
links deploys to their changes first, ``data.rules.linking``, so that a deploy or
change read in this very sync counts), so it runs after them; it hands its
incidents to the sync as a source does and has the sync drop the stale ones
(``Handoff.drop_incidents``).
"""

from __future__ import annotations

from datetime import timedelta

import structlog

from data.handoff import Handoff
from data.source_values import SourceIncident
from data.store.tables import merged_time
from scoring.culprits import REVERT_INCIDENT
from scoring.planned_reverts import names_a_failure

__all__ = ["RevertIncidents"]

log = structlog.get_logger(__name__)

# After a deploy's finish: an incident opened then is one the deploy caused.
_AFTER_DEPLOY = timedelta(seconds=1)


class RevertIncidents:
    """The rule that turns stored reverts into incidents, run as the last source of a sync."""

    @property
    def name(self) -> str:
        """``reverts``."""
        return "reverts"

    def sync(self, run: Handoff) -> None:
        """Upsert one incident per revert of a known change that maps to a service."""
        incidents = []
        never_live = []
        for revert in run.reverts():
            target = revert.target
            if target is None or not target.lines:
                continue
            if not names_a_failure(revert.title, revert.body, target.is_revert):
                # A re-landing or a planned revert: nothing failed.
                never_live.append(f"{REVERT_INCIDENT}{revert.key}")
                continue
            # The service that carried most of the reverted change's lines.
            service = min(target.lines.items(), key=lambda kv: (-kv[1], kv[0]))[0]
            reverted_at = merged_time(revert.merged_at, revert.key)
            opened = merged_time(target.merged_at, target.key)
            if reverted_at < opened:
                continue
            if (live := target.shipped.get(service)) is not None:
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
        for key in run.drop_incidents("revert", keys):
            log.info("reverts.never_live", incident=key)
