"""Every channel riskbrief sends on, in the order a run reports them: the one list to add to."""

from __future__ import annotations

from bot.delivery.channel import ChannelKind
from bot.delivery.email import EMAIL
from bot.delivery.msteams import MSTEAMS
from bot.delivery.slack import SLACK
from data.store.tables import ChannelName

__all__ = ["CHANNELS", "KINDS", "kind_of"]

KINDS: tuple[ChannelKind, ...] = (SLACK, EMAIL, MSTEAMS)

CHANNELS: tuple[ChannelName, ...] = tuple(k.name for k in KINDS)


def kind_of(name: ChannelName) -> ChannelKind:
    """The registry entry of ``name``."""
    for kind in KINDS:
        if kind.name == name:
            return kind
    raise KeyError(name)
