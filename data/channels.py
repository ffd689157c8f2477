"""The channels a briefing goes out on, and where a subscriber's address on each is kept.

The data side of a channel: its stored name and its address, which ``riskbrief.toml``
(``data.config``) and the store (``data.store.tables``) read generically from
``ADDRESSES``. How a channel sends, is set up and checked by the doctor is ``bot``'s
(``bot.delivery.registry``); ``data`` never imports ``bot``, so the address is declared
here, one entry per channel, and a test fails when the two lists disagree.

No import of the project and no I/O: ``data.config`` reads this on every parse.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

__all__ = ["ADDRESSES", "Address", "ChannelName", "address_of"]


class ChannelName(StrEnum):
    """A way a briefing goes out; the value is what ``delivery.channel`` stores.

    Stored as plain text, not checked by the database: a new channel needs a member
    here and its module in ``bot.delivery``, not a migration of ``delivery``.
    ``MSTEAMS`` is Microsoft Teams; "teams" in the code is an organisation's teams.
    Its stored value stays ``teams``, what delivery rows, logs and metrics have said.
    """

    SLACK = "slack"
    EMAIL = "email"
    MSTEAMS = "teams"


def _any_address(_value: str) -> str | None:
    return None


@dataclass(frozen=True, slots=True)
class Address:
    """How ``[[subscribers]]`` gives a subscriber's address on one channel, and where it is kept.

    ``key``: its key in riskbrief.toml. ``identity``: the address is also who the
    subscriber is (the Slack member ``/risk`` answers, the email ``/risk subscribe``
    sets), so it is a field of ``SubscriberConfig`` and a column of ``subscriber``
    of the same name, checked there; any other address is kept in
    ``subscriber_address``, one row per channel, and ``refuse`` says in one sentence
    what is wrong with a value, without repeating it (an address may be a secret).
    """

    channel: ChannelName
    key: str
    identity: bool = False
    refuse: Callable[[str], str | None] = _any_address


def _webhook_shape(url: str) -> str | None:
    # Only the shape: the doctor checks the host (bot.delivery.msteams.webhook_problem).
    if re.fullmatch(r"https?://[^\s/?#@]+/\S*", url):
        return None
    return "must be the https:// URL Teams gives for the workflow's webhook"


# Every channel's address, in the order a run reports channels (bot.delivery.registry's).
ADDRESSES: tuple[Address, ...] = (
    Address(ChannelName.SLACK, "slack_user_id", identity=True),
    Address(ChannelName.EMAIL, "email", identity=True),
    # A Teams Workflows webhook URL: whoever has it can post to the chat or channel.
    Address(ChannelName.MSTEAMS, "teams_webhook_url", refuse=_webhook_shape),
)


def address_of(channel: str) -> Address:
    """The declared address of ``channel`` (read at call time, so a test may register one)."""
    for address in ADDRESSES:
        if address.channel == channel:
            return address
    raise KeyError(channel)
