"""The scheduler of ``riskbrief serve``: sync and score on an interval, deliver when due.

Two jobs in one APScheduler ``BackgroundScheduler``: an interval job that syncs
the sources and scores, and a tick every minute that delivers each subscriber's
briefing once their local send time (``[delivery]`` in riskbrief.toml, Monday
09:00 by default) of the current ISO week has passed. The tick works from the
store, not from APScheduler's memory of missed runs, so a restart catches up once
and a subscriber who was away gets this week's briefing only.

With PostgreSQL several processes may run; only the one holding a session-level
advisory lock runs the jobs, the others try again on every tick. The unique
delivery claims keep sending exactly once even if two ever overlap.
"""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa
import structlog
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_SCHEDULER_SHUTDOWN,
    SchedulerEvent,
)
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from sqlalchemy.engine import Connection, Engine
from sqlmodel import col, select

from bot.compose import make_narrator
from bot.delivery import DeliveryReport, Senders, channels_of, deliver
from bot.pipeline import score_all
from bot.settings import Settings
from briefing.week import IsoWeek
from data.config import DeliveryConfig, OrgConfig
from data.deliveries import find_unfinished, states
from data.engine import make_engine, session_scope
from data.org import sync_org
from data.tables import Subscriber, utcnow

__all__ = [
    "LEADER_LOCK_KEY",
    "Due",
    "Leadership",
    "Recipient",
    "SendTime",
    "SyncHook",
    "build_scheduler",
    "due",
    "send_moment",
    "sync_and_score",
    "tick",
]

log = structlog.get_logger("riskbrief.schedule")

# The advisory lock every riskbrief process on one database competes for ("riskbrif").
LEADER_LOCK_KEY = 0x7269736B62726966

_WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

# Reads the outside sources into the store; it commits page by page itself.
SyncHook = Callable[[Engine, OrgConfig], None]


@dataclass(frozen=True, slots=True)
class SendTime:
    """When briefings go out in each subscriber's zone: a weekday (0 = Monday) and a time."""

    weekday: int = 0
    at: time = time(9, 0)

    @staticmethod
    def of(config: DeliveryConfig) -> SendTime:
        """The send time configured under ``[delivery]``."""
        hours, minutes = config.time.split(":")
        return SendTime(_WEEKDAYS.index(config.day), time(int(hours), int(minutes)))


@dataclass(frozen=True, slots=True)
class Recipient:
    """A subscriber as the schedule sees them: key, zone and the channels that can send."""

    key: str
    timezone: str
    channels: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Due:
    """A subscriber whose briefing of ``week`` should go out now on ``channels``."""

    key: str
    week: IsoWeek
    channels: tuple[str, ...]


def send_moment(current: IsoWeek, when: SendTime, timezone: str) -> datetime:
    """The moment in ``current`` week at which ``timezone``'s briefing goes out."""
    day = current.monday + timedelta(days=when.weekday)
    return datetime.combine(day, when.at, tzinfo=ZoneInfo(timezone))


def due(
    recipients: Sequence[Recipient],
    now: datetime,
    when: SendTime = SendTime(),
    existing: Set[tuple[str, str, str]] = frozenset(),
) -> list[Due]:
    """Who is due at ``now``: their send moment this ISO week has passed in their zone and
    no delivery ``(key, week, channel)`` is in ``existing`` for a channel they have.

    The week briefed is the one before the current week, in the subscriber's zone. Only
    the current week's moment counts, so nobody is ever sent an older week's briefing.
    """
    found: list[Due] = []
    for r in recipients:
        current = IsoWeek.of(now.astimezone(ZoneInfo(r.timezone)).date())
        if now < send_moment(current, when, r.timezone):
            continue
        briefed = current.previous()
        missing = tuple(c for c in r.channels if (r.key, briefed.id, c) not in existing)
        if missing:
            found.append(Due(r.key, briefed, missing))
    return found


def sync_and_score(engine: Engine, org: OrgConfig, sync: SyncHook | None = None) -> None:
    """Bring the store up to date: the organisation, each source's sync, then scores.

    ``sync`` reads the data sources (``bot.sources``); each checkpoints in its own
    transactions, so it runs between the organisation's and the scores'.
    """
    with session_scope(engine) as session:
        sync_org(session, org)
    if sync is not None:
        sync(engine, org)
    with session_scope(engine) as session:
        summary = score_all(session, org)
    log.info("schedule.scored", changes=summary.changes, deploys=summary.deploys)


def tick(
    engine: Engine,
    settings: Settings,
    org: OrgConfig,
    now: datetime,
    senders: Senders | None = None,
) -> list[DeliveryReport]:
    """Deliver every briefing due at ``now``, and retry this week's unfinished ones."""
    senders = senders or Senders.from_settings(settings)
    with session_scope(engine) as session:
        query = select(Subscriber).where(col(Subscriber.active)).order_by(col(Subscriber.id))
        subscribers = list(session.exec(query))
    recipients = [
        Recipient(s.key, s.timezone, tuple(c for c in channels_of(s) if senders.has(c)))
        for s in subscribers
    ]
    briefed = {r.key: IsoWeek.last_complete(now, r.timezone) for r in recipients}
    keys = {s.id: s.key for s in subscribers}
    weeks = {w.id for w in briefed.values()}
    existing = {
        (keys[row.subscriber_id], row.week, row.channel)
        for week in weeks
        for row in states(engine, week=week)
        if row.subscriber_id in keys
    }
    todo = {d.key: d.week for d in due(recipients, now, SendTime.of(org.delivery), existing)}
    for row in find_unfinished(engine, now, weeks):
        key = keys.get(row.subscriber_id)
        # Only the week each subscriber is on now is ever retried.
        if key is not None and briefed[key].id == row.week:
            todo.setdefault(key, briefed[key])
    reports = []
    # One narrator for the tick, so that after a Claude outage the next subscribers fall
    # back at once instead of each waiting out the timeout again.
    narrator = make_narrator(settings) if todo else None
    for s in subscribers:
        if s.key in todo:
            reports.append(
                deliver(
                    engine,
                    settings,
                    org,
                    todo[s.key],
                    now,
                    s.key,
                    senders=senders,
                    narrator=narrator,
                )
            )
    return reports


class Leadership:
    """Whether this process runs the jobs: the holder of a PostgreSQL advisory lock.

    The lock is held by a connection of its own for as long as the process leads; if
    that connection breaks, PostgreSQL frees the lock and another process takes over.
    With SQLite there is one process by design, and it always leads.
    """

    def __init__(self, engine: Engine, key: int = LEADER_LOCK_KEY) -> None:
        self._engine = engine
        self._key = key
        self._conn: Connection | None = None
        self._always = engine.dialect.name != "postgresql"
        # The sync job and the tick may run at once on APScheduler's threads; a
        # Connection must not be shared between threads.
        self._lock = threading.Lock()

    @property
    def is_leader(self) -> bool:
        """True while this process holds the lock (always, on SQLite)."""
        return self._always or self._conn is not None

    def acquire(self) -> bool:
        """Take the lock if free, or check it is still held; True when this process leads."""
        if self._always:
            return True
        with self._lock:
            return self._acquire()

    def _acquire(self) -> bool:
        try:
            if self._conn is not None:
                if self._still_held(self._conn):
                    return True
                self._drop()
                log.warning("schedule.leader_lost")
            self._conn = self._engine.connect()
            got = bool(
                self._conn.execute(
                    sa.text("SELECT pg_try_advisory_lock(:k)"), {"k": self._key}
                ).scalar()
            )
            # Session-level locks outlive the transaction; don't sit idle in one.
            self._conn.commit()
        except sa.exc.DBAPIError:
            log.warning("schedule.leader_check_failed")
            self._drop()
            return False
        if got:
            log.info("schedule.leader", leader=True)
        else:
            self._drop()
        return got

    def _still_held(self, conn: Connection) -> bool:
        held = conn.execute(
            sa.text(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted"
                " AND pid = pg_backend_pid()"
                " AND ((classid::bigint << 32) | objid::bigint) = :k"
            ),
            {"k": self._key},
        ).scalar()
        conn.commit()
        return bool(held)

    def _drop(self) -> None:
        conn, self._conn = self._conn, None
        if conn is not None:
            # Invalidated, not returned to the pool: a pooled session could keep the lock
            # alive with nobody leading. Closing the session frees any lock it held.
            with contextlib.suppress(sa.exc.SQLAlchemyError):
                conn.invalidate()
                conn.close()

    def release(self) -> None:
        """Give the lock up so another process can lead at once."""
        with self._lock:
            self._release()

    def _release(self) -> None:
        if self._conn is not None:
            try:
                self._conn.execute(sa.text("SELECT pg_advisory_unlock(:k)"), {"k": self._key})
                self._conn.commit()
            except sa.exc.SQLAlchemyError:
                pass  # closing the connection below frees it anyway
        self._drop()


def build_scheduler(
    engine: Engine | str,
    settings: Settings,
    org: OrgConfig,
    *,
    senders: Senders | None = None,
    sync: SyncHook | None = None,
    clock: Callable[[], datetime] = utcnow,
) -> BackgroundScheduler:
    """A ``BackgroundScheduler`` with the sync-and-score job and the delivery tick.

    Call ``start()`` to run it and ``shutdown()`` to stop it (which also gives up the
    leader lock). Both jobs first check leadership; on PostgreSQL only one process runs
    them, on SQLite the one process always does. The sync job runs at start, then every
    ``RISKBRIEF_SYNC_INTERVAL_MINUTES``; the tick runs every minute.
    """
    store = make_engine(engine) if isinstance(engine, str) else engine
    leadership = Leadership(store)
    senders = senders or Senders.from_settings(settings)

    def sync_job() -> bool:
        if not leadership.acquire():
            return False
        sync_and_score(store, org, sync)
        return True

    def tick_job() -> bool:
        if not leadership.acquire():
            return False
        tick(store, settings, org, clock(), senders)
        return True

    def on_shutdown(_event: SchedulerEvent) -> None:
        leadership.release()

    scheduler = BackgroundScheduler(
        timezone=UTC,
        # A missed run is not repeated: the next tick works from the store's state.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    scheduler.add_job(
        sync_job,
        IntervalTrigger(minutes=settings.sync_interval_minutes, timezone=UTC),
        id="sync",
        name="sync and score",
        next_run_time=clock(),
    )
    scheduler.add_job(
        tick_job, IntervalTrigger(minutes=1, timezone=UTC), id="tick", name="deliver when due"
    )
    scheduler.add_listener(on_shutdown, EVENT_SCHEDULER_SHUTDOWN)
    return scheduler
