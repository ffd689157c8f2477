"""Teams delivery through the real httpx client against a fake Workflows webhook."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.delivery import CHANNELS, KINDS, EmailSender, Senders, deliver
from bot.delivery.msteams import MSTeamsSender
from bot.settings import Settings
from data.sources.sample import sample_org_config
from data.store.deliveries import FAILED, SENT, delivery_states
from data.store.engine import make_engine, session_scope
from data.store.tables import ChannelName, Subscriber
from fakes.smtp_server import USERNAME, FakeSMTP
from fakes.teams_server import FakeTeams
from tests.samples import SampleTemplate

NOW = datetime(2026, 11, 23, 14, 0, tzinfo=UTC)
KEYS = ("vp-engineering", "commerce-lead", "discovery-lead", "platform-lead")


@pytest.fixture
def store(scored_sample: SampleTemplate, tmp_path: Path) -> Iterator[Engine]:
    """This test's own copy of the scored sample store."""
    path = tmp_path / "riskbrief.db"
    shutil.copy(scored_sample.path, path)
    engine = make_engine(f"sqlite:///{path}")
    yield engine
    engine.dispose()


@pytest.fixture
def teams() -> Iterator[FakeTeams]:
    """The fake Teams Workflows webhooks."""
    with FakeTeams() as fake:
        yield fake


def _reach_on_teams(store: Engine, teams: FakeTeams, *, only: bool = False) -> None:
    """Give every sample subscriber a workflow of their own (and, ``only``, nothing else)."""
    with session_scope(store) as session:
        for row in session.exec(select(Subscriber)):
            row.give_address(ChannelName.MSTEAMS, teams.webhook(row.key))
            if only:
                row.give_address(ChannelName.SLACK, None)
                row.give_address(ChannelName.EMAIL, None)
            session.add(row)


def _run(store: Engine, senders: Senders, at: datetime = NOW) -> list[tuple[str, str, str]]:
    report = deliver(store, Settings(), sample_org_config(), None, at, senders=senders)
    return [(o.subscriber, str(o.channel), str(o.status)) for o in report.outcomes]


def test_every_channel_name_is_registered_once() -> None:
    """The registry lists each ChannelName exactly once, Teams among them."""
    assert sorted(CHANNELS) == sorted(ChannelName)
    assert len({k.name for k in KINDS}) == len(KINDS)


def test_a_teams_only_subscriber_is_never_sent_by_email(
    store: Engine, teams: FakeTeams, tmp_path: Path
) -> None:
    """With only email configured, a subscriber reached on Teams alone is reported unconfigured
    on Teams, and no email goes out in its place."""
    _reach_on_teams(store, teams, only=True)
    with FakeSMTP(tmp_path) as smtp:
        email = EmailSender(
            host=smtp.host,
            port=smtp.port,
            sender="riskbrief@acme.example",
            username=USERNAME,
            password=Settings(smtp_password=smtp.password).smtp_password,
            ssl_context=smtp.client_context,
            timeout=5,
        )
        outcomes = _run(store, Senders(email=email))
        assert smtp.messages == []
    assert outcomes == [(k, "teams", "unconfigured") for k in KEYS]
    assert teams.requests == []


def test_one_card_per_subscriber_exactly_once_across_a_429(store: Engine, teams: FakeTeams) -> None:
    """A 429 with Retry-After is waited out and tried again: each workflow posts one card, and
    a second run posts none."""
    _reach_on_teams(store, teams, only=True)
    waited: list[float] = []
    senders = Senders(teams=MSTeamsSender(sleep=waited.append))
    teams.fail_with(429, retry_after=7)
    assert _run(store, senders) == [(k, "teams", "sent") for k in KEYS]
    assert waited == [7.0]
    assert _run(store, senders, NOW + timedelta(hours=1)) == [(k, "teams", "skipped") for k in KEYS]
    for key in KEYS:
        flow = teams.flow(key)
        assert flow.dropped == []
        (card,) = flow.posted
        assert card["type"] == "AdaptiveCard"
    assert len(teams.requests) == len(KEYS) + 1
    rows = delivery_states(store)
    assert {r.status for r in rows} == {SENT}
    # The row names the webhook's host only: the URL's signature is a credential.
    assert all(r.destination == "http://127.0.0.1/…" for r in rows)
    assert all(r.external_id and r.external_id.startswith("08584") for r in rows)


def test_a_long_retry_after_or_a_lasting_5xx_fails_the_attempt_for_later(
    store: Engine, teams: FakeTeams
) -> None:
    """A Retry-After longer than the sender waits, or 503s past its retries, fail the delivery
    in one sentence naming the host, never the URL, and nothing is posted."""
    _reach_on_teams(store, teams, only=True)
    waited: list[float] = []
    sender = MSTeamsSender(sleep=waited.append, retries=2, backoff=0.5, max_wait=30)
    teams.fail_with(429, retry_after=3600)
    for _ in range(3):
        teams.fail_with(503, retry_after=None)
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "vp-engineering",
        senders=Senders(sender),
    )
    (outcome,) = report.outcomes
    assert str(outcome.status) == "failed"
    assert outcome.detail == (
        "Teams did not take the briefing at http://127.0.0.1/… (HTTP 429); it is retried later"
    )
    assert waited == []
    again = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW + timedelta(hours=1),
        "vp-engineering",
        senders=Senders(sender),
    )
    (outcome,) = again.outcomes
    assert "(HTTP 503); it is retried later" in outcome.detail
    assert waited == [0.5, 1.0]
    assert "sig=" not in outcome.detail
    assert teams.flow("vp-engineering").posted == []
    assert {r.status for r in delivery_states(store)} == {FAILED}


def _deliver_once(store: Engine, sender: MSTeamsSender) -> str:
    """Deliver vp-engineering's briefing with ``sender``; the outcome's status and detail."""
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "vp-engineering",
        senders=Senders(sender),
    )
    (outcome,) = report.outcomes
    return f"{outcome.status}: {outcome.detail}"


def test_a_retry_after_given_as_an_http_date_is_waited_until_that_time(
    store: Engine, teams: FakeTeams
) -> None:
    """A 429 whose Retry-After is an HTTP date (RFC 9110) waits until that date, then posts."""
    _reach_on_teams(store, teams, only=True)
    waited: list[float] = []
    now = NOW.timestamp()
    sender = MSTeamsSender(sleep=waited.append, clock=lambda: now)
    teams.fail_with(429, retry_after=format_datetime(NOW + timedelta(seconds=12), usegmt=True))
    assert _deliver_once(store, sender).startswith("sent")
    assert waited == [12.0]
    assert len(teams.requests) == 2
    assert len(teams.flow("vp-engineering").posted) == 1


def test_the_waits_of_one_send_stop_at_max_wait_on_the_wire(
    store: Engine, teams: FakeTeams
) -> None:
    """Waits are capped in all: a second 429 whose wait would pass max_wait ends the send
    without a third request, as does an HTTP date an hour away, before any wait."""
    _reach_on_teams(store, teams, only=True)
    waited: list[float] = []
    now = NOW.timestamp()
    sender = MSTeamsSender(sleep=waited.append, clock=lambda: now, max_wait=30)
    teams.fail_with(429, retry_after=20)
    teams.fail_with(429, retry_after=20)
    refused = (
        "failed: Teams did not take the briefing at http://127.0.0.1/… (HTTP 429); "
        "it is retried later"
    )
    assert _deliver_once(store, sender) == refused
    assert waited == [20.0]
    assert len(teams.requests) == 2
    later = MSTeamsSender(sleep=waited.append, clock=lambda: now, max_wait=30)
    teams.fail_with(429, retry_after=format_datetime(NOW + timedelta(hours=1), usegmt=True))
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW + timedelta(hours=1),
        "vp-engineering",
        senders=Senders(later),
    )
    (outcome,) = report.outcomes
    assert f"{outcome.status}: {outcome.detail}" == refused
    assert waited == [20.0]
    assert len(teams.requests) == 3
    assert teams.flow("vp-engineering").posted == []


def test_a_deleted_workflow_says_to_copy_the_url_again(store: Engine, teams: FakeTeams) -> None:
    """A 404 from the webhook fails at once with the fix, without retrying."""
    _reach_on_teams(store, teams, only=True)
    with session_scope(store) as session:
        row = session.exec(select(Subscriber).where(Subscriber.key == "platform-lead")).one()
        url = row.address_on(ChannelName.MSTEAMS) or ""
        row.give_address(ChannelName.MSTEAMS, url.replace("/workflows/", "/workflows/0"))
        session.add(row)
    report = deliver(
        store,
        Settings(),
        sample_org_config(),
        None,
        NOW,
        "platform-lead",
        senders=Senders(MSTeamsSender(sleep=lambda _: None)),
    )
    (outcome,) = report.outcomes
    assert outcome.detail.startswith("Teams refused the briefing at http://127.0.0.1/… (HTTP 404)")
    assert "teams_webhook_url in riskbrief.toml" in outcome.detail
    assert len(teams.requests) == 1
