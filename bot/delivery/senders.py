"""The configured ways out, and which of them reach a subscriber."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from bot.delivery import registry
from bot.delivery.channel import Channel
from bot.settings import Settings
from data.store.tables import ChannelName, Subscriber

__all__ = ["Senders", "channels_of"]


class Senders:
    """The configured channels, and for each missing one the sentence naming its setting.

    Channels are given positionally or by name (``Senders(slack=SlackSender(...))``,
    ``None`` meaning not configured); ``from_settings`` configures every registered one.
    """

    __slots__ = ("_channels", "missing")

    def __init__(
        self,
        *channels: Channel[Any],
        missing: Mapping[ChannelName, str] | Mapping[str, str] | None = None,
        **named: Channel[Any] | None,
    ) -> None:
        found: dict[ChannelName, Channel[Any]] = {c.name: c for c in channels}
        for word, channel in named.items():
            if channel is None:
                continue
            if channel.name != ChannelName(word):
                raise ValueError(f"{word}= was given the {channel.name} channel")
            found[channel.name] = channel
        self._channels = found
        self.missing = {ChannelName(k): v for k, v in (missing or {}).items()}

    @staticmethod
    def from_settings(settings: Settings) -> Senders:
        """Every registered channel whose settings are present."""
        channels: list[Channel[Any]] = []
        missing: dict[ChannelName, str] = {}
        for kind in registry.KINDS:
            got = kind.configure(settings)
            if isinstance(got, str):
                missing[kind.name] = got
            else:
                channels.append(got)
        return Senders(*channels, missing=missing)

    def get(self, channel: ChannelName) -> Channel[Any] | None:
        """The configured ``channel``, or ``None``."""
        return self._channels.get(channel)

    def has(self, channel: ChannelName) -> bool:
        """True when ``channel`` can be sent on."""
        return channel in self._channels

    def why_not(self, channel: ChannelName) -> str:
        """The sentence saying what to set so that ``channel`` can be sent on."""
        return self.missing.get(channel, f"{channel} delivery is not configured")


def channels_of(subscriber: Subscriber) -> tuple[ChannelName, ...]:
    """The channels a subscriber is reached on, configured or not, in the registry's order."""
    return tuple(kind.name for kind in registry.KINDS if kind.address(subscriber))
