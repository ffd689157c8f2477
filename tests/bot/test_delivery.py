"""Delivery end to end: the real slack_sdk against a fake Slack, smtplib against aiosmtpd."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import time_machine
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.delivery import (
    BRIEFING_EVENT,
    EmailSender,
    Senders,
    SlackSender,
    briefing_metadata,
    deliver,
    message_id,
)
from bot.settings import Settings
from briefing.render import SlackMessage
from data.sources.sample import sample_org_config
from data.store.deliveries import FAILED, SENT, claim, delivery_states, note_destination
from data.store.engine import make_engine, session_scope
from data.store.tables import Briefing, Subscriber
from fakes.slack_server import FakeSlack
from fakes.smtp_server import USERNAME, FakeSMTP, free_port
from scoring.errors import DeliveryError
from tests.samples import SampleTemplate

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)  # a Monday afternoon everywhere in the sample
WEEK = "2026-W47"
TOKEN = "xoxb-test-token-0123456789"
SENDER = "riskbrief@acme.example"
SLACK_USERS = {
    "vp-engineering": "U04VPENG01",
    "commerce-lead": "U05COMLEAD",
    "discovery-lead": "U06DISCLD1",
}
EMAILS = {
    "vp-engineering": "dana.whitfield@acme.example",
    "commerce-lead": "lena.hoffmann@acme.example",
    "platform-lead": "platform-lead@acme.example",
}


@pytest.fixture(scope="module")
def sample_db(scored_sample: SampleTemplate) -> Path:
    """A SQLite store with the scored sample organisation, built once and copied per test."""
    assert scored_sample.as_of == NOW.date()
    return scored_sample.path


@pytest.fixture
def store(sample_db: Path, tmp_path: Path) -> Iterator[Engine]:
    """This test's own copy of the sample store."""
    path = tmp_path / "riskbrief.db"
    shutil.copy(sample_db, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Iterator[None]:
    """The wall clock at ``NOW``, ticking."""
    with time_machine.travel(NOW, tick=True):
        yield


def _senders(
    slack: FakeSlack,
    smtp: FakeSMTP,
    *,
    smtp_port: int | None = None,
    waits: list[float] | None = None,
) -> Senders:
    # ``waits`` records the Slack sender's waits instead of sleeping them.
    sleep = time.sleep if waits is None else waits.append
    return Senders(
        slack=SlackSender(TOKEN, slack.base_url, sleep=sleep),
        email=EmailSender(
            host=smtp.host,
            port=smtp_port or smtp.port,
            sender=SENDER,
            username=USERNAME,
            password=Settings(smtp_password=smtp.password).smtp_password,
            ssl_context=smtp.client_context,
            timeout=5,
        ),
    )


def _run(
    store: Engine, senders: Senders, at: datetime = NOW, subscriber: str | None = None
) -> list[tuple[str, str, str]]:
    report = deliver(store, Settings(), sample_org_config(), None, at, subscriber, senders=senders)
    return [(o.subscriber, o.channel, o.status) for o in report.outcomes]


def _subscriber_id(store: Engine, key: str) -> int:
    with session_scope(store) as session:
        row = session.exec(select(Subscriber).where(Subscriber.key == key)).one()
        assert row.id is not None
        return row.id


def test_running_deliver_twice_sends_each_briefing_once(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """Two runs give every subscriber exactly one Slack message and one email for the week."""
    senders = _senders(slack, smtp)
    first = _run(store, senders)
    assert sorted(first) == sorted(
        [(k, "slack", "sent") for k in SLACK_USERS] + [(k, "email", "sent") for k in EMAILS]
    )
    second = _run(store, senders, NOW + timedelta(hours=1))
    assert {status for _, _, status in second} == {"skipped"}
    for key, user in SLACK_USERS.items():
        (message,) = slack.messages(user)
        assert message["metadata"]["event_type"] == BRIEFING_EVENT
        assert message["metadata"]["event_payload"]["subscriber"] == key
        assert message["blocks"][0]["text"]["text"].strip("*").startswith(message["text"][:1])
    for key, address in EMAILS.items():
        (email,) = smtp.to(address)
        assert email["Message-ID"] == message_id(key, WEEK, SENDER)
        assert email["Subject"].startswith("[riskbrief]")
    assert set(smtp.logins) <= {"PLAIN", "LOGIN"}
    assert len(smtp.logins) == len(EMAILS)
    rows = delivery_states(store, week=WEEK)
    assert len(rows) == len(SLACK_USERS) + len(EMAILS)
    assert all(r.status == SENT and r.attempts == 1 and r.external_id for r in rows)
    with session_scope(store) as session:
        assert len(session.exec(select(Briefing).where(Briefing.week == WEEK)).all()) == 4


def test_crash_after_claim_is_retried_on_the_next_run(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """A claim left by a crash before sending is skipped while fresh and sent once stale."""
    lead = _subscriber_id(store, "commerce-lead")
    assert claim(store, lead, WEEK, "slack", NOW) is not None  # ...and then the process died.
    senders = _senders(slack, smtp)
    outcomes = _run(store, senders, NOW + timedelta(minutes=1), "commerce-lead")
    assert outcomes == [("commerce-lead", "slack", "skipped"), ("commerce-lead", "email", "sent")]
    assert slack.messages(SLACK_USERS["commerce-lead"]) == []
    later = NOW + timedelta(minutes=20)
    assert _run(store, senders, later, "commerce-lead") == [
        ("commerce-lead", "slack", "sent"),
        ("commerce-lead", "email", "skipped"),
    ]
    assert len(slack.messages(SLACK_USERS["commerce-lead"])) == 1
    assert len(smtp.to(EMAILS["commerce-lead"])) == 1
    row = next(r for r in delivery_states(store, subscriber_id=lead) if r.channel == "slack")
    assert (row.status, row.attempts) == (SENT, 2)


def test_message_that_reached_slack_before_a_crash_is_not_posted_again(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """A retried claim whose first attempt had posted finds it by metadata and records it."""
    lead = _subscriber_id(store, "discovery-lead")
    first = claim(store, lead, WEEK, "slack", NOW)
    assert first is not None
    sender = SlackSender(TOKEN, slack.base_url)
    channel = sender.destination(SLACK_USERS["discovery-lead"])
    note_destination(store, first, channel)
    posted = sender.post(
        channel,
        SlackMessage(text="the first attempt", blocks=()),
        briefing_metadata(first.id, WEEK, "discovery-lead"),
    )
    # The process died here, before recording the send.
    outcomes = _run(store, _senders(slack, smtp), NOW + timedelta(minutes=20), "discovery-lead")
    assert outcomes == [("discovery-lead", "slack", "found")]
    assert len(slack.messages(SLACK_USERS["discovery-lead"])) == 1
    assert len(slack.calls_of("chat.postMessage")) == 1
    (row,) = delivery_states(store, subscriber_id=lead)
    assert (row.status, row.external_id, row.destination) == (SENT, posted.ts, channel)


def test_rate_limited_post_waits_for_retry_after_and_posts_once(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """A 429 with Retry-After is waited out as asked and the briefing lands once."""
    slack.fail_next("chat.postMessage", status=429, retry_after=7)
    sleeps: list[float] = []
    outcomes = _run(store, _senders(slack, smtp, waits=sleeps), NOW, "discovery-lead")
    assert outcomes == [("discovery-lead", "slack", "sent")]
    assert len(slack.calls_of("chat.postMessage")) == 2
    assert len(slack.messages(SLACK_USERS["discovery-lead"])) == 1
    assert sleeps == [7.0]


def test_invalid_token_fails_in_one_sentence_and_is_recorded(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """Slack's invalid_auth becomes one sentence naming SLACK_BOT_TOKEN, on the failed row."""
    slack.fail_next("conversations.open", error="invalid_auth")
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "discovery-lead",
        senders=_senders(slack, smtp),
    )
    (failure,) = report.failures
    assert "SLACK_BOT_TOKEN" in failure.detail
    assert "invalid_auth" in failure.detail
    assert TOKEN not in failure.detail
    assert "\n" not in failure.detail
    assert failure.detail.count(". ") == 0
    (row,) = delivery_states(store, week=WEEK)
    assert (row.status, row.attempts, row.last_error) == (FAILED, 1, failure.detail)
    assert slack.calls_of("chat.postMessage") == []


def test_configured_channel_gets_every_slack_briefing_instead_of_dms(
    store: Engine, slack: FakeSlack
) -> None:
    """With RISKBRIEF_SLACK_CHANNEL set, Slack briefings go to that channel and no DM opens."""
    settings = Settings(
        slack_bot_token=TOKEN, slack_api_url=slack.base_url, slack_channel="C0RISKS01"
    )
    report = deliver(store, settings, sample_org_config(), None, NOW)
    assert {o.subscriber for o in report.delivered} == set(SLACK_USERS)
    posted = slack.messages("C0RISKS01")
    assert sorted(m["metadata"]["event_payload"]["subscriber"] for m in posted) == sorted(
        SLACK_USERS
    )
    assert slack.calls_of("conversations.open") == []
    assert {r.destination for r in delivery_states(store)} == {"C0RISKS01"}


def test_unreachable_slack_is_one_sentence_naming_the_url() -> None:
    """A Slack API URL nothing answers on fails in one sentence naming SLACK_API_URL."""
    sender = SlackSender(TOKEN, f"http://127.0.0.1:{free_port()}/api/", timeout=5)
    with pytest.raises(DeliveryError, match=r"^cannot reach Slack at http://127\.0\.0\.1:\d+/api/"):
        sender.destination("U0SOMEONE")


def test_slack_refusal_raises_delivery_error_from_the_sender(slack: FakeSlack) -> None:
    """The sender turns channel_not_found into a DeliveryError that says what to fix."""
    slack.fail_next("chat.postMessage", error="channel_not_found")
    sender = SlackSender(TOKEN, slack.base_url)
    with pytest.raises(DeliveryError, match=r"slack_user_id in riskbrief\.toml"):
        sender.post("C0NOWHERE", SlackMessage(text="x", blocks=()), briefing_metadata(1, WEEK, "k"))


def test_smtp_down_is_recorded_and_everyone_else_is_delivered(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """Emails to a server that refuses connections fail on their rows; Slack still goes out."""
    senders = _senders(slack, smtp, smtp_port=free_port())
    outcomes = _run(store, senders)
    assert {(k, s) for k, c, s in outcomes if c == "slack"} == {(k, "sent") for k in SLACK_USERS}
    assert {(k, s) for k, c, s in outcomes if c == "email"} == {(k, "failed") for k in EMAILS}
    emails = [r for r in delivery_states(store, week=WEEK) if r.channel == "email"]
    assert all(r.status == FAILED and r.attempts == 1 for r in emails)
    assert all("could not be used" in (r.last_error or "") for r in emails)
    assert smtp.messages == []
    # Once the server is back, the next run after the back-off sends each email once.
    back = _run(store, _senders(slack, smtp), NOW + timedelta(minutes=6))
    assert {(k, s) for k, c, s in back if c == "email"} == {(k, "sent") for k in EMAILS}
    assert all(len(smtp.to(a)) == 1 for a in EMAILS.values())
    assert all(len(slack.messages(u)) == 1 for u in SLACK_USERS.values())


def test_smtp_login_refused_names_the_settings_without_the_password(
    store: Engine, smtp: FakeSMTP
) -> None:
    """A refused SMTP login is one sentence naming the variables, never the password."""
    senders = Senders(
        email=EmailSender(
            host=smtp.host,
            port=smtp.port,
            sender=SENDER,
            username=USERNAME,
            password=Settings(smtp_password="wrong-password").smtp_password,
            ssl_context=smtp.client_context,
            timeout=5,
        )
    )
    report = deliver(
        store, Settings(), sample_org_config(), None, NOW, "platform-lead", senders=senders
    )
    (failure,) = report.failures
    assert "RISKBRIEF_SMTP_PASSWORD" in failure.detail
    assert "wrong-password" not in failure.detail
    assert smtp.messages == []


def test_retry_sends_the_briefing_already_stored_for_the_week(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """A channel sent later carries the same stored briefing, not a rebuilt one."""
    senders = _senders(slack, smtp, smtp_port=free_port())
    _run(store, senders, NOW, "commerce-lead")
    with session_scope(store) as session:
        (first,) = session.exec(select(Briefing)).all()
        first.narrative = {**first.narrative, "headline": "The headline the first send used"}
        session.add(first)
    _run(store, _senders(slack, smtp), NOW + timedelta(minutes=6), "commerce-lead")
    (email,) = smtp.to(EMAILS["commerce-lead"])
    body = email.get_body(("plain",))
    assert body is not None
    assert "The headline the first send used" in body.get_content()


def test_unconfigured_channels_are_reported_not_claimed(store: Engine, slack: FakeSlack) -> None:
    """Without SMTP settings the email is not claimed and the outcome names the variables."""
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "vp-engineering",
        senders=Senders.from_settings(
            Settings(slack_bot_token=TOKEN, slack_api_url=slack.base_url)
        ),
    )
    outcome = {str(o.channel): o for o in report.outcomes}
    assert outcome["slack"].status == "sent"
    assert outcome["email"].status == "unconfigured"
    assert "RISKBRIEF_SMTP_HOST and RISKBRIEF_SMTP_FROM" in outcome["email"].detail
    assert [r.channel for r in delivery_states(store)] == ["slack"]


class _LapsedLead:
    """A leader whose lead is no longer confirmed by its own clock (it was stopped)."""

    term = None

    def holds(self) -> bool:
        return False


def test_replica_whose_lead_lapsed_sends_nothing(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """A delivery whose fence no longer holds stops before sending and is left to retry."""
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "vp-engineering",
        senders=_senders(slack, smtp),
        fence=_LapsedLead(),
    )
    assert {(o.channel, o.status) for o in report.outcomes} == {
        ("slack", "skipped"),
        ("email", "skipped"),
    }
    assert all("lost the scheduler's lead" in o.detail for o in report.outcomes)
    assert slack.messages(SLACK_USERS["vp-engineering"]) == []
    assert smtp.to(EMAILS["vp-engineering"]) == []
    assert {r.status for r in delivery_states(store, week=WEEK)} == {FAILED}


class _LeadLapsingMidSend:
    """A leader stopped after its checks before the send, its lead lapsed when it resumes."""

    term = None

    def __init__(self) -> None:
        self.asked = 0

    def holds(self) -> bool:
        self.asked += 1
        # The first check, before the SMTP conversation starts, still finds the lead held.
        return self.asked == 1


def test_email_whose_lead_lapses_during_the_smtp_conversation_is_not_handed_over(
    store: Engine, slack: FakeSlack, smtp: FakeSMTP
) -> None:
    """The lead is asked again just before SMTP's DATA, so a stalled leader sends no email."""
    fence = _LeadLapsingMidSend()
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "platform-lead",
        senders=_senders(slack, smtp),
        fence=fence,
    )
    assert [(o.channel, o.status) for o in report.outcomes] == [("email", "skipped")]
    assert fence.asked == 2
    assert smtp.to(EMAILS["platform-lead"]) == []
    assert {r.status for r in delivery_states(store, week=WEEK)} == {FAILED}
