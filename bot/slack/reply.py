"""A ``/risk`` answer is a ``SlackMessage``, the one Slack message type (render/blocks.py)."""

from __future__ import annotations

from briefing.render.blocks import NOTIFICATION_CHARS, SECTION_CHARS, SlackMessage, context, section

__all__ = ["NOTIFICATION_CHARS", "SECTION_CHARS", "Reply", "context", "section"]

# The name the Slack app's answers use for the one message type.
Reply = SlackMessage
