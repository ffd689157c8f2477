"""The scheduler of ``riskbrief serve``: sync and score on an interval, deliver when due.

Two jobs in one APScheduler ``BackgroundScheduler``: an interval job that syncs
the sources and scores, and a tick every minute that delivers each subscriber's
briefing once their local send time (``[delivery]`` in riskbrief.toml, Monday
09:00 by default) of the current ISO week has passed. The tick works from the
store, not from APScheduler's memory of missed runs, so a restart catches up once
and a subscriber who was away gets this week's briefing only.

With PostgreSQL several replicas may run; only the leader (``bot.runtime.leadership``)
runs the jobs. A third job, the heartbeat, runs every few seconds on every replica:
the leader confirms its lead there, a follower tries for it, and whoever takes the
lead ticks at once. The unique delivery claims, fenced by the leader's term, keep
sending exactly once even if two ever overlap.
"""

from __future__ import annotations

import time as systime
from collections.abc import Callable, Sequence, Set
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import structlog
from apscheduler.events import (  # type: ignore[import-untyped]
    EVENT_SCHEDULER_SHUTDOWN,
    SchedulerEvent,
)
from apscheduler.schedulers.background import (  # type: ignore[import-untyped]
    BackgroundScheduler,
)
from apscheduler.triggers.interval import IntervalTrigger  # type: ignore[import-untyped]
from sqlalchemy.engine import Engine

from bot.composition.compose import make_narrator
from bot.composition.pipeline import score_all
from bot.delivery import DeliveryReport, Fence, Senders, channels_of, deliver
from bot.runtime.leadership import Leadership
from bot.runtime.metrics import ProcessMetrics
from bot.settings import Settings
from briefing.week import IsoWeek
from data.clock import utcnow
from data.config import DeliveryConfig, OrgConfig
from data.store.deliveries import DeliveryRetry, delivery_states, find_unfinished
from data.store.engine import make_engine, session_scope
from data.store.org import sync_org
from data.store.reads.subscribers import active_subscribers

__all__ = [
    "Due",
    "ScheduledSubscriber",
    "Scheduling",
    "SendTime",
    "SyncHook",
    "build_scheduler",
    "due",
    "send_moment",
    "sync_and_score",
    "tick",
]

log = structlog.get_logger("riskbrief.schedule")

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
class ScheduledSubscriber:
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
    recipients: Sequence[ScheduledSubscriber],
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

    ``sync`` reads the data sources (``bot.composition.sources``); each checkpoints in its own
    transactions, so it runs between the organisation's and the scores'.
    """
    with session_scope(engine) as session:
        sync_org(session, org)
    if sync is not None:
        sync(engine, org)
    with session_scope(engine) as session:
        summary = score_all(session, org)
    log.info(
        "schedule.scored",
        changes=summary.changes,
        deploys=summary.deploys,
        open_changes=summary.open_changes,
    )


def tick(
    engine: Engine,
    settings: Settings,
    org: OrgConfig,
    now: datetime,
    senders: Senders | None = None,
    *,
    fence: Fence | None = None,
    policy: DeliveryRetry = DeliveryRetry(),  # noqa: B008 - frozen, so one shared default is safe
    progress: Callable[[], None] | None = None,
) -> list[DeliveryReport]:
    """Deliver every briefing due at ``now``, and retry this week's unfinished ones.

    ``fence``: the scheduler's lead, whose term the claims carry; unfinished claims of
    an ended term are retried at once. ``progress`` is called after each subscriber.
    """
    senders = senders or Senders.from_settings(settings)
    term = fence.term if fence is not None else None
    with session_scope(engine) as session:
        subscribers = active_subscribers(session)
    recipients = [
        ScheduledSubscriber(s.key, s.timezone, tuple(c for c in channels_of(s) if senders.has(c)))
        for s in subscribers
    ]
    briefed = {r.key: IsoWeek.last_complete(now, r.timezone) for r in recipients}
    keys = {s.id: s.key for s in subscribers}
    weeks = {w.id for w in briefed.values()}
    existing = {
        (keys[row.subscriber_id], row.week, row.channel)
        for week in weeks
        for row in delivery_states(engine, week=week)
        if row.subscriber_id in keys
    }
    todo = {d.key: d.week for d in due(recipients, now, SendTime.of(org.delivery), existing)}
    for row in find_unfinished(engine, now, weeks, policy, term):
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
                    policy=policy,
                    fence=fence,
                )
            )
            if progress is not None:
                progress()
    return reports


@dataclass(frozen=True, slots=True)
class Scheduling:
    """How often the scheduler works and how long it waits on others.

    ``tick``: how often the leader looks for due briefings. ``lease``: how long a send
    may run before its claim counts as crashed. ``leader_timeout``: how long a
    leader's heartbeat may be silent before another replica takes over.
    ``sync_interval``: how often sources are synced and changes scored.
    """

    tick: timedelta = timedelta(seconds=60)
    lease: timedelta = timedelta(minutes=15)
    leader_timeout: timedelta = timedelta(seconds=60)
    sync_interval: timedelta = timedelta(minutes=30)

    @staticmethod
    def of(settings: Settings) -> Scheduling:
        """The intervals ``RISKBRIEF_*`` set."""
        return Scheduling(
            tick=timedelta(seconds=settings.tick_seconds),
            lease=timedelta(minutes=settings.claim_lease_minutes),
            leader_timeout=timedelta(seconds=settings.leader_timeout_seconds),
            sync_interval=timedelta(minutes=settings.sync_interval_minutes),
        )

    @property
    def heartbeat(self) -> timedelta:
        """How often the leader stamps its heartbeat and followers try for the lead."""
        return max(self.leader_timeout / 6, timedelta(seconds=1))

    @property
    def policy(self) -> DeliveryRetry:
        """The retry policy of scheduled deliveries."""
        return DeliveryRetry(stale_after=self.lease)


class _Progress:
    """When the running tick last moved on, so a tick stuck in one call stops the heartbeat."""

    def __init__(self, clock: Callable[[], float] = systime.monotonic) -> None:
        self._clock = clock
        self._since: float | None = None

    def begin(self) -> None:
        self._since = self._clock()

    step = begin

    def end(self) -> None:
        self._since = None

    def stuck_for(self) -> float:
        """Seconds the running tick has spent on its current step (0 when none runs)."""
        return 0.0 if self._since is None else self._clock() - self._since


def build_scheduler(
    engine: Engine | str,
    settings: Settings,
    org: OrgConfig,
    *,
    senders: Senders | None = None,
    sync: SyncHook | None = None,
    clock: Callable[[], datetime] = utcnow,
    leadership: Leadership | None = None,
    metrics: ProcessMetrics | None = None,
) -> BackgroundScheduler:
    """A ``BackgroundScheduler`` with the sync-and-score job, the delivery tick and the heartbeat.

    Call ``start()`` to run it and ``shutdown()`` to stop it (which also gives up the
    lead). The jobs first check leadership; on PostgreSQL only one replica runs them,
    on SQLite the one process always does. Sync and tick both run at start; sync then
    every ``RISKBRIEF_SYNC_INTERVAL_MINUTES``, the tick every ``RISKBRIEF_TICK_SECONDS``,
    and at once whenever this replica takes the lead.
    """
    store = make_engine(engine) if isinstance(engine, str) else engine
    timing = Scheduling.of(settings)
    leadership = leadership or Leadership(store, timeout=timing.leader_timeout)
    senders = senders or Senders.from_settings(settings)
    progress = _Progress()
    state = {"stuck": False}

    def lead(*, tick_now: bool = False) -> bool:
        was = leadership.is_leader
        leading = leadership.acquire()
        if metrics is not None:
            metrics.lead(leading, leadership.term)
            metrics.last_heartbeat.set_to_current_time()
            if leading != was:
                metrics.leadership.labels("taken" if leading else "lost").inc()
        if tick_now and leading and not was and scheduler.running:
            # The first tick comes when the lead is taken, not a tick interval later.
            scheduler.modify_job("tick", next_run_time=clock())
        return leading

    def sync_job() -> bool:
        if not lead():
            return False
        sync_and_score(store, org, sync)
        return True

    def tick_job() -> bool:
        if not lead():
            return False
        progress.begin()
        try:
            reports = tick(
                store,
                settings,
                org,
                clock(),
                senders,
                fence=leadership,
                policy=timing.policy,
                progress=progress.step,
            )
        finally:
            progress.end()
        if metrics is not None:
            for report in reports:
                metrics.record(report)
            metrics.last_tick.set_to_current_time()
        return True

    def heartbeat_job() -> bool:
        stuck = progress.stuck_for()
        if stuck > timing.lease.total_seconds():
            # A tick stuck in one call longer than any honest send: stop vouching for this
            # replica, so that another ends its sessions and takes over.
            if not state["stuck"]:
                log.error("schedule.tick_stuck", seconds=round(stuck), holder=leadership.holder)
            state["stuck"] = True
            return False
        state["stuck"] = False
        return lead(tick_now=True)

    def on_shutdown(_event: SchedulerEvent) -> None:
        leadership.release()
        if metrics is not None:
            metrics.lead(False, None)

    scheduler = BackgroundScheduler(
        timezone=UTC,
        # A missed run is not repeated: the next tick works from the store's state.
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 60},
    )
    scheduler.add_job(
        sync_job,
        IntervalTrigger(seconds=timing.sync_interval.total_seconds(), timezone=UTC),
        id="sync",
        name="sync and score",
        next_run_time=clock(),
    )
    scheduler.add_job(
        tick_job,
        IntervalTrigger(seconds=timing.tick.total_seconds(), timezone=UTC),
        id="tick",
        name="deliver when due",
        next_run_time=clock(),
    )
    scheduler.add_job(
        heartbeat_job,
        IntervalTrigger(seconds=timing.heartbeat.total_seconds(), timezone=UTC),
        id="heartbeat",
        name="confirm or try for the lead",
    )
    scheduler.add_listener(on_shutdown, EVENT_SCHEDULER_SHUTDOWN)
    return scheduler
