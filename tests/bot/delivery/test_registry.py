"""A channel is declared once: its address in ``data.channels.ADDRESSES`` and its module's
``KIND``, which the registry finds by the channel's name, and it reaches its subscribers.

A test-only channel (``pager``) is declared for one test by its address and its kind (the
entry ``bot.delivery.registry.KINDS`` would read from a ``bot.delivery.pager`` module), and
nothing else is edited: riskbrief.toml, the store, delivery and the doctor all reach its
subscriber.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest
from pydantic import SecretStr
from sqlalchemy.engine import Engine
from sqlmodel import select

from bot.delivery import registry
from bot.delivery.channel import Channel, ChannelKind
from bot.delivery.senders import channels_of
from bot.doctor.checks import check_delivery
from bot.settings import Settings
from data import channels
from data.channels import Address, ChannelName
from data.config import parse_org_config
from data.store.engine import session_scope
from data.store.org import sync_org
from data.store.tables import Subscriber, SubscriberAddress
from scoring.errors import ConfigError

# Not a member of ChannelName (an enum cannot grow in a test): the name a new member would have.
PAGER = cast(ChannelName, "pager")

ORG = "[[subscribers]]\nkey = 'oncall'\npager_id = 'PGR-0042'\n"


def _pager_refuse(value: str) -> str | None:
    return None if value.startswith("PGR-") else "must be a pager id such as PGR-0042"


def _pager_check(subscriber: str, address: str, config: Path) -> tuple[str, str] | None:
    if address != "PGR-0000":
        return None
    return (f"subscriber {subscriber}'s pager_id is the test pager.", f"page someone, in {config}.")


def _configure(_settings: Settings) -> Channel[Any] | str:
    return "set RISKBRIEF_PAGER_TOKEN to page briefings"


@pytest.fixture
def pager(monkeypatch: pytest.MonkeyPatch) -> ChannelKind:
    """A test-only channel, declared by its address and its kind alone."""
    kind = ChannelKind(PAGER, _configure, _pager_check)
    address = Address(PAGER, "pager_id", refuse=_pager_refuse)
    monkeypatch.setattr(channels, "ADDRESSES", (*channels.ADDRESSES, address))
    monkeypatch.setattr(registry, "KINDS", (*registry.KINDS, kind))
    return kind


def test_every_channel_has_its_address_declared_once() -> None:
    """Each declared address finds its channel's module and kind, in the same order, and each
    ``ChannelName`` has one address."""
    assert [a.channel for a in channels.ADDRESSES] == [k.name for k in registry.KINDS]
    assert all(
        registry.channel_kind(a.channel) is k
        for a, k in zip(channels.ADDRESSES, registry.KINDS, strict=True)
    )
    assert sorted(a.channel for a in channels.ADDRESSES) == sorted(ChannelName)
    keys = [a.key for a in channels.ADDRESSES]
    assert len(set(keys)) == len(keys)


def test_an_identity_address_is_a_subscriber_field_and_column() -> None:
    """A channel whose address is kept on the subscriber row names a real field and column."""
    from data.config.sections import SubscriberConfig

    for address in channels.ADDRESSES:
        if address.identity:
            assert address.key in SubscriberConfig.model_fields
            assert address.key in Subscriber.model_fields


def test_a_registered_channel_reaches_its_subscriber_from_riskbrief_toml(
    pager: ChannelKind,
) -> None:
    """A subscriber with only the new channel's key parses, and that channel reaches them."""
    (sub,) = parse_org_config(ORG).subscribers
    assert pager.address_in(sub) == "PGR-0042"
    assert [k.name for k in registry.KINDS if k.address_in(sub)] == [PAGER]


@pytest.mark.usefixtures("pager")
def test_a_registered_channel_refuses_its_own_bad_address() -> None:
    """The new channel's refusal is one sentence at its key, through the same parse."""
    with pytest.raises(ConfigError, match=r"subscribers\[0\]\.pager_id must be a pager id"):
        parse_org_config(ORG.replace("PGR-0042", "0042"))


def test_an_unregistered_channel_key_is_an_unknown_setting() -> None:
    """Without the registration the key is a mistake, as any unknown key is."""
    with pytest.raises(ConfigError, match=r"subscribers\[0\]\.pager_id is not a known setting"):
        parse_org_config(ORG)


@pytest.mark.usefixtures("pager")
def test_a_registered_channel_stores_its_address_and_delivery_finds_it(engine: Engine) -> None:
    """sync_org keeps the address in subscriber_address; the row read back is reached on it."""
    with session_scope(engine) as session:
        sync_org(session, parse_org_config(ORG))
    with session_scope(engine) as session:
        row = session.exec(select(Subscriber)).one()
        stored = session.exec(select(SubscriberAddress)).all()
    assert [(a.channel, a.address) for a in stored] == [("pager", "PGR-0042")]
    # Read in a session that has ended, as delivery reads it.
    assert channels_of(row) == (PAGER,)


@pytest.mark.usefixtures("pager")
def test_the_doctor_asks_a_registered_channel() -> None:
    """The delivery check names the new channel's missing setting and runs its address check."""
    # Slack set up for a second reader, so that the one on the pager alone is left out.
    settings = Settings(slack_bot_token=SecretStr("xoxb-test"))
    org = parse_org_config(ORG + "[[subscribers]]\nkey = 'vp'\nslack_user_id = 'U0VP'\n")
    check = check_delivery(settings, org, None)
    assert check.detail.startswith("subscriber oncall would get nothing")
    assert (check.fix or "").startswith("set RISKBRIEF_PAGER_TOKEN to page briefings")
    bad = check_delivery(settings, parse_org_config(ORG.replace("0042", "0000")), None)
    assert bad.detail == "subscriber oncall's pager_id is the test pager."
