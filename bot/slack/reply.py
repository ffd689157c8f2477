"""A Slack reply: notification text and Block Kit blocks, within Slack's size limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefing.render.escape import truncate

__all__ = ["NOTIFICATION_CHARS", "SECTION_CHARS", "Reply", "context", "section"]

# Slack's limit: 3000 characters in a section's text. Text objects are `verbatim`, so
# that Slack does not turn a bare URL, `#channel` or `@here` into a link or a mention.
SECTION_CHARS = 3000
# Slack cuts a message's notification text at 40,000 characters; a notification is read in
# a phone's banner, so an answer's text naming an outside string (a service, a title) is
# cut far earlier, whoever builds it.
NOTIFICATION_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: the notification ``text`` and its ``blocks``."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "text", truncate(self.text, NOTIFICATION_CHARS))

    def to_json(self) -> dict[str, Any]:
        """``{"text": ..., "blocks": [...]}`` for ``respond`` or ``chat.postMessage``."""
        return {"text": self.text, "blocks": list(self.blocks)}

    @staticmethod
    def plain(text: str) -> Reply:
        """A one-section reply of mrkdwn ``text`` (already safe)."""
        return Reply(text=text, blocks=(section(text),))


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section block; ``text`` must already be escaped."""
    text_object = {"type": "mrkdwn", "text": truncate(text, SECTION_CHARS), "verbatim": True}
    return {"type": "section", "text": text_object}


def context(text: str) -> dict[str, Any]:
    """A mrkdwn context block; ``text`` must already be escaped."""
    element = {"type": "mrkdwn", "text": truncate(text, 2000), "verbatim": True}
    return {"type": "context", "elements": [element]}
