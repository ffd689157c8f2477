"""A Slack reply as plain text for a terminal: what `riskbrief ask` prints."""

from __future__ import annotations

import html
import re
from typing import Any

from bot.slack.reply import Reply

__all__ = ["reply_text"]

_LINK = re.compile(r"<(https?://[^|>]+)\|([^>]*)>|<(https?://[^>]+)>")


def _plain(mrkdwn: str) -> str:
    """Slack mrkdwn made readable: links as "label (url)", entities decoded."""

    def link(match: re.Match[str]) -> str:
        url, label, bare = match.groups()
        return bare if bare else f"{label} ({url})"

    return html.unescape(_LINK.sub(link, mrkdwn))


def _block_text(block: dict[str, Any]) -> str | None:
    kind = block.get("type")
    if kind in ("section", "header"):
        parts = [block.get("text", {}).get("text", "")]
        parts += [f.get("text", "") for f in block.get("fields", [])]
        return "\n".join(p for p in parts if p)
    if kind == "context":
        return "  ".join(e.get("text", "") for e in block.get("elements", []) if "text" in e)
    if kind == "divider":
        return "—" * 40
    return None


def reply_text(reply: Reply) -> str:
    """The reply's blocks as text, one paragraph each; its notification text without blocks."""
    texts = [t for b in reply.blocks if (t := _block_text(b))]
    return _plain("\n\n".join(texts) if texts else reply.text)
