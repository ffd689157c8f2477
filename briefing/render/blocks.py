"""A Slack message and the Block Kit blocks riskbrief uses, within Slack's limits.

One type for every message riskbrief sends or answers with in Slack: the weekly
briefing (``briefing.render.slack``) and every ``/risk`` answer (``bot.slack``).
Every mrkdwn text object is ``verbatim``, so that Slack does not turn a bare URL,
a ``#channel`` or an ``@here`` into a link or a mention; its text must already be
escaped (``briefing.render.escape.mrkdwn``).
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from briefing.render.escape import truncate

__all__ = [
    "CONTEXT_CHARS",
    "HEADER_CHARS",
    "MAX_BLOCKS",
    "MAX_CONTEXT_ELEMENTS",
    "NOTIFICATION_CHARS",
    "SECTION_CHARS",
    "SlackMessage",
    "context",
    "divider",
    "header",
    "section",
]

# Slack's documented limits: 50 blocks a message, 3,000 characters in a section's text,
# 10 elements in a context block, 2,000 characters in each, 150 in a header's.
MAX_BLOCKS = 50
HEADER_CHARS = 150
MAX_CONTEXT_ELEMENTS = 10
SECTION_CHARS = 3000
CONTEXT_CHARS = 2000
# Slack cuts a message's notification text at 40,000 characters; a notification is read in
# a phone's banner, so it is cut far earlier, whoever builds the message.
NOTIFICATION_CHARS = 3000


@dataclass(frozen=True, slots=True)
class SlackMessage:
    """A message: the notification ``text`` (cut to ``NOTIFICATION_CHARS``) and its ``blocks``."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", truncate(self.text, NOTIFICATION_CHARS))

    @staticmethod
    def plain(text: str) -> SlackMessage:
        """A one-section message of mrkdwn ``text`` (already escaped)."""
        return SlackMessage(text=text, blocks=(section(text),))

    def to_json(self) -> dict[str, Any]:
        """The message as ``chat.postMessage`` or ``respond`` arguments."""
        # A deep copy, so a caller adding to the payload cannot change this message.
        return {"text": self.text, "blocks": [copy.deepcopy(b) for b in self.blocks]}


def section(text: str, accessory: dict[str, Any] | None = None) -> dict[str, Any]:
    """A section block of mrkdwn ``text`` (already escaped), cut to Slack's limit."""
    block: dict[str, Any] = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": truncate(text, SECTION_CHARS), "verbatim": True},
    }
    if accessory is not None:
        block["accessory"] = accessory
    return block


def header(text: str) -> dict[str, Any]:
    """A header block of plain ``text`` (already escaped: Slack decodes the same three
    entities in plain_text for display), cut to Slack's limit."""
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": truncate(text, HEADER_CHARS), "emoji": True},
    }


def divider() -> dict[str, Any]:
    """A divider block."""
    return {"type": "divider"}


def context(*texts: str, budget: int = CONTEXT_CHARS) -> dict[str, Any]:
    """A context block of mrkdwn ``texts`` (already escaped), each cut to ``budget``."""
    elements = [
        {"type": "mrkdwn", "text": truncate(t, min(budget, CONTEXT_CHARS)), "verbatim": True}
        for t in texts[:MAX_CONTEXT_ELEMENTS]
    ]
    return {"type": "context", "elements": elements}
