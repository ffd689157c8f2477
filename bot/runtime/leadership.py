"""Which replica of ``riskbrief serve`` runs the scheduler, and for how long it may trust that.

On PostgreSQL the leader is the holder of a session advisory lock, kept on a
connection of its own: if the leader's process dies, PostgreSQL frees the lock and
the next replica to try takes it within one heartbeat. Taking the lead starts a new
term (``data.store.leadership``), which fences every claim and send of earlier terms.

A leader that holds its session but stopped working (stopped, hung, starved) is
found by its heartbeat: a follower that sees it older than ``timeout`` ends all of
that process's database sessions, which frees the lock and rolls back anything it
had open, and takes the lead. The leader itself sends only while its lead was
confirmed within half of ``timeout`` by its own clock, so after a stall it sends
nothing before it has found out that it lost.

With SQLite there is one process by design; it always leads and nothing is fenced.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable
from datetime import timedelta

import sqlalchemy as sa
import structlog
from sqlalchemy.engine import Connection, Engine

from data.store.engine import application_name, instance
from data.store.leadership import LeadState, beat, end_sessions, read_lead, take_lead

__all__ = ["LEADER_LOCK_KEY", "Leadership"]

log = structlog.get_logger("riskbrief.leadership")

# The advisory lock every riskbrief process on one database competes for ("riskbrif").
LEADER_LOCK_KEY = 0x7269736B62726966


class Leadership:
    """This process's part in the lead: try for it, confirm it, give it up.

    ``timeout``: how long a leader's heartbeat may be silent before followers take
    over. ``holder``: this process's name, which must be its sessions'
    ``application_name`` (the default). ``clock``: a monotonic clock in seconds.
    """

    def __init__(
        self,
        engine: Engine,
        *,
        timeout: timedelta = timedelta(seconds=60),
        key: int = LEADER_LOCK_KEY,
        holder: str | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._engine = engine
        self._key = key
        self._timeout = timeout.total_seconds()
        self._holder = holder or application_name(engine) or instance()
        self._clock = clock
        self._conn: Connection | None = None
        self._term: int | None = None
        self._confirmed = float("-inf")
        self._seen: tuple[int, str | None] | None = None
        self._always = engine.dialect.name != "postgresql"
        # The heartbeat and the jobs run on APScheduler's threads; a Connection must not
        # be shared between threads.
        self._lock = threading.Lock()

    @property
    def holder(self) -> str:
        """This process's name among the replicas (its sessions' ``application_name``)."""
        return self._holder

    @property
    def is_leader(self) -> bool:
        """True while this process holds the lock (always, on SQLite)."""
        return self._always or self._conn is not None

    @property
    def term(self) -> int | None:
        """The term this process leads in; ``None`` when following, or on SQLite."""
        return self._term

    def holds(self) -> bool:
        """True while this process may act as leader: its lead confirmed within half the timeout.

        Half, so that it stops before any follower may decide it stalled.
        """
        if self._always:
            return True
        return self._conn is not None and self._clock() - self._confirmed < self._timeout / 2

    def acquire(self) -> bool:
        """Confirm the lead (and stamp the heartbeat), or try to take it; True when leading."""
        if self._always:
            return True
        with self._lock:
            return self._acquire()

    def _acquire(self) -> bool:
        if self._conn is not None:
            if self._confirm(self._conn):
                return True
            log.warning("leadership.lost", holder=self._holder, term=self._term)
            self._drop()
        state: LeadState | None = None
        try:
            self._conn = self._engine.connect()
            got = self._try_lock(self._conn)
            if not got:
                state = read_lead(self._conn)
                if state is not None and self._stalled(state):
                    got = self._take_from_stalled(self._conn, state)
            if got:
                self._term = take_lead(self._conn, self._holder)
                self._confirmed = self._clock()
            self._conn.commit()
        except sa.exc.DBAPIError:
            log.warning("leadership.check_failed", holder=self._holder)
            self._drop()
            return False
        if not got:
            self._drop()
            self._follow(state)
            return False
        log.info(
            "leadership.taken",
            holder=self._holder,
            term=self._term,
            previous=state.holder if state else None,
        )
        return True

    def _confirm(self, conn: Connection) -> bool:
        """Check that the lock is still ours and our term current, and stamp the heartbeat."""
        assert self._term is not None
        try:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                    " AND pid = pg_backend_pid()"
                    " AND ((classid::bigint << 32) | objid::bigint) = :k"
                ),
                {"k": self._key},
            ).scalar()
            alive = bool(held) and beat(conn, self._term)
            conn.commit()
        except sa.exc.DBAPIError:
            return False
        if alive:
            self._confirmed = self._clock()
        return alive

    def _try_lock(self, conn: Connection) -> bool:
        got = conn.execute(sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}).scalar()
        # Session-level locks outlive the transaction; don't sit idle in one.
        conn.commit()
        return bool(got)

    def _stalled(self, state: LeadState) -> bool:
        return (
            state.holder is not None
            and state.holder != self._holder
            and state.heartbeat_age is not None
            and state.heartbeat_age > self._timeout
        )

    def _take_from_stalled(self, conn: Connection, state: LeadState) -> bool:
        """End the stalled leader's sessions, then take the lock its session held."""
        assert state.holder is not None
        log.warning(
            "leadership.leader_stalled",
            leader=state.holder,
            term=state.term,
            heartbeat_age=round(state.heartbeat_age or 0.0, 1),
        )
        try:
            ended = end_sessions(conn, state.holder)
            conn.commit()
        except sa.exc.DBAPIError as exc:
            conn.rollback()
            log.error(
                "leadership.cannot_end_sessions",
                leader=state.holder,
                error=str(getattr(exc, "orig", exc)).splitlines()[0],
                fix="run every replica as the same database role, or grant it pg_signal_backend",
            )
            return False
        log.warning("leadership.sessions_ended", leader=state.holder, sessions=ended)
        return self._try_lock(conn)

    def _follow(self, state: LeadState | None) -> None:
        seen = (state.term, state.holder) if state is not None else None
        if seen != self._seen:
            log.info(
                "leadership.following",
                holder=self._holder,
                leader=state.holder if state else None,
                term=state.term if state else None,
            )
            self._seen = seen
        else:
            log.debug("leadership.tried", holder=self._holder)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        self._term = None
        self._confirmed = float("-inf")
        if conn is not None:
            # Invalidated, not returned to the pool: a pooled session could keep the lock
            # alive with nobody leading. Closing the session frees any lock it held.
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                conn.invalidate()
                conn.close()

    def release(self) -> None:
        """Give the lock up so another process can lead at once."""
        with self._lock:
            if self._conn is not None:
                with contextlib.suppress(sa.exc.SQLAlchemyError):
                    self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                    self._conn.commit()
                log.info("leadership.released", holder=self._holder, term=self._term)
            self._drop()
