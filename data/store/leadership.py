"""The scheduler's lead in the store: terms, heartbeats and fencing (PostgreSQL).

Replicas of ``riskbrief serve`` on one PostgreSQL database compete for a session
advisory lock; its holder runs the scheduler. Holding the lock proves only that the
holder's database session lives, so the ``leader`` row adds what the lock cannot:

- a **term**, one more each time the lead is taken, stored with every delivery
  claim; a claim of an ended term has lost its sender and is retried at once, and
  a write fenced with an old term changes nothing;
- a **heartbeat** stamped with the database's clock, so that followers can tell a
  leader that stopped ticking (stopped, hung, starved) from one that is busy, end
  all of its database sessions and take the lead.

Every connection names its process (``application_name``, see ``data.store.engine``),
which is how a follower ends a stalled leader's sessions: its lock goes, and any
transaction it had open is rolled back rather than left holding row locks.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

__all__ = [
    "SCHEDULER",
    "LeadState",
    "beat",
    "end_sessions",
    "fenced",
    "read_lead",
    "take_lead",
]

SCHEDULER = "scheduler"

# The database's clock as naive UTC, the way the store keeps times.
_NOW = "(now() AT TIME ZONE 'utc')"


@dataclass(frozen=True, slots=True)
class LeadState:
    """The lead as the store has it: the term, its holder and its heartbeat's age in seconds."""

    term: int
    holder: str | None
    heartbeat_age: float | None


def take_lead(conn: Connection, holder: str, name: str = SCHEDULER) -> int:
    """Start a new term held by ``holder`` and return it; call only holding the leader lock."""
    term = conn.execute(
        sa.text(
            f"INSERT INTO leader (name, term, holder, taken_at, heartbeat_at)"
            f" VALUES (:name, 1, :holder, {_NOW}, {_NOW})"
            f" ON CONFLICT (name) DO UPDATE SET term = leader.term + 1,"
            f" holder = excluded.holder, taken_at = excluded.taken_at,"
            f" heartbeat_at = excluded.heartbeat_at"
            f" RETURNING term"
        ),
        {"name": name, "holder": holder},
    ).scalar_one()
    return int(term)


def beat(conn: Connection, term: int, name: str = SCHEDULER) -> bool:
    """Stamp the heartbeat of ``term``; False when that term has ended."""
    changed = conn.execute(
        sa.text(f"UPDATE leader SET heartbeat_at = {_NOW} WHERE name = :name AND term = :term"),
        {"name": name, "term": term},
    ).rowcount
    return bool(changed == 1)


def read_lead(conn: Connection, name: str = SCHEDULER) -> LeadState | None:
    """The current term, holder and heartbeat age by the database's clock (``None``: no lead)."""
    row = conn.execute(
        sa.text(
            f"SELECT term, holder, EXTRACT(EPOCH FROM ({_NOW} - heartbeat_at))"
            f" FROM leader WHERE name = :name"
        ),
        {"name": name},
    ).first()
    if row is None:
        return None
    return LeadState(int(row[0]), row[1], None if row[2] is None else float(row[2]))


def end_sessions(conn: Connection, holder: str, wait_ms: int = 5000) -> int:
    """End every database session of the process ``holder``; how many were ended.

    Waits up to ``wait_ms`` for each to exit, so that its locks are free on return.
    Needs the same database role as the holder, or ``pg_signal_backend``.
    """
    ended = conn.execute(
        sa.text(
            "SELECT count(*) FILTER (WHERE pg_terminate_backend(pid, :wait))"
            " FROM pg_stat_activity WHERE application_name = :holder AND pid <> pg_backend_pid()"
            " AND datname = current_database()"
        ),
        {"holder": holder, "wait": wait_ms},
    ).scalar_one()
    return int(ended)


def fenced(conn: Connection, term: int | None, name: str = SCHEDULER) -> bool:
    """True when ``term`` is still the current one, holding that true until ``conn`` commits.

    ``None`` (a send by hand, or SQLite's single process) is never fenced. The row is
    read ``FOR SHARE``, so a new term cannot begin while this transaction writes.
    """
    if term is None or conn.dialect.name != "postgresql":
        return True
    current = conn.execute(
        sa.text("SELECT term FROM leader WHERE name = :name FOR SHARE"), {"name": name}
    ).scalar()
    return current == term
