"""Fixtures for the Slack app: the fake Slack and the sample organisation's scored store."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.composition.compose import compose, record
from briefing.week import IsoWeek
from data.clock import utcnow
from data.config import OrgConfig
from data.sources.sample import sample_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import ChannelName, Delivery, DeliveryStatus, Subscriber
from fakes.slack_server import FakeSlack, SlackUser
from tests.samples import SampleTemplate

# The ts of the vp's delivered W47 briefing in Slack, recorded as its delivery.
DELIVERED_TS = "1763967600.000100"
VP = "U04VPENG01"
NEWCOMER = "U0NEWBIE1"


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """The fake Slack, knowing the sample's VP and a newcomer in Berlin."""
    users = [
        SlackUser(VP, name="dana", real_name="Dana Whitfield", tz="America/New_York"),
        SlackUser(NEWCOMER, name="sam", real_name="Sam Newcomer", tz="Europe/Berlin"),
    ]
    with FakeSlack(users) as fake:
        yield fake


@pytest.fixture(scope="module")
def org() -> OrgConfig:
    """The sample organisation's riskbrief.toml."""
    return sample_org_config()


@pytest.fixture(scope="module")
def sample_engine(
    tmp_path_factory: pytest.TempPathFactory, org: OrgConfig, scored_sample: SampleTemplate
) -> Iterator[Engine]:
    """A SQLite store with the sample organisation scored, and the VP's W47 briefing delivered."""
    engine = scored_sample.copy(tmp_path_factory.mktemp("slack") / "sample.db").engine
    with session_scope(engine) as session:
        vp = session.exec(select(Subscriber).where(Subscriber.slack_user_id == VP)).one()
        briefing = record(session, compose(session, org, vp, IsoWeek(2026, 47)))
        assert vp.id is not None
        session.add(
            Delivery(
                subscriber_id=vp.id,
                briefing_id=briefing.id,
                week="2026-W47",
                channel=ChannelName.SLACK,
                status=DeliveryStatus.SENT,
                attempts=1,
                external_id=DELIVERED_TS,
                claimed_at=utcnow(),
                sent_at=utcnow(),
            )
        )
    yield engine
    engine.dispose()


@pytest.fixture
def org_engine(engine: Engine, org: OrgConfig) -> Engine:
    """A store on each backend holding only the organisation's config rows."""
    with session_scope(engine) as session:
        sync_org(session, org)
    return engine
