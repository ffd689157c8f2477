"""What every code host's check does once its change is stored: take turns, score as of now.

Each code host's check (``bot.<host>.check``) differs in how it reads the change and
where it writes the verdict; in between, the work is the same, kept here once:
deliveries of one change take turns (in this process, and on PostgreSQL across
replicas), the change read again is stored, and the stored change is scored as of now
against the stored history, its score saved as the listing shows it.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from data.config import OrgConfig
from data.source_values import SourceChange
from data.store.bug_issues import known_bug_issues
from data.store.facts import facts_of
from data.store.history import HistoryCache, with_coverage
from data.store.reads.changes import change_by_key, stored_change
from data.store.scores import save_scores
from data.store.webhook_deliveries import pull_request_lock
from data.sync import SyncRun
from scoring.proposal import Assessment, assess
from scoring.scored import scored_change

__all__ = [
    "BadEvent",
    "ChangeTurns",
    "Outcome",
    "assess_stored",
    "field_of",
    "stale_head",
    "store_change",
]


class BadEvent(ValueError):
    """The event's JSON lacks a field the check needs, or has one of the wrong kind."""


def field_of(obj: Any, *path: str) -> Any:
    """The value at ``path`` in the event's JSON; ``BadEvent`` naming the path when absent."""
    for name in path:
        if not isinstance(obj, dict) or name not in obj:
            raise BadEvent(f"the event has no {'.'.join(path)}")
        obj = obj[name]
    return obj


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one event led to: ``checked`` (with what was published), or why nothing was."""

    status: str
    key: str
    head_sha: str | None = None
    score: int | None = None
    published: str | None = None


class ChangeTurns:
    """One change's deliveries at a time; other changes' go on at once."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._guard = threading.Lock()
        self._locks: dict[str, threading.Lock] = {}

    @contextmanager
    def turn(self, key: str) -> Iterator[None]:
        """Hold change ``key``'s turn for the block."""
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        # The process's own lock first: its threads queue without holding a connection.
        with lock, pull_request_lock(self.engine, key):
            yield


def store_change(run: SyncRun, source: str, scope: str, record: SourceChange) -> None:
    """Store the change read again from its host, checkpointed as ``source`` of ``scope``."""
    try:
        run.checkpoint(source, scope, changes=[record])
    except IntegrityError:
        # Another delivery of the same new change inserted it first: now an update.
        run.checkpoint(source, scope, changes=[record])


def assess_stored(
    engine: Engine, org: OrgConfig, history: HistoryCache, key: str, now: datetime
) -> Assessment:
    """The stored change ``key`` assessed as of ``now``; its score saved for the listing."""
    with Session(engine) as session:
        row = stored_change(session, key)
        stored = history.history(session, org)
        facts = facts_of(session, [row], known_bug_issues(session, org), as_of=now)[0]
        # A coverage report posted for the head counts as it will once merged.
        facts = with_coverage(session, facts, row.head_sha or row.sha)
        assessment = assess(facts, stored.history, stored.config)
        save_scores(session, "change", [scored_change(assessment.risk, facts, stored.config)])
        session.commit()
    return assessment


def stale_head(engine: Engine, key: str, head_sha: str, updated_at: datetime) -> bool:
    """True when the store holds a newer head of change ``key`` than an event's ``head_sha``
    (another head, updated after ``updated_at``): a late delivery of an older push."""
    with Session(engine) as session:
        row = change_by_key(session, key)
    if row is None or row.updated_at is None or row.head_sha is None:
        return False
    return row.head_sha != head_sha and row.updated_at > updated_at
