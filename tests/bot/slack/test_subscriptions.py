"""`/risk subscribe`, `unsubscribe` and `settings` over HTTP, on SQLite and PostgreSQL.

Config wins: a subscriber declared in riskbrief.toml is not changed from Slack,
and config sync never touches a subscriber made from Slack.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from data.config import OrgConfig, SubscriberConfig
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Subscriber
from fakes.slack_server import FakeSlack
from tests.bot.slack.conftest import NEWCOMER, VP
from tests.bot.slack.harness import Served, serve_app

_IDS = itertools.count()


@pytest.fixture
def served(org_engine: Engine, org: OrgConfig, slack: FakeSlack) -> Iterator[Served]:
    """The app on a store holding only the organisation's config rows."""
    with serve_app(org_engine, org, slack) as running:
        yield running


def _ask(served: Served, text: str, user_id: str = NEWCOMER) -> str:
    """Send `/risk <text>` and return the text answered on the response_url."""
    response_id = f"r{next(_IDS)}"
    ack = served.command(text, user_id=user_id, response_id=response_id)
    assert ack.status_code == 200
    answer: str = served.slack.wait_for_response(response_id)["text"]
    return answer


def _row(engine: Engine, user_id: str) -> Subscriber | None:
    with session_scope(engine) as session:
        return session.exec(select(Subscriber).where(Subscriber.slack_user_id == user_id)).first()


def test_subscribe_takes_the_time_zone_from_the_slack_profile(
    served: Served, org_engine: Engine
) -> None:
    """A newcomer's subscription gets their Slack profile's zone and name, owned by Slack."""
    answer = _ask(served, "subscribe commerce")
    assert answer == (
        "Subscribed: Commerce, every Monday at 09:00 Europe/Berlin. `/risk unsubscribe` stops it."
    )
    row = _row(org_engine, NEWCOMER)
    assert row is not None
    assert (row.key, row.name, row.timezone, row.teams, row.origin, row.active) == (
        "slack-u0newbie1",
        "Sam Newcomer",
        "Europe/Berlin",
        ["commerce"],
        "slack",
        True,
    )
    assert [c["user"] for c in served.slack.calls_of("users.info")] == [NEWCOMER]


def test_a_named_time_zone_and_email_win_and_later_changes_keep_the_scope(
    served: Served, org_engine: Engine
) -> None:
    """`tz` and `email` override the profile; a later `subscribe tz …` keeps the scope."""
    _ask(served, "subscribe payments email sam@acme.example tz America/Chicago")
    answer = _ask(served, "subscribe tz Asia/Tokyo")
    assert answer.startswith(
        "Updated your subscription: Payments, every Monday at 09:00 Asia/Tokyo"
    )
    row = _row(org_engine, NEWCOMER)
    assert row is not None
    assert (row.services, row.email, row.timezone) == (
        ["payments"],
        "sam@acme.example",
        "Asia/Tokyo",
    )


def test_unknown_slack_profile_zone_falls_back_to_utc(served: Served, org_engine: Engine) -> None:
    """When users.info fails the subscription still starts, in UTC."""
    served.slack.fail_next("users.info", error="user_not_found")
    _ask(served, "subscribe")
    row = _row(org_engine, NEWCOMER)
    assert row is not None
    assert (row.timezone, row.teams, row.services) == ("UTC", [], [])


def test_unsubscribe_then_settings(served: Served, org_engine: Engine) -> None:
    """Unsubscribing keeps the row inactive, settings says so, and doing it twice is harmless."""
    _ask(served, "subscribe discovery")
    assert _ask(served, "unsubscribe").startswith("Unsubscribed")
    row = _row(org_engine, NEWCOMER)
    assert row is not None
    assert row.active is False
    assert _ask(served, "settings").startswith("*Your briefing*: not subscribed.")
    assert _ask(served, "unsubscribe").startswith("You are not subscribed")


def test_config_subscribers_are_managed_by_the_config(served: Served, org_engine: Engine) -> None:
    """The VP, declared in riskbrief.toml, is told the file manages them and nothing changes."""
    before = _row(org_engine, VP)
    for text in ("subscribe payments tz Asia/Tokyo", "unsubscribe"):
        answer = _ask(served, text, user_id=VP)
        assert "managed in riskbrief.toml" in answer
    assert _row(org_engine, VP) == before
    settings = _ask(served, "settings", user_id=VP)
    assert "whole organisation · every Monday at 09:00 America/New_York" in settings


def test_config_sync_leaves_slack_subscribers_alone(
    served: Served, org_engine: Engine, org: OrgConfig
) -> None:
    """Re-applying riskbrief.toml neither deactivates nor rewrites a Slack-made subscriber."""
    _ask(served, "subscribe search")
    with session_scope(org_engine) as session:
        sync_org(session, org)
    row = _row(org_engine, NEWCOMER)
    assert row is not None
    assert (row.active, row.origin, row.services) == (True, "slack", ["search"])


def test_config_declaring_a_slack_subscriber_supersedes_their_subscription(
    served: Served, org_engine: Engine, org: OrgConfig
) -> None:
    """When riskbrief.toml declares a Slack-made subscriber's user, the file's entry wins."""
    _ask(served, "subscribe search")
    declared = org.model_copy(
        update={
            "subscribers": (
                *org.subscribers,
                SubscriberConfig(key="newcomer", slack_user_id=NEWCOMER),
            )
        }
    )
    with session_scope(org_engine) as session:
        sync_org(session, declared)
        rows = session.exec(select(Subscriber).where(Subscriber.slack_user_id == NEWCOMER)).all()
        assert sorted((r.origin, r.active) for r in rows) == [("config", True), ("slack", False)]
