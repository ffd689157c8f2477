"""Sending briefings: the ``Channel`` seam, its registry (``registry.KINDS``), and ``deliver``,
the one claimed path to them."""

from __future__ import annotations

from bot.delivery.channel import Attempt, Channel, ChannelKind, SendGate, Sent
from bot.delivery.deliver import deliver, send_now
from bot.delivery.email import EmailSender, briefing_message, message_id
from bot.delivery.outcomes import (
    CHANNELS,
    DeliveryOutcome,
    DeliveryReport,
    OutcomeStatus,
    report_lines,
)
from bot.delivery.registry import KINDS
from bot.delivery.senders import Senders, channels_of
from bot.delivery.sending import Fence
from bot.delivery.slack import BRIEFING_EVENT, SlackSender, SlackSent, briefing_metadata

__all__ = [
    "BRIEFING_EVENT",
    "CHANNELS",
    "KINDS",
    "Attempt",
    "Channel",
    "ChannelKind",
    "DeliveryOutcome",
    "DeliveryReport",
    "EmailSender",
    "Fence",
    "OutcomeStatus",
    "SendGate",
    "Senders",
    "Sent",
    "SlackSender",
    "SlackSent",
    "briefing_message",
    "briefing_metadata",
    "channels_of",
    "deliver",
    "message_id",
    "report_lines",
    "send_now",
]
