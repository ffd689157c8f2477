"""The scheduler: who is due when, across time zones and DST, the tick, and one leader."""

from __future__ import annotations

import time as systime
from collections.abc import Iterator
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import time_machine
from sqlalchemy.engine import Engine

from bot.delivery import Senders, SlackSender
from bot.runtime.leadership import LEADER_LOCK_KEY
from bot.runtime.schedule import Due, ScheduledSubscriber, SendTime, build_scheduler, due, tick
from bot.settings import Settings
from briefing.week import IsoWeek
from data.config import OrgConfig, parse_org_config
from data.store.deliveries import delivery_states
from data.store.engine import make_engine, session_scope
from data.store.migrate import upgrade
from data.store.org import sync_org
from fakes.slack_server import FakeSlack

# Touches dates: `make clock-check` re-runs it at a faked Sunday night.
pytestmark = pytest.mark.dates

BOTH = ("slack", "email")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@pytest.mark.parametrize(
    ("now", "zone", "week"),
    [
        # Berlin, winter time (UTC+1): due from 08:00 UTC on Monday.
        ("2026-11-23T07:59", "Europe/Berlin", None),
        ("2026-11-23T08:00", "Europe/Berlin", "2026-W47"),
        # The Monday after Berlin's clocks went back: 09:00 is 08:00 UTC, not 07:00.
        ("2026-10-26T07:30", "Europe/Berlin", None),
        ("2026-10-26T08:00", "Europe/Berlin", "2026-W43"),
        # New York: 09:00 EST is 14:00 UTC; the Monday after DST ended too.
        ("2026-11-23T13:59", "America/New_York", None),
        ("2026-11-23T14:00", "America/New_York", "2026-W47"),
        ("2026-11-02T13:30", "America/New_York", None),
        # Kolkata, UTC+5:30 all year.
        ("2026-11-23T03:29", "Asia/Kolkata", None),
        ("2026-11-23T03:30", "Asia/Kolkata", "2026-W47"),
        # Auckland's Monday begins on Sunday in UTC. NZDT (UTC+13) from 27 Sep 2026:
        ("2026-11-22T19:59", "Pacific/Auckland", None),
        ("2026-11-22T20:00", "Pacific/Auckland", "2026-W47"),
        ("2026-09-27T20:30", "Pacific/Auckland", "2026-W39"),
        # ...and NZST (UTC+12) again from 5 Apr 2026: 09:00 is 21:00 UTC.
        ("2026-04-05T20:30", "Pacific/Auckland", None),
        ("2026-04-05T21:00", "Pacific/Auckland", "2026-W14"),
        # Still due later in the week if nothing went out on Monday.
        ("2026-11-27T12:00", "Europe/Berlin", "2026-W47"),
        # Sunday evening in Berlin: this week's Monday passed long ago, last week is briefed.
        ("2026-11-29T22:00", "Europe/Berlin", "2026-W47"),
    ],
)
def test_due_after_the_local_monday_morning(now: str, zone: str, week: str | None) -> None:
    """A subscriber is due once Monday 09:00 has passed in their zone, DST included."""
    found = due([ScheduledSubscriber("lead", zone, BOTH)], _at(now))
    expected = [] if week is None else [Due("lead", IsoWeek.parse(week), BOTH)]
    assert found == expected


def test_away_for_weeks_gets_only_the_current_week() -> None:
    """With nothing sent for three weeks, only last week's briefing is due, once."""
    now = _at("2026-11-24T10:00")
    existing = {("lead", "2026-W43", "slack"), ("lead", "2026-W43", "email")}
    assert due([ScheduledSubscriber("lead", "Europe/Berlin", BOTH)], now, existing=existing) == [
        Due("lead", IsoWeek.parse("2026-W47"), BOTH)
    ]
    done = existing | {("lead", "2026-W47", "slack"), ("lead", "2026-W47", "email")}
    assert due([ScheduledSubscriber("lead", "Europe/Berlin", BOTH)], now, existing=done) == []


def test_due_names_only_the_channels_not_yet_delivered() -> None:
    """A week whose Slack message went out is still due by email alone."""
    now = _at("2026-11-23T15:00")
    existing = {("vp", "2026-W47", "slack")}
    people = [
        ScheduledSubscriber("vp", "America/New_York", BOTH),
        ScheduledSubscriber("pl", "Asia/Kolkata", ("email",)),
        ScheduledSubscriber("nobody", "UTC", ()),
    ]
    assert due(people, now, existing=existing) == [
        Due("vp", IsoWeek.parse("2026-W47"), ("email",)),
        Due("pl", IsoWeek.parse("2026-W47"), ("email",)),
    ]


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        ("2026-11-27T15:29", None),  # Friday 16:29 in Berlin
        ("2026-11-27T15:30", "2026-W47"),
        ("2026-11-30T08:00", None),  # the next Monday: this week's Friday is still ahead
    ],
)
def test_configured_day_and_time(now: str, expected: str | None) -> None:
    """`[delivery] day = "friday", time = "16:30"` moves the moment, still in local time."""
    when = SendTime.of(parse_org_config('[delivery]\nday = "friday"\ntime = "16:30"\n').delivery)
    assert when == SendTime(4, time(16, 30))
    found = due([ScheduledSubscriber("lead", "Europe/Berlin", ("slack",))], _at(now), when)
    assert [d.week.id for d in found] == ([] if expected is None else [expected])


ORG = """
[organisation]
name = "Tiny"
timezone = "UTC"

[[subscribers]]
key = "berlin"
name = "B"
slack_user_id = "U0BERLIN1"
timezone = "Europe/Berlin"

[[subscribers]]
key = "newyork"
name = "N"
slack_user_id = "U0NEWYORK"
timezone = "America/New_York"
"""


@pytest.fixture
def tiny(engine: Engine) -> OrgConfig:
    """An organisation of two Slack subscribers, Berlin and New York, and nothing else."""
    org = parse_org_config(ORG)
    with session_scope(engine) as session:
        sync_org(session, org)
    return org


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack Web API."""
    with FakeSlack() as fake:
        yield fake


def test_tick_sends_each_zone_at_its_own_monday_morning(
    engine: Engine, tiny: OrgConfig, slack: FakeSlack
) -> None:
    """Ticks across Monday send Berlin at 09:00 Berlin and New York at 09:00 New York, once."""
    senders = Senders(slack=SlackSender("xoxb-test", slack.base_url))
    settings = Settings()
    for minute in ("2026-11-23T07:59", "2026-11-23T08:00", "2026-11-23T08:01"):
        tick(engine, settings, tiny, _at(minute), senders)
    assert len(slack.messages("U0BERLIN1")) == 1
    assert slack.messages("U0NEWYORK") == []
    for minute in ("2026-11-23T13:59", "2026-11-23T14:00", "2026-11-24T14:00"):
        tick(engine, settings, tiny, _at(minute), senders)
    assert len(slack.messages("U0BERLIN1")) == 1
    assert len(slack.messages("U0NEWYORK")) == 1
    assert {(r.week, r.status) for r in delivery_states(engine)} == {("2026-W47", "sent")}


def test_tick_retries_this_weeks_failure_but_not_older_ones(
    engine: Engine, tiny: OrgConfig, slack: FakeSlack
) -> None:
    """A failed send is retried by a later tick in the same week; last week's is left alone."""
    senders = Senders(slack=SlackSender("xoxb-test", slack.base_url))
    slack.fail_next("conversations.open", error="internal_error")
    tick(engine, Settings(), tiny, _at("2026-11-16T08:00"), senders)  # Berlin, W46 fails
    assert [r.status for r in delivery_states(engine, week="2026-W46")] == ["failed"]
    tick(engine, Settings(), tiny, _at("2026-11-23T08:00"), senders)  # a week later
    assert [r.status for r in delivery_states(engine, week="2026-W46")] == ["failed"]
    assert [r.status for r in delivery_states(engine, week="2026-W47")] == ["sent"]
    slack.fail_next("chat.postMessage", error="internal_error")
    tick(engine, Settings(), tiny, _at("2026-11-23T14:00"), senders)  # New York fails
    assert {r.status for r in delivery_states(engine, week="2026-W47")} == {"sent", "failed"}
    tick(engine, Settings(), tiny, _at("2026-11-23T14:10"), senders)  # after the back-off
    assert {r.status for r in delivery_states(engine, week="2026-W47")} == {"sent"}
    assert len(slack.messages("U0NEWYORK")) == 1


# The PostgreSQL cases take ``engine`` for its store at head, emptied: migrating the
# schema anew took each of them most of a second.
@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_only_one_scheduler_leads_on_postgres(engine: Engine, database_url: str) -> None:
    """Two schedulers on one PostgreSQL: only the advisory lock's holder runs the jobs."""
    org = parse_org_config("")
    calls: list[str] = []
    settings = Settings()
    one = build_scheduler(
        database_url, settings, org, senders=Senders(), sync=lambda *_: calls.append("one")
    )
    two = build_scheduler(
        database_url, settings, org, senders=Senders(), sync=lambda *_: calls.append("two")
    )
    one.start(paused=True)
    two.start(paused=True)
    try:
        assert one.get_job("sync").func() is True
        assert two.get_job("sync").func() is False
        assert two.get_job("tick").func() is False
        assert one.get_job("tick").func() is True
        assert calls == ["one"]
        # The leader stops; the other takes over on its next try.
        one.shutdown(wait=False)
        assert two.get_job("sync").func() is True
        assert calls == ["one", "two"]
    finally:
        if one.running:
            one.shutdown(wait=False)
        two.shutdown(wait=False)
        engine.dispose()


def _wait_until_lock_is_free(engine: Engine, timeout: float = 10.0) -> None:
    """Wait for a terminated backend to exit: pg_terminate_backend only signals it."""
    deadline = systime.monotonic() + timeout
    while systime.monotonic() < deadline:
        with engine.connect() as conn:
            held = conn.execute(
                sa.text(
                    "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory'"
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                    " AND ((classid::bigint << 32) | objid::bigint) = :k"
                ),
                {"k": LEADER_LOCK_KEY},
            ).scalar()
        if not held:
            return
        systime.sleep(0.05)
    raise AssertionError("the terminated leader still holds the advisory lock")


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_leadership_moves_when_the_leaders_connection_dies(
    engine: Engine, database_url: str
) -> None:
    """If the leader's lock connection is killed, the other process leads on its next tick."""
    org = parse_org_config("")
    calls: list[str] = []
    one = build_scheduler(
        database_url, Settings(), org, senders=Senders(), sync=lambda *_: calls.append("one")
    )
    two = build_scheduler(
        database_url, Settings(), org, senders=Senders(), sync=lambda *_: calls.append("two")
    )
    one.start(paused=True)
    two.start(paused=True)
    try:
        assert one.get_job("sync").func() is True
        with engine.connect() as admin:
            killed = admin.execute(
                sa.text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_locks"
                    " WHERE locktype = 'advisory' AND pid <> pg_backend_pid()"
                    # pg_locks shows every database's locks; only this test's.
                    " AND database = (SELECT oid FROM pg_database"
                    " WHERE datname = current_database())"
                    " AND ((classid::bigint << 32) | objid::bigint) = :k"
                ),
                {"k": LEADER_LOCK_KEY},
            ).scalar()
        assert killed == 1
        _wait_until_lock_is_free(engine)
        assert two.get_job("sync").func() is True
        assert one.get_job("sync").func() is False
        assert calls == ["one", "two"]
    finally:
        one.shutdown(wait=False)
        two.shutdown(wait=False)
        engine.dispose()


def test_sqlite_scheduler_always_leads(tmp_path: Path) -> None:
    """On SQLite the single process is the leader and its jobs run, on a UTC interval."""
    url = f"sqlite:///{tmp_path}/riskbrief.db"
    engine = make_engine(url)
    upgrade(engine)
    calls: list[str] = []
    with time_machine.travel(_at("2026-11-23T08:00"), tick=False):
        scheduler = build_scheduler(
            engine,
            Settings(),
            parse_org_config(""),
            senders=Senders(),
            sync=lambda *_: calls.append("sync"),
        )
    scheduler.start(paused=True)
    try:
        assert scheduler.get_job("sync").func() is True
        assert scheduler.get_job("tick").func() is True
        assert calls == ["sync"]
        assert {str(j.trigger.timezone) for j in scheduler.get_jobs()} == {"UTC"}
    finally:
        scheduler.shutdown(wait=False)
        engine.dispose()


@pytest.mark.postgres
@pytest.mark.parametrize("database_url", ["postgres"], indirect=True)
def test_replica_that_takes_the_lead_ticks_at_once(engine: Engine, database_url: str) -> None:
    """When the leader goes, the follower's heartbeat takes the lead and brings its tick forward."""
    org = parse_org_config("")
    one = build_scheduler(
        make_engine(database_url, application_name="riskbrief-test-one"),
        Settings(),
        org,
        senders=Senders(),
    )
    two = build_scheduler(
        make_engine(database_url, application_name="riskbrief-test-two"),
        Settings(),
        org,
        senders=Senders(),
    )
    one.start(paused=True)
    two.start(paused=True)
    try:
        assert one.get_job("heartbeat").func() is True
        assert two.get_job("heartbeat").func() is False
        two.modify_job("tick", next_run_time=datetime(2099, 1, 1, tzinfo=UTC))
        one.shutdown(wait=False)
        before = datetime.now(UTC)
        assert two.get_job("heartbeat").func() is True
        assert two.get_job("tick").next_run_time <= before + timedelta(seconds=5)
    finally:
        if one.running:
            one.shutdown(wait=False)
        two.shutdown(wait=False)
        engine.dispose()
