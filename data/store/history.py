"""The history as the store knows it now, for scoring changes not merged yet.

It is read as ``bot.pipeline.score_all`` reads it before scoring (merged changes
with the organisation's bug issues, incidents, production deploys, error-budget
spans) but every change is only recorded, none scored, and nothing is written:
the links between deploys and incidents are those the last ``riskbrief score``
or sync stored.
"""

from __future__ import annotations

import gc
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlmodel import Session

from data.bug_issues import load_bug_issues
from data.config import OrgConfig
from data.store.facts import load_changes, load_deploys, load_error_budgets, load_incidents
from scoring.config import ScoringConfig
from scoring.history import History

__all__ = ["StoredHistory", "read_history"]


@dataclass(frozen=True, slots=True)
class StoredHistory:
    """A history built from the store, the config it is scored with, and when it was read.

    ``history`` is only to be peeked at (``History.context``, ``scoring.proposal.assess``):
    recording a change not merged yet would make it part of every later answer.
    """

    history: History
    config: ScoringConfig
    read_at: datetime
    changes: int
    incidents: int
    deploys: int


def read_history(session: Session, org: OrgConfig, now: datetime | None = None) -> StoredHistory:
    """Every merged change, incident, production deploy and error-budget span in the store."""
    config = org.scoring_config()
    read_at = now or datetime.now(UTC)
    incidents = load_incidents(session)
    changes = load_changes(session, bugs=load_bug_issues(org))
    # Only production deploys say how fragile a service is in front of users.
    production = [d for d in load_deploys(session) if d.environment == "production"]
    history = History(lookback_days=config.incident_lookback_days)
    history.add_incidents(incidents)
    history.add_deploys(production, incidents)
    history.add_error_budget_exhaustions(load_error_budgets(session))
    # As ``scoring.risk.iter_scores``: the history only grows and holds no cycles, and
    # full collections over its objects would cost more than the recording itself.
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        for change in sorted(changes, key=lambda c: (c.merged_at, c.key)):
            history.record(change)
    finally:
        if was_enabled:
            gc.enable()
    return StoredHistory(history, config, read_at, len(changes), len(incidents), len(production))
