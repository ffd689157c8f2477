"""A Slack reply: notification text and Block Kit blocks, within Slack's size limits."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from briefing.render.escape import truncate

__all__ = ["SECTION_CHARS", "Reply", "context", "section"]

# Slack's limit: 3000 characters in a section's text.
SECTION_CHARS = 3000


@dataclass(frozen=True, slots=True)
class Reply:
    """A message: the notification ``text`` and its ``blocks``."""

    text: str
    blocks: tuple[dict[str, Any], ...] = ()

    def to_json(self) -> dict[str, Any]:
        """``{"text": ..., "blocks": [...]}`` for ``respond`` or ``chat.postMessage``."""
        return {"text": self.text, "blocks": list(self.blocks)}

    @staticmethod
    def plain(text: str) -> Reply:
        """A one-section reply of mrkdwn ``text`` (already safe)."""
        return Reply(text=text, blocks=(section(text),))


def section(text: str) -> dict[str, Any]:
    """A mrkdwn section block; ``text`` must already be escaped."""
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, SECTION_CHARS)}}


def context(text: str) -> dict[str, Any]:
    """A mrkdwn context block; ``text`` must already be escaped."""
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": truncate(text, 2000)}]}
