"""The seam every way out goes through: a ``Channel``, and the ``SendGate`` it sends through.

A channel knows whom it can reach (``address``: their address on it), how a briefing looks on it
(``render``), how to hand it over (``send_briefing``) and, after a crash, whether an
earlier attempt's message already arrived (``find_sent``). The claim, the fence, the
record and the retries are ``bot.delivery.sending``'s, the same for every channel.
Channels are listed once, in ``bot.delivery.registry``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Protocol, TypeVar

from bot.settings import Settings
from briefing.narrative import Narrative
from briefing.payload import BriefingPayload
from data.config.sections import SubscriberConfig
from data.store.deliveries import Claim
from data.store.tables import ChannelName, Subscriber

__all__ = ["Attempt", "Channel", "ChannelKind", "SendGate", "Sent"]

Message = TypeVar("Message")


@dataclass(frozen=True, slots=True)
class Sent:
    """A message a channel handed over: what it is called there, and where it went."""

    external_id: str
    destination: str


@dataclass(frozen=True, slots=True)
class Attempt:
    """One attempt at one delivery: to whom, under which claim, and when (the run's clock)."""

    subscriber: Subscriber
    claim: Claim
    now: datetime


class SendGate(Protocol):
    """What a channel asks before it hands a message over."""

    def open(self, destination: str) -> None:
        """Record ``destination`` as where this attempt sends; raises when it may not send.

        Called once, just before the message goes out; nothing may be sent without it.
        """
        ...

    def holds(self) -> bool:
        """True while this process may still send; asked again at the last moment."""
        ...


class Channel(Protocol[Message]):
    """A configured way out for briefings."""

    @property
    def name(self) -> ChannelName:
        """The channel's name, as stored in ``delivery.channel``."""
        ...

    def address(self, subscriber: Subscriber) -> str | None:
        """Where ``subscriber`` is reached on this channel, or ``None`` when they are not."""
        ...

    def render(self, payload: BriefingPayload, narrative: Narrative) -> Message:
        """The briefing as this channel shows it, within the channel's limits."""
        ...

    def find_sent(self, attempt: Attempt) -> Sent | None:
        """The message an earlier attempt of this delivery delivered, if the channel can tell.

        Only asked on a retry whose earlier attempt noted a destination; ``None`` both
        when nothing was sent and when the channel cannot know (then it is at least once).
        """
        ...

    def send_briefing(self, attempt: Attempt, message: Message, gate: SendGate) -> Sent:
        """Hand ``message`` over, after ``gate.open``; raises ``DeliveryError`` in one sentence."""
        ...


def _no_check(_subscriber: str, _address: str, _config: Path) -> tuple[str, str] | None:
    return None


@dataclass(frozen=True, slots=True)
class ChannelKind:
    """One entry of the registry: a channel's name, how to set it up, and the doctor's check.

    Whom it reaches is the subscriber's address on it (``data.channels.ADDRESSES`` says
    where that is kept), asked of a stored row (``address``) or of riskbrief.toml
    (``address_in``) alike, without any setting, so that a subscriber the channel would
    reach is reported ``unconfigured`` rather than forgotten. ``configure`` gives the
    channel, or the one sentence naming the setting that is missing. ``check`` is the
    doctor's look at one subscriber's address (subscriber key, address, riskbrief.toml's
    path): what is wrong and its fix, each a sentence, or ``None``; it never repeats a
    secret address whole.
    """

    name: ChannelName
    configure: Callable[[Settings], Channel[Any] | str]
    check: Callable[[str, str, Path], tuple[str, str] | None] = _no_check

    def address(self, subscriber: Subscriber) -> str | None:
        """Where the stored ``subscriber`` is reached on this channel, or ``None``."""
        return subscriber.address_on(self.name)

    def address_in(self, subscriber: SubscriberConfig) -> str | None:
        """Where riskbrief.toml's ``subscriber`` is reached on this channel, or ``None``."""
        return subscriber.address_on(self.name)
